// The Toss request limiter against real Redis (database 1, a key of its own). Assertions are on slot times from
// Redis's clock and on counts, never on how fast anything ran.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { createRedis, redisReady } from '../infra/redis';
import { createTossClient } from './client';
import { TossRateLimitedError } from './errors';
import { createTossRateLimiter, localSlots, redisSlots } from './rateLimit';

const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/1';
const prefix = `test:${randomBytes(5).toString('hex')}:`;
// Two clients: two worker processes sharing one limit.
const one = createRedis(redisUrl, prefix);
const two = createRedis(redisUrl, prefix);
after(async () => {
  const keys = await one.keys(`${prefix}*`);
  if (keys.length) await one.del(...keys.map((k) => k.slice(prefix.length)));
  one.disconnect();
  two.disconnect();
});

/** The most slots inside any window [t, t + windowMs) (t at a slot: the window that holds the most starts at one). */
function mostInAnyWindow(slots: number[], windowMs = 1000): number {
  const sorted = [...slots].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (j < sorted.length && sorted[j]! < sorted[i]! + windowMs) j++;
    most = Math.max(most, j - i);
  }
  return most;
}

/** A Redis that is down (commands fail at once, as infra/redis.ts's client does) until `up` is set. */
function flakyRedis(real: Redis) {
  const state = { up: false };
  const redis = {
    eval: (...args: Parameters<Redis['eval']>) =>
      state.up ? real.eval(...args) : Promise.reject(new Error("Stream isn't writeable")),
  } as unknown as Redis;
  return { redis, state };
}

