// A charge burst's preparation and accounting, shared by `npm run bench:charge-burst` and `npm run test:faults`:
// a partner and a product, N customers with sandbox-issued billing keys and an active subscription row each, one
// subscription workflow each (started as a run that continued-as-new, due at T0), and after the burst the sandbox's
// ledger (duplicates, missing) and Dalgona's records of cycle 1.
import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import pMap from 'p-map';
import { randomUUID } from 'node:crypto';
import { customerKeyFor } from '../domain/keys';
import type { SubscriptionInput, SubscriptionSettings, SubscriptionState } from '../domain/subscription';
import type { SecretBox } from '../infra/secretBox';
import type { TossClient } from '../payments/client';
import { startSubscriptionWorkflow, subscriptionWorkflowId } from '../domain/contracts/subscription';
import { initialState } from '../domain/subscriptionRules';

export interface BurstDeps {
  db: Knex;
  toss: TossClient;
  secrets: SecretBox;
  /** The sandbox's base URL and the secret key its test routes take. */
  sandboxUrl: string;
  secretKey: string;
}

/** One prepared subscription: its row, customer and card. */
export interface Prepared {
  id: string;
  customerId: string;
  customerKey: string;
  cardId: string;
  cardMasked: string;
}

export const burstOptions = { grams: 200, grind: 'whole_bean', quantity: 1, cycleWeeks: 1 } as const;
export const burstUnitPrice = 16000;
const shipTo = { name: '김고객', phone: '010-1234-5678', address: '서울특별시 마포구 와우산로 94' };

