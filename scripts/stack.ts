// `npm start`: the Temporal dev server (SQLite in .data/, Web UI), the worker, the API with the built UI,
// demo data, then the URLs and logins. Ctrl-C stops everything cleanly (API, worker drained, Temporal).
// `npm run start:cluster` (`--cluster`): the same with the production topology in place of the dev server — the
// official Temporal server on PostgreSQL and the Temporal UI server (scripts/cluster.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, renameSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import ms from 'ms';
import { prettyFactory } from 'pino-pretty';
import { connectionDefaults, loadConfig, loadDotEnv, ConfigError } from '../infra/config';
import { demoLogins, seed } from './seed';
import { clusterAppEnv, loadClusterConfig, startCluster, type ClusterConfig } from './cluster';
import { adminUrl } from '../db/setup';
import { checkServices, ensureUiBuilt, prepareDatabase, root, workerProcessEnv } from './services';
import { ensureTemporalCli, startDevServer, temporalUp, waitForTemporal } from './temporal';

const started = Date.now();
const say = (m: string) => console.log(`\x1b[33m▸\x1b[0m ${m}`);

loadDotEnv(join(root, '.env'));
// A demo you can watch: on a laptop one subscription "week" lasts two minutes and the dunning ladder minutes, unless
// .env or the shell says otherwise (SUBSCRIPTION_WEEK=7d for real time). Production never gets these.
if (process.env.NODE_ENV !== 'production') {
  process.env.SUBSCRIPTION_WEEK ??= '2m';
  process.env.DUNNING_LADDER ??= '2m,10m,30m';
  process.env.SETTLEMENT_INTERVAL ??= '15m';
  // The same scale for the notices: 3 days before a charge, 30 days' notice of a price increase, a reminder 7 days before.
  process.env.NOTICE_BEFORE_CHARGE ??= '50s';
  process.env.PRICE_CHANGE_NOTICE ??= '9m';
  process.env.PRICE_CHANGE_REMINDER ??= '2m';
}
let config;
let cluster: ClusterConfig | null = null;
try {
  if (process.argv.includes('--cluster')) {
    cluster = loadClusterConfig();
    // The cluster's ports are the Temporal address and UI everything else uses (the dev server's are ignored).
    process.env.TEMPORAL_ADDRESS = `127.0.0.1:${cluster.frontendPort}`;
    process.env.TEMPORAL_UI_URL = `http://localhost:${cluster.uiPort}`;
    // Its own application database and Redis database: rows seeded against the dev server's Temporal store never
    // wait here for workflows that live there (and the other way round).
    Object.assign(process.env, clusterAppEnv(process.env, cluster, connectionDefaults));
  }
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(78);
  }
  throw err;
}

/**
 * MailDev under `npm start`: when SMTP_URL points at this machine (the default smtp://127.0.0.1:1025) and MAILDEV is
 * not `off`, its SMTP port is SMTP_URL's and its web UI the port MAILDEV_WEB_PORT (1080), both on 127.0.0.1.
 */
function maildevFor(smtpUrl: string): { smtpPort: number; webPort: number; webUrl: string } | null {
  if (process.env.MAILDEV === 'off' || process.env.NODE_ENV === 'production') return null;
  const url = new URL(smtpUrl);
  if (!['127.0.0.1', 'localhost'].includes(url.hostname)) return null;
  const webPort = Number(process.env.MAILDEV_WEB_PORT ?? 1080);
  return { smtpPort: Number(url.port || 25), webPort, webUrl: `http://127.0.0.1:${webPort}` };
}

const children: { name: string; proc: ChildProcess }[] = [];
let stopping = false;

const pretty = prettyFactory({
  colorize: true,
  ignore: 'pid,hostname,name',
  translateTime: 'HH:MM:ss',
  singleLine: true,
});