describe('Toss request limiter', () => {
  it('30 requests at 10/s from two processes: never more than 10 in any second, so they span at least 2 windows', async () => {
    await redisReady(one);
    await redisReady(two);
    const key = 'slots-a';
    const interval = 100; // 10/s, no slack
    const takeOne = redisSlots(one, key, interval);
    const takeTwo = redisSlots(two, key, interval);
    const takes = await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 ? takeOne : takeTwo)(60_000)),
    );
    assert.ok(
      takes.every((t) => t.taken),
      'all 30 fit within the wait allowed',
    );
    const slots = takes.map((t) => t.slotMs!);
    assert.equal(mostInAnyWindow(slots), 10, 'at most 10 slots in any 1,000 ms');
    const sorted = [...slots].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) assert.ok(sorted[i]! - sorted[i - 1]! >= interval - 0.001);
    assert.ok(sorted.at(-1)! - sorted[0]! >= 2000, '30 slots at 10/s cannot fit in 2 windows');
  });

  it('waits for its slot: 25 acquisitions at 10/s cannot complete within two seconds', async () => {
    const limiter = createTossRateLimiter({
      redis: one,
      key: 'slots-b',
      perSecond: 10,
      maxWaitMs: 10_000,
      slackMs: 0,
      withoutRedis: { mode: 'closed' },
    });
    const started = performance.now();
    await Promise.all(Array.from({ length: 25 }, () => limiter.acquire()));
    // The 25th slot is 2.4 s after the first: sleeping until it cannot take less (timers never fire early).
    assert.ok(performance.now() - started >= 2000);
    assert.equal(limiter.source, 'redis');
  });

  it('a request whose slot is beyond the wait allowed takes none and fails retryably, with when to come back', async () => {
    const limiter = createTossRateLimiter({
      redis: one,
      key: 'slots-c',
      perSecond: 10,
      maxWaitMs: 300,
      slackMs: 0,
      withoutRedis: { mode: 'closed' },
      sleep: async () => {},
    });
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => limiter.acquire()));
    const refused = outcomes.filter((o) => o.status === 'rejected').map((o) => o.reason);
    const admitted = outcomes.length - refused.length;
    assert.ok(admitted >= 4 && refused.length >= 1, `${admitted} admitted, ${refused.length} refused`);
    for (const err of refused) {
      assert.ok(err instanceof TossRateLimitedError, String(err));
      assert.equal(err.retryClass, 'transient');
      assert.ok(err.retryAfterMs >= 100, 'comes back no sooner than one slot later');
    }
    // Refused requests reserved nothing: the next free slot is right after the admitted ones.
    const next = await redisSlots(one, 'slots-c', 100)(60_000);
    assert.ok(next.waitMs <= admitted * 100, `next slot in ${next.waitMs} ms after ${admitted} admitted`);
  });

  it('Redis down: each process keeps to its share (rate / processes), and goes back to Redis when it answers', async () => {
    const { redis, state } = flakyRedis(one);
    const waits: number[] = [];
    const sources: string[] = [];
    const limiter = createTossRateLimiter({
      redis,
      key: 'slots-d',
      perSecond: 10,
      maxWaitMs: 10_000,
      slackMs: 0,
      withoutRedis: { mode: 'local', processes: 4 },
      now: () => 0, // the fallback's clock stands still: waits are exact
      sleep: async (ms) => void waits.push(ms),
      onSourceChange: (s) => sources.push(s),
    });
    for (let i = 0; i < 5; i++) await limiter.acquire();
    assert.equal(limiter.source, 'local');
    // 10/s shared by 4 processes: 2.5/s here, one slot every 400 ms.
    assert.deepEqual(waits, [400, 800, 1200, 1600]);
    state.up = true;
    await limiter.acquire();
    assert.equal(limiter.source, 'redis');
    assert.deepEqual(sources, ['local', 'redis']);
  });

  it('a request that wakes up too late for its slot (a stalled event loop) takes a fresh one instead of crowding', async () => {
    const { redis } = flakyRedis(one);
    let clock = 0;
    const waits: number[] = [];
    const limiter = createTossRateLimiter({
      redis,
      key: 'slots-f',
      perSecond: 10,
      maxWaitMs: 10_000,
      slackMs: 50,
      withoutRedis: { mode: 'local', processes: 1 },
      now: () => clock,
      // The first sleep oversleeps by 300 ms (past the 50 ms slack); the second is on time.
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms + (waits.length === 1 ? 300 : 0);
      },
    });
    await limiter.acquire(); // slot 0, no wait
    await limiter.acquire(); // slot 105, woke at 405: given up; the next free slot is 210… taken at 405, so 405
    assert.deepEqual(waits, [105]);
    await limiter.acquire(); // slot at 510
    assert.deepEqual(waits, [105, 105]);
    assert.equal(clock, 510);
  });

  it('Redis down, fail closed: nothing is sent, retry later', async () => {
    const { redis } = flakyRedis(one);
    const limiter = createTossRateLimiter({
      redis,
      key: 'slots-e',
      perSecond: 10,
      maxWaitMs: 10_000,
      slackMs: 0,
      withoutRedis: { mode: 'closed' },
    });
    await assert.rejects(limiter.acquire(), (err: TossRateLimitedError) => err.retryAfterMs >= 5000);
    assert.equal(limiter.source, 'closed');
  });

  it('the local bucket: 30 takes at 10/s are spaced 100 ms apart, refused past the wait allowed', () => {
    let clock = 0;
    const take = localSlots(100, () => clock);
    const waits = Array.from({ length: 30 }, () => take(10_000).waitMs);
    assert.deepEqual(
      waits,
      Array.from({ length: 30 }, (_, i) => i * 100),
    );
    assert.equal(take(2000).taken, false);
    clock = 2000;
    assert.deepEqual(take(2000), { taken: true, waitMs: 1000 });
  });

  it('the Toss client asks for a slot before it sends anything', async () => {
    let asked = 0;
    // Nothing listens on port 1: had the request been sent, it would fail to connect instead.
    const toss = createTossClient({
      baseUrl: 'http://127.0.0.1:1',
      secretKey: 'test_sk_x',
      limiter: {
        acquire: async () => {
          asked += 1;
          throw new TossRateLimitedError('full', 500);
        },
      },
    });
    await assert.rejects(
      toss.chargeBillingKey('bk', { customerKey: 'ck', amount: 1000, orderId: 'order_1', orderName: 'x' }),
      TossRateLimitedError,
    );
    await assert.rejects(toss.getPaymentByOrderId('order_1'), TossRateLimitedError);
    assert.equal(asked, 2);
    await toss.close();
  });
});
