import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addWeeksSeoul, nextCycle, seoulDate } from './calendar';

const at = (s: string) => new Date(s);

describe('Asia/Seoul calendar', () => {
  it('reads the Seoul date of an instant (the day turns at 15:00 UTC)', () => {
    assert.equal(seoulDate(at('2026-11-24T14:59:59Z')), '2026-11-24');
    assert.equal(seoulDate(at('2026-11-24T15:00:00Z')), '2026-11-25');
  });

  it('adds weeks across month ends and years, keeping the Seoul time of day', () => {
    assert.equal(
      addWeeksSeoul(at('2026-01-29T01:00:00+09:00'), 1).toISOString(),
      at('2026-02-05T01:00:00+09:00').toISOString(),
    );
    assert.equal(
      addWeeksSeoul(at('2026-12-28T09:30:00+09:00'), 1).toISOString(),
      at('2027-01-04T09:30:00+09:00').toISOString(),
    );
    assert.equal(
      addWeeksSeoul(at('2026-03-31T23:59:00+09:00'), 4).toISOString(),
      at('2026-04-28T23:59:00+09:00').toISOString(),
    );
  });

  it('lands on and steps over leap days', () => {
    assert.equal(seoulDate(addWeeksSeoul(at('2028-02-22T10:00:00+09:00'), 1)), '2028-02-29');
    assert.equal(seoulDate(addWeeksSeoul(at('2028-02-26T10:00:00+09:00'), 1)), '2028-03-04');
    assert.equal(seoulDate(addWeeksSeoul(at('2027-02-26T10:00:00+09:00'), 1)), '2027-03-05');
    assert.equal(seoulDate(addWeeksSeoul(at('2028-02-01T00:30:00+09:00'), 4)), '2028-02-29');
  });

  it('uses plain milliseconds for a shortened test week', () => {
    assert.equal(nextCycle(1000, 2, 500).getTime(), 2000);
    assert.equal(
      nextCycle(at('2028-02-22T10:00:00+09:00'), 1, 7 * 24 * 3600_000).toISOString(),
      at('2028-02-29T10:00:00+09:00').toISOString(),
    );
  });
});
