import { ScheduleOverlapPolicy } from '@temporalio/client';
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  commissionOf,
  SETTLEMENT_SCHEDULE_ID,
  type SettlementRunInput,
  type SettlementRunResult,
  type SettlementStatement,
  type SettlementLine,
  type NextPayout,
} from '../domain/settlement';
import {
  scheduledSettlementRunWorkflowId,
  settlementRunWorkflowType,
  startSettlementRun,
} from '../domain/contracts/settlementRun';
import { settlementStatementHandle } from '../domain/contracts/settlementStatement';
import { subscribeWith } from '../test/api/fixtures';
import {
  eventually,
  makePartner,
  makeUser,
  publishProduct,
  startStack,
  stopTemporal,
  uniq,
  type Stack,
} from '../test/harness';
import { ensureSettlementSchedule } from '../worker/settlementSchedule';

const WEEK = 7 * 24 * 3600_000;
let stack: Stack;
let admin: Awaited<ReturnType<typeof makeUser>>;
before(async () => {
  stack = await startStack();
  admin = await makeUser(stack, ['customer', 'admin']);
});
after(async () => {
  await stack.stop();
  await stopTemporal();
});

/** Runs one settlement for the period ending at `periodEnd`, as the Schedule would, and waits for its result. */
async function runSettlement(periodEnd: Date, defaultCommissionBps = 1000): Promise<SettlementRunResult> {
  const input: SettlementRunInput = {
    periodEnd: periodEnd.toISOString(),
    periodMs: WEEK,
    defaultCommissionBps,
  };
  return (await startSettlementRun(stack.client, stack.config.temporal, `test-${uniq()}`, input)).result();
}

type Row = { [k: string]: unknown };
const statementsOf = (partnerId: string): Promise<Row[]> =>
  stack.db('settlement_statements').where({ partnerId }).orderBy('periodEnd');

/** A partner with a published 16,000 KRW bean, and a customer subscribing to it (one approved charge each). */
async function roaster() {
  const partner = await makePartner(stack, admin.me.id);
  const productId = await publishProduct(stack, partner.browser, admin.me.id);
  const partnerId = (await stack.db('partners').where({ userId: partner.me.id }).first('id')).id as string;
  const sell = async () => {
    const customer = await makeUser(stack);
    const subscriptionId = await subscribeWith(stack, customer.browser, productId);
    const payment = await eventually<Row>(() => stack.db('payments').where({ subscriptionId }).first());
    await customer.browser.post(`/api/subscriptions/${subscriptionId}/cancel`, { when: 'period_end' });
    return { payment, subscriptionId, customer };
  };
  return { ...partner, partnerId, productId, sell };
}

