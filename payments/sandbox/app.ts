import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { Knex } from 'knex';
import Koa from 'koa';
import { z } from 'zod';
import { ORDER_ID_PATTERN, type TossBilling, type TossCard, type TossPayment } from '../types';
import { behaviourOf, issuerCodeOf, maskCardNumber, testCards } from './cards';
import {
  approvedPayment,
  canceledPayment,
  kst,
  newAuthKey,
  newBillingKey,
  newPaymentKey,
  sha256,
} from './payment';
import { billingAuthPage, receiptPage, sdkScript, withQuery } from './pages';
import { SandboxError, tossErrors } from './tossErrors';
import { trafficCounter } from './traffic';

export interface SandboxOptions {
  db: Knex;
  publicUrl: string;
  /** How long a "timeout" fault holds a request before dropping the connection. */
  hangMs?: number;
}

/** Switchable faults for reliability tests: each a probability (0–1) per /v1 request, plus added latency. */
export const faultSchema = z.strictObject({
  failRate: z.number().min(0).max(1).default(0),
  timeoutRate: z.number().min(0).max(1).default(0),
  lostResponseRate: z.number().min(0).max(1).default(0),
  latencyMs: z.number().int().min(0).max(120_000).default(0),
});
export type Faults = z.infer<typeof faultSchema>;

type State = { secretKey: string; dropped?: boolean };
type Ctx = Koa.ParameterizedContext<State>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const issueSchema = z.object({ authKey: z.string().min(1).max(300), customerKey: z.string().min(1) });
const chargeSchema = z.object({
  customerKey: z.string().min(1),
  amount: z.number(),
  orderId: z.string(),
  orderName: z.string(),
  customerEmail: z.string().max(100).nullish(),
  customerName: z.string().max(100).nullish(),
  customerIp: z.string().nullish(),
  taxFreeAmount: z.number().int().min(0).nullish(),
  taxExemptionAmount: z.number().int().min(0).nullish(),
  cardInstallmentPlan: z.number().int().nullish(),
});
const cancelSchema = z.object({
  cancelReason: z.string().min(1).max(200),
  cancelAmount: z.number().int().positive().nullish(),
  taxFreeAmount: z.number().int().min(0).nullish(),
  currency: z.literal('KRW').nullish(),
  refundableAmount: z.number().int().min(0).nullish(),
});

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (!r.success) {
    const path = r.error.issues[0]?.path.join('.') ?? '';
    throw new SandboxError('INVALID_REQUEST', `잘못된 요청입니다. (${path || 'body'})`);
  }
  return r.data;
}

/**
 * A Toss Payments sandbox (like stripe-mock for Stripe): the same paths, validation, status codes, error bodies and
 * Payment objects as Toss's core API for billing, plus the card window, the SDK script, faults and inspection routes.
 */
