// The reconciler against the real stack (docs/architecture.md#reconciling-postgresql-and-temporal): each kind of
// mismatch made on purpose — a subscription's workflow terminated, a row deleted, a row's status changed by hand, a
// cycle charged at the provider but never recorded — is found by the Schedule's workflow, counted in the worker's
// metrics, listed in the inbox, repaired (or only reported), and a healthy system reports nothing.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { keyUuid } from '../../activities/reconcile';
import { reconcileWorkflowType, startReconcilePass } from '../../domain/contracts/reconcile';
import {
  cancelSubscriptionUpdate,
  subscriptionHandle,
  subscriptionStateQuery,
  subscriptionWorkflowId,
} from '../../domain/contracts/subscription';
import { seoulDate } from '../../domain/calendar';
import { orderIdFor } from '../../domain/keys';
import type { Mismatch, ReconcileInput, ReconcileResult } from '../../domain/reconcile';
import { customerKeyFor } from '../../domain/subscription';
import { createSecretBox } from '../../infra/secretBox';
import { createTossClient } from '../../payments/client';
import { checkoutConsents } from '../consents';
import {
  eventually,
  makePartner,
  makeUser,
  publishProduct,
  startStack,
  stopTemporal,
  uniq,
  type Stack,
} from '../harness';
import { TEST_SECRET_KEY } from '../sandbox';
import type { Browser } from '../browser';
import { loadConfig } from '../../infra/config';
import { ensureReconcileSchedule, RECONCILE_SCHEDULE_ID } from '../../worker/reconcileSchedule';
import { fulfilmentHandle, fulfilmentStateQuery, markRoastedUpdate } from '../../domain/contracts/fulfilment';
import {
  markPayoutUpdate,
  settlementStatementHandle,
  settlementStatementWorkflowId,
  statementPayoutQuery,
} from '../../domain/contracts/settlementStatement';
import { randomUUID } from 'node:crypto';

const shipTo = { name: '김고객', phone: '010-1234-5678', address: '서울특별시 마포구 와우산로 94' };
const WEEK_MS = 15_000;