async function refund(paymentId: unknown, amount?: number) {
  const res = await admin.browser.post(`/api/admin/payments/${String(paymentId)}/refunds`, {
    amount,
    reason: '원두 파손',
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
}

describe('settlement (real dev server, PostgreSQL, sandbox)', () => {
  it('settles sales minus refunds minus commission; a late refund carries into the next statement; an admin pays out', async () => {
    const r = await roaster();
    const a = await r.sell();
    const b = await r.sell();
    await refund(a.payment.id, 4000);
    const t1 = await later();

    const first = await runSettlement(t1);
    const s1 = first.statements.find((s) => s.partnerId === r.partnerId)!;
    assert.deepEqual([s1.status, s1.payoutAmount], ['open', 25200]);
    let rows = await statementsOf(r.partnerId);
    assert.equal(rows.length, 1);
    assert.deepEqual(
      [rows[0]!.grossSales, rows[0]!.refunds, rows[0]!.netSales, rows[0]!.commission, rows[0]!.lineCount],
      [32000, 4000, 28000, 2800, 3],
    );
    assert.equal(new Date(rows[0]!.periodEnd as Date).getTime(), t1.getTime());
    assert.equal(new Date(rows[0]!.periodStart as Date).getTime(), t1.getTime() - WEEK);
    // Its payout workflow waits for the admin.
    const payoutHandle = settlementStatementHandle(stack.client, s1.statementId);
    assert.equal((await payoutHandle.describe()).status.name, 'RUNNING');

    // The same period again (a re-fired run): nothing new, nothing counted twice.
    const again = await runSettlement(t1);
    assert.deepEqual(
      again.statements.find((s) => s.partnerId === r.partnerId),
      first.statements.find((s) => s.partnerId === r.partnerId),
    );
    assert.equal((await statementsOf(r.partnerId)).length, 1);

    // A refund after the period closed (of a payment already settled) lands in the next statement; refunds beyond
    // sales leave a negative balance that is carried, not paid.
    await refund(b.payment.id);
    const t2 = await later();
    await runSettlement(t2);
    rows = await statementsOf(r.partnerId);
    assert.equal(rows.length, 2);
    assert.deepEqual(
      [rows[1]!.grossSales, rows[1]!.refunds, rows[1]!.commission, rows[1]!.payoutAmount, rows[1]!.status],
      [0, 16000, -1600, -14400, 'carried'],
    );
    // Statements never overlap: this one starts where the previous one ended.
    assert.equal(new Date(rows[1]!.periodStart as Date).getTime(), t1.getTime());

    // The next sale pays what is left after the carried balance.
    await r.sell();
    const t3 = await later();
    await runSettlement(t3);
    rows = await statementsOf(r.partnerId);
    assert.deepEqual(
      [rows[2]!.grossSales, rows[2]!.commission, rows[2]!.carriedIn, rows[2]!.payoutAmount, rows[2]!.status],
      [16000, 1600, -14400, 0, 'carried'],
    );
    assert.equal(rows[2]!.carriedFromId, rows[1]!.id);

    // Reconciles to the won: every ledger line on exactly one statement; statements sum to the ledger.
    const ledger = await stack.db('partner_ledger').where({ partnerId: r.partnerId });
    const lines = await stack.db('settlement_lines').where({ partnerId: r.partnerId });
    assert.equal(lines.length, ledger.length);
    assert.deepEqual(new Set(lines.map((l: Row) => l.ledgerId)), new Set(ledger.map((l: Row) => l.id)));
    const sum = (xs: Row[], k: string) => xs.reduce((n, x) => n + Number(x[k]), 0);
    assert.equal(sum(rows, 'netSales'), sum(ledger, 'amount'));

    // The partner sees their statements and lines; another partner does not.
    const mine = await r.browser.get<{ items: SettlementStatement[]; next: NextPayout }>(
      '/api/partner/settlements',
    );
    assert.equal(mine.status, 200);
    assert.deepEqual(
      mine.body.items.map((s) => s.payoutAmount),
      [0, -14400, 25200],
    );
    assert.equal(mine.body.next.lineCount, 0);
    const detail = await r.browser.get<SettlementStatement & { lines: SettlementLine[] }>(
      `/api/partner/settlements/${s1.statementId}`,
    );
    assert.deepEqual(detail.body.lines.map((l) => [l.kind, l.amount]).sort(), [
      ['refund', -4000],
      ['sale', 16000],
      ['sale', 16000],
    ]);
    const other = await makePartner(stack, admin.me.id);
    assert.equal((await other.browser.get(`/api/partner/settlements/${s1.statementId}`)).status, 404);
    assert.deepEqual(
      (await other.browser.get<{ items: unknown[] }>('/api/partner/settlements')).body.items,
      [],
    );

    // The admin marks the payout: validated, recorded, the partner told; a second payout is refused.
    const noRef = await admin.browser.post(`/api/admin/settlements/${s1.statementId}/payout`, {});
    assert.equal(noRef.status, 400);
    const paid = await admin.browser.post<{ status: string; reference: string }>(
      `/api/admin/settlements/${s1.statementId}/payout`,
      { reference: 'KB-20261125-001', note: '국민은행 이체' },
    );
    assert.equal(paid.status, 200, JSON.stringify(paid.body));
    assert.deepEqual([paid.body.status, paid.body.reference], ['paid', 'KB-20261125-001']);
    const twice = await admin.browser.post<{ error: { code: string } }>(
      `/api/admin/settlements/${s1.statementId}/payout`,
      { reference: 'KB-20261125-002' },
    );
    assert.equal(twice.status, 409);
    assert.equal(twice.body.error.code, 'STATEMENT_NOT_OPEN');
    const carried = await admin.browser.post<{ error: { code: string } }>(
      `/api/admin/settlements/${String(rows[1]!.id)}/payout`,
      { reference: 'KB-x' },
    );
    assert.equal(carried.status, 409);
    assert.equal((await payoutHandle.result()).status, 'paid');
    const row = await stack.db('settlement_statements').where({ id: s1.statementId }).first();
    assert.deepEqual([row.status, row.paidBy, row.payoutReference], ['paid', admin.me.id, 'KB-20261125-001']);
    assert.ok(
      await stack.db('outbox').where({ template: 'settlement_paid', recipientUserId: r.me.id }).first(),
    );
    const list = await admin.browser.get<{ items: SettlementStatement[] }>(
      `/api/admin/settlements?partner=${r.partnerId}&status=paid`,
    );
    assert.deepEqual(
      list.body.items.map((s) => s.id),
      [s1.statementId],
    );
  });

  it('a partner sees the expected next payout: unsettled sales less their own commission rate', async () => {
    const r = await roaster();
    // The admin sets the partner's own rate (a setPartnerCommission workflow); the partner cannot.
    assert.equal(
      (await r.browser.request('PUT', `/api/admin/partners/${r.partnerId}/commission`, { rateBps: 850 }))
        .status,
      403,
    );
    const set = await admin.browser.request<{ rateBps: number; defaultBps: number }>(
      'PUT',
      `/api/admin/partners/${r.partnerId}/commission`,
      { rateBps: 850 },
    );
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.deepEqual([set.body.rateBps, set.body.defaultBps], [850, 1000]);
    const tooHigh = await admin.browser.request('PUT', `/api/admin/partners/${r.partnerId}/commission`, {
      rateBps: 10001,
    });
    assert.equal(tooHigh.status, 400);
    await r.sell();
    const res = await r.browser.get<{ items: unknown[]; next: NextPayout }>('/api/partner/settlements');
    assert.deepEqual(
      [
        res.body.next.grossSales,
        res.body.next.commissionRateBps,
        res.body.next.commission,
        res.body.next.payoutAmount,
      ],
      [16000, 850, 1360, 14640],
    );
    await runSettlement(new Date());
    const [s] = await statementsOf(r.partnerId);
    assert.deepEqual([s!.commissionRateBps, s!.commission, s!.payoutAmount], [850, 1360, 14640]);
    // Cleared: the platform default applies to the next statements again.
    await admin.browser.request('PUT', `/api/admin/partners/${r.partnerId}/commission`, { rateBps: null });
    await r.sell();
    const next = await r.browser.get<{ next: NextPayout }>('/api/partner/settlements');
    assert.deepEqual([next.body.next.commissionRateBps, next.body.next.commission], [1000, 1600]);
    const listed = await admin.browser.get<{ commission: { defaultBps: number; partnerBps: number | null } }>(
      `/api/admin/settlements?partner=${r.partnerId}`,
    );
    assert.deepEqual(listed.body.commission, { defaultBps: 1000, partnerBps: null });
  });

  it('reconciles to the won for any payments, refunds (late ones too) and settlement order', async () => {
    const r = await roaster();
    const { payment } = await r.sell();
    // Settle the real sale out of the way; the property's ledger lives in its own time window per run.
    await runSettlement(new Date());
    let run = 0;
    const op = fc.oneof(
      fc.record({
        type: fc.constant('sale' as const),
        amount: fc.integer({ min: 1, max: 500_000 }),
        at: fc.nat(WEEK),
      }),
      fc.record({
        type: fc.constant('refund' as const),
        of: fc.nat(),
        share: fc.double({ min: 0.01, max: 1, noNaN: true }),
        at: fc.nat(WEEK),
      }),
      fc.record({ type: fc.constant('settle' as const), at: fc.nat(WEEK) }),
      fc.record({ type: fc.constant('refire' as const), of: fc.nat() }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 1, maxLength: 14 }),
        fc.integer({ min: 0, max: 3000 }),
        async (ops, bps) => {
          const base = Date.UTC(2001, 0, 1) + run++ * 2 * WEEK;
          const sales: { id: string; left: number }[] = [];
          const ends: number[] = [];
          let cycle = 1000 + run * 100;
          for (const o of ops) {
            if (o.type === 'sale') {
              const id = randomUUID();
              const orderId = `prop_${uniq()}`;
              await stack.db('payments').insert({
                ...pick(payment, ['subscriptionId', 'customerId', 'partnerId', 'productId', 'orderName']),
                id,
                cycle: cycle++,
                orderId,
                paymentKey: orderId,
                amount: o.amount,
                approvedAt: new Date(base + o.at),
              });
              await ledger(id, 'sale', o.amount, base + o.at);
              sales.push({ id, left: o.amount });
            } else if (o.type === 'refund') {
              const sale = sales.filter((s) => s.left > 0)[o.of % Math.max(1, sales.length)];
              if (!sale) continue;
              const amount = Math.max(1, Math.floor(sale.left * o.share));
              sale.left -= amount;
              await ledger(sale.id, 'refund', -amount, base + o.at);
            } else if (o.type === 'settle') {
              if (ends.includes(base + o.at + 1)) continue;
              ends.push(base + o.at + 1);
              await runSettlement(new Date(base + o.at + 1), bps);
              // Never lost: nothing recorded before this run and dated before its end is left unsettled.
              const left = await unsettled(r.partnerId).where('l.at', '<', new Date(base + o.at + 1));
              assert.deepEqual(left, []);
            } else if (ends.length) {
              // A re-fired period leaves its statement as it was (it may only settle a period that had none).
              const before = await statementsOf(r.partnerId);
              await runSettlement(new Date(ends[o.of % ends.length]!), bps);
              const afterwards = await statementsOf(r.partnerId);
              assert.deepEqual(
                afterwards.filter((s) => before.some((b) => b.id === s.id)),
                before,
                're-fired period changed nothing',
              );
              assert.ok(afterwards.length - before.length <= 1);
            }
          }
          await runSettlement(new Date(base + WEEK + 1), bps);
          await checkReconciles(r.partnerId);
        },
      ),
      { numRuns: 20 },
    );
  });

  it('the Schedule settles the period it was scheduled for; a re-fired or backfilled time counts nothing twice', async () => {
    const r = await roaster();
    await r.sell();
    const sale = await stack.db('partner_ledger').where({ partnerId: r.partnerId }).first();
    const every = 2000;
    await ensureSettlementSchedule(stack.client, {
      temporal: stack.config.temporal,
      settlement: { ...stack.config.settlement, intervalMs: every, periodMs: every },
    });
    // Idempotent at start-up: a second worker finds it and updates it.
    await ensureSettlementSchedule(stack.client, {
      temporal: stack.config.temporal,
      settlement: { ...stack.config.settlement, intervalMs: every, periodMs: every },
    });
    const schedule = stack.client.schedule.getHandle(SETTLEMENT_SCHEDULE_ID);
    try {
      const described = await schedule.describe();
      assert.equal(described.action.type, 'startWorkflow');
      // The first fire settles the sale, in the period that ends at the fire's scheduled time.
      const [statement] = await eventually(async () => {
        const rows = await statementsOf(r.partnerId);
        return rows.length ? rows : undefined;
      }, 20_000);
      await schedule.pause('test: only backfills from here');
      const mark = new Date(statement!.periodEnd as Date).getTime();
      assert.equal(mark % every, 0, 'a scheduled time of the 2 s interval');
      assert.ok(mark > new Date(sale.at).getTime());
      assert.equal(new Date(statement!.periodStart as Date).getTime(), mark - every);
      // Re-fire that time twice and backfill the periods before it: still one statement with the sale once.
      const backfill = {
        start: new Date(mark - 3 * every),
        end: new Date(mark + 1),
        overlap: ScheduleOverlapPolicy.ALLOW_ALL,
      };
      await schedule.backfill([backfill, backfill]);
      await eventually(async () => {
        const runs = await stack.client.workflow.count(
          `WorkflowId = "${scheduledSettlementRunWorkflowId(new Date(mark))}"`,
        );
        return runs.count >= 2;
      }, 20_000);
      await eventually(
        async () =>
          (
            await stack.client.workflow.count(
              `WorkflowType = "${settlementRunWorkflowType}" AND ExecutionStatus = "Running"`,
            )
          ).count === 0,
        20_000,
      );
      const rows = await statementsOf(r.partnerId);
      assert.equal(rows.length, 1, JSON.stringify(rows));
      assert.equal(rows[0]!.grossSales, 16000);
      assert.equal((await stack.db('settlement_lines').where({ ledgerId: sale.id })).length, 1);

      // "Trigger" (the Temporal UI's button, and what the demo seed does) settles up to the moment it is pressed.
      await r.sell();
      // A scheduled time has whole seconds, and so has the provider's approvedAt: press in the next second.
      await new Promise((done) => setTimeout(done, 1100));
      const pressed = Date.now();
      await schedule.trigger();
      const [, triggered] = await eventually(async () => {
        const rows = await statementsOf(r.partnerId);
        return rows.length === 2 ? rows : undefined;
      }, 20_000);
      assert.ok(Math.abs(new Date(triggered!.periodEnd as Date).getTime() - pressed) < 5000);
      assert.deepEqual([triggered!.grossSales, triggered!.lineCount], [16000, 1]);
    } finally {
      await schedule.delete();
    }
  });
});