export function createSandboxApp(opts: SandboxOptions) {
  const { db, publicUrl } = opts;
  const hangMs = opts.hangMs ?? 65_000;
  let faults: Faults = faultSchema.parse({});

  const app = new Koa<State>();
  app.proxy = true;

  // Every API request as it arrives, whatever becomes of it: the rate a provider's request limit would see.
  const traffic = trafficCounter();
  app.use(async (ctx, next) => {
    if (ctx.path.startsWith('/v1/')) traffic.arrived();
    await next();
  });

  // Toss's error body for every failure.
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const e = err instanceof SandboxError ? err : new SandboxError('FAILED_INTERNAL_SYSTEM_PROCESSING');
      if (!(err instanceof SandboxError)) console.error('sandbox error', err);
      ctx.status = e.status;
      ctx.body = { code: e.code, message: e.message };
    }
  });
  app.use(
    bodyParser({
      enableTypes: ['json', 'form'],
      jsonLimit: '100kb',
      onError: () => {
        throw new SandboxError('INVALID_REQUEST', '잘못된 요청입니다. (JSON)');
      },
    }),
  );

  const auth: Koa.Middleware<State> = async (ctx, next) => {
    const header = ctx.get('authorization');
    const match = /^Basic\s+(.+)$/i.exec(header);
    if (!match) throw new SandboxError('UNAUTHORIZED_KEY');
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    if (!decoded.endsWith(':')) throw new SandboxError('INCORRECT_BASIC_AUTH_FORMAT');
    const key = decoded.slice(0, -1);
    if (!/^test_(g?)sk_[A-Za-z0-9_]+$/.test(key)) throw new SandboxError('UNAUTHORIZED_KEY');
    ctx.state.secretKey = key;
    await next();
  };

  const attempt = (row: Record<string, unknown>) => db('attempts').insert(row);

  /**
   * Latency, 5xx and timeouts before the work (inside the idempotency window, as a slow provider would hold it);
   * "charged but the response is lost" after it.
   */
  const faulty: Koa.Middleware<State> = async (ctx, next) => {
    const orderId =
      (ctx.request.body as { orderId?: string } | undefined)?.orderId ??
      /^\/v1\/payments\/orders\/([^/]+)$/.exec(ctx.path)?.[1] ??
      null;
    const injected = (outcome: string) =>
      attempt({ kind: 'fault', order_id: orderId, status_code: 0, outcome });
    if (faults.latencyMs) await sleep(faults.latencyMs);
    if (Math.random() < faults.failRate) {
      await injected('FAULT_5XX');
      throw new SandboxError('FAILED_INTERNAL_SYSTEM_PROCESSING');
    }
    if (Math.random() < faults.timeoutRate) {
      await injected('FAULT_TIMEOUT');
      ctx.respond = false;
      ctx.state.dropped = true;
      await sleep(hangMs);
      ctx.req.socket.destroy();
      return;
    }
    await next();
    if (ctx.method === 'POST' && Math.random() < faults.lostResponseRate) {
      await injected('FAULT_LOST_RESPONSE');
      ctx.respond = false;
      ctx.req.socket.destroy();
    }
  };

  /** Idempotency as Toss documents it: first answer replayed for 15 days, 409 while in flight; a new body refused. */
  const idempotent: Koa.Middleware<State> = async (ctx, next) => {
    const key = ctx.get('idempotency-key');
    if (ctx.method !== 'POST' || !key) return next();
    if (key.length > 300) throw new SandboxError('INVALID_IDEMPOTENCY_KEY');
    const scope = sha256(`${ctx.state.secretKey} ${ctx.method} ${ctx.path} ${key}`);
    const bodyHash = sha256(JSON.stringify((ctx.request as { body?: unknown }).body ?? null));
    await db('idempotency')
      .where({ scope })
      .where('created_at', '<', db.raw("now() - interval '15 days'"))
      .delete();
    const inserted = await db('idempotency')
      .insert({ scope, body_hash: bodyHash, state: 'processing' })
      .onConflict('scope')
      .ignore()
      .returning('scope');
    if (inserted.length === 0) {
      const prior = await db('idempotency').where({ scope }).first();
      if (prior.body_hash !== bodyHash) {
        throw new SandboxError(
          'INVALID_REQUEST',
          '같은 멱등키(Idempotency-Key)로 다른 요청 본문을 보낼 수 없습니다.',
        );
      }
      if (prior.state === 'processing') throw new SandboxError('IDEMPOTENT_REQUEST_PROCESSING');
      // The first answer's bytes, as sent: Toss replays what it stored, not a rebuilt object.
      ctx.status = prior.status_code;
      ctx.type = prior.response_type;
      ctx.body = prior.response_body as Buffer;
      ctx.set('Idempotency-Key', key);
      return;
    }
    try {
      await next();
      if (ctx.state.dropped) {
        // Timed out before doing anything: the key is free again.
        await db('idempotency').where({ scope }).delete();
        return;
      }
    } catch (err) {
      if (!(err instanceof SandboxError) || err.status >= 500) {
        // Nothing was done: forget the key so a retry runs again.
        await db('idempotency').where({ scope }).delete();
        throw err;
      }
      ctx.status = err.status;
      ctx.body = { code: err.code, message: err.message };
    }
    // Serialised here, once: the bytes stored are the bytes sent (a lost response's included), so a replay can send
    // them again unchanged.
    const bytes = Buffer.from(JSON.stringify(ctx.body));
    const type = ctx.response.get('Content-Type') || 'application/json; charset=utf-8';
    ctx.body = bytes;
    ctx.type = type;
    await db('idempotency')
      .where({ scope })
      .update({ state: 'done', status_code: ctx.status, response_body: bytes, response_type: type });
    ctx.set('Idempotency-Key', key);
  };

  const testCode = (ctx: Ctx) => {
    const code = ctx.get('tosspayments-test-code');
    if (!code) return;
    if (!tossErrors[code]) throw new SandboxError('INVALID_TEST_CODE');
    throw new SandboxError(code);
  };

  const v1 = new Router<State>({ prefix: '/v1' });
  v1.use(auth, idempotent, faulty);

  v1.post('/billing/authorizations/issue', async (ctx) => {
    testCode(ctx);
    const body = parse(issueSchema, ctx.request.body);
    const billingKey = newBillingKey();
    const billing = await db.transaction(async (trx) => {
      const auth = await trx('auth_keys').where({ auth_key: body.authKey }).forUpdate().first();
      if (!auth || auth.used_at) throw new SandboxError('NOT_FOUND_BILLING');
      if (auth.customer_key !== body.customerKey) throw new SandboxError('NOT_MATCHES_CUSTOMER_KEY');
      await trx('auth_keys').where({ auth_key: body.authKey }).update({ used_at: trx.fn.now() });
      await trx('billing_keys').insert({
        key_hash: sha256(billingKey),
        customer_key: auth.customer_key,
        card: JSON.stringify(auth.card),
        behaviour: auth.behaviour,
        auth_key: body.authKey,
      });
      const result: TossBilling = {
        mId: 'tdalgona01',
        customerKey: auth.customer_key,
        authenticatedAt: kst(),
        method: '카드',
        billingKey,
        card: auth.card as TossCard,
      };
      return result;
    });
    await attempt({
      kind: 'issue',
      customer_key: body.customerKey,
      status_code: 200,
      outcome: 'DONE',
      idempotency_key: ctx.get('idempotency-key') || null,
    });
    ctx.body = billing;
  });

  v1.delete('/billing/:billingKey', async (ctx) => {
    const removed = await db('billing_keys')
      .where({ key_hash: sha256(ctx.params.billingKey!) })
      .whereNull('removed_at')
      .update({ removed_at: db.fn.now() })
      .returning('customer_key');
    await attempt({
      kind: 'delete',
      customer_key: removed[0]?.customer_key ?? null,
      status_code: removed.length ? 200 : 400,
      outcome: removed.length ? 'DELETED' : 'INVALID_BILL_KEY_REQUEST',
    });
    if (!removed.length) throw new SandboxError('INVALID_BILL_KEY_REQUEST');
    ctx.status = 200;
    ctx.body = '';
  });

  v1.post('/billing/:billingKey', async (ctx) => {
    const requestedAt = new Date();
    const body = parse(chargeSchema, ctx.request.body);
    if (!ORDER_ID_PATTERN.test(body.orderId)) throw new SandboxError('INVALID_ORDER_ID');
    if (body.orderName.length < 1 || body.orderName.length > 100)
      throw new SandboxError('INVALID_ORDER_NAME');
    if (!Number.isInteger(body.amount))
      throw new SandboxError('INVALID_REQUEST', '잘못된 요청입니다. (amount)');
    if (body.amount <= 0) throw new SandboxError('BELOW_ZERO_AMOUNT');
    if (body.amount < 100) throw new SandboxError('BELOW_MINIMUM_AMOUNT');
    if (body.customerKey.length < 2 || body.customerKey.length > 300)
      throw new SandboxError('INVALID_CUSTOMER_KEY');
    const record = (status: number, outcome: string, paymentKey?: string) =>
      attempt({
        kind: 'charge',
        order_id: body.orderId,
        customer_key: body.customerKey,
        payment_key: paymentKey ?? null,
        amount: body.amount,
        status_code: status,
        outcome,
        idempotency_key: ctx.get('idempotency-key') || null,
      });
    try {
      testCode(ctx);
      const payment = await db.transaction(async (trx) => {
        const bk = await trx('billing_keys')
          .where({ key_hash: sha256(ctx.params.billingKey!) })
          .first();
        if (!bk) throw new SandboxError('INVALID_BILL_KEY_REQUEST');
        if (bk.removed_at) throw new SandboxError('ALREADY_REMOVED_BILLING_KEY');
        if (bk.customer_key !== body.customerKey) throw new SandboxError('NOT_MATCHES_CUSTOMER_KEY');
        if (await trx('payments').where({ order_id: body.orderId }).first('payment_key'))
          throw new SandboxError('DUPLICATED_ORDER_ID');
        if (bk.behaviour === 'DECLINE_ONCE') {
          const declined = await trx('attempts')
            .where({ order_id: body.orderId, kind: 'charge', outcome: 'REJECT_CARD_PAYMENT' })
            .first('id');
          if (!declined) throw new SandboxError('REJECT_CARD_PAYMENT');
        } else if (bk.behaviour !== 'approve') {
          throw new SandboxError(bk.behaviour);
        }
        const p = approvedPayment({
          paymentKey: newPaymentKey(),
          orderId: body.orderId,
          orderName: body.orderName,
          amount: body.amount,
          taxFreeAmount: body.taxFreeAmount ?? 0,
          card: bk.card as TossCard,
          requestedAt,
          approvedAt: new Date(),
          publicUrl,
        });
        const inserted = await trx('payments')
          .insert({
            payment_key: p.paymentKey,
            order_id: p.orderId,
            key_hash: bk.key_hash,
            customer_key: body.customerKey,
            status: p.status,
            total_amount: p.totalAmount,
            balance_amount: p.balanceAmount,
            payment: JSON.stringify(p),
          })
          .onConflict('order_id')
          .ignore()
          .returning('payment_key');
        if (inserted.length === 0) throw new SandboxError('DUPLICATED_ORDER_ID');
        return p;
      });
      await record(200, 'DONE', payment.paymentKey);
      ctx.body = payment;
    } catch (err) {
      if (err instanceof SandboxError) await record(err.status, err.code);
      throw err;
    }
  });

  const findPayment = async (where: Record<string, string>): Promise<TossPayment> => {
    const row = await db('payments').where(where).first('payment');
    if (!row) throw new SandboxError('NOT_FOUND_PAYMENT');
    return row.payment as TossPayment;
  };

  v1.get('/payments/orders/:orderId', async (ctx) => {
    ctx.body = await findPayment({ order_id: ctx.params.orderId! });
  });
  v1.get('/payments/:paymentKey', async (ctx) => {
    ctx.body = await findPayment({ payment_key: ctx.params.paymentKey! });
  });

  v1.post('/payments/:paymentKey/cancel', async (ctx) => {
    testCode(ctx);
    const body = parse(cancelSchema, ctx.request.body);
    const payment = await db.transaction(async (trx) => {
      const row = await trx('payments').where({ payment_key: ctx.params.paymentKey! }).forUpdate().first();
      if (!row) throw new SandboxError('NOT_FOUND_PAYMENT');
      const current = row.payment as TossPayment;
      if (current.status === 'CANCELED') throw new SandboxError('ALREADY_CANCELED_PAYMENT');
      const amount = body.cancelAmount ?? current.balanceAmount;
      if (current.balanceAmount === 0 || amount > current.balanceAmount)
        throw new SandboxError('NOT_CANCELABLE_AMOUNT');
      if (body.refundableAmount != null && body.refundableAmount !== current.balanceAmount) {
        throw new SandboxError('INVALID_REQUEST', '잔액 결과가 일치하지 않습니다.');
      }
      const next = canceledPayment(current, amount, body.cancelReason, new Date());
      await trx('payments')
        .where({ payment_key: row.payment_key })
        .update({
          status: next.status,
          balance_amount: next.balanceAmount,
          payment: JSON.stringify(next),
          updated_at: trx.fn.now(),
        });
      return next;
    });
    await attempt({
      kind: 'cancel',
      order_id: payment.orderId,
      customer_key: null,
      payment_key: payment.paymentKey,
      amount: body.cancelAmount ?? null,
      status_code: 200,
      outcome: payment.status,
      idempotency_key: ctx.get('idempotency-key') || null,
    });
    ctx.body = payment;
  });

  // Browser-facing: the SDK script, the card window, receipts.
  const web = new Router();
  web.get('/v2/standard', (ctx) => {
    ctx.type = 'application/javascript; charset=utf-8';
    ctx.set('Cache-Control', 'no-cache');
    ctx.set('Access-Control-Allow-Origin', '*');
    ctx.body = sdkScript(publicUrl);
  });
  const authQuery = z.object({
    clientKey: z.string().regex(/^test_(g?)ck_/),
    customerKey: z.string().min(2).max(300),
    successUrl: z.url({ protocol: /^https?$/ }),
    failUrl: z.url({ protocol: /^https?$/ }),
    customerEmail: z.string().max(100).optional(),
    customerName: z.string().max(100).optional(),
  });
  web.get('/billing-auth', (ctx) => {
    const q = authQuery.safeParse(ctx.query);
    ctx.type = 'text/html; charset=utf-8';
    if (!q.success) {
      ctx.status = 400;
      ctx.body = billingAuthPage(
        {},
        '잘못된 요청입니다: 클라이언트 키, customerKey, successUrl, failUrl을 확인하세요.',
      );
      return;
    }
    ctx.body = billingAuthPage(q.data as Record<string, string>);
  });
  web.post('/billing-auth', async (ctx) => {
    const form = (ctx.request.body ?? {}) as Record<string, string>;
    const q = authQuery.safeParse(form);
    ctx.type = 'text/html; charset=utf-8';
    if (!q.success) {
      ctx.status = 400;
      ctx.body = billingAuthPage({}, '잘못된 요청입니다.');
      return;
    }
    if (form.action === 'cancel') {
      ctx.redirect(
        withQuery(q.data.failUrl, {
          code: 'PAY_PROCESS_CANCELED',
          message: '사용자에 의해 결제가 취소되었습니다.',
        }),
      );
      return;
    }
    const number = String(form.cardNumber ?? '').replace(/\D/g, '');
    if (
      !/^\d{15,16}$/.test(number) ||
      !/^\d{2}\/?\d{2}$/.test(form.expiry ?? '') ||
      !/^\d{2}$/.test(form.password ?? '') ||
      !/^\d{6}(\d{4})?$/.test(form.birth ?? '')
    ) {
      ctx.status = 400;
      ctx.body = billingAuthPage(q.data as Record<string, string>, '카드 정보를 다시 확인해주세요.');
      return;
    }
    const card = behaviourOf(number);
    if (card.failsRegistration) {
      ctx.redirect(
        withQuery(q.data.failUrl, {
          code: card.behaviour,
          message: tossErrors[card.behaviour]?.message ?? card.behaviour,
        }),
      );
      return;
    }
    const authKey = await createAuthKey(q.data.customerKey, number);
    ctx.redirect(withQuery(q.data.successUrl, { customerKey: q.data.customerKey, authKey }));
  });
  web.get('/receipts/:paymentKey', async (ctx) => {
    const payment = await findPayment({ payment_key: ctx.params.paymentKey! }).catch(() => null);
    ctx.type = 'text/html; charset=utf-8';
    if (!payment) {
      ctx.status = 404;
      ctx.body = '<p>영수증을 찾을 수 없습니다.</p>';
      return;
    }
    ctx.body = receiptPage(payment);
  });
  web.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });

  async function createAuthKey(customerKey: string, cardNumber: string): Promise<string> {
    const card = behaviourOf(cardNumber);
    const authKey = newAuthKey();
    const codes = issuerCodeOf(cardNumber);
    const tossCard: TossCard = { ...codes, number: maskCardNumber(cardNumber), ownerType: '개인' };
    await db('auth_keys').insert({
      auth_key: authKey,
      customer_key: customerKey,
      card: JSON.stringify(tossCard),
      behaviour: card.behaviour,
    });
    return authKey;
  }

  // Test-only routes, outside /v1: inspect charges, switch faults, make an authKey without the window.
  const testing = new Router<State>({ prefix: '/sandbox' });
  testing.use(auth);
  testing.get('/charges', async (ctx) => {
    const q = ctx.query;
    const payments = db('payments')
      .orderBy('created_at')
      .select(
        'payment_key',
        'order_id',
        'customer_key',
        'status',
        'total_amount',
        'balance_amount',
        'created_at',
      );
    const attempts = db('attempts').orderBy('id').select('*');
    if (typeof q.orderId === 'string') {
      payments.where('order_id', q.orderId);
      attempts.where('order_id', q.orderId);
    }
    if (typeof q.customerKey === 'string') {
      payments.where('customer_key', q.customerKey);
      attempts.where('customer_key', q.customerKey);
    }
    if (typeof q.orderIdPrefix === 'string') {
      payments.where('order_id', 'like', `${q.orderIdPrefix.replace(/[%_\\]/g, '\\$&')}%`);
      attempts.where('order_id', 'like', `${q.orderIdPrefix.replace(/[%_\\]/g, '\\$&')}%`);
    }
    ctx.body = { payments: await payments, attempts: await attempts };
  });
  // Requests to /v1 and the most per second since the last reset (benchmarks reset it at the start of a burst).
  testing.get('/stats', (ctx) => {
    ctx.body = traffic.stats();
  });
  testing.post('/stats/reset', (ctx) => {
    traffic.reset();
    ctx.body = traffic.stats();
  });
  testing.get('/faults', (ctx) => {
    ctx.body = faults;
  });
  testing.post('/faults', async (ctx) => {
    const r = faultSchema.safeParse(ctx.request.body ?? {});
    if (!r.success)
      throw new SandboxError('INVALID_REQUEST', `잘못된 요청입니다. (${r.error.issues[0]?.path.join('.')})`);
    faults = r.data;
    await db('faults')
      .insert({ id: 1, config: JSON.stringify(faults) })
      .onConflict('id')
      .merge();
    ctx.body = faults;
  });
  testing.post('/auth-keys', async (ctx) => {
    const body = parse(
      z.object({ customerKey: z.string().min(2).max(300), cardNumber: z.string().regex(/^\d{15,16}$/) }),
      ctx.request.body,
    );
    ctx.body = {
      authKey: await createAuthKey(body.customerKey, body.cardNumber),
      customerKey: body.customerKey,
    };
  });
  testing.get('/cards', (ctx) => {
    ctx.body = testCards;
  });

  app.use(v1.routes()).use(v1.allowedMethods());
  app.use(web.routes()).use(web.allowedMethods());
  app.use(testing.routes()).use(testing.allowedMethods());
  app.use(() => {
    throw new SandboxError('NOT_FOUND');
  });

  return {
    app,
    /** Loads the faults saved by an earlier run. */
    async restore(): Promise<void> {
      const row = await db('faults').where({ id: 1 }).first();
      if (row) faults = faultSchema.parse(row.config);
    },
  };
}
