import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { trafficCounter } from './traffic';

describe('sandbox traffic counter', () => {
  it('peak per calendar second and per sliding second', () => {
    let clock = 10_000;
    const traffic = trafficCounter(() => clock);
    // 6 requests late in second 10, 6 early in second 11: 6 per calendar second, 12 within one sliding second.
    for (const t of [
      10_500, 10_600, 10_700, 10_800, 10_900, 10_950, 11_000, 11_050, 11_100, 11_200, 11_300, 11_400,
    ]) {
      clock = t;
      traffic.arrived();
    }
    clock = 13_000;
    traffic.arrived();
    const stats = traffic.stats();
    assert.equal(stats.requests, 13);
    assert.equal(stats.peakPerSecond, 6);
    assert.equal(stats.peakSecondAt, new Date(10_000).toISOString());
    assert.equal(stats.peakPerSlidingSecond, 12);
    traffic.reset();
    assert.deepEqual(
      { ...traffic.stats(), since: null },
      { requests: 0, peakPerSecond: 0, peakSecondAt: null, peakPerSlidingSecond: 0, since: null },
    );
  });
});
