import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { carriedStateFromRow, subscriptionDifferences, type SubscriptionRowState } from './reconcile';
import { beginCharge, plan, settingsOf } from './subscriptionRules';

const row: SubscriptionRowState = {
  id: '00000000-0000-4000-8000-000000000001',
  status: 'active',
  paymentState: 'idle',
  cycle: 3,
  nextChargeAt: new Date('2026-12-07T01:00:00Z'),
  nextRetryAt: null,
  unitPrice: 15000,
  grams: 200,
  grind: 'whole_bean',
  quantity: 2,
  cycleWeeks: 2,
  cardId: '00000000-0000-4000-8000-00000000000c',
  cardMasked: '4330-****-****-1234',
  skipNext: false,
  cancelAtPeriodEnd: false,
  dunningStep: 0,
  lastError: null,
  pendingChange: null,
  canceledAt: null,
};
const settings = settingsOf({ weekMs: 7 * 24 * 3600_000, dunningLadderMs: [1000, 2000] }, true);

describe('reconcile rules', () => {
  it('a restarted run carries the row: same cycle, next charge, options, price and card', () => {
    const s = carriedStateFromRow(row);
    assert.equal(s.status, 'active');
    assert.equal(s.cycle, 3);
    assert.equal(s.nextChargeAt, '2026-12-07T01:00:00.000Z');
    assert.deepEqual(s.options, { grams: 200, grind: 'whole_bean', quantity: 2, cycleWeeks: 2 });
    assert.equal(s.unitPrice, 15000);
    assert.equal(s.cardId, row.cardId);
  });

  it("its first charge is the row's next cycle, looked up at the provider before any new charge", () => {
    const s = carriedStateFromRow(row);
    const due = Date.parse('2026-12-07T01:00:01Z');
    assert.equal(plan(s, due, settings).kind, 'charge');
    const { charge } = beginCharge(s, due, settings);
    assert.equal(charge.cycle, 4, 'never a cycle the row already recorded');
    assert.equal(charge.lookupFirst, true);
    assert.equal(charge.amount, 30000);
  });

  it('a paused row stays paused and a scheduled cancel stays scheduled', () => {
    const paused = carriedStateFromRow({ ...row, status: 'paused' });
    assert.equal(plan(paused, Date.parse('2027-01-01T00:00:00Z'), settings).kind, 'wait');
    const ending = carriedStateFromRow({ ...row, cancelAtPeriodEnd: true });
    assert.equal(plan(ending, Date.parse('2026-12-07T01:00:01Z'), settings).kind, 'endOfTerm');
  });

  it('row and workflow are compared on status, next charge (to the second) and price', () => {
    const at = '2026-12-07T01:00:00.000Z';
    assert.deepEqual(
      subscriptionDifferences(
        { status: 'active', nextChargeAt: at },
        { status: 'active', nextChargeAt: '2026-12-07T01:00:00.400Z' },
      ),
      [],
    );
    assert.deepEqual(
      subscriptionDifferences({ status: 'paused', nextChargeAt: at }, { status: 'active', nextChargeAt: at }),
      ['status'],
    );
    assert.deepEqual(
      subscriptionDifferences(
        { status: 'active', nextChargeAt: at, unitPrice: 1 },
        { status: 'active', nextChargeAt: null, unitPrice: 2 },
      ),
      ['nextChargeAt', 'unitPrice'],
    );
    // A canceled workflow publishes no next charge: not a difference.
    assert.deepEqual(
      subscriptionDifferences(
        { status: 'canceled', nextChargeAt: at },
        { status: 'canceled', nextChargeAt: null },
      ),
      [],
    );
  });
});
