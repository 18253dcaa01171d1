import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** Redis keys shared by the activities that invalidate the catalog and the API that caches it. */
export const CATALOG_VERSION_KEY = 'catalog:version';
export const catalogChannel = (prefix: string) => `${prefix}catalog:invalidated`;

/**
 * Invalidates every cached catalog answer at once: bumps the version the cache keys live under (old keys
 * simply expire) and tells every API instance to drop its in-process copies.
 */
export async function invalidateCatalog(redis: Redis, prefix: string): Promise<number> {
  const version = await redis.incr(CATALOG_VERSION_KEY);
  await redis.publish(catalogChannel(prefix), String(version));
  return version;
}

// One round trip: the current version and the entry cached under it.
const GET_LUA = `
local v = redis.call('GET', KEYS[1]) or '0'
return { v, redis.call('GET', KEYS[1] .. ':' .. v .. ':' .. ARGV[1]) }`;

interface Entry {
  version: string;
  body: string;
  etag: string;
  expires: number;
}

export interface Cached {
  body: string;
  etag: string;
  source: 'memory' | 'redis' | 'database';
}

/**
 * Cache-aside for catalog answers: an in-process map in front of Redis in front of PostgreSQL.
 * Keys are the normalised query; entries live under the catalog version, so a publication invalidates
 * them all at once; a pub/sub message clears every instance's memory. With Redis down it answers from
 * PostgreSQL (memory entries then live one second).
 */
export function createCatalogCache(opts: {
  redis: Redis;
  subscriber?: Redis;
  prefix: string;
  ttlMs: number;
  memoryTtlMs?: number;
  maxEntries?: number;
  onError?: (err: unknown) => void;
}) {
  const memory = new Map<string, Entry>();
  const memoryTtl = opts.memoryTtlMs ?? 5000;
  const maxEntries = opts.maxEntries ?? 2000;
  let version: string | null = null;
  opts.redis.defineCommand('catalogGet', { numberOfKeys: 1, lua: GET_LUA });
  const redis = opts.redis as Redis & {
    catalogGet(key: string, hash: string): Promise<[string, string | null]>;
  };

  if (opts.subscriber) {
    const channel = catalogChannel(opts.prefix);
    opts.subscriber.subscribe(channel).catch((err: unknown) => opts.onError?.(err));
    opts.subscriber.on('message', (ch: string, message: string) => {
      if (ch !== channel) return;
      version = message;
      memory.clear();
    });
  }

  const etagOf = (body: string) => `"${createHash('sha1').update(body).digest('base64url')}"`;

  function remember(key: string, entry: Entry): void {
    if (memory.size >= maxEntries) memory.delete(memory.keys().next().value!);
    memory.set(key, entry);
  }

  return {
    /** The answer for `key`, from memory, Redis or `load` (whose JSON text is then cached). */
    async get(key: string, load: () => Promise<string>): Promise<Cached> {
      const hit = memory.get(key);
      if (hit && hit.expires > Date.now() && (version === null || hit.version === version)) {
        return { body: hit.body, etag: hit.etag, source: 'memory' };
      }
      const hash = createHash('sha1').update(key).digest('base64url');
      let current: string | null = null;
      try {
        const [v, cached] = await redis.catalogGet(CATALOG_VERSION_KEY, hash);
        current = v;
        version = v;
        if (cached !== null) {
          const entry = { version: v, body: cached, etag: etagOf(cached), expires: Date.now() + memoryTtl };
          remember(key, entry);
          return { body: cached, etag: entry.etag, source: 'redis' };
        }
      } catch (err) {
        opts.onError?.(err);
      }
      const body = await load();
      const etag = etagOf(body);
      if (current !== null) {
        remember(key, { version: current, body, etag, expires: Date.now() + memoryTtl });
        redis
          .set(`${CATALOG_VERSION_KEY}:${current}:${hash}`, body, 'PX', opts.ttlMs)
          .catch((err: unknown) => opts.onError?.(err));
      } else {
        remember(key, { version: version ?? '?', body, etag, expires: Date.now() + 1000 });
      }
      return { body, etag, source: 'database' };
    },

    /** Drops this instance's memory (tests; pub/sub does it in production). */
    clearMemory(): void {
      memory.clear();
    },
  };
}
export type CatalogCache = ReturnType<typeof createCatalogCache>;

/** A stable cache key for a parsed query: sorted keys, undefined dropped. */
export function normaliseQuery(route: string, query: Record<string, unknown>): string {
  const entries = Object.entries(query)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .sort(([a], [b]) => a.localeCompare(b));
  return `${route}?${JSON.stringify(entries)}`;
}