/**
 * Where each service's output goes: `.data/logs/<name>.log` (the last start's kept as `<name>.previous.log`), so the
 * terminal keeps the services' states and the banner. Only errors (pino level ≥ 50, or a line on stderr of a
 * service that does not log JSON) also reach the terminal; `--verbose` (or START_VERBOSE=1) shows everything.
 */
const logDir = join(root, '.data', 'logs');
const verbose = process.argv.includes('--verbose') || process.env.START_VERBOSE === '1';
mkdirSync(logDir, { recursive: true });
function logFile(name: string): WriteStream {
  const path = join(logDir, `${name}.log`);
  if (existsSync(path)) renameSync(path, join(logDir, `${name}.previous.log`));
  return createWriteStream(path, { flags: 'w' });
}

/** Writes each line of a child's output to its log file; errors (and everything, verbose) also to the terminal. */
function pipeOutput(name: string, color: string, proc: ChildProcess, json: boolean): void {
  const file = logFile(name);
  const tag = `${color}${name.padEnd(8)}\x1b[0m│ `;
  const shown = (line: string, stderr: boolean): string | null => {
    if (!json || !line.startsWith('{')) return verbose || (stderr && json) ? `${tag}${line}\n` : null;
    let level: number;
    try {
      level = Number((JSON.parse(line) as { level?: number }).level ?? 30);
    } catch {
      return verbose ? `${tag}${line}\n` : null;
    }
    if (!verbose && level < 50) return null;
    try {
      return `${tag}${pretty(line).trimEnd()}\n`;
    } catch {
      return `${tag}${line}\n`;
    }
  };
  const lines = (stderr: boolean) => {
    let rest = '';
    return new Transform({
      transform(chunk: Buffer, _enc, done) {
        const parts = (rest + chunk.toString()).split('\n');
        rest = parts.pop() ?? '';
        for (const l of parts) if (l.trim()) file.write(`${l}\n`);
        done(
          null,
          parts
            .filter((l) => l.trim())
            .map((l) => shown(l, stderr))
            .filter((l): l is string => l !== null)
            .join(''),
        );
      },
    });
  };
  proc.stdout?.pipe(lines(false)).pipe(process.stdout);
  proc.stderr?.pipe(lines(true)).pipe(process.stderr);
}