/** Now, a moment after everything recorded so far (ledger times have microseconds; a period end milliseconds). */
async function later(): Promise<Date> {
  await new Promise((r) => setTimeout(r, 5));
  return new Date();
}

function pick(row: Row, keys: string[]): Row {
  return Object.fromEntries(keys.map((k) => [k, row[k]]));
}

async function ledger(paymentId: string, kind: 'sale' | 'refund', amount: number, at: number) {
  const partnerId = (await stack.db('payments').where({ id: paymentId }).first('partnerId')).partnerId;
  await stack.db('partner_ledger').insert({
    partnerId,
    paymentId,
    kind,
    amount,
    dedupeKey: `prop:${uniq()}`,
    at: new Date(at),
  });
}

function unsettled(partnerId: string) {
  return stack
    .db('partner_ledger as l')
    .where('l.partnerId', partnerId)
    .whereNotExists(stack.db('settlement_lines as s').whereRaw('s.ledger_id = l.id'))
    .select('l.id');
}

/** Every ledger line on exactly one statement; each statement's sums; payouts plus the open carry equal net − commission. */
async function checkReconciles(partnerId: string): Promise<void> {
  assert.deepEqual(await unsettled(partnerId), [], 'every ledger line is settled');
  const ledgerRows = await stack.db('partner_ledger').where({ partnerId });
  const statements = await statementsOf(partnerId);
  const lines = await stack.db('settlement_lines').where({ partnerId });
  assert.equal(lines.length, ledgerRows.length, 'each ledger line on exactly one statement');
  let net = 0;
  let commission = 0;
  let paidOut = 0;
  for (const s of statements) {
    const own = lines.filter((l: Row) => l.statementId === s.id);
    const sales = own
      .filter((l: Row) => l.kind === 'sale')
      .reduce((n: number, l: Row) => n + Number(l.amount), 0);
    const refunds = own
      .filter((l: Row) => l.kind === 'refund')
      .reduce((n: number, l: Row) => n - Number(l.amount), 0);
    assert.deepEqual([s.grossSales, s.refunds, s.lineCount], [sales, refunds, own.length]);
    assert.ok(own.every((l: Row) => new Date(l.at as Date) < new Date(s.periodEnd as Date)));
    assert.equal(s.commission, commissionOf(sales - refunds, Number(s.commissionRateBps)));
    assert.equal(s.payoutAmount, sales - refunds - Number(s.commission) + Number(s.carriedIn));
    assert.equal(s.status, Number(s.payoutAmount) > 0 ? 'open' : 'carried');
    net += sales - refunds;
    commission += Number(s.commission);
    if (s.status === 'open') paidOut += Number(s.payoutAmount);
  }
  const ids = new Set(statements.map((s) => s.carriedFromId).filter(Boolean));
  const outstanding = statements
    .filter((s) => s.status === 'carried' && Number(s.payoutAmount) < 0 && !ids.has(s.id))
    .reduce((n, s) => n + Number(s.payoutAmount), 0);
  assert.equal(
    net,
    ledgerRows.reduce((n: number, l: Row) => n + Number(l.amount), 0),
    'statements sum to the ledger',
  );
  assert.equal(
    paidOut + outstanding,
    net - commission,
    'payouts and the carried balance reconcile to the won',
  );
}
