// `npm run bench:charge-burst -- --n 1000[,10000] [--reconcile]`: N subscriptions fall due at the same moment; how long until
// every one is charged (sandbox), recorded (payment, fulfilment order, ledger line) and in payment history —
// side by side with a floor loop that runs the very same charge activity (same SQL, same HTTP to the same sandbox)
// at the same concurrency, without Temporal. Duplicate and missing charges are counted against the sandbox's
// ledger. The sandbox counts the requests it receives: the run reports the peak per second beside the configured Toss
// request limit (TOSS_MAX_REQUESTS_PER_SECOND from the shell) and whether it held. Writes bench/results/charge-burst.json
// (or `--out <file>` in bench/results/).
// With the notifier (the default; `--notify off` for the comparison) the worker also serves the notifications queue and
// MailDev runs: each burst cycle's 결제 완료 mail is counted in MailDev by Message-ID (sent, duplicates, missing) and
// its lag measured from the charge's record (the receipt's outbox row) to SMTP's acceptance (p50 / p99 / max).
//
// Set-up (not timed): customers, billing keys issued by the sandbox, sealed cards and subscription rows, and one
// subscription workflow each, started as a run that continued-as-new (carried state: active, cycle 0, next charge
// at T0): the path a long-lived subscription is on. T0 is chosen so that every workflow is started and waiting.
import { Client, Connection } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import pMap from 'p-map';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createActivities } from '../activities';
import { createDb } from '../db/knex';
import type { ChargeResult } from '../domain/subscription';
import { loadConfig } from '../infra/config';
import { createLogger } from '../infra/logger';
import { dataConverterFor } from '../infra/payloadCodec';
import { createRedis } from '../infra/redis';
import { createTossClient } from '../payments/client';
import { prepareSandboxDatabase } from '../payments/sandbox/db';
import { emptyDatabase, prepareDatabase, root, workerProcessEnv } from '../scripts/services';
import { buildWorker } from '../scripts/buildWorker';
import { ensureTemporalCli, startDevServer, waitForTemporal } from '../scripts/temporal';
import { createActivityDeps } from '../worker/deps';
import { createBurstKit } from './burst';
import { subscriptionWorkflowId } from '../domain/contracts/subscription';
import { startReconcilePass, type ReconcileResult } from '../domain/contracts/reconcile';
import { mismatchKinds } from '../domain/reconcile';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const sizes = (arg('n') ?? '1000').split(',').map(Number);
if (sizes.some((n) => !Number.isInteger(n) || n < 1))
  throw new Error('--n takes counts like 1000 or 1000,10000');

const out = arg('out') ?? 'charge-burst.json';
if (!/^[a-z0-9-]+\.json$/.test(out))
  throw new Error('--out takes a file name like charge-burst-limited.json');

/** `--notify off` runs without the notifier (the worker serves billing only), for the comparison. */
const notify = arg('notify') !== 'off';
/**
 * `--reconcile`: a second burst of the same size, for another roaster, with a reconcile pass (report-only, scoped to
 * that roaster's rows) started as it falls due: the pass's duration and findings while the subscriptions charge, and
 * the burst's cycles/s beside the first burst's (no pass). A quiet pass over the same rows before T0 is timed too.
 */
