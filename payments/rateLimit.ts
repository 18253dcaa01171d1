import type { Redis } from 'ioredis';
import { TossRateLimitedError } from './errors';

/**
 * One slot per request to Toss, shared by every worker process through Redis: a token bucket of depth one (GCRA).
 * Redis keeps the time of the next free slot; each request takes the next one and waits for it, so requests leave at
 * most one per `interval`, first come first served, without polling. A request whose slot is more than `maxWaitMs`
 * away takes none and fails with TossRateLimitedError before anything is sent.
 *
 * Slots are spaced (1 s + slack) / rate apart, not 1 s / rate: between taking a slot and reaching Toss a request is
 * delayed by the event loop and the network, and those delays differ from request to request. As long as they differ
 * by less than the slack, no one-second window at Toss — aligned or sliding — receives more than `perSecond`. A request
 * that wakes up later than the slack after its slot (a stalled event loop fires many timers at once) does not go:
 * it gives the slot up and takes the next free one, within the same bounded wait.
 */
export interface TossRateLimiter {
  /** Waits for this request's slot; throws TossRateLimitedError (nothing sent) when none is free within maxWaitMs. */
  acquire(): Promise<void>;
  /** Where slots come from: Redis (shared), this process alone while Redis is unreachable, or nowhere (fail closed). */
  readonly source: 'redis' | 'local' | 'closed';
}

export interface TossRateLimitOptions {
  /** A client whose commands fail fast when Redis is down (infra/redis.ts); its key prefix applies. */
  redis: Redis;
  /** The Redis key holding the next free slot (one per provider account). */
  key: string;
  /** Requests per second the provider allows this account, across every process. */
  perSecond: number;
  /** How long a request may wait for its slot before it gives up (nothing sent). */
  maxWaitMs: number;
  /** Allowance for the spread of delays between a slot and the request's arrival (see above). */
  slackMs: number;
  /**
   * Without Redis: `local` keeps each process to `perSecond / processes` on its own (the limit holds as long as no
   * more than `processes` processes call Toss); `closed` sends nothing until Redis answers again.
   */
  withoutRedis: { mode: 'local'; processes: number } | { mode: 'closed' };
  /** Called when the source changes (Redis lost or back), for a log line. */
  onSourceChange?: (source: TossRateLimiter['source'], err?: Error) => void;
  /** How long to wait for Redis before treating it as down. */
  redisTimeoutMs?: number;
  /** For tests: how the limiter waits, and this process's clock (lateness, and the fallback's slots). */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

// KEYS[1]: next free slot, µs on Redis's clock. ARGV: interval µs, max wait µs. Returns {taken (1|0), wait µs, slot µs}.
// Redis's clock is the one clock every process shares; integers in µs keep fractional intervals exact.
const TAKE_SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local nextFree = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(now, nextFree)
local wait = slot - now
if wait > tonumber(ARGV[2]) then return {0, wait, slot} end
redis.call('SET', KEYS[1], string.format('%.0f', slot + interval), 'PX', math.ceil((wait + interval) / 1000) + 1000)
return {1, wait, slot}
`;

/** One try for a slot: taken or not, how far away it is, and (Redis) when it is on Redis's clock. */
export interface Take {
  taken: boolean;
  waitMs: number;
  slotMs?: number;
}

/** Slots from Redis, one every `intervalMs` across every client of `key`; rejects when Redis does not answer. */
export function redisSlots(redis: Redis, key: string, intervalMs: number, timeoutMs = 1000) {
  return async (maxWaitMs: number): Promise<Take> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      const reply = (await Promise.race([
        redis.eval(TAKE_SLOT, 1, key, Math.round(intervalMs * 1000), Math.round(maxWaitMs * 1000)),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('Redis did not answer in time')), timeoutMs);
        }),
      ])) as [number, number, number];
      return { taken: reply[0] === 1, waitMs: reply[1] / 1000, slotMs: reply[2] / 1000 };
    } finally {
      clearTimeout(timer);
    }
  };
}

/** The same bucket in this process's memory (the fallback while Redis is unreachable). */
export function localSlots(intervalMs: number, now: () => number = () => performance.now()) {
  let nextFree = 0;
  return (maxWaitMs: number): Take => {
    const t = now();
    const slot = Math.max(t, nextFree);
    const waitMs = slot - t;
    if (waitMs > maxWaitMs) return { taken: false, waitMs };
    nextFree = slot + intervalMs;
    return { taken: true, waitMs };
  };
}

/** The limiter for every request to Toss (see TossRateLimiter). */
export function createTossRateLimiter(opts: TossRateLimitOptions): TossRateLimiter {
  if (!(opts.perSecond > 0)) throw new Error('perSecond must be positive');
  const intervalMs = (1000 + opts.slackMs) / opts.perSecond;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = opts.now ?? (() => performance.now());
  const fromRedis = redisSlots(opts.redis, opts.key, intervalMs, opts.redisTimeoutMs);
  const fallback =
    opts.withoutRedis.mode === 'local' ? localSlots(intervalMs * opts.withoutRedis.processes, now) : null;
  let source: TossRateLimiter['source'] = 'redis';
  const switchTo = (next: TossRateLimiter['source'], err?: Error) => {
    if (next === source) return;
    source = next;
    opts.onSourceChange?.(next, err);
  };

  async function takeSlot(maxWaitMs: number): Promise<Take> {
    try {
      const take = await fromRedis(maxWaitMs);
      switchTo('redis');
      return take;
    } catch (err) {
      switchTo(fallback ? 'local' : 'closed', err as Error);
      if (!fallback) {
        throw limited(
          'Toss request limiter unavailable (Redis down): nothing was sent',
          5000 + Math.random() * 5000,
        );
      }
      return fallback(maxWaitMs);
    }
  }

  const limited = (message: string, retryAfterMs: number) =>
    new TossRateLimitedError(message, Math.max(Math.ceil(retryAfterMs), Math.ceil(intervalMs)));

  return {
    get source() {
      return source;
    },
    async acquire(): Promise<void> {
      const deadline = now() + opts.maxWaitMs;
      for (;;) {
        const asked = now();
        const take = await takeSlot(Math.max(0, deadline - asked));
        if (!take.taken) {
          // Spread the retries over the next maxWait window, so they do not all come back at once.
          throw limited(
            `Toss request limit (${opts.perSecond}/s) taken for the next ${Math.round(take.waitMs)} ms: nothing was sent`,
            take.waitMs - opts.maxWaitMs + Math.random() * opts.maxWaitMs,
          );
        }
        // Redis took the slot somewhere between asking and answering: wait from the answer (never early), and
        // count lateness from the ask (the round trip, stalls included, uses up slack).
        if (take.waitMs > 0) await sleep(take.waitMs);
        if (opts.slackMs === 0 || now() - (asked + take.waitMs) <= opts.slackMs) return;
        // Woke up too late to stay within the slack: going now could crowd the next slots. Take a fresh one.
      }
    },
  };
}
