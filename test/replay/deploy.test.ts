// Runs wedged before v2 recover after the deploy. A worker "before the deploy" runs the subscription workflow as it
// was (test/replay/preV2, the code of the committed histories subscription-legacy-wedged-*.json) with connectCard's
// old classification (NOT_MATCHES_CUSTOMER_KEY retried for ever); the runs wedge exactly as those histories show.
// Then that worker stops and today's worker takes over the same task queue: the wedged runs replay through the legacy
// path, their connect fails as the customer's error, a waiting card change is refused, the due charge runs, and the
// run hands over to v2.
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createActivities } from '../../activities';
import {
  subscriptionHandle,
  subscriptionStateQuery,
  subscriptionWorkflowId,
} from '../../domain/contracts/subscription';
import { customerKeyFor } from '../../domain/keys';
import { taskQueue } from '../../domain/taskQueues';
import { createLogger } from '../../infra/logger';
import { dataConverterFor } from '../../infra/payloadCodec';
import { TossConfigurationError } from '../../payments/errors';
import { createWorkers } from '../../worker/createWorkers';
import { createActivityDeps } from '../../worker/deps';
import {
  connectCardRetrying,
  eventually,
  makePartner,
  makeUser,
  publishProduct,
  startStack,
  stopTemporal,
  type Stack,
} from '../harness';
import { checkoutConsents } from '../consents';

let stack: Stack;
let deps: ReturnType<typeof createActivityDeps>;
let productId: string;
const shipTo = { name: '김고객', phone: '010-1234-5678', address: '서울특별시 마포구 와우산로 94' };

before(async () => {
  // Billing is served by this file's own workers: the one before the deploy, then today's.
  stack = await startStack({
    WORKER_DOMAINS: 'accounts,catalog,fulfilment',
    SUBSCRIPTION_WEEK: '3s',
    DUNNING_LADDER: '1s,2s,3s',
  });
  deps = createActivityDeps(stack.config, {
    db: stack.db,
    log: createLogger('test', 'silent'),
    redis: stack.redis,
    client: stack.client,
  });
  const admin = await makeUser(stack, ['customer', 'admin']);
  const partner = await makePartner(stack, admin.me.id);
  productId = await publishProduct(stack, partner.browser, admin.me.id);
});
after(async () => {
  await deps.toss.close();
  await stack.stop();
  await stopTemporal();
});

/** The billing worker as it was deployed before v2: the old workflow code and connectCard's old classification. */
async function workerBeforeDeploy(): Promise<Worker> {
  const real = createActivities(deps);
  return Worker.create({
    connection: stack.env.nativeConnection,
    taskQueue: taskQueue(stack.config.temporal.taskQueuePrefix, 'billing'),
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('./preV2/index.ts', import.meta.url)),
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
    }),
    activities: {
      ...real,
      async connectCard(input: Parameters<typeof real.connectCard>[0]) {
        const result = await real.connectCard(input);
        // The old code classified Toss's NOT_MATCHES_CUSTOMER_KEY as our configuration fault: thrown, retried.
        if (!result.ok && result.code === 'NOT_MATCHES_CUSTOMER_KEY')
          throw new TossConfigurationError(result.code, result.message, 403);
        return result;
      },
    },
    dataConverter: dataConverterFor(stack.config.payloadKeys),
  });
}

const connectRetrying = (subscriptionId: string) =>
  connectCardRetrying(stack.client, subscriptionWorkflowId(subscriptionId), 2, 20_000);