function launch(name: string, color: string, script: string): ChildProcess {
  const proc = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: name === 'worker' ? workerProcessEnv() : process.env,
  });
  pipeOutput(name, color, proc, true);
  children.push({ name, proc });
  proc.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${name} exited unexpectedly (${signal ?? code}); stopping everything.`);
      void shutdown(1);
    }
  });
  return proc;
}

async function stopChild(name: string, proc: ChildProcess, timeoutMs: number): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => {
    console.error(`${name} did not stop in ${timeoutMs / 1000}s; killing it`);
    proc.kill('SIGKILL');
  }, timeoutMs);
  await exited;
  clearTimeout(timer);
}

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  say('Stopping: API, then worker (drains in-flight activities), then Temporal…');
  const order = ['api', 'worker', 'maildev', 'sandbox', 'temporal-ui', 'temporal'];
  for (const name of order) {
    const child = children.find((c) => c.name === name);
    if (child) await stopChild(name, child.proc, name === 'worker' ? 30_000 : 10_000);
  }
  say('Stopped.');
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  await checkServices(config.redisUrl);
  const cli = ensureTemporalCli(say);
  say('PostgreSQL: roles, database and migrations');
  const applied = await prepareDatabase(config.databaseUrl, config.apiDatabaseUrl);
  if (applied.length) say(`  applied ${applied.join(', ')}`);
  ensureUiBuilt(say);

  const exitStops = (name: string, proc: ChildProcess) => {
    children.push({ name, proc });
    proc.on('exit', (code) => {
      if (!stopping) {
        console.error(`${name} exited unexpectedly (${code}); stopping everything.`);
        void shutdown(1);
      }
    });
  };
  if (cluster) {
    say(
      `Starting the Temporal server on PostgreSQL (${cluster.shards} history shards) and the Temporal UI server`,
    );
    const running = await startCluster({
      cluster,
      adminUrl: adminUrl(),
      cli,
      namespace: config.temporal.namespace,
      codecEndpoint: `${config.api.publicUrl}/codec`,
      logLevel: 'warn',
      waitReady: waitForTemporal,
      log: say,
      onServer: (server) => {
        pipeOutput('temporal', '\x1b[35m', server, false);
        exitStops('temporal', server);
      },
    });
    if (running.ui) {
      pipeOutput('temporal-ui', '\x1b[35m', running.ui, false);
      exitStops('temporal-ui', running.ui);
    }
  } else if (await temporalUp(config.temporal.address)) {
    say(`Temporal already answers on ${config.temporal.address}: using it`);
  } else {
    say('Starting the Temporal dev server (SQLite in .data/temporal.db)');
    const [host, port] = config.temporal.address.split(':');
    const temporal = startDevServer({
      cli,
      dataDir: join(root, '.data'),
      ip: host,
      port: Number(port),
      // The UI shows decoded payloads through the API's codec endpoint (admins only; see the README).
      extraArgs: ['--ui-codec-endpoint', `${config.api.publicUrl}/codec`],
    });
    pipeOutput('temporal', '\x1b[35m', temporal, false);
    exitStops('temporal', temporal);
    await waitForTemporal(config.temporal.address);
    say(`Temporal dev server ready on ${config.temporal.address}`);
  }

  if (process.env.SANDBOX !== 'off') launch('sandbox', '\x1b[34m', 'payments/sandbox/main.ts');
  const mailbox = maildevFor(config.notify.smtpUrl);
  if (mailbox) {
    // The development mail server (MailDev 2.2.1 from node_modules): it catches every mail the notifier sends.
    const proc = spawn(
      process.execPath,
      [
        join(root, 'node_modules/maildev/bin/maildev'),
        ...['--smtp', String(mailbox.smtpPort), '--web', String(mailbox.webPort), '--ip', '127.0.0.1'],
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    pipeOutput('maildev', '\x1b[90m', proc, false);
    exitStops('maildev', proc);
  }
  launch('worker', '\x1b[36m', 'worker/main.ts');
  launch('api', '\x1b[32m', 'api/main.ts');
  const apiUrl = `http://${config.api.host}:${config.api.port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const ok = await fetch(`${apiUrl}/readyz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  say(`Worker running; API ready on ${apiUrl}`);
  say('Seeding demo data (through the workflows)');
  await seed(config);

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const logins = demoLogins(config)
    .map((l) => `    ${l.role.padEnd(10)} ${l.email.padEnd(26)} ${l.password}`)
    .join('\n');
  console.log(`
\x1b[1m☕ Dalgona is running\x1b[0m  (ready in ${seconds}s)

  Storefront + API   ${config.api.publicUrl}
  Admin inbox        ${config.api.publicUrl}/admin/inbox
  OpenAPI            ${config.api.publicUrl}/api/openapi.json
  Temporal Web UI    ${config.temporal.uiUrl}
  Payment sandbox    ${config.toss.apiUrl}  (Toss-compatible; test cards in the README)${mailbox ? `\n  Mail (MailDev)     ${mailbox.webUrl}  (every mail the notifier sends; REST: GET /email)` : ''}
  Health             ${config.api.publicUrl}/readyz
  Demo cycle         one week = ${ms(config.subscription.weekMs, { long: true })}, dunning retries after ${config.subscription.dunningLadderMs.map((d) => ms(d)).join(', ')}

  Demo logins
${logins}

  Logs               .data/logs/ (api, worker, temporal, sandbox, maildev; errors also show here;
                     npm start -- --verbose prints every line here instead)

  Ctrl-C stops everything.
`);
} catch (err) {
  console.error(`\n✖ ${(err as Error).message}`);
  await shutdown(1);
}
