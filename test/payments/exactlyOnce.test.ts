// Nobody is charged twice and no charge is lost: under injected provider faults, and with the worker process
// killed (SIGKILL) in the middle of a charge and started again.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { customerKeyFor } from '../../domain/subscription';
import { createSecretBox } from '../../infra/secretBox';
import {
  eventually,
  makePartner,
  makeUser,
  publishProduct,
  startStack,
  stopTemporal,
  type Stack,
} from '../harness';
import { cancelSubscriptionUpdate, subscriptionHandle } from '../../domain/contracts/subscription';
import { checkoutConsents } from '../consents';

const shipTo = { name: '김고객', phone: '010-1234-5678', address: '서울특별시 마포구 와우산로 94' };

async function subscribe(stack: Stack, productId: string): Promise<string> {
  const customer = await makeUser(stack);
  const customerKey = customerKeyFor(customer.me.id);
  const res = await customer.browser.post<{ id: string }>('/api/subscriptions', {
    consents: await checkoutConsents(customer.browser, productId, { grams: 200, quantity: 1 }),
    productId,
    options: { grams: 200, grind: 'whole_bean', quantity: 1, cycleWeeks: 1 },
    shipTo,
    authKey: await stack.sandbox.authKey(customerKey),
    customerKey,
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id;
}

/** Our payments against the sandbox's ledger, per subscription: the same orders, each once, no gap. */
async function reconcile(stack: Stack, ids: string[]): Promise<{ charged: number; recorded: number }> {
  let charged = 0;
  let recorded = 0;
  for (const id of ids) {
    const ours = await stack
      .db('payments')
      .where({ subscriptionId: id })
      .orderBy('cycle')
      .select('orderId', 'cycle', 'paymentKey');
    const theirs = (await stack.sandbox.charges({ orderIdPrefix: `sub_${id.replace(/-/g, '')}_` })).payments;
    assert.deepEqual(
      ours.map((p: { cycle: number }) => p.cycle),
      ours.map((_: unknown, i: number) => i + 1),
      `no gap in ${id}`,
    );
    assert.equal(
      new Set(theirs.map((p) => p.order_id)).size,
      theirs.length,
      'the provider charged no order twice',
    );
    const recordedKeys = new Set(ours.map((p: { paymentKey: string }) => p.paymentKey));
    // Every charge is recorded, except at most the one in flight at this very moment.
    const unrecorded = theirs.filter((p) => !recordedKeys.has(p.payment_key));
    assert.ok(
      unrecorded.length <= 1,
      `unrecorded charges for ${id}: ${unrecorded.map((p) => p.order_id).join(', ')}`,
    );
    for (const p of ours)
      assert.ok(
        theirs.some((t) => t.payment_key === p.paymentKey),
        'every recorded payment was charged',
      );
    charged += theirs.length;
    recorded += ours.length;
  }
  return { charged, recorded };
}

describe('exactly once under provider faults', () => {
  let stack: Stack;
  let productId: string;
  before(async () => {
    stack = await startStack({
      SUBSCRIPTION_WEEK: '1s',
      TOSS_READ_TIMEOUT: '400ms',
      CHARGE_ERROR_BACKOFF: '200ms',
    });
    const admin = await makeUser(stack, ['customer', 'admin']);
    const partner = await makePartner(stack, admin.me.id);
    productId = await publishProduct(stack, partner.browser, admin.me.id, {
      options: { weights: [{ grams: 200, priceKrw: 15000 }], grinds: ['whole_bean'], cycles: [1, 2] },
    });
  });
  after(async () => {
    await stack.stop();
    await stopTemporal();
  });

  it('5xx, timeouts and lost responses: every cycle charged once and recorded once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await subscribe(stack, productId));
    /** The kinds of fault the sandbox has answered these subscriptions' charges with so far. */
    const injected = async () => {
      const seen = new Set<string>();
      for (const id of ids) {
        const { attempts } = await stack.sandbox.charges({ orderIdPrefix: `sub_${id.replace(/-/g, '')}_` });
        for (const a of attempts) if (a.outcome.startsWith('FAULT_')) seen.add(a.outcome);
      }
      return seen;
    };
    // Each kind of fault alone for at least 1.5 s and until a charge has met it (retries after the previous phase's
    // faults can take longer than that to come round), then all of them together.
    const phases = [
      { faults: { failRate: 1 }, kind: 'FAULT_5XX' },
      { faults: { timeoutRate: 1 }, kind: 'FAULT_TIMEOUT' },
      { faults: { lostResponseRate: 1 }, kind: 'FAULT_LOST_RESPONSE' },
    ];
    for (const { faults, kind } of phases) {
      await stack.sandbox.setFaults(faults);
      await new Promise((r) => setTimeout(r, 1500));
      await eventually(async () => (await injected()).has(kind), 15_000);
    }
    await stack.sandbox.setFaults({ failRate: 0.25, timeoutRate: 0.15, lostResponseRate: 0.3 });
    await new Promise((r) => setTimeout(r, 3000));
    await stack.sandbox.setFaults({});
    // Let in-flight retries settle, then stop charging and compare ledgers.
    await new Promise((r) => setTimeout(r, 2500));
    for (const id of ids) {
      const row = await stack.db('subscriptions').where({ id }).first('customerId');
      await subscriptionHandle(stack.client, id).executeUpdate(cancelSubscriptionUpdate, {
        args: [{ actor: { userId: row.customerId, roles: ['customer'] }, args: { when: 'now' } }],
      });
    }
    await eventually(async () => {
      const { charged, recorded } = await reconcile(stack, ids);
      return charged === recorded;
    }, 20_000);
    const { recorded } = await reconcile(stack, ids);
    assert.ok(recorded >= ids.length * 2, `charges kept going through the faults (${recorded})`);
    const faults = await injected();
    assert.deepEqual(
      [...faults].sort(),
      ['FAULT_5XX', 'FAULT_LOST_RESPONSE', 'FAULT_TIMEOUT'],
      'every kind of fault was injected',
    );
  });
});

describe('exactly once with the worker killed mid-charge', () => {
  let stack: Stack;
  let productId: string;
  let worker: ChildProcess | null = null;
  /** Everything the worker processes wrote (debug level): checked for secrets at the end. */
  let workerLogs = '';
  const startWorker = () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'debug',
        WORKER_METRICS_ADDRESS: '',
        TEMPORAL_ADDRESS: stack.env.address,
        TEMPORAL_TASK_QUEUE_PREFIX: stack.config.temporal.taskQueuePrefix,
        DATABASE_URL: stack.config.databaseUrl,
        REDIS_URL: stack.config.redisUrl,
        REDIS_KEY_PREFIX: stack.config.redisKeyPrefix,
        TOSS_API_URL: stack.config.toss.apiUrl,
        TOSS_SECRET_KEY: stack.config.toss.secretKey,
        IMAGE_DIR: stack.config.images.dir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (b: Buffer) => (workerLogs += b.toString()));
    child.stderr!.on('data', (b: Buffer) => {
      workerLogs += b.toString();
      process.stderr.write(b);
    });
    worker = child;
    return child;
  };

  before(async () => {
    // Workers in-process for everything but the charge: the billing worker is a separate process we can kill.
    stack = await startStack({ SUBSCRIPTION_WEEK: '1h', WORKER_DOMAINS: 'accounts,catalog,fulfilment' });
    const admin = await makeUser(stack, ['customer', 'admin']);
    const partner = await makePartner(stack, admin.me.id);
    productId = await publishProduct(stack, partner.browser, admin.me.id, {
      options: { weights: [{ grams: 200, priceKrw: 15000 }], grinds: ['whole_bean'], cycles: [1, 2] },
    });
  });
  after(async () => {
    worker?.kill('SIGKILL');
    await stack.stop();
    await stopTemporal();
  });

  it('a charge in flight when the worker dies is completed by the next worker, once', async () => {
    startWorker();
    // The provider answers slowly, so the kill lands while the charge request is open.
    await stack.sandbox.setFaults({ latencyMs: 2500 });
    const id = await subscribe(stack, productId);
    const orderPrefix = `sub_${id.replace(/-/g, '')}_`;
    // Wait until the charge request has reached the provider, then kill the worker hard.
    await eventually(async () => {
      const rows = await stack.sandbox.db('idempotency').count('* as n').first();
      const inFlight = await stack.sandbox.db('idempotency').where({ state: 'processing' }).first();
      return Number(rows?.n) > 0 && inFlight;
    }, 20_000);
    worker!.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 3000)); // the provider finishes the charge nobody is waiting for
    await stack.sandbox.setFaults({});
    assert.equal(
      (await stack.db('payments').where({ subscriptionId: id })).length,
      0,
      'nothing recorded yet',
    );
    startWorker();
    const payment = await eventually(
      () => stack.db('payments').where({ subscriptionId: id, cycle: 1 }).first(),
      60_000,
    );
    const ledger = await stack.sandbox.charges({ orderIdPrefix: orderPrefix });
    assert.equal(ledger.payments.length, 1, 'charged exactly once');
    assert.equal(
      ledger.payments[0]!.payment_key,
      payment.paymentKey,
      'the recorded payment is the one the provider made',
    );
    assert.equal(
      (await stack.db('payments').where({ subscriptionId: id })).length,
      1,
      'recorded exactly once',
    );

    // The worker's own logs, at debug level, never carry the billing key, the card number or the secret key.
    worker!.kill('SIGTERM');
    await new Promise((r) => worker!.once('exit', r));
    const sub = await stack.db('subscriptions').where({ id }).first('cardId');
    const card = await stack.db('cards').where({ id: sub.cardId }).first();
    const billingKey = createSecretBox(
      stack.config.billingKeys.secrets,
      stack.config.billingKeys.activeId,
    ).open(card.billingKeyEnc, `card:${card.id}`);
    assert.ok(workerLogs.includes('"level":'), 'the worker logged (JSON lines)');
    for (const [what, secret] of [
      ['billing key', billingKey],
      ['card number', '4330123412341234'],
      ['secret key', stack.config.toss.secretKey],
    ] as const) {
      assert.ok(!workerLogs.includes(secret), `no ${what} in the worker's logs`);
    }
  });
});
