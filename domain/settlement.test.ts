import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commissionOf, statementTotals } from './settlement';

describe('settlement money', () => {
  it('rounds the commission half away from zero, in whole won', () => {
    assert.equal(commissionOf(28000, 1000), 2800);
    assert.equal(commissionOf(12345, 1000), 1235); // 1234.5 → 1235
    assert.equal(commissionOf(12344, 1000), 1234);
    assert.equal(commissionOf(-12345, 1000), -1235);
    assert.ok(Object.is(commissionOf(-1, 1000), 0), 'never -0');
    assert.equal(commissionOf(16000, 850), 1360);
    assert.equal(commissionOf(99999, 0), 0);
    assert.equal(commissionOf(99999, 10000), 99999);
  });

  it('nets sales, refunds, commission and a carried balance; nothing to pay is carried', () => {
    const lines = [
      { kind: 'sale' as const, amount: 16000 },
      { kind: 'sale' as const, amount: 16000 },
      { kind: 'refund' as const, amount: -4000 },
    ];
    assert.deepEqual(statementTotals(lines, 1000), {
      grossSales: 32000,
      refunds: 4000,
      netSales: 28000,
      commission: 2800,
      payoutAmount: 25200,
      status: 'open',
    });
    assert.equal(statementTotals(lines, 1000, -25200).status, 'carried');
    assert.equal(statementTotals([{ kind: 'refund', amount: -100 }], 1000).payoutAmount, -90);
  });
});
