// `npm run test:faults [-- --n 1000] [--cluster] [--faults worker-kill,redis-down]`: one charge burst of N due
// subscriptions per fault, with the fault injected mid-burst, then the books: every due charge made exactly once at
// the sandbox (no duplicate, none missing), every one recorded in Dalgona's database (payment, history event,
// fulfilment order, ledger line, the subscription's cycle), and the storefront (GET /api/catalog, polled all along)
// never failing. Writes bench/results/faults.json; exits 1 when any figure is not zero.
//
// The suite runs its own PostgreSQL cluster (port 55432, a temporary folder), its own redis-server (56379), its own
// Temporal — the dev server (7253), or with --cluster the official server on the suite's PostgreSQL (scripts/
// cluster.ts) — plus the payment sandbox (its ledger on the machine's PostgreSQL: the provider is not ours to
// restart), the worker built as the image runs it, and the API. See the README's "Fault suite".
import { Client, Connection } from '@temporalio/client';
import pMap from 'p-map';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { createBurstKit, type Prepared } from '../../bench/burst';
import { createDb } from '../../db/knex';
import { loadConfig } from '../../infra/config';
import { dataConverterFor } from '../../infra/payloadCodec';
import { createSecretBox } from '../../infra/secretBox';
import { createTossClient } from '../../payments/client';
import { buildWorker } from '../../scripts/buildWorker';
import {
  ensureClusterBinaries,
  ensureNamespace,
  prepareTemporalDatabases,
  startTemporalServer,
  writeServerConfig,
} from '../../scripts/cluster';
import { prepareSandboxDatabase } from '../../payments/sandbox/db';
import { emptyDatabase, prepareDatabase, root, workerProcessEnv } from '../../scripts/services';
import { ensureTemporalCli, startDevServer, waitForTemporal } from '../../scripts/temporal';
import { createOwnPostgres, managed, ownRedis, sleep, type Managed } from './infra';
import { subscriptionWorkflowId } from '../../domain/contracts/subscription';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const n = Number(arg('n') ?? 1000);
if (!Number.isInteger(n) || n < 1) throw new Error('--n takes a count like 1000');
const clusterMode = process.argv.includes('--cluster');
const allFaults = [
  'worker-kill',
  'sandbox-5xx-timeouts',
  'postgres-restart',
  'temporal-restart',
  'redis-down',
];
const chosen = (arg('faults') ?? allFaults.join(',')).split(',');
for (const f of chosen)
  if (!allFaults.includes(f)) throw new Error(`--faults: unknown fault ${f} (${allFaults})`);

// Ports of the suite's own services: none of the dev stack's (7233, 8233, 3000, 4010, 5432, 6379, 9464) nor the
// charge-burst bench's (7243, 8243, 7245, 4020, 9474).
const ports = { pg: 55432, redis: 56379, temporal: 7253, ui: 8253, metrics: 7259, sandbox: 4053, api: 3053 };
const pg = createOwnPostgres(ports.pg);
const env: Record<string, string> = {
  NODE_ENV: 'development',
  LOG_LEVEL: 'error',
  DATABASE_URL: `postgres://dalgona_worker:dalgona_worker@127.0.0.1:${ports.pg}/dalgona_faults`,
  API_DATABASE_URL: `postgres://dalgona_api:dalgona_api@127.0.0.1:${ports.pg}/dalgona_faults`,
  REDIS_URL: `redis://127.0.0.1:${ports.redis}/0`,
  REDIS_KEY_PREFIX: 'faults:',
  TEMPORAL_ADDRESS: `127.0.0.1:${ports.temporal}`,
  TEMPORAL_TASK_QUEUE_PREFIX: 'faults',
  TEMPORAL_UI_URL: `http://localhost:${ports.ui}`,
  TOSS_API_URL: `http://127.0.0.1:${ports.sandbox}`,
  TOSS_SECRET_KEY: 'test_sk_dalgona_faults_000000000',
  // The client gives up on a hung request after 5 s; the sandbox's "timeout" holds it 10 s.
  TOSS_READ_TIMEOUT: '5s',
  SANDBOX_TIMEOUT_HANG: '10s',
  SANDBOX_PORT: String(ports.sandbox),
  SANDBOX_PUBLIC_URL: `http://127.0.0.1:${ports.sandbox}`,
  SANDBOX_DATABASE_URL:
    process.env.FAULTS_SANDBOX_DATABASE_URL ??
    'postgres://toss_sandbox:toss_sandbox@127.0.0.1:5432/toss_sandbox_faults',
  API_HOST: '127.0.0.1',
  API_PORT: String(ports.api),
  PUBLIC_URL: `http://127.0.0.1:${ports.api}`,
  IMAGE_DIR: '.cache/faults-images',
  WORKER_METRICS_ADDRESS: '127.0.0.1:9484',
  WORKER_DOMAINS: 'billing',
};
const config = loadConfig(env);
const say = (m: string) => console.log(`▸ ${m}`);