const withReconcile = process.argv.includes('--reconcile');
const ports = { temporal: 7243, ui: 8243, metrics: 7245, sandbox: 4020, smtp: 1035, maildev: 1090 };
const env: Record<string, string> = {
  NODE_ENV: 'development',
  LOG_LEVEL: 'warn',
  DATABASE_URL: 'postgres://dalgona_worker:dalgona_worker@127.0.0.1:5432/dalgona_bench',
  API_DATABASE_URL: 'postgres://dalgona_api:dalgona_api@127.0.0.1:5432/dalgona_bench',
  REDIS_URL: 'redis://127.0.0.1:6379/2',
  REDIS_KEY_PREFIX: 'bench:',
  TEMPORAL_ADDRESS: `127.0.0.1:${ports.temporal}`,
  TEMPORAL_TASK_QUEUE_PREFIX: 'bench',
  TOSS_API_URL: `http://127.0.0.1:${ports.sandbox}`,
  TOSS_SECRET_KEY: 'test_sk_dalgona_bench_0000000000',
  SANDBOX_PORT: String(ports.sandbox),
  SANDBOX_PUBLIC_URL: `http://127.0.0.1:${ports.sandbox}`,
  SANDBOX_DATABASE_URL: 'postgres://toss_sandbox:toss_sandbox@127.0.0.1:5432/toss_sandbox_bench',
  IMAGE_DIR: '.cache/bench-images',
  WORKER_METRICS_ADDRESS: '127.0.0.1:9474',
  // The worker's business counters: scraped during the burst, as Prometheus would.
  WORKER_BUSINESS_METRICS_ADDRESS: '127.0.0.1:9475',
  // Worker tuning and limits from the shell (WORKER_LOCAL_ACTIVITY_SLOTS, TOSS_MAX_REQUESTS_PER_SECOND, …) reach
  // the worker.
  ...(Object.fromEntries(
    Object.entries(process.env).filter(([k]) => /^(WORKER_|TOSS_MAX_|TOSS_RATE_LIMIT_|BILLING_MAX_)/.test(k)),
  ) as Record<string, string>),
  // No Schedule fires a pass mid-run: the bench starts its own (--reconcile).
  RECONCILE_INTERVAL: 'off',
  // With notifications, the same worker process also delivers every receipt to MailDev (as `npm start` runs it).
  WORKER_DOMAINS: notify ? 'billing,notifications' : 'billing',
  ...(notify ? { SMTP_URL: `smtp://127.0.0.1:${ports.smtp}` } : {}),
};
const config = loadConfig(env);
/** The worker's local-activity slots: the floor loop runs at the same concurrency. */
const concurrency = config.workerTuning.localActivitySlots;
const say = (m: string) => console.log(`▸ ${m}`);
const children: ChildProcess[] = [];

function spawnNode(script: string, name: string): ChildProcess {
  // BENCH_PROFILE=1 writes a V8 CPU profile of each process to .cache/profiles/ (open it in Chrome DevTools).
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=.cache/profiles'] : [];
  // A .mjs (the built worker) runs as plain JavaScript; TypeScript sources run through tsx.
  const loader = script.endsWith('.mjs') ? ['--enable-source-maps'] : ['--import', 'tsx'];
  const child = spawn(process.execPath, [...profile, ...loader, script], {
    cwd: root,
    env: name === 'worker' ? workerProcessEnv({ ...process.env, ...env }) : { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${name} exited (${code ?? signal}) in the middle of the benchmark`);
      for (const c of children) c.kill('SIGKILL'); // no orphans holding the bench's ports
      process.exit(1);
    }
  });
  children.push(child);
  return child;
}

/** Peak resident memory of a process (VmHWM), in MB. */
function peakRssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/);
  return line ? Math.round(Number(line[1]) / 1024) : NaN;
}
/** Resident memory of a process now (VmRSS), in MB. */
function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return line ? Math.round(Number(line[1]) / 1024) : NaN;
}
/** CPU seconds (user + system) a process has used. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function waitForHttp(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (
      await fetch(url).then(
        (r) => r.status < 500,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer`);
}

let stopping = false;
async function stopAll(): Promise<void> {
  stopping = true;
  for (const c of children.reverse()) c.kill('SIGTERM');
  await Promise.all(
    children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)),
  );
}