/** Calls one of the sandbox's test routes (`/sandbox/...`) with the secret key. */
export function sandboxCaller(sandboxUrl: string, secretKey: string) {
  const auth = `Basic ${Buffer.from(`${secretKey}:`).toString('base64')}`;
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(sandboxUrl + path, {
      method,
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`sandbox ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
}

/** The burst's preparation and accounting over one database and one sandbox. */
/** An approved partner (account, application, partner row) written straight into a bench database. */
export async function insertBenchPartner(
  trx: Knex.Transaction,
  p: {
    partnerId: string;
    userId: string;
    companyName: string;
    introduction: string;
    businessNumber?: string;
  },
): Promise<void> {
  const applicationId = randomUUID();
  const company = {
    companyName: p.companyName,
    // One live application per business number: a second bench partner needs its own.
    businessNumber: p.businessNumber ?? '1248100998',
    representative: 'Bench',
    phone: '010-0000-0000',
    email: 'bench@example.com',
    address: 'Seoul',
    bankName: 'KB',
    bankAccount: '123-456',
    introduction: p.introduction,
  };
  await trx('users').insert({
    id: p.userId,
    email: `bench-${p.userId}@example.com`,
    name: 'Bench',
    passwordHash: 'x',
    roles: ['customer', 'partner'],
  });
  await trx('partner_applications').insert({
    id: applicationId,
    applicantId: p.userId,
    workflowId: 'bench',
    status: 'approved',
    ...company,
  });
  await trx('partners').insert({
    id: p.partnerId,
    userId: p.userId,
    applicationId,
    approvedAt: trx.fn.now(),
    ...company,
  });
}

export function createBurstKit(deps: BurstDeps) {
  const { db, toss, secrets } = deps;
  const sandboxCall = sandboxCaller(deps.sandboxUrl, deps.secretKey);

  /** One partner and one published product the subscriptions are for. */
  async function seedPartner(
    name = 'Burst Roasters',
    businessNumber?: string,
  ): Promise<{ partnerId: string; productId: string }> {
    const partnerUserId = randomUUID();
    const partnerId = randomUUID();
    const productId = randomUUID();
    await db.transaction(async (trx) => {
      await insertBenchPartner(trx, {
        partnerId,
        userId: partnerUserId,
        companyName: name,
        introduction: 'The charge-burst benchmark partner.',
        ...(businessNumber ? { businessNumber } : {}),
      });
      await trx('products').insert({ id: productId, partnerId, workflowId: 'bench', status: 'published' });
    });
    return { partnerId, productId };
  }

  /** N customers with a card each (billing keys issued by the sandbox, sealed) and an active subscription row. */
  async function prepare(
    n: number,
    chargeAt: Date,
    label: string,
    product: { partnerId: string; productId: string },
  ): Promise<Prepared[]> {
    const rows = Array.from({ length: n }, () => {
      const customerId = randomUUID();
      return { id: randomUUID(), customerId, customerKey: customerKeyFor(customerId), cardId: randomUUID() };
    });
    for (let i = 0; i < n; i += 1000) {
      await db('users').insert(
        rows.slice(i, i + 1000).map((r) => ({
          id: r.customerId,
          email: `${label}-${r.customerId}@example.com`,
          name: '구독자',
          passwordHash: 'x',
          roles: ['customer'],
        })),
      );
    }
    const cards = await pMap(
      rows,
      async (r) => {
        const { authKey } = await sandboxCall<{ authKey: string }>('POST', '/sandbox/auth-keys', {
          customerKey: r.customerKey,
          cardNumber: '4330123412341234',
        });
        const billing = await toss.issueBillingKey({ authKey, customerKey: r.customerKey });
        return {
          id: r.cardId,
          userId: r.customerId,
          customerKey: r.customerKey,
          billingKeyEnc: secrets.seal(billing.billingKey, `card:${r.cardId}`),
          numberMasked: billing.card.number,
          authKeyHash: `bench:${authKey}`,
        };
      },
      { concurrency: 32 },
    );
    for (let i = 0; i < n; i += 1000) {
      await db('cards').insert(cards.slice(i, i + 1000));
      await db('subscriptions').insert(
        rows.slice(i, i + 1000).map((r, j) => ({
          id: r.id,
          customerId: r.customerId,
          productId: product.productId,
          partnerId: product.partnerId,
          workflowId: subscriptionWorkflowId(r.id),
          status: 'active',
          productName: 'Burst Blend',
          ...burstOptions,
          unitPrice: burstUnitPrice,
          amount: burstUnitPrice * burstOptions.quantity,
          shipTo: JSON.stringify(shipTo),
          cardId: r.cardId,
          cardMasked: cards[i + j]!.numberMasked,
          nextChargeAt: chargeAt,
        })),
      );
    }
    return rows.map((r, i) => ({ ...r, cardMasked: cards[i]!.numberMasked }));
  }

  /** One subscription workflow per row, as a continued run (active, cycle 0) whose next charge is at T0. */
  async function startWorkflows(opts: {
    client: Client;
    taskQueuePrefix: string;
    subs: Prepared[];
    t0: Date;
    product: { partnerId: string; productId: string };
    settings: SubscriptionSettings;
  }): Promise<void> {
    const { client, subs, t0, product } = opts;
    await pMap(
      subs,
      async (s) => {
        const carried: SubscriptionState = {
          ...initialState(t0.toISOString(), burstOptions, burstUnitPrice),
          status: 'active',
          cardId: s.cardId,
          cardMasked: s.cardMasked,
        };
        const input: SubscriptionInput = {
          subscriptionId: s.id,
          customerId: s.customerId,
          customerKey: s.customerKey,
          productId: product.productId,
          partnerId: product.partnerId,
          productName: 'Burst Blend',
          options: burstOptions,
          unitPrice: burstUnitPrice,
          shipTo,
          firstChargeAt: t0.toISOString(),
          settings: opts.settings,
          carried,
        };
        await startSubscriptionWorkflow(client, { taskQueuePrefix: opts.taskQueuePrefix }, input);
      },
      { concurrency: 64 },
    );
  }

  /**
   * The sandbox's approved payments for these subscriptions' orders (`sub_<id>_c<cycle>`): how many were made, how
   * many more than one per subscription (or for a cycle that was not due), how many subscriptions have none.
   */
  async function sandboxLedger(
    ids: string[],
  ): Promise<{ made: number; duplicates: number; missing: number }> {
    const charged = new Map<string, number>();
    const { payments } = await sandboxCall<{ payments: { order_id: string; status: string }[] }>(
      'GET',
      '/sandbox/charges?orderIdPrefix=sub_',
    );
    const wanted = new Set(ids.map((id) => id.replace(/-/g, '')));
    let stray = 0;
    let made = 0;
    for (const p of payments) {
      const m = p.order_id.match(/^sub_([0-9a-f]{32})_c(\d+)$/);
      if (!m || !wanted.has(m[1]!)) continue;
      made += 1;
      if (m[2] !== '1') stray += 1; // a cycle that was not due
      charged.set(m[1]!, (charged.get(m[1]!) ?? 0) + 1);
    }
    let duplicates = stray;
    let missing = 0;
    for (const id of wanted) {
      const count = charged.get(id) ?? 0;
      if (count === 0) missing += 1;
      if (count > 1) duplicates += count - 1;
    }
    return { made, duplicates, missing };
  }

  /** Cycle 1 recorded: a payment row and its history event (the lesser of the two counts). */
  async function recordedCount(ids: string[]): Promise<number> {
    const [paid, history] = await Promise.all([
      db('payments').whereIn('subscriptionId', ids).where({ cycle: 1 }).count('* as n').first(),
      db('payment_events')
        .whereIn('subscriptionId', ids)
        .where({ cycle: 1, outcome: 'approved' })
        .count('* as n')
        .first(),
    ]);
    return Math.min(Number(paid?.n), Number(history?.n));
  }

  /** Polls `recordedCount` until all are recorded or the time is up; returns when (ms since the epoch). */
  async function waitRecorded(ids: string[], timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const done = await recordedCount(ids);
      if (done >= ids.length || Date.now() > deadline) return Date.now();
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  return { sandboxCall, seedPartner, prepare, startWorkflows, sandboxLedger, recordedCount, waitRecorded };
}