let stopping = false;
const crashed: string[] = [];
const onCrash = (name: string, code: string) => {
  if (stopping) return;
  crashed.push(`${name} (${code})`);
  console.error(`✖ ${name} exited (${code}) without being asked to`);
};
const node =
  (script: string, worker = false) =>
  () => {
    const loader = script.endsWith('.mjs') ? ['--enable-source-maps'] : ['--import', 'tsx'];
    return spawn(process.execPath, [...loader, script], {
      cwd: root,
      env: worker ? workerProcessEnv({ ...process.env, ...env }) : { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  };

/** Temporal's output: errors to our stderr, the rest drained (a full pipe would stall the server). */
const quiet = (child: ChildProcess) => {
  child.stdout?.resume();
  child.stderr?.pipe(process.stderr);
  return child;
};
const redis = ownRedis(ports.redis, onCrash);
let temporal: Managed;
const services: Managed[] = [];
async function shutdown(): Promise<void> {
  stopping = true;
  for (const s of [...services].reverse()) await s.stop('SIGTERM', 15_000).catch(() => undefined);
  pg.destroy();
}
process.on('SIGINT', () => void shutdown().then(() => process.exit(130)));

// ── Services ──────────────────────────────────────────────────────────────────────────────────────────────────
say(`Own PostgreSQL on ${ports.pg} (${pg.dir}), own Redis on ${ports.redis}`);
pg.init();
pg.start();
redis.start();
services.push(redis);
await prepareDatabase(env.DATABASE_URL!, env.API_DATABASE_URL!, pg.adminUrl);
await prepareSandboxDatabase(env.SANDBOX_DATABASE_URL!);
await emptyDatabase(env.SANDBOX_DATABASE_URL!);
const cli = ensureTemporalCli(say);
const dataDir = join(root, '.data', 'faults');
rmSync(dataDir, { recursive: true, force: true });
mkdirSync(dataDir, { recursive: true });
if (clusterMode) {
  const cluster = {
    frontendPort: ports.temporal,
    uiPort: ports.ui,
    shards: 4,
    dbUrl: `postgres://temporal:temporal@127.0.0.1:${ports.pg}/temporal`,
    dir: join(dataDir, 'cluster'),
  };
  say(
    `Temporal: the official server on the suite's PostgreSQL (${cluster.shards} shards), frontend ${ports.temporal}`,
  );
  const bins = ensureClusterBinaries(say);
  await prepareTemporalDatabases(cluster, pg.adminUrl, bins.sqlTool, say);
  const file = writeServerConfig(cluster, 'error');
  temporal = managed('temporal', () => quiet(startTemporalServer(bins.server, file)), onCrash);
  temporal.start();
  services.push(temporal);
  await waitForTemporal(env.TEMPORAL_ADDRESS!, 120_000);
  await ensureNamespace(cli, env.TEMPORAL_ADDRESS!, config.temporal.namespace);
} else {
  say(`Temporal: the dev server on ${ports.temporal} (SQLite in .data/faults)`);
  temporal = managed(
    'temporal',
    () =>
      quiet(
        startDevServer({
          cli,
          dataDir,
          port: ports.temporal,
          uiPort: ports.ui,
          metricsPort: ports.metrics,
        }),
      ),
    onCrash,
  );
  temporal.start();
  services.push(temporal);
  await waitForTemporal(env.TEMPORAL_ADDRESS!);
}
const sandbox = managed('sandbox', node('payments/sandbox/main.ts'), onCrash);
sandbox.start();
services.push(sandbox);
const worker = managed('worker', node(await buildWorker(), true), onCrash);
worker.start();
services.push(worker);
const api = managed('api', node('api/main.ts'), onCrash);
api.start();
services.push(api);
const storefrontUrl = `${env.PUBLIC_URL}/api/catalog/products`;
for (const url of [`${env.TOSS_API_URL}/sandbox/cards`, `${env.PUBLIC_URL}/readyz`]) {
  const deadline = Date.now() + 60_000;
  while (
    !(await fetch(url).then(
      (r) => r.status < 500,
      () => false,
    ))
  ) {
    if (Date.now() > deadline) throw new Error(`${url} did not answer`);
    await sleep(300);
  }
}

const db = createDb(config.databaseUrl, { pool: { max: 10 } });
const toss = createTossClient({ baseUrl: config.toss.apiUrl, secretKey: config.toss.secretKey });
const kit = createBurstKit({
  db,
  toss,
  secrets: createSecretBox(config.billingKeys.secrets, config.billingKeys.activeId),
  sandboxUrl: env.TOSS_API_URL!,
  secretKey: config.toss.secretKey,
});
await kit.sandboxCall('POST', '/sandbox/faults', {});
const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
const client = new Client({ connection, dataConverter: dataConverterFor(config.payloadKeys) });
const product = await kit.seedPartner('Fault Roasters');

// ── One round ─────────────────────────────────────────────────────────────────────────────────────────────────
interface FaultResult {
  fault: string;
  charges_due: number;
  charges_made: number;
  duplicates: number;
  missing: number;
  /** Subscriptions whose cycle 1 lacks a payment row, history event, fulfilment order, ledger line or cycle. */
  records_missing: number;
  storefront_errors: number;
  storefront_requests: number;
  seconds: number;
  /** What was done, when (seconds after T0). */
  injected: string[];
  /** False when the burst was over before the fault came (N too small to show anything: raise --n). */
  fault_during_burst: boolean;
}

/** Polls the storefront's catalog every 250 ms until stopped; an error is anything but a 200 within 3 s. */
function pollStorefront() {
  let requests = 0;
  let errors = 0;
  let on = true;
  const loop = (async () => {
    while (on) {
      requests += 1;
      const ok = await fetch(storefrontUrl, { signal: AbortSignal.timeout(3000) }).then(
        async (r) => {
          await r.arrayBuffer();
          return r.status === 200;
        },
        () => false,
      );
      if (!ok) errors += 1;
      await sleep(250);
    }
  })();
  return async () => {
    on = false;
    await loop;
    return { requests, errors };
  };
}

/** Cycle 1 recorded for every subscription, counted per record kind; returns how many lack one. */
async function recordsMissing(ids: string[]): Promise<number> {
  const count = async (q: PromiseLike<Record<string, string | number> | undefined>) =>
    Number((await q)?.n ?? 0);
  const counts = await Promise.all([
    count(db('payments').whereIn('subscriptionId', ids).where({ cycle: 1 }).count('* as n').first()),
    count(
      db('payment_events')
        .whereIn('subscriptionId', ids)
        .where({ cycle: 1, outcome: 'approved' })
        .count('* as n')
        .first(),
    ),
    count(db('fulfilment_orders').whereIn('subscriptionId', ids).where({ cycle: 1 }).count('* as n').first()),
    count(
      db('partner_ledger')
        .whereIn('paymentId', db('payments').whereIn('subscriptionId', ids).select('id'))
        .where({ kind: 'sale' })
        .count('* as n')
        .first(),
    ),
    count(db('subscriptions').whereIn('id', ids).where({ cycle: 1 }).count('* as n').first()),
  ]);
  return ids.length - Math.min(...counts);
}

/** Recorded so far, or null while the database is away. */
const progress = (ids: string[]) => kit.recordedCount(ids).catch(() => null);
async function atProgress(ids: string[], fraction: number, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const done = await progress(ids);
    if (done !== null && done >= Math.ceil(ids.length * fraction)) return;
    await sleep(100);
  }
}

type Injector = (ids: string[], note: (m: string) => void, deadline: number) => Promise<void>;
const injectors: Record<
  string,
  { before?: () => Promise<void>; inject: Injector; after?: () => Promise<void> }
> = {
  // Three kill -9s of the worker mid-burst (at 10 %, 40 % and 70 % recorded), each followed by a fresh worker.
  'worker-kill': {
    inject: async (ids, note, deadline) => {
      for (const f of [0.1, 0.4, 0.7]) {
        await atProgress(ids, f, deadline);
        await worker.stop('SIGKILL');
        note(`worker kill -9 at ${f * 100}%`);
        await sleep(1000);
        worker.start();
        note('worker started');
      }
    },
  },
  // The provider answers 20 % of requests with a 500 and holds 10 % until the client times out, all burst long.
  'sandbox-5xx-timeouts': {
    before: () => kit.sandboxCall('POST', '/sandbox/faults', { failRate: 0.2, timeoutRate: 0.1 }),
    inject: async (_ids, note) => note('sandbox: 20 % 5xx, 10 % timeouts from T0'),
    after: () => kit.sandboxCall('POST', '/sandbox/faults', {}),
  },
  // A crash of PostgreSQL (immediate stop: no checkpoint, recovery on start) at 30 %, down for 5 s.
  'postgres-restart': {
    inject: async (ids, note, deadline) => {
      await atProgress(ids, 0.3, deadline);
      pg.stop('immediate');
      note('postgres stopped (immediate) at 30%');
      await sleep(5000);
      pg.start();
      note('postgres started');
    },
  },
  // Temporal stopped at 30 % and started again on the same store.
  'temporal-restart': {
    inject: async (ids, note, deadline) => {
      await atProgress(ids, 0.3, deadline);
      await temporal.stop('SIGTERM');
      note('temporal stopped at 30%');
      temporal.start();
      await waitForTemporal(env.TEMPORAL_ADDRESS!, 120_000);
      note('temporal serving again');
    },
  },
  // Redis stopped at 20 % for 15 s (sessions, rate limits and the catalog cache go with it).
  'redis-down': {
    inject: async (ids, note, deadline) => {
      await atProgress(ids, 0.2, deadline);
      await redis.stop('SIGTERM');
      note('redis stopped at 20%');
      await sleep(15_000);
      redis.start();
      note('redis started');
    },
  },
};

async function round(fault: string): Promise<FaultResult> {
  const injector = injectors[fault]!;
  say(`${fault}: set-up of ${n} subscriptions`);
  // Start-up takes about 10–15 ms a workflow here: T0 leaves room for all of them to be waiting on their timer.
  const t0 = new Date(Date.now() + 20_000 + n * 25);
  const subs: Prepared[] = await kit.prepare(n, t0, fault, product);
  await kit.startWorkflows({
    client,
    taskQueuePrefix: config.temporal.taskQueuePrefix,
    subs,
    t0,
    product,
    // Retries after an activity gives up come quickly in a test (a day-long week keeps cycle 2 far away).
    settings: { weekMs: 7 * 86_400_000, dunningLadderMs: [86_400_000, 3 * 86_400_000], errorBackoffMs: 3000 },
  });
  const ids = subs.map((s) => s.id);
  const stopPolling = pollStorefront();
  await injector.before?.();
  const wait = t0.getTime() - Date.now();
  if (wait < 0) say(`  warning: set-up ran ${-wait} ms past T0`);
  await sleep(Math.max(0, wait));
  const injected: string[] = [];
  let firstFaultAt: number | null = null;
  const note = (m: string) => {
    firstFaultAt ??= Date.now();
    const line = `${((Date.now() - t0.getTime()) / 1000).toFixed(1)}s ${m}`;
    injected.push(line);
    say(`  ${line}`);
  };
  const deadline = Date.now() + Math.max(300_000, n * 600);
  const injecting = injector.inject(ids, note, deadline);
  let doneAt = deadline;
  while (Date.now() < deadline) {
    const done = await progress(ids);
    if (done !== null && done >= n) {
      doneAt = Date.now();
      break;
    }
    await sleep(200);
  }
  await injecting;
  await injector.after?.();
  // A late duplicate (a retry after an answer that went missing) would land within seconds: wait, then count.
  await sleep(5000);
  const storefront = await stopPolling();
  const ledger = await kit.sandboxLedger(ids);
  const result: FaultResult = {
    fault,
    charges_due: n,
    charges_made: ledger.made,
    duplicates: ledger.duplicates,
    missing: Math.max(ledger.missing, n - ((await progress(ids)) ?? 0)),
    records_missing: await recordsMissing(ids),
    storefront_errors: storefront.errors,
    storefront_requests: storefront.requests,
    seconds: Math.round((doneAt - t0.getTime()) / 100) / 10,
    injected,
    fault_during_burst: firstFaultAt !== null && firstFaultAt < doneAt,
  };
  if (!result.fault_during_burst) say(`  warning: ${fault} came after the burst was over; raise --n`);
  say(
    `  ${fault}: made ${result.charges_made}/${n}, duplicates ${result.duplicates}, missing ${result.missing}, ` +
      `records missing ${result.records_missing}, storefront errors ${result.storefront_errors}/${result.storefront_requests}, ${result.seconds} s`,
  );
  // Done with this burst: end its workflows so the next round starts from a quiet server.
  await pMap(
    ids,
    (id) =>
      client.workflow
        .getHandle(subscriptionWorkflowId(id))
        .terminate('fault round done')
        .catch(() => undefined),
    {
      concurrency: 32,
    },
  );
  return result;
}

// ── Run ───────────────────────────────────────────────────────────────────────────────────────────────────────
const results: FaultResult[] = [];
const started = Date.now();
try {
  for (const fault of chosen) {
    results.push(await round(fault));
    if (crashed.length) throw new Error(`unexpected exits: ${crashed.join(', ')}`);
  }
} finally {
  await connection.close().catch(() => undefined);
  await db.destroy();
  await toss.close();
  await shutdown();
}

const mode = clusterMode ? 'cluster' : 'dev_server';
const file = join(root, 'bench', 'results', 'faults.json');
let previous: Record<string, unknown> = {};
try {
  previous = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
} catch {
  // first run
}
writeFileSync(
  file,
  `${JSON.stringify(
    {
      ...previous,
      [mode]: {
        n,
        temporal: clusterMode ? 'official server on PostgreSQL, 4 history shards' : 'Temporal CLI dev server',
        faults: results,
        minutes: Math.round((Date.now() - started) / 6000) / 10,
        machine: { cores: cpus().length, node: process.version },
        measured_at: new Date().toISOString(),
      },
      targets: { duplicates: 0, missing: 0, records_missing: 0, storefront_errors: 0 },
    },
    null,
    2,
  )}\n`,
);
say(`wrote ${file}`);
const bad = results.filter(
  (r) => r.duplicates || r.missing || r.records_missing || r.storefront_errors || !r.fault_during_burst,
);
if (bad.length) console.error(`✖ not clean: ${bad.map((r) => r.fault).join(', ')}`);
process.exit(bad.length ? 1 : 0);