// ── Infrastructure ────────────────────────────────────────────────────────────────────────────────────────────
say('Bench databases (dalgona_bench, toss_sandbox_bench) emptied');
await prepareDatabase(env.DATABASE_URL!, env.API_DATABASE_URL!);
await emptyDatabase(env.DATABASE_URL!);
await prepareSandboxDatabase(env.SANDBOX_DATABASE_URL!);
await emptyDatabase(env.SANDBOX_DATABASE_URL!);
const dataDir = join(root, '.data', 'bench-temporal');
rmSync(dataDir, { recursive: true, force: true });
const temporal = startDevServer({
  cli: ensureTemporalCli(say),
  dataDir,
  port: ports.temporal,
  uiPort: ports.ui,
  metricsPort: ports.metrics,
});
children.push(temporal);
await waitForTemporal(env.TEMPORAL_ADDRESS!);
spawnNode('payments/sandbox/main.ts', 'sandbox');
await waitForHttp(`${env.TOSS_API_URL}/sandbox/charges`);
// The worker as the Docker image runs it: built to one ES module (BENCH_WORKER=tsx runs it through tsx instead).
if (notify) {
  // MailDev 2.2.1 from node_modules, on the bench's own ports.
  const maildev = spawn(
    process.execPath,
    [
      join(root, 'node_modules/maildev/bin/maildev'),
      ...['--smtp', String(ports.smtp), '--web', String(ports.maildev), '--ip', '127.0.0.1', '--silent'],
    ],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  children.push(maildev);
  await waitForHttp(`http://127.0.0.1:${ports.maildev}/email`);
}
const workerScript = process.env.BENCH_WORKER === 'tsx' ? 'worker/main.ts' : await buildWorker();
const worker = spawnNode(workerScript, 'worker');
const workerAllocator = workerProcessEnv({ ...process.env, ...env }).LD_PRELOAD?.includes('jemalloc')
  ? 'jemalloc'
  : 'glibc';

const db = createDb(config.databaseUrl, { pool: { max: 20 } });
const redis = createRedis(config.redisUrl, config.redisKeyPrefix);
const log = createLogger('bench', 'warn');
const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
const client = new Client({ connection, dataConverter: dataConverterFor(config.payloadKeys) });
// The floor loop runs the same activity, including the start of each paid cycle's fulfilment workflow.
const activityDeps = createActivityDeps(config, { db, log, redis, client });
const activities = createActivities(activityDeps);
const toss = createTossClient({ baseUrl: config.toss.apiUrl, secretKey: config.toss.secretKey });
const kit = createBurstKit({
  db,
  toss,
  secrets: activityDeps.secrets,
  sandboxUrl: env.TOSS_API_URL!,
  secretKey: config.toss.secretKey,
});
const { sandboxCall, sandboxLedger, recordedCount, waitRecorded } = kit;
// One partner and one product the subscriptions are for.
const product = await kit.seedPartner();
const prepare = (n: number, chargeAt: Date, label: string) => kit.prepare(n, chargeAt, label, product);

interface Traffic {
  requests: number;
  peakPerSecond: number;
  peakPerSlidingSecond: number;
}
/** The sandbox's request counts since the last reset (`reset` starts afresh). */
const sandboxTraffic = (reset = false) =>
  sandboxCall<Traffic>(reset ? 'POST' : 'GET', reset ? '/sandbox/stats/reset' : '/sandbox/stats');

interface Run {
  n: number;
  seconds: number;
  cycles_per_s: number;
  floor_seconds: number;
  floor_cycles_per_s: number;
  ratio: number;
  duplicates: number;
  missing: number;
  floor_duplicates: number;
  floor_missing: number;
  history_events_per_cycle: number;
  workflow_tasks_per_cycle: number;
  worker_peak_rss_mb: number;
  worker_cpu_s_per_1000_cycles: number;
  concurrency: number;
  setup_seconds: number;
  /** The worker's malloc (jemalloc when LD_PRELOADed, else glibc) and its sticky-cache size. */
  worker_allocator: string;
  worker_max_cached_workflows: number;
  /** The Toss request limit the worker (and the floor loop) kept, and what the sandbox saw from T0 on. */
  toss_max_requests_per_second: number;
  sandbox_requests: number;
  sandbox_peak_requests_per_s: number;
  sandbox_peak_requests_per_sliding_s: number;
  floor_sandbox_peak_requests_per_s: number;
  holds: boolean;
  /** `dalgona_charges_total{outcome="approved"}` scraped from the worker's /metrics about once a second from T0. */
  metrics_charges_approved: number[];
  /** Whether the notifier ran in the worker; then the 결제 완료 mails MailDev received for the burst's cycles. */
  notifications: boolean;
  notifications_sent?: number;
  notification_duplicates?: number;
  notifications_missing?: number;
  /** Charge recorded (the receipt's outbox row) → accepted by SMTP (250), over the burst's receipts. */
  notification_lag_p50_s?: number;
  notification_lag_p99_s?: number;
  notification_lag_max_s?: number;
  /** With --reconcile: the second burst (another roaster, same size) with a pass running while it charges. */
  reconcile?: ReconcileFigures;
}

interface ReconcileFigures {
  /** The pass over the second burst's N subscriptions (and their orders) before T0, every workflow waiting. */
  quiet_pass_seconds: number;
  quiet_pass_mismatches: number;
  /** The pass started at the second burst's T0, while its N subscriptions charge. */
  pass_seconds: number;
  pass_mismatches: number;
  pass_rows_scanned: number;
  pass_workflows_scanned: number;
  /** Rows and workflows the pages turned up as possible mismatches while charging, and how many the first look kept. */
  pass_candidates: number;
  pass_candidates_after_first_look: number;
  /** The second burst's throughput with the pass, the first's without, and their ratio. */
  cycles_per_s: number;
  cycles_per_s_without: number;
  throughput_ratio: number;
  duplicates: number;
  missing: number;
}

/** The burst's receipts: each one's delivery state and lag (charge recorded → accepted by SMTP). */
async function receipts(subscriptionIds: string[]) {
  return (
    await db.raw(
      `SELECT o.id, d.status, extract(epoch FROM (d.sent_at - o.created_at))::float AS lag
         FROM outbox o LEFT JOIN notification_deliveries d ON d.outbox_id = o.id AND d.channel = 'email'
        WHERE o.template = 'payment_receipt' AND o.payload->>'subscriptionId' = ANY(?)`,
      [subscriptionIds],
    )
  ).rows as { id: number; status: string | null; lag: number | null }[];
}

/** Waits until every receipt of these subscriptions is accepted by SMTP (or the time is up). */
async function receiptsDelivered(subscriptionIds: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const rows = await receipts(subscriptionIds);
    if (rows.length >= subscriptionIds.length && rows.every((r) => r.status === 'sent')) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The notification figures of a burst: MailDev's mails by Message-ID, and the lag percentiles. */
async function notificationFigures(subscriptionIds: string[]) {
  await receiptsDelivered(subscriptionIds, 120_000);
  const rows = await receipts(subscriptionIds);
  const expected = new Set(rows.map((r) => `${r.id}.email@dalgona.local`));
  const mails = (await (await fetch(`http://127.0.0.1:${ports.maildev}/email`)).json()) as {
    messageId: string;
  }[];
  const matched = mails.map((m) => m.messageId.replace(/^<|>$/g, '')).filter((id) => expected.has(id));
  const distinct = new Set(matched).size;
  const lags = rows
    .map((r) => r.lag)
    .filter((l): l is number => l !== null)
    .sort((a, b) => a - b);
  const pct = (p: number) => lags[Math.min(lags.length - 1, Math.ceil((p / 100) * lags.length) - 1)] ?? NaN;
  return {
    notifications_sent: distinct,
    notification_duplicates: matched.length - distinct,
    notifications_missing: subscriptionIds.length - distinct,
    notification_lag_p50_s: round(pct(50)),
    notification_lag_p99_s: round(pct(99)),
    notification_lag_max_s: round(lags.at(-1) ?? NaN),
  };
}

/** The worker's approved-charge counter, as a Prometheus scrape reads it (null while it cannot be read). */
async function scrapeApproved(): Promise<number | null> {
  try {
    const res = await fetch(`http://${env.WORKER_BUSINESS_METRICS_ADDRESS}/metrics`);
    const line = (await res.text())
      .split('\n')
      .find((l) => l.startsWith('dalgona_charges_total{outcome="approved"}'));
    return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
  } catch {
    return null;
  }
}

/** What one burst measured (the figures `run` reports). */
interface Burst {
  seconds: number;
  setupSeconds: number;
  cpu: number;
  perCycle: number;
  tasks: number;
  traffic: Traffic;
  ids: string[];
  scraped: number[];
  duplicates: number;
  missing: number;
  /** What `whileCharging` returned, if given. */
  during?: ReconcileResult;
  quiet?: ReconcileResult;
}

/** One reconcile pass, report-only, over one roaster's rows (the workflows listed whole), run on the bench's worker. */
async function reconcilePass(partnerId: string, label: string): Promise<ReconcileResult> {
  const handle = await startReconcilePass(client, config.temporal, `bench-${label}`, {
    repair: false,
    partnerIds: [partnerId],
  });
  return handle.result();
}

/**
 * N subscription workflows for `prod` fall due at T0; measured until every cycle is recorded. With `reconcile`, a pass
 * over the roaster's rows runs before T0 (quiet) and another from T0, while they charge.
 */
async function burst(
  n: number,
  prod: { partnerId: string; productId: string },
  label: string,
  reconcile = false,
): Promise<Burst> {
  say(`n = ${n}: set-up of ${n} subscription workflows`);
  const setupStart = performance.now();
  // Start-up takes about 10 ms a workflow here: T0 leaves room for all of them to be waiting on their timer.
  // With a quiet reconcile pass before T0, room for it too.
  const t0 = new Date(Date.now() + 15_000 + n * 14 + (reconcile ? 15_000 + n * 3 : 0));
  const subs = await kit.prepare(n, t0, label, prod);
  // From here on only the workflows call Toss (set-up's billing-key issues are done): counted even if set-up overruns T0.
  await sandboxTraffic(true);
  const settings = { weekMs: 7 * 86_400_000, dunningLadderMs: [86_400_000, 3 * 86_400_000, 5 * 86_400_000] };
  await kit.startWorkflows({
    client,
    taskQueuePrefix: config.temporal.taskQueuePrefix,
    subs,
    t0,
    product: prod,
    settings,
  });
  const sample = subs
    .slice(0, Math.min(50, n))
    .map((s) => client.workflow.getHandle(subscriptionWorkflowId(s.id)));
  // Every workflow has run its first task (its timer is set) before T0.
  const idle = async () => {
    const lengths = await Promise.all(sample.map(async (h) => (await h.describe()).historyLength));
    return lengths.every((l) => l >= 5) ? lengths : null;
  };
  let before: number[] | null = null;
  while (!(before = await idle())) await new Promise((r) => setTimeout(r, 200));
  const setupSeconds = (performance.now() - setupStart) / 1000;
  const slack = t0.getTime() - Date.now();
  if (slack < 0) say(`warning: set-up ran ${-slack} ms past T0; the measurement starts at T0 regardless`);
  else say(`all started; T0 in ${(slack / 1000).toFixed(1)} s; worker RSS ${rssMb(worker.pid!)} MB`);
  let quiet: ReconcileResult | undefined;
  if (reconcile) {
    quiet = await reconcilePass(prod.partnerId, `${label}-quiet`);
    say(`quiet reconcile pass: ${quiet.durationMs} ms, ${countOf(quiet)} mismatches`);
    if (Date.now() > t0.getTime()) say('warning: the quiet pass ran past T0; the burst overlapped it');
  }
  await new Promise((r) => setTimeout(r, Math.max(0, t0.getTime() - Date.now() - 1000)));
  const cpuBefore = cpuSeconds(worker.pid!);
  const ids = subs.map((s) => s.id);
  const scraped: number[] = [];
  const scraper = setInterval(() => {
    void scrapeApproved().then((v) => v !== null && scraped.push(v));
  }, 1000);
  // The pass starts as the cycles fall due and runs while they charge.
  const during = reconcile
    ? new Promise<void>((r) => setTimeout(r, Math.max(0, t0.getTime() - Date.now()))).then(() =>
        reconcilePass(prod.partnerId, `${label}-during`),
      )
    : undefined;
  const doneAt = await waitRecorded(ids, Math.max(120_000, n * 60));
  clearInterval(scraper);
  scraped.push((await scrapeApproved()) ?? Number.NaN);
  const seconds = (doneAt - t0.getTime()) / 1000;
  const cpu = cpuSeconds(worker.pid!) - cpuBefore;
  // Let each sample workflow finish its cycle's task (the timer for the next cycle set), then count its events.
  await new Promise((r) => setTimeout(r, 1000));
  const after = await Promise.all(sample.map(async (h) => (await h.describe()).historyLength));
  const perCycle = after.reduce((a, l, i) => a + l - before[i]!, 0) / sample.length;
  const history = await sample[0]!.fetchHistory();
  const tasks = history.events?.filter((e) => e.workflowTaskCompletedEventAttributes).length ?? 0;
  const traffic = await sandboxTraffic();
  const ledger = await sandboxLedger(ids);
  const recorded = await recordedCount(ids);
  const passDuring = await during;
  // The workflows are done with the benchmark: end them so the next burst starts from a quiet server.
  await pMap(subs, (s) => client.workflow.getHandle(subscriptionWorkflowId(s.id)).terminate('bench done'), {
    concurrency: 64,
  });
  return {
    seconds,
    setupSeconds,
    cpu,
    perCycle,
    tasks,
    traffic,
    ids,
    scraped,
    duplicates: ledger.duplicates,
    missing: Math.max(ledger.missing, n - recorded),
    ...(passDuring ? { during: passDuring } : {}),
    ...(quiet ? { quiet } : {}),
  };
}

const countOf = (r: ReconcileResult) => mismatchKinds.reduce((a, k) => a + r.counts[k], 0);

async function run(n: number): Promise<Run> {
  say(`n = ${n}: floor loop (the charge activity, ${concurrency} at a time, no Temporal)`);
  const floorSubs = await prepare(n, new Date(), `floor${n}`);
  await sandboxTraffic(true);
  const floorStart = performance.now();
  await pMap(
    floorSubs,
    (s) =>
      new MockActivityEnvironment().run<
        Parameters<typeof activities.chargeCycle>,
        ChargeResult,
        typeof activities.chargeCycle
      >(activities.chargeCycle, {
        subscriptionId: s.id,
        cycle: 1,
        attempt: 1,
        lookupFirst: false,
        customerKey: s.customerKey,
        cardId: s.cardId,
        nextChargeAtIfApproved: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      }),
    { concurrency },
  );
  const floorSeconds = (performance.now() - floorStart) / 1000;
  const floorTraffic = await sandboxTraffic();
  const floorIds = floorSubs.map((s) => s.id);
  if ((await recordedCount(floorIds)) !== n) throw new Error('the floor loop did not record every charge');
  const floorLedger = await sandboxLedger(floorIds);
  // The floor's receipts are mailed before the burst starts: the burst is measured from a quiet notifier.
  if (notify) await receiptsDelivered(floorIds, 120_000);
  say(
    `floor: ${n} cycles in ${floorSeconds.toFixed(2)} s (${(n / floorSeconds).toFixed(0)}/s); idle worker RSS ${rssMb(worker.pid!)} MB`,
  );

  const b = await burst(n, product, `burst${n}`);
  const { seconds, traffic, ids, scraped } = b;
  const mailFigures = notify ? await notificationFigures(ids) : {};
  let reconcile: ReconcileFigures | undefined;
  if (withReconcile) {
    say(`n = ${n}: a second burst, for another roaster, with a reconcile pass while it charges`);
    const other = await kit.seedPartner(`Reconciled Roasters ${n}`, String(3_000_000_000 + n));
    const r = await burst(n, other, `reconciled${n}`, true);
    if (notify) await receiptsDelivered(r.ids, 120_000);
    reconcile = {
      quiet_pass_seconds: round(r.quiet!.durationMs / 1000),
      quiet_pass_mismatches: countOf(r.quiet!),
      pass_seconds: round(r.during!.durationMs / 1000),
      pass_mismatches: countOf(r.during!),
      pass_rows_scanned: Object.values(r.during!.scanned).reduce((a, x) => a + x.rows, 0),
      pass_workflows_scanned: Object.values(r.during!.scanned).reduce((a, x) => a + x.workflows, 0),
      pass_candidates: r.during!.candidates?.found ?? 0,
      pass_candidates_after_first_look: r.during!.candidates?.firstLook ?? 0,
      cycles_per_s: round(n / r.seconds),
      cycles_per_s_without: round(n / seconds),
      throughput_ratio: round(seconds / r.seconds),
      duplicates: r.duplicates,
      missing: r.missing,
    };
  }
  const result: Run = {
    n,
    seconds: round(seconds),
    cycles_per_s: round(n / seconds),
    floor_seconds: round(floorSeconds),
    floor_cycles_per_s: round(n / floorSeconds),
    ratio: round(n / seconds / (n / floorSeconds)),
    duplicates: b.duplicates,
    missing: b.missing,
    floor_duplicates: floorLedger.duplicates,
    floor_missing: floorLedger.missing,
    history_events_per_cycle: round(b.perCycle),
    workflow_tasks_per_cycle: b.tasks - 1, // the first task only set the timer
    worker_peak_rss_mb: peakRssMb(worker.pid!),
    worker_cpu_s_per_1000_cycles: round((b.cpu * 1000) / n),
    concurrency,
    setup_seconds: round(b.setupSeconds),
    worker_allocator: workerAllocator,
    worker_max_cached_workflows: config.workerTuning.maxCachedWorkflows,
    toss_max_requests_per_second: config.toss.rateLimit.perSecond,
    sandbox_requests: traffic.requests,
    sandbox_peak_requests_per_s: traffic.peakPerSecond,
    sandbox_peak_requests_per_sliding_s: traffic.peakPerSlidingSecond,
    floor_sandbox_peak_requests_per_s: floorTraffic.peakPerSecond,
    holds: traffic.peakPerSecond <= config.toss.rateLimit.perSecond,
    // At most 30 evenly spaced samples (the last one after every charge was recorded).
    metrics_charges_approved: scraped.filter(
      (_, i) => i === scraped.length - 1 || i % Math.ceil(scraped.length / 30) === 0,
    ),
    notifications: notify,
    ...mailFigures,
    ...(reconcile ? { reconcile } : {}),
  };
  return result;
}

const round = (x: number) => Math.round(x * 100) / 100;

const results: Run[] = [];
try {
  for (const n of sizes) {
    const r = await run(n);
    results.push(r);
    console.log(
      `\n  n=${r.n}: ${r.seconds} s → ${r.cycles_per_s} cycles/s | floor ${r.floor_cycles_per_s}/s | ratio ${r.ratio}` +
        ` | duplicates ${r.duplicates}, missing ${r.missing} | ${r.history_events_per_cycle} history events,` +
        ` ${r.workflow_tasks_per_cycle} workflow tasks per cycle | worker peak RSS ${r.worker_peak_rss_mb} MB` +
        ` | Toss limit ${r.toss_max_requests_per_second}/s, sandbox peak ${r.sandbox_peak_requests_per_s}/s` +
        ` (sliding ${r.sandbox_peak_requests_per_sliding_s}) → holds: ${r.holds}` +
        (r.notifications
          ? ` | mails ${r.notifications_sent} (duplicates ${r.notification_duplicates}, missing` +
            ` ${r.notifications_missing}), lag p50 ${r.notification_lag_p50_s} s, p99 ${r.notification_lag_p99_s} s`
          : '') +
        (r.reconcile
          ? ` | reconcile: quiet pass ${r.reconcile.quiet_pass_seconds} s (${r.reconcile.quiet_pass_mismatches}` +
            ` mismatches), pass while charging ${r.reconcile.pass_seconds} s (${r.reconcile.pass_mismatches}` +
            ` mismatches, ${r.reconcile.pass_rows_scanned} rows, ${r.reconcile.pass_workflows_scanned} workflows,` +
            ` ${r.reconcile.pass_candidates} candidates, ${r.reconcile.pass_candidates_after_first_look} after the first look),` +
            ` burst ${r.reconcile.cycles_per_s} vs ${r.reconcile.cycles_per_s_without} cycles/s without` +
            ` → ${r.reconcile.throughput_ratio}`
          : '') +
        '\n',
    );
  }
} finally {
  await connection.close();
  await db.destroy();
  redis.disconnect();
  await toss.close();
  await stopAll();
}

const file = join(root, 'bench', 'results', out);
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
let previous: { runs?: Run[] } = {};
try {
  previous = JSON.parse(readFileSync(file, 'utf8'));
} catch {
  // first run
}
const runs = [...(previous.runs ?? []).filter((r) => !sizes.includes(r.n)), ...results].sort(
  (a, b) => a.n - b.n,
);
const latest = results.at(-1)!;
writeFileSync(
  file,
  `${JSON.stringify(
    {
      ...latest,
      targets: {
        duplicates: 0,
        missing: 0,
        ratio: 0.25,
        history_events_per_cycle: 15,
        worker_peak_rss_mb: 400,
        holds: true,
        notification_duplicates: 0,
        notifications_missing: 0,
        notification_lag_p99_s: 10,
      },
      machine: { cores: (await import('node:os')).cpus().length, node: process.version },
      measured_at: new Date().toISOString(),
      runs,
    },
    null,
    2,
  )}\n`,
);
say(`wrote ${file}`);
process.exit(0);
