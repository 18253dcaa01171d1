// What `npm start` and `npm test` share: service checks, databases, the UI build.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Redis } from 'ioredis';
import { adminUrl, ensureDatabase } from '../db/setup';
import { createDb, migrateLatest } from '../db/knex';

export const root = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** Fails with a clear next step when PostgreSQL or Redis is not running. */
export async function checkServices(redisUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl(), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
  } catch (err) {
    throw new Error(
      `PostgreSQL is not reachable at ${adminUrl().replace(/:[^:@/]*@/, ':***@')} (${(err as Error).message}).\n` +
        '  Start it (e.g. pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or set POSTGRES_ADMIN_URL.',
      { cause: err },
    );
  }
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 3000,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new Error(
      `Redis is not reachable at ${redisUrl} (${(err as Error).message}).\n` +
        '  Start it (e.g. redis-server --daemonize yes --bind 127.0.0.1 --port 6379) or set REDIS_URL.',
      { cause: err },
    );
  } finally {
    redis.disconnect();
  }
}

/** Roles, database and migrations for one environment (idempotent); `admin` is a superuser's URL on that server. */
export async function prepareDatabase(
  workerUrl: string,
  apiUrl: string,
  admin = adminUrl(),
): Promise<string[]> {
  await ensureDatabase(admin, workerUrl, apiUrl);
  const db = createDb(workerUrl, { pool: { max: 1 } });
  try {
    return await migrateLatest(db);
  } finally {
    await db.destroy();
  }
}

/**
 * Empties every table (not the migrations) of a test database: each test run starts from nothing, and rows left
 * by an earlier run, whose workflows died with its Temporal server, do not linger.
 */
export async function emptyDatabase(workerUrl: string): Promise<void> {
  const db = createDb(workerUrl, { pool: { max: 1 } });
  try {
    const rows = (await db('information_schema.tables')
      .where({ table_schema: 'public', table_type: 'BASE TABLE' })
      .whereNot('table_name', 'like', 'knex_%')
      .select('table_name')) as { tableName: string }[];
    if (rows.length)
      await db.raw(
        `TRUNCATE ${rows.map(() => '??').join(', ')} CASCADE`,
        rows.map((r) => r.tableName),
      );
  } finally {
    await db.destroy();
  }
}

function newest(path: string): number {
  const s = statSync(path, { throwIfNoEntry: false });
  if (!s) return 0;
  if (!s.isDirectory()) return s.mtimeMs;
  let max = s.mtimeMs;
  for (const name of readdirSync(path)) {
    if (name === 'node_modules' || name === 'build' || name === '.svelte-kit') continue;
    max = Math.max(max, newest(join(path, name)));
  }
  return max;
}

/** Builds the Svelte UI when ui/build is missing or older than its sources. */
export function ensureUiBuilt(log: (m: string) => void = console.log): void {
  const built = statSync(join(root, 'ui', 'build', 'index.html'), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const sources = Math.max(
    newest(join(root, 'ui')),
    newest(join(root, 'domain')),
    newest(join(root, 'package-lock.json')),
  );
  if (built >= sources) return;
  log('Building the UI (vite build)…');
  // Its timings go to .data/logs/ui-build.log; the terminal gets them only when the build fails.
  const res = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], {
    cwd: join(root, 'ui'),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = `${res.stdout ?? ''}${res.stderr ?? ''}`;
  mkdirSync(join(root, '.data', 'logs'), { recursive: true });
  writeFileSync(join(root, '.data', 'logs', 'ui-build.log'), output);
  if (res.status !== 0) {
    process.stderr.write(output);
    throw new Error('The UI build failed (output above and in .data/logs/ui-build.log)');
  }
}

const jemallocPaths = [
  '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2',
  '/usr/lib/aarch64-linux-gnu/libjemalloc.so.2',
];

/**
 * V8 heap limits for the worker (its main isolate and the workflow thread alike): without them V8 lets a busy heap
 * grow toward gigabytes before collecting. Measured by `npm run bench:charge-burst` (n = 1,000): peak RSS 482 MB
 * without, 288 MB with, at the same throughput. The live set stays far below (200 cached workflows, bounded slots).
 */
export const WORKER_V8_OPTIONS = '--max-old-space-size=256 --max-semi-space-size=8';

/**
 * Environment for the worker process: the V8 limits above (unless NODE_OPTIONS already sets a heap size), and
 * jemalloc, where the machine has it (Debian's libjemalloc2), in place of glibc's malloc. A charge burst allocates and
 * frees in many threads at once (the SDK's Rust core, V8's workflow thread, undici); glibc's per-thread arenas keep
 * that memory, jemalloc gives it back. LD_PRELOAD set by the caller wins (`LD_PRELOAD=` keeps glibc's).
 */
export function workerProcessEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const nodeOptions = env.NODE_OPTIONS?.includes('max-old-space-size')
    ? env.NODE_OPTIONS
    : [env.NODE_OPTIONS, WORKER_V8_OPTIONS].filter(Boolean).join(' ');
  const withV8 = { ...env, NODE_OPTIONS: nodeOptions };
  if (env.LD_PRELOAD !== undefined) return withV8;
  const lib = jemallocPaths.find((p) => existsSync(p));
  // Two arenas and a one-second decay: the idle worker holds ~240 MB instead of ~360 MB (jemalloc's defaults keep
  // 4 arenas per core and ten seconds of dirty pages).
  return lib
    ? {
        ...withV8,
        LD_PRELOAD: lib,
        MALLOC_CONF:
          env.MALLOC_CONF ?? 'narenas:2,background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0',
      }
    : withV8;
}