describe('runs wedged before v2 (real dev server, PostgreSQL, sandbox)', () => {
  it('recover after the deploy: the connect fails as the customer’s error, a card change is refused, the due charge runs, v2 takes over', async () => {
    const a = await makeUser(stack);
    const b = await makeUser(stack);
    const c = await makeUser(stack);
    const keyB = customerKeyFor(b.me.id);
    const keyC = customerKeyFor(c.me.id);
    const before = await workerBeforeDeploy();
    const beforeRun = before.run();

    // 1. A checkout with another customer's card window.
    const checkout = b.browser.post<{ error: { code: string; message: string } }>('/api/subscriptions', {
      consents: await checkoutConsents(b.browser, productId, { grams: 200, quantity: 1 }),
      productId,
      options: { grams: 200, grind: 'whole_bean', quantity: 1, cycleWeeks: 1 },
      shipTo,
      authKey: await stack.sandbox.authKey(customerKeyFor(a.me.id)),
      customerKey: keyB,
    });
    const wedged = await eventually(() => stack.db('subscriptions').where({ customerId: b.me.id }).first());
    await connectRetrying(wedged.id);

    // 2. A live subscription whose card change used another customer's card window.
    const live = await c.browser.post<{ id: string }>('/api/subscriptions', {
      consents: await checkoutConsents(c.browser, productId, { grams: 200, quantity: 1 }),
      productId,
      options: { grams: 200, grind: 'whole_bean', quantity: 1, cycleWeeks: 1 },
      shipTo,
      authKey: await stack.sandbox.authKey(keyC),
      customerKey: keyC,
    });
    assert.equal(live.status, 201, JSON.stringify(live.body));
    const liveId = live.body.id;
    await eventually(() => stack.db('payments').where({ subscriptionId: liveId }).first());
    const cardChange = c.browser.post<{ error: { code: string } }>(`/api/subscriptions/${liveId}/card`, {
      authKey: await stack.sandbox.authKey(customerKeyFor(a.me.id)),
      customerKey: keyC,
    });
    await connectRetrying(liveId);
    const firstRun = (await subscriptionHandle(stack.client, liveId).describe()).runId;
    // Wedged: the cycle that came due meanwhile was not charged.
    await new Promise((r) => setTimeout(r, 3500));
    assert.equal((await stack.db('payments').where({ subscriptionId: liveId })).length, 1);

    // The deploy.
    before.shutdown();
    await beforeRun;
    const today = await createWorkers({
      config: stack.config,
      connection: stack.env.nativeConnection,
      deps,
      domains: ['billing'],
    });
    const todayRun = Promise.all(today.map((w) => w.run()));
    try {
      // 1. The connect fails as the customer's error; the checkout that was waiting gets it; nothing is left running.
      const answer = await checkout;
      assert.equal(answer.status, 400, JSON.stringify(answer.body));
      assert.equal(answer.body.error.code, 'CARD_AUTH_INVALID');
      assert.match(answer.body.error.message, /다른 계정/);
      const ended = await subscriptionHandle(stack.client, wedged.id).result();
      assert.equal(ended.status, 'card_failed');
      assert.equal((await stack.db('subscriptions').where({ id: wedged.id }).first()).status, 'card_failed');

      // 2. The card change is refused, the due cycle is charged, the run hands over to v2, and actions work.
      const refused = await cardChange;
      assert.ok(refused.status >= 400 && refused.status < 500, JSON.stringify(refused.body));
      await eventually(
        async () => (await stack.db('payments').where({ subscriptionId: liveId })).length >= 2,
        20_000,
      );
      const handle = subscriptionHandle(stack.client, liveId);
      await eventually(async () => (await handle.describe()).runId !== firstRun, 20_000);
      const v2 = await handle.query(subscriptionStateQuery);
      assert.equal(typeof v2.chargeAttempts, 'number', 'the new run is v2 (its state has v2 fields)');
      assert.equal(v2.cardMasked, (await stack.db('subscriptions').where({ id: liveId }).first()).cardMasked);
      const paused = await c.browser.post<{ status: string }>(`/api/subscriptions/${liveId}/pause`);
      assert.equal(paused.status, 200, JSON.stringify(paused.body));
      assert.equal(paused.body.status, 'paused');
      const cycles = (await stack.db('payments').where({ subscriptionId: liveId }).orderBy('cycle')).map(
        (p: { cycle: number }) => p.cycle,
      );
      assert.deepEqual(
        cycles,
        cycles.map((_: number, i: number) => i + 1),
        'no cycle lost or charged twice',
      );
      const canceled = await c.browser.post<{ status: string }>(`/api/subscriptions/${liveId}/cancel`, {
        when: 'now',
      });
      assert.equal(canceled.status, 200, JSON.stringify(canceled.body));
    } finally {
      for (const w of today) w.shutdown();
      await todayRun;
    }
  });
});
