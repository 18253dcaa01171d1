// A reconcile pass whose worker is killed (SIGKILL) in the middle of it: the subscriptions it had restarted keep the
// one run each, the pass is retried on the next worker and finishes, and each restarted subscription charges its next
// cycle once (docs/architecture.md#reconciling-postgresql-and-temporal). The real worker process, as an operator runs it.
import type { WorkflowHandle } from '@temporalio/client';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startReconcilePass, type ReconcileWorkflow } from '../../domain/contracts/reconcile';
import { subscriptionHandle, subscriptionWorkflowId } from '../../domain/contracts/subscription';
import { checkoutAs } from '../checkout';
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
import { kill, processEnvFor, startProcess, type Proc } from '../lifecycle/processes';
import { TEST_SECRET_KEY } from '../sandbox';

const WEEK_MS = 15_000;
const K = 6;
let stack: Stack;
const procs: Proc[] = [];

before(async () => {
  stack = await startStack({ SUBSCRIPTION_WEEK: `${WEEK_MS}ms` });
});
after(async () => {
  procs.forEach(kill);
  await stack.stop();
  await stopTemporal();
});

/** Waits until some session waits for a lock on a query matching `pattern` (the pass blocked where we hold it). */
async function blockedOn(pattern: string): Promise<void> {
  await eventually(async () => {
    const { rows } = await stack.db.raw(
      `select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query ilike ?`,
      [pattern],
    );
    return rows[0].n > 0;
  }, 60_000);
}

describe('reconciler: a worker killed in the middle of a pass', () => {
  it('leaves nothing half-done: each lost subscription runs once, the retried pass finishes, each charges once', async () => {
    const admin = await makeUser(stack, ['customer', 'admin']);
    const partner = await makePartner(stack, admin.me.id);
    const productId = await publishProduct(stack, partner.browser, admin.me.id, {
      options: { weights: [{ grams: 200, priceKrw: 15000 }], grinds: ['whole_bean'], cycles: [1] },
    });
    const partnerId = (await stack.db('products').where({ id: productId }).first('partnerId')).partnerId;
    const ids: string[] = [];
    for (let i = 0; i < K; i++) {
      const res = await checkoutAs(stack, await makeUser(stack), productId, { cycleWeeks: 1 });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      ids.push(res.body.id);
    }
    await eventually(
      async () => (await stack.db('payments').whereIn('subscriptionId', ids)).length === K,
      30_000,
    );
    for (const id of ids) await subscriptionHandle(stack.client, id).terminate('lost on purpose (kill test)');

    // The reconciler's worker is a real process on task queues only it serves; it charges what it restarts.
    const prefix = `t${uniq()}`;
    const env = processEnvFor(stack, {
      TEMPORAL_TASK_QUEUE_PREFIX: prefix,
      WORKER_DOMAINS: 'billing',
      TOSS_API_URL: stack.sandbox.url,
      TOSS_SECRET_KEY: TEST_SECRET_KEY,
      SUBSCRIPTION_WEEK: `${WEEK_MS}ms`,
      NOTICE_BEFORE_CHARGE: '0',
      RECONCILE_SETTLE: '300ms',
    });
    const first = startProcess('worker/main.ts', env);
    procs.push(first);
    await first.waitFor((l) => l.msg === 'worker started');

    // The pass restarts the lost runs, then records its findings in the inbox: the test holds the inbox's table,
    // so the pass is caught between the two when its worker dies.
    const trx = await stack.db.transaction();
    let handle: WorkflowHandle<ReconcileWorkflow>;
    try {
      await trx.raw('LOCK TABLE tasks IN EXCLUSIVE MODE');
      handle = await startReconcilePass(stack.client, { taskQueuePrefix: prefix }, `killed-${uniq()}`, {
        repair: true,
        partnerIds: [partnerId],
      });
      await blockedOn('%tasks%');
      first.child.kill('SIGKILL');
      await first.exited;
    } finally {
      await trx.rollback();
    }
    // Killed after its restarts: each lost subscription runs again, exactly one run each.
    for (const id of ids) {
      const d = await subscriptionHandle(stack.client, id).describe();
      assert.equal(d.status.name, 'RUNNING', id);
    }
    assert.equal((await handle.describe()).status.name, 'RUNNING', 'the pass waits for a worker');

    // The next worker takes the pass over (after the dead one's heartbeat times out) and finishes it.
    const second = startProcess('worker/main.ts', env);
    procs.push(second);
    const result = await handle.result();
    assert.deepEqual(
      result.mismatches.filter((m) => ids.includes(m.id)),
      [],
      'the retried pass found them running (the first attempt had restarted them)',
    );
    for (const id of ids) {
      const running = await stack.client.workflow.count(
        `WorkflowId = "${subscriptionWorkflowId(id)}" AND ExecutionStatus = "Running"`,
      );
      assert.equal(running.count, 1, `${id}: one running workflow`);
    }
    // No finding is left open for what was repaired.
    const open = await stack
      .db('tasks')
      .where({ kind: 'reconcile_mismatch', state: 'open' })
      .whereIn('subjectId', ids);
    assert.deepEqual(open, []);

    // Each charges its next cycle once (the restarted runs are served by the second worker).
    await eventually(
      async () =>
        (await stack.db('payments').whereIn('subscriptionId', ids).where({ cycle: 2 })).length === K,
      4 * WEEK_MS,
    );
    second.child.kill('SIGTERM');
    await second.exited;
    for (const id of ids) {
      const charged = (await stack.sandbox.charges({ orderIdPrefix: `sub_${id.replace(/-/g, '')}_` }))
        .payments;
      const recorded = await stack.db('payments').where({ subscriptionId: id });
      assert.equal(
        new Set(charged.map((p) => p.order_id)).size,
        charged.length,
        `${id}: no order charged twice`,
      );
      assert.equal(charged.length, recorded.length, `${id}: every provider charge recorded`);
    }
  });
});
