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

/** A cached answer: JSON bytes and their ETag. */
export interface Cached {
  body: Buffer;
  etag: string;
  source: 'memory' | 'redis' | 'database';
}

interface Entry {
  version: string;
  body: Buffer;
  etag: string;
  expires: number;
}

/**
 * Cache-aside for catalog answers: an in-process map in front of Redis in front of PostgreSQL.
 * Keys are the normalised query; entries live under the catalog version, so a publication invalidates
 * them all at once; a pub/sub message clears every instance's memory. With Redis down it answers from
 * PostgreSQL (memory entries then live one second). Memory also remembers answers by exact request URL,
 * so a repeat is served before any parsing (`peek`).
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
  const maxEntries = opts.maxEntries ?? 4000;
  let version: string | null = null;
  opts.redis.defineCommand('catalogGet', { numberOfKeys: 1, lua: GET_LUA });
  const redis = opts.redis as Redis & {
    catalogGetBuffer(key: string, hash: string): Promise<[Buffer, Buffer | null]>;
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

  const etagOf = (body: Buffer) => `"${createHash('sha1').update(body).digest('base64url')}"`;

  function remember(key: string, entry: Entry): void {
    if (memory.size >= maxEntries) memory.delete(memory.keys().next().value!);
    memory.set(key, entry);
  }

  function fresh(key: string): Entry | undefined {
    const hit = memory.get(key);
    return hit && hit.expires > Date.now() && (version === null || hit.version === version) ? hit : undefined;
  }

  return {
    /** A fresh answer already in memory for this exact key (e.g. the raw request URL), or undefined. */
    peek(key: string): Pick<Cached, 'body' | 'etag'> | undefined {
      return fresh(key);
    },

    /** The answer for `key`, from memory, Redis or `load` (whose JSON text is then cached); also kept under `alias`. */
    async get(key: string, load: () => Promise<string>, alias?: string): Promise<Cached> {
      const hit = fresh(key);
      if (hit) {
        if (alias) remember(alias, hit);
        return { body: hit.body, etag: hit.etag, source: 'memory' };
      }
      const hash = createHash('sha1').update(key).digest('base64url');
      let current: string | null = null;
      try {
        const [v, cached] = await redis.catalogGetBuffer(CATALOG_VERSION_KEY, hash);
        current = v.toString();
        version = current;
        if (cached !== null) {
          const entry = {
            version: current,
            body: cached,
            etag: etagOf(cached),
            expires: Date.now() + memoryTtl,
          };
          remember(key, entry);
          if (alias) remember(alias, entry);
          return { body: cached, etag: entry.etag, source: 'redis' };
        }
      } catch (err) {
        opts.onError?.(err);
      }
      const body = Buffer.from(await load());
      const entry: Entry = {
        version: current ?? version ?? '?',
        body,
        etag: etagOf(body),
        expires: Date.now() + (current !== null ? memoryTtl : 1000),
      };
      remember(key, entry);
      if (alias) remember(alias, entry);
      if (current !== null) {
        redis
          .set(`${CATALOG_VERSION_KEY}:${current}:${hash}`, body, 'PX', opts.ttlMs)
          .catch((err: unknown) => opts.onError?.(err));
      }
      return { body, etag: entry.etag, source: 'database' };
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