describe('reconciler: PostgreSQL and Temporal never silently disagree', () => {
  let stack: Stack;
  let productId: string;
  let partnerId: string;
  let partnerUserId: string;
  let adminBrowser: Browser;
  let adminId: string;

  /** One pass through the Schedule's workflow on the worker, over this file's roaster only. */
  async function pass(repair: boolean): Promise<ReconcileResult> {
    const input: ReconcileInput = { repair, partnerIds: [partnerId] };
    return (await startReconcilePass(stack.client, stack.config.temporal, `test-${uniq()}`, input)).result();
  }

  const only = (r: ReconcileResult, id: string) => r.mismatches.filter((m) => m.id === id);

  async function gauge(kind: string, entity: string): Promise<number> {
    const { values } = await stack.workerMetrics.reconcileMismatches.get();
    return values.find((v) => v.labels.kind === kind && v.labels.entity === entity)?.value ?? 0;
  }

  async function task(m: Pick<Mismatch, 'kind' | 'entity' | 'id'>) {
    return stack
      .db('tasks')
      .where({ id: keyUuid(`reconcile:${m.kind}:${m.entity}:${m.id}`) })
      .first();
  }

  async function subscribe(firstChargeDate?: string): Promise<string> {
    const customer = await makeUser(stack);
    const customerKey = customerKeyFor(customer.me.id);
    const res = await customer.browser.post<{ id: string }>('/api/subscriptions', {
      consents: await checkoutConsents(customer.browser, productId, { grams: 200, quantity: 1 }),
      productId,
      options: { grams: 200, grind: 'whole_bean', quantity: 1, cycleWeeks: 1 },
      shipTo,
      ...(firstChargeDate ? { firstChargeDate } : {}),
      authKey: await stack.sandbox.authKey(customerKey),
      customerKey,
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    // Checkout answers once the card is connected; the first charge (today's) follows at once.
    if (!firstChargeDate)
      await eventually(
        async () => !!(await stack.db('payments').where({ subscriptionId: res.body.id }).first('id')),
      );
    return res.body.id;
  }

  const providerCharges = async (id: string) =>
    (await stack.sandbox.charges({ orderIdPrefix: `sub_${id.replace(/-/g, '')}_` })).payments;
  const recorded = (id: string) =>
    stack
      .db('payments')
      .where({ subscriptionId: id })
      .orderBy('cycle')
      .select('cycle', 'orderId', 'paymentKey');

  /** Every cycle recorded in order, once, and every charge the provider made is one of them. */
  async function chargedOnceEach(id: string) {
    const ours = await recorded(id);
    assert.deepEqual(
      ours.map((p: { cycle: number }) => p.cycle),
      ours.map((_: unknown, i: number) => i + 1),
    );
    const theirs = await providerCharges(id);
    assert.equal(theirs.length, ours.length, 'every provider charge recorded, none twice');
    assert.equal(new Set(theirs.map((p) => p.order_id)).size, theirs.length);
  }

  async function terminate(id: string) {
    await subscriptionHandle(stack.client, id).terminate('lost on purpose (reconciler test)');
  }

  async function cancelNow(id: string) {
    const row = await stack.db('subscriptions').where({ id }).first('customerId');
    await subscriptionHandle(stack.client, id).executeUpdate(cancelSubscriptionUpdate, {
      args: [{ actor: { userId: row.customerId, roles: ['customer'] }, args: { when: 'now' } }],
    });
  }

  before(async () => {
    stack = await startStack({ SUBSCRIPTION_WEEK: `${WEEK_MS}ms`, RECONCILE_SETTLE: '300ms' });
    const admin = await makeUser(stack, ['customer', 'admin']);
    adminBrowser = admin.browser;
    adminId = admin.me.id;
    const partner = await makePartner(stack, admin.me.id);
    partnerUserId = partner.me.id;
    productId = await publishProduct(stack, partner.browser, admin.me.id, {
      options: { weights: [{ grams: 200, priceKrw: 15000 }], grinds: ['whole_bean'], cycles: [1, 2] },
    });
    partnerId = (await stack.db('products').where({ id: productId }).first('partnerId')).partnerId;
  });
  after(async () => {
    await stack.stop();
    await stopTemporal();
  });

  it('a healthy system reports nothing', async () => {
    const id = await subscribe();
    const result = await pass(true);
    assert.deepEqual(result.mismatches, [], JSON.stringify(result.mismatches));
    assert.ok(result.scanned.subscription.rows >= 1);
    assert.ok(result.scanned.subscription.workflows >= 1);
    assert.ok(result.scanned.fulfilment_order.rows >= 1, 'the first cycle’s order was compared too');
    assert.equal(await gauge('orphan_row', 'subscription'), 0);
    await cancelNow(id);
  });

  it('a terminated workflow: found, counted, listed; repaired as a carried run whose next charge happens once', async () => {
    const id = await subscribe();
    await terminate(id);
    const found = only(await pass(false), id);
    assert.equal(found.length, 1, JSON.stringify(found));
    assert.equal(found[0]!.kind, 'orphan_row');
    assert.equal(found[0]!.entity, 'subscription');
    assert.equal(found[0]!.workflow, null);
    assert.equal(found[0]!.lastRun?.status, 'TERMINATED');
    assert.equal(found[0]!.row?.status, 'active');
    assert.equal(found[0]!.repair, 'reported');
    assert.equal(await gauge('orphan_row', 'subscription'), 1);
    const opened = await task(found[0]!);
    assert.equal(opened?.state, 'open');
    assert.equal(opened?.kind, 'reconcile_mismatch');
    assert.equal(opened?.subjectId, id);
    // Report-only changed nothing.
    assert.equal((await subscriptionHandle(stack.client, id).describe()).status.name, 'TERMINATED');

    const repaired = only(await pass(true), id);
    assert.equal(repaired[0]?.repair, 'restarted');
    const handle = subscriptionHandle(stack.client, id);
    assert.equal((await handle.describe()).status.name, 'RUNNING');
    // A second repair is a no-op: the run it started is kept.
    const runId = (await handle.describe()).runId;
    assert.deepEqual(only(await pass(true), id), []);
    assert.equal((await handle.describe()).runId, runId);
    assert.equal((await task(found[0]!))?.state, 'done', 'the task closed once the mismatch cleared');
    assert.equal((await task(found[0]!))?.outcome, 'cleared');
    assert.equal(await gauge('orphan_row', 'subscription'), 0);

    // The restarted run charges the next cycle, once.
    await eventually(async () => (await recorded(id)).length >= 2, 4 * WEEK_MS);
    const state = await handle.query(subscriptionStateQuery);
    assert.equal(state.status, 'active');
    await cancelNow(id);
    await chargedOnceEach(id);
  });

  it('a history lost with its store (swapped, or restored without it): unknown to Temporal, restarted, charged once', async () => {
    const id = await subscribe();
    const workflowId = subscriptionWorkflowId(id);
    // The execution and its history deleted, as a Temporal store swapped or restored from before it would lack it.
    await stack.client.workflowService.deleteWorkflowExecution({
      namespace: stack.config.temporal.namespace,
      workflowExecution: { workflowId },
    });
    await eventually(() =>
      subscriptionHandle(stack.client, id)
        .describe()
        .then(
          () => false,
          () => true,
        ),
    );
    const found = only(await pass(false), id);
    assert.equal(found.length, 1, JSON.stringify(found));
    assert.deepEqual(
      [found[0]!.kind, found[0]!.lastRun ?? null, found[0]!.repair],
      ['orphan_row', null, 'reported'],
    );

    const repaired = only(await pass(true), id);
    assert.equal(repaired[0]?.repair, 'restarted');
    const handle = subscriptionHandle(stack.client, id);
    assert.equal((await handle.describe()).status.name, 'RUNNING');
    // The new run carries the row's cycle: the next charge is cycle 2, once.
    await eventually(async () => (await recorded(id)).length >= 2, 4 * WEEK_MS);
    await cancelNow(id);
    await chargedOnceEach(id);
  });

  it('charged at the provider but never recorded: the restart records that cycle and charges it no second time', async () => {
    const id = await subscribe();
    await terminate(id);
    // Cycle 2 reached the provider, then the workflow was lost before the record: PostgreSQL still says cycle 1.
    const sub = await stack.db('subscriptions').where({ id }).first();
    const card = await stack.db('cards').where({ id: sub.cardId }).first('billingKeyEnc');
    const secrets = createSecretBox(stack.config.billingKeys.secrets, stack.config.billingKeys.activeId);
    const toss = createTossClient({ baseUrl: stack.sandbox.url, secretKey: TEST_SECRET_KEY });
    const orderId = orderIdFor(id, 2);
    const charged = await toss.chargeBillingKey(
      secrets.open(card.billingKeyEnc, `card:${sub.cardId}`),
      { customerKey: customerKeyFor(sub.customerId), amount: sub.amount, orderId, orderName: 'cycle 2' },
      // The lost run's second attempt: a key the new run never uses, so no replay of a stored answer saves it.
      { idempotencyKey: `${orderId}_a2` },
    );
    await toss.close();
    await stack
      .db('subscriptions')
      .where({ id })
      .update({ nextChargeAt: new Date(Date.now() - 1000) });
    assert.equal((await recorded(id)).length, 1);

    const found = only(await pass(true), id);
    assert.equal(found[0]?.kind, 'orphan_row');
    assert.equal(found[0]?.repair, 'restarted');
    // The restarted run looked the order up before charging: cycle 2 is the provider's one payment, recorded.
    await eventually(async () => (await recorded(id)).length >= 2, 20_000);
    const ours = await recorded(id);
    assert.equal(ours[1].cycle, 2);
    assert.equal(ours[1].orderId, orderId);
    assert.equal(ours[1].paymentKey, charged.paymentKey);
    const order = await stack.db('fulfilment_orders').where({ subscriptionId: id, cycle: 2 }).first('id');
    assert.ok(order, 'the recorded cycle has its order');
    // And the following cycle is charged exactly once.
    await eventually(async () => (await recorded(id)).length >= 3, 4 * WEEK_MS);
    await cancelNow(id);
    const theirs = await providerCharges(id);
    const final = await recorded(id);
    assert.equal(theirs.filter((p) => p.order_id === orderId).length, 1, 'cycle 2 charged once');
    const { attempts } = await stack.sandbox.charges({ orderIdPrefix: orderId });
    assert.equal(attempts.length, 1, `no charge attempt after the lost one: ${JSON.stringify(attempts)}`);
    assert.equal(new Set(theirs.map((p) => p.order_id)).size, theirs.length, 'no order charged twice');
    assert.equal(theirs.length, final.length, 'every provider charge recorded');
  });

  it('a row deleted: the running workflow is an orphan, reported and never terminated', async () => {
    const tomorrow = seoulDate(Date.now() + 24 * 3600_000);
    const id = await subscribe(tomorrow);
    await stack.db('consents').where({ subscriptionId: id }).delete();
    await stack.db('subscriptions').where({ id }).delete();
    for (const repair of [false, true]) {
      const found = only(await pass(repair), id);
      assert.equal(found.length, 1, JSON.stringify(found));
      assert.equal(found[0]!.kind, 'orphan_workflow');
      assert.equal(found[0]!.row, null);
      assert.equal(found[0]!.repair, 'reported');
    }
    assert.equal(await gauge('orphan_workflow', 'subscription'), 1);
    assert.equal((await task({ kind: 'orphan_workflow', entity: 'subscription', id }))?.state, 'open');
    assert.equal((await subscriptionHandle(stack.client, id).describe()).status.name, 'RUNNING');
    // Ops end it by hand; the next pass finds nothing and closes the task.
    await terminate(id);
    assert.deepEqual(only(await pass(true), id), []);
    assert.equal((await task({ kind: 'orphan_workflow', entity: 'subscription', id }))?.state, 'done');
  });

  it('a status changed by hand: a disagreement, settled by the owner rewriting its row', async () => {
    const id = await subscribe();
    await stack.db('subscriptions').where({ id }).update({ status: 'paused' });
    const found = only(await pass(false), id);
    assert.equal(found.length, 1, JSON.stringify(found));
    assert.equal(found[0]!.kind, 'disagreement');
    assert.equal(found[0]!.row?.status, 'paused');
    assert.equal(found[0]!.workflow?.status, 'active');
    assert.equal(await gauge('disagreement', 'subscription'), 1);
    assert.equal((await task(found[0]!))?.state, 'open');
    assert.equal((await stack.db('subscriptions').where({ id }).first('status')).status, 'paused');

    const repaired = only(await pass(true), id);
    assert.equal(repaired[0]?.repair, 'rewrite_requested');
    await eventually(
      async () => (await stack.db('subscriptions').where({ id }).first('status')).status === 'active',
    );
    assert.deepEqual(only(await pass(false), id), []);
    assert.equal((await task(found[0]!))?.state, 'done');
    assert.equal(await gauge('disagreement', 'subscription'), 0);
    await cancelNow(id);
  });

  it('a lost order restarts from its row at the step it had reached; the inbox shows the finding, read-only', async () => {
    const id = await subscribe();
    const order = await stack.db('fulfilment_orders').where({ subscriptionId: id, cycle: 1 }).first('id');
    const actor = { userId: partnerUserId, roles: ['partner'], partnerId };
    await fulfilmentHandle(stack.client, order.id).executeUpdate(markRoastedUpdate, { args: [{ actor }] });
    await fulfilmentHandle(stack.client, order.id).terminate('lost on purpose (reconciler test)');
    const found = only(await pass(false), order.id);
    assert.equal(found.length, 1, JSON.stringify(found));
    assert.deepEqual([found[0]!.kind, found[0]!.entity], ['orphan_row', 'fulfilment_order']);
    assert.equal(found[0]!.row?.status, 'roasted');

    // The admin sees the finding in the inbox; nobody claims or decides it (it closes by itself).
    const taskId = keyUuid(`reconcile:orphan_row:fulfilment_order:${order.id}`);
    const list = await adminBrowser.get<{ items: { id: string; kind: string }[] }>(
      '/api/admin/tasks?kind=reconcile_mismatch&limit=100',
    );
    assert.equal(list.status, 200);
    assert.ok(list.body.items.some((t) => t.id === taskId && t.kind === 'reconcile_mismatch'));
    const detail = await adminBrowser.get<{ subject: { kind: string; row: { status: string } } }>(
      `/api/admin/tasks/${taskId}`,
    );
    assert.equal(detail.status, 200);
    assert.equal(detail.body.subject.kind, 'orphan_row');
    assert.equal(detail.body.subject.row.status, 'roasted');
    const claim = await adminBrowser.post(`/api/admin/tasks/${taskId}/claim`, {});
    assert.equal(claim.status, 409);

    const repaired = only(await pass(true), order.id);
    assert.equal(repaired[0]?.repair, 'restarted');
    const state = await fulfilmentHandle(stack.client, order.id).query(fulfilmentStateQuery);
    assert.equal(state.status, 'roasted', 'the new run goes on from the row’s step');
    assert.deepEqual(only(await pass(false), order.id), []);
    assert.equal((await stack.db('tasks').where({ id: taskId }).first('state')).state, 'done');
    await cancelNow(id);
  });

  it('npm run reconcile prints one JSON line per mismatch and a summary, and exits 0', async () => {
    const id = await subscribe();
    await terminate(id);
    const env = {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: stack.config.databaseUrl,
      TEMPORAL_ADDRESS: stack.env.address,
      TEMPORAL_TASK_QUEUE_PREFIX: stack.config.temporal.taskQueuePrefix,
      RECONCILE_SETTLE: '300ms',
    };
    const run = (...args: string[]) =>
      promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', 'scripts/reconcile.ts', '--partner', partnerId, ...args],
        { env },
      );
    const report = await run();
    const lines = report.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const mine = lines.filter((l) => l.id === id);
    assert.equal(mine.length, 1, report.stdout);
    assert.deepEqual(Object.keys(mine[0]!).slice(0, 5), ['kind', 'entity', 'id', 'row', 'workflow']);
    assert.equal(mine[0]!.kind, 'orphan_row');
    assert.equal(mine[0]!.repair, 'reported', 'outside development it reports unless told to repair');
    const summary = lines.at(-1)!.summary as Record<string, unknown>;
    assert.equal(summary.repair, false);
    assert.ok((summary.orphan_row as number) >= 1);

    const repaired = await run('--repair');
    const fixed = repaired.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.id === id);
    assert.equal(fixed?.repair, 'restarted');
    assert.equal((await subscriptionHandle(stack.client, id).describe()).status.name, 'RUNNING');
    const clean = await run();
    assert.equal(
      clean.stdout
        .trim()
        .split('\n')
        .filter((l) => l.includes(id)).length,
      0,
      clean.stdout,
    );
    await cancelNow(id);
  });

  it('the billing workers keep a Schedule to the configuration: every RECONCILE_INTERVAL, repairing as configured', async () => {
    const base = { NODE_ENV: 'test', TEMPORAL_TASK_QUEUE_PREFIX: stack.config.temporal.taskQueuePrefix };
    const on = loadConfig({ ...base, RECONCILE_INTERVAL: '1h', RECONCILE_REPAIR: 'true' });
    assert.equal(await ensureReconcileSchedule(stack.client, on), true);
    const handle = stack.client.schedule.getHandle(RECONCILE_SCHEDULE_ID);
    let d = await handle.describe();
    assert.deepEqual(
      d.spec.intervals?.map((i) => i.every),
      [3600_000],
    );
    assert.equal(d.action.type, 'startWorkflow');
    assert.equal(d.action.type === 'startWorkflow' && d.action.workflowType, reconcileWorkflowType);
    assert.deepEqual(d.action.type === 'startWorkflow' && d.action.args, [{ repair: true }]);
    assert.equal(d.state.paused, false);
    // Brought to a new configuration at the next start (safe from every worker at once).
    await ensureReconcileSchedule(stack.client, loadConfig({ ...base, RECONCILE_INTERVAL: '15m' }));
    d = await handle.describe();
    assert.deepEqual(
      d.spec.intervals?.map((i) => i.every),
      [900_000],
    );
    assert.deepEqual(d.action.type === 'startWorkflow' && d.action.args, [{ repair: false }]);
    // Off: the Schedule pauses (its history kept), and comes back when configured again.
    assert.equal(await ensureReconcileSchedule(stack.client, loadConfig(base)), false);
    assert.equal((await handle.describe()).state.paused, true);
    await ensureReconcileSchedule(stack.client, on);
    assert.equal((await handle.describe()).state.paused, false);
    await handle.delete();
  });

  it('two repairs racing (a pass retried after its worker died, beside the next one) start one run', async () => {
    const id = await subscribe();
    await terminate(id);
    const [a, b] = await Promise.all([pass(true), pass(true)]);
    const repairs = [...only(a, id), ...only(b, id)].map((m) => m.repair);
    assert.ok(repairs.includes('restarted'), JSON.stringify(repairs));
    const runs = async () => {
      const out: string[] = [];
      for await (const w of stack.client.workflow.list({
        query: `WorkflowId = '${subscriptionWorkflowId(id)}'`,
      }))
        out.push(w.status.name);
      return out.sort();
    };
    await eventually(async () => (await runs()).length === 2);
    assert.deepEqual(await runs(), ['RUNNING', 'TERMINATED']);
    assert.equal((await recorded(id)).length, 1, 'nothing charged by the restart before its date');
    await cancelNow(id);
  });

  it('a row restored from a backup (its workflow completed long ago) is reported, never resurrected', async () => {
    const id = await subscribe();
    await cancelNow(id);
    await eventually(
      async () => (await subscriptionHandle(stack.client, id).describe()).status.name === 'COMPLETED',
    );
    await stack.db('subscriptions').where({ id }).update({ status: 'active', canceledAt: null });
    const found = only(await pass(true), id);
    assert.equal(found.length, 1, JSON.stringify(found));
    assert.equal(found[0]!.kind, 'orphan_row');
    assert.equal(found[0]!.lastRun?.status, 'COMPLETED');
    assert.equal(found[0]!.repair, 'reported');
    assert.equal((await subscriptionHandle(stack.client, id).describe()).status.name, 'COMPLETED');
    assert.equal((await recorded(id)).length, 1, 'nobody charged');
    await stack.db('subscriptions').where({ id }).update({ status: 'canceled', canceledAt: new Date() });
    assert.deepEqual(only(await pass(false), id), []);
  });

  it("a statement whose payout workflow is lost: restarted from its row, waiting for the admin's payout", async () => {
    const id = randomUUID();
    const periodEnd = new Date(Date.UTC(2001, 0, 1) + Math.floor(Math.random() * 1e9));
    await stack.db('settlement_statements').insert({
      id,
      partnerId,
      periodStart: new Date(periodEnd.getTime() - 7 * 24 * 3600_000),
      periodEnd,
      grossSales: 30000,
      refunds: 0,
      netSales: 30000,
      commissionRateBps: 1000,
      commission: 3000,
      payoutAmount: 27000,
      lineCount: 2,
      status: 'open',
      workflowId: settlementStatementWorkflowId(id),
    });
    const found = only(await pass(false), id);
    assert.equal(found.length, 1, JSON.stringify(found));
    assert.deepEqual([found[0]!.kind, found[0]!.entity], ['orphan_row', 'settlement_statement']);
    assert.equal(found[0]!.lastRun, null, 'Temporal never had it');
    assert.equal(only(await pass(true), id)[0]?.repair, 'restarted');
    const handle = settlementStatementHandle(stack.client, id);
    const payout = await handle.query(statementPayoutQuery);
    assert.deepEqual([payout.status, payout.payoutAmount], ['open', 27000]);
    assert.deepEqual(only(await pass(false), id), []);
    await handle.executeUpdate(markPayoutUpdate, {
      args: [{ actor: { userId: adminId, roles: ['admin'] }, reference: 'RECON-TEST-1' }],
    });
    assert.equal((await stack.db('settlement_statements').where({ id }).first('status')).status, 'paid');
  });
});
