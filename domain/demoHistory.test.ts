import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pastMondaysSeoul, planDemoHistory, type DemoProduct } from './demoHistory';

const products: DemoProduct[] = [
  {
    productId: 'p1',
    name: 'Ethiopia Guji',
    weights: [
      { grams: 200, priceKrw: 17000 },
      { grams: 500, priceKrw: 39000 },
    ],
    grinds: ['whole_bean', 'pour_over'],
    cycles: [1, 2, 4],
  },
  {
    productId: 'p2',
    name: 'Brazil Cerrado',
    weights: [{ grams: 1000, priceKrw: 52000 }],
    grinds: ['espresso'],
    cycles: [4],
  },
];
const input = {
  partnerId: '0f5f2bb4-4c7e-4c53-9a55-6e4f1f0f9d11',
  customerIds: ['c1', 'c2', 'c3'],
  weeks: 6,
  asOf: '2026-12-01T09:00:00.000Z',
};

describe('demo history plan', () => {
  it('is the same for the same input, ids included; its first id does not depend on asOf', () => {
    const a = planDemoHistory(input, products);
    assert.deepEqual(planDemoHistory(input, products), a);
    const later = planDemoHistory({ ...input, asOf: '2026-12-08T09:00:00.000Z' }, products);
    assert.equal(later[0]!.id, a[0]!.id);
    assert.notEqual(planDemoHistory({ ...input, partnerId: 'another' }, products)[0]!.id, a[0]!.id);
    assert.equal(new Set(a.map((s) => s.id)).size, a.length);
  });

  it('happens inside its weeks: every charge, delivery and cancellation before asOf, cycles in order', () => {
    const asOf = Date.parse(input.asOf);
    const begin = asOf - 6 * 7 * 86_400_000;
    const plan = planDemoHistory(input, products);
    assert.equal(plan.length, 15);
    for (const s of plan) {
      assert.ok(s.startedAt.getTime() >= begin && s.canceledAt.getTime() < asOf);
      assert.ok(s.charges.length >= 1);
      assert.equal(s.amount, s.unitPrice * s.quantity);
      assert.ok(products.find((p) => p.productId === s.product.productId)!.cycles.includes(s.cycleWeeks));
      s.charges.forEach((c, i) => {
        assert.equal(c.cycle, i + 1);
        assert.equal(c.approvedAt.getTime(), s.startedAt.getTime() + i * s.cycleWeeks * 7 * 86_400_000);
        assert.ok(c.approvedAt < s.canceledAt);
        assert.ok(c.approvedAt < c.roastedAt && c.roastedAt < c.shippedAt && c.shippedAt < c.deliveredAt);
        assert.ok(c.deliveredAt.getTime() < asOf);
      });
    }
    // Spread over the weeks, not bunched on one day.
    const weeks = new Set(
      plan.flatMap((s) => s.charges.map((c) => Math.floor((c.approvedAt.getTime() - begin) / 6.048e8))),
    );
    assert.ok(weeks.size >= 4, `charges in ${weeks.size} weeks`);
  });

  it('is empty without products or customers', () => {
    assert.deepEqual(planDemoHistory(input, []), []);
    assert.deepEqual(planDemoHistory({ ...input, customerIds: [] }, products), []);
  });
});

describe('pastMondaysSeoul', () => {
  it('gives the Mondays 00:00 in Seoul (Sunday 15:00 UTC), oldest first, the last at or before now', () => {
    // Tuesday 2026-12-01 09:00 UTC = 18:00 in Seoul: the week began on Monday 2026-11-30 00:00 KST.
    assert.deepEqual(
      pastMondaysSeoul(new Date('2026-12-01T09:00:00Z'), 3).map((d) => d.toISOString()),
      ['2026-11-15T15:00:00.000Z', '2026-11-22T15:00:00.000Z', '2026-11-29T15:00:00.000Z'],
    );
    // Sunday 2026-11-29 16:00 UTC is already Monday 01:00 in Seoul.
    assert.equal(
      pastMondaysSeoul(new Date('2026-11-29T16:00:00Z'), 1)[0]!.toISOString(),
      '2026-11-29T15:00:00.000Z',
    );
    // Sunday 2026-11-29 14:59 UTC is still Sunday in Seoul.
    assert.equal(
      pastMondaysSeoul(new Date('2026-11-29T14:59:00Z'), 1)[0]!.toISOString(),
      '2026-11-22T15:00:00.000Z',
    );
  });
});
