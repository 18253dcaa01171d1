import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bucketStarts, churnRate, fillSeries, mondayOf, partnerDashboardQuerySchema } from './dashboard';

const at = (s: string) => new Date(s);

describe('sales dashboard buckets (Asia/Seoul)', () => {
  it('finds the Monday of a Seoul week, across a month and a year end', () => {
    assert.equal(mondayOf('2026-11-26'), '2026-11-23'); // a Thursday
    assert.equal(mondayOf('2026-11-23'), '2026-11-23');
    assert.equal(mondayOf('2026-11-29'), '2026-11-23'); // Sunday ends the week
    assert.equal(mondayOf('2027-01-01'), '2026-12-28');
  });

  it('30 days by day ending on the Seoul date (the day turns at 15:00 UTC)', () => {
    const days = bucketStarts('30d', at('2026-11-25T15:00:00Z'));
    assert.equal(days.length, 30);
    assert.equal(days.at(-1), '2026-11-26');
    assert.equal(days[0], '2026-10-28');
  });

  it('12 weeks from Mondays, 12 months from the first of each month, across a year end', () => {
    const weeks = bucketStarts('12w', at('2027-01-06T03:00:00Z'));
    assert.equal(weeks.length, 12);
    assert.equal(weeks.at(-1), '2027-01-04');
    assert.equal(weeks[0], '2026-10-19');
    const months = bucketStarts('12m', at('2027-01-31T16:00:00Z')); // already 1 February in Seoul
    assert.deepEqual([months[0], months.at(-1), months.length], ['2026-03-01', '2027-02-01', 12]);
  });

  it('fills empty buckets with zeros and nets refunds', () => {
    const series = fillSeries(
      ['2026-11-24', '2026-11-25'],
      [{ start: '2026-11-25', gross: 30000, refunds: 5000, orders: 2 }],
    );
    assert.deepEqual(series, [
      { start: '2026-11-24', gross: 0, refunds: 0, net: 0, orders: 0 },
      { start: '2026-11-25', gross: 30000, refunds: 5000, net: 25000, orders: 2 },
    ]);
  });

  it('churn: cancelled over those live at the start of the range; none live, no rate', () => {
    assert.equal(churnRate(90, 20, 10), 0.1); // 80 at the start and 20 new: 10 of those 100 left
    assert.equal(churnRate(4, 16, 15), 0.7895); // a young shop: 3 at the start, 16 new, 15 left — not 500 %
    assert.equal(churnRate(0, 3, 3), 1);
    assert.equal(churnRate(0, 0, 0), null);
  });

  it('takes only the known ranges, and no other key', () => {
    assert.equal(partnerDashboardQuerySchema.parse({}).range, '30d');
    assert.equal(partnerDashboardQuerySchema.safeParse({ range: '7y' }).success, false);
    assert.equal(partnerDashboardQuerySchema.safeParse({ partnerId: 'x' }).success, false);
  });
});
