// The production topology without Docker: the official Temporal server (built from its Go module) on PostgreSQL,
// in its own databases and role, with several history shards, and the official Temporal UI server with our codec
// endpoint. Used by `npm run start:cluster` (scripts/stack.ts) and `npm run test:faults -- --cluster`.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { z } from 'zod';
import { searchAttributeFlags } from '../domain/searchAttributes';
import { ConfigError } from '../infra/config';
import { root } from './services';

export const TEMPORAL_SERVER_VERSION = 'v1.31.2';
export const TEMPORAL_UI_VERSION = 'v2.42.1';

const schema = z.object({
  TEMPORAL_CLUSTER_PORT: z.coerce.number().int().min(1).max(65530).default(7236),
  TEMPORAL_CLUSTER_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8236),
  TEMPORAL_CLUSTER_SHARDS: z.coerce.number().int().min(1).max(16384).default(4),
  TEMPORAL_CLUSTER_DB_URL: z
    .string()
    .default('postgres://temporal:temporal@127.0.0.1:5432/temporal')
    .pipe(z.url()),
  TEMPORAL_CLUSTER_DIR: z.string().default('.data/cluster'),
  TEMPORAL_CLUSTER_APP_DATABASE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/)
    .default('dalgona_cluster'),
  TEMPORAL_CLUSTER_REDIS_DB: z.coerce.number().int().min(0).max(15).default(2),
});

/** Where and how the cluster runs; every other port is an offset from the frontend's (see `clusterPorts`). */
export interface ClusterConfig {
  frontendPort: number;
  uiPort: number;
  /** Fixed when the databases are first set up: Temporal cannot change it afterwards. */
  shards: number;
  /** Role, password, host, port and the history database; visibility lives in `<database>_visibility`. */
  dbUrl: string;
  dir: string;
  /**
   * The application's own database and Redis database in this topology: its rows belong to this Temporal store, so
   * switching between `npm start` and `npm run start:cluster` never leaves rows whose workflows live in the other one.
   */
  appDatabase: string;
  redisDb: number;
}

/** What the Temporal server and UI themselves need (the suite of fault drills builds one of its own). */
export type ClusterServerConfig = Omit<ClusterConfig, 'appDatabase' | 'redisDb'>;

/** The cluster's settings (TEMPORAL_CLUSTER_*), read once, failing fast. */
export function loadClusterConfig(env: Record<string, string | undefined> = process.env): ClusterConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const r = schema.safeParse(present);
  if (!r.success)
    throw new ConfigError(
      `Invalid cluster configuration:\n${r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`,
    );
  return Object.freeze({
    frontendPort: r.data.TEMPORAL_CLUSTER_PORT,
    uiPort: r.data.TEMPORAL_CLUSTER_UI_PORT,
    shards: r.data.TEMPORAL_CLUSTER_SHARDS,
    dbUrl: r.data.TEMPORAL_CLUSTER_DB_URL,
    dir: join(root, r.data.TEMPORAL_CLUSTER_DIR),
    appDatabase: r.data.TEMPORAL_CLUSTER_APP_DATABASE,
    redisDb: r.data.TEMPORAL_CLUSTER_REDIS_DB,
  });
}

/**
 * The application's connection settings moved to the cluster's own database and Redis database (roles, hosts and
 * ports kept): what `npm run start:cluster` sets before the configuration is read.
 */
export function clusterAppEnv(
  env: Record<string, string | undefined>,
  cluster: Pick<ClusterConfig, 'appDatabase' | 'redisDb'>,
  defaults: { databaseUrl: string; apiDatabaseUrl: string; redisUrl: string },
): { DATABASE_URL: string; API_DATABASE_URL: string; REDIS_URL: string } {
  const withPath = (raw: string, path: string) => {
    const u = new URL(raw);
    u.pathname = `/${path}`;
    return u.toString();
  };
  return {
    DATABASE_URL: withPath(env.DATABASE_URL || defaults.databaseUrl, cluster.appDatabase),
    API_DATABASE_URL: withPath(env.API_DATABASE_URL || defaults.apiDatabaseUrl, cluster.appDatabase),
    REDIS_URL: withPath(env.REDIS_URL || defaults.redisUrl, String(cluster.redisDb)),
  };
}

/** The four services of the single binary, each with a gRPC and a membership port, plus HTTP and metrics. */
export function clusterPorts(frontend: number) {
  return {
    frontend,
    history: frontend + 1,
    matching: frontend + 2,
    worker: frontend + 3,
    http: frontend + 4,
    metrics: frontend + 5,
    // Ringpop's membership ports, 300 below (7236 → 6936…6939, like Temporal's own 7233 → 6933).
    membership: {
      frontend: frontend - 300,
      history: frontend - 299,
      matching: frontend - 298,
      worker: frontend - 297,
    },
  };
}

function onPath(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

/** `go install <module>@<version>` into a folder of .tools/ unless the binary is there already. */
function ensureGoBinary(
  folder: string,
  binary: string,
  module: string,
  what: string,
  log: (m: string) => void,
): string {
  const dir = join(root, '.tools', folder);
  const path = join(dir, binary);
  if (existsSync(path)) return path;
  if (!onPath('go'))
    throw new Error(`${what} is not built in .tools/${folder} and Go is not installed to build it.`);
  log(`Building ${what} into .tools/${folder} (first run only; several minutes cold)…`);
  mkdirSync(dir, { recursive: true });
  const built = spawnSync('go', ['install', module], {
    env: { ...process.env, GOBIN: dir },
    stdio: 'inherit',
  });
  if (built.status !== 0 || !existsSync(path)) throw new Error(`go install ${module} failed`);
  return path;
}

/** The official server, its SQL schema tool and the UI server (both binaries are called `server`: own folders). */
export function ensureClusterBinaries(log: (m: string) => void = console.log) {
  const server = `go.temporal.io/server`;
  return {
    server: ensureGoBinary(
      'temporal-server',
      'server',
      `${server}/cmd/server@${TEMPORAL_SERVER_VERSION}`,
      `the Temporal server ${TEMPORAL_SERVER_VERSION}`,
      log,
    ),
    sqlTool: ensureGoBinary(
      'temporal-server',
      'sql',
      `${server}/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`,
      `temporal-sql-tool ${TEMPORAL_SERVER_VERSION}`,
      log,
    ),
    ui: ensureGoBinary(
      'temporal-ui',
      'server',
      `github.com/temporalio/ui-server/v2/cmd/server@${TEMPORAL_UI_VERSION}`,
      `the Temporal UI server ${TEMPORAL_UI_VERSION}`,
      log,
    ),
  };
}

interface DbTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  visibility: string;
}

function dbTarget(url: string): DbTarget {
  const u = new URL(url);
  const database = u.pathname.replace(/^\//, '') || 'temporal';
  return {
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username) || 'temporal',
    password: decodeURIComponent(u.password),
    database,
    visibility: `${database}_visibility`,
  };
}

/**
 * Temporal's role and its two databases (as a superuser), then their schemas with the server's own SQL tool
 * (the schema files are embedded in it: `--schema-name`). Idempotent: a current schema is left as it is.
 */
export async function prepareTemporalDatabases(
  cluster: ClusterServerConfig,
  adminUrl: string,
  sqlTool: string,
  log: (m: string) => void = console.log,
): Promise<void> {
  const t = dbTarget(cluster.dbUrl);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const fresh: string[] = [];
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [t.user]);
    const password = t.password ? `PASSWORD ${pg.escapeLiteral(t.password)}` : '';
    await admin.query(
      `${rowCount ? 'ALTER' : 'CREATE'} ROLE ${pg.escapeIdentifier(t.user)} LOGIN ${password}`,
    );
    for (const db of [t.database, t.visibility]) {
      const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [db]);
      if (!found.rowCount)
        await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(db)} OWNER ${pg.escapeIdentifier(t.user)}`);
    }
  } finally {
    await admin.end();
  }
  // A database without the tool's version table has never had a schema (new, or created empty by someone else).
  for (const db of [t.database, t.visibility]) {
    const inDb = new URL(adminUrl);
    inDb.pathname = `/${db}`;
    const client = new pg.Client({ connectionString: inDb.toString() });
    await client.connect();
    try {
      // PostgreSQL 15 lets only the owner create in `public`: a database made by someone else needs the grant.
      await client.query(`GRANT USAGE, CREATE ON SCHEMA public TO ${pg.escapeIdentifier(t.user)}`);
      const { rows } = await client.query("SELECT to_regclass('public.schema_version') AS t");
      if (!(rows[0] as { t: string | null }).t) fresh.push(db);
    } finally {
      await client.end();
    }
  }
  const tool = (db: string, ...args: string[]) => {
    const res = spawnSync(
      sqlTool,
      [
        '--plugin',
        'postgres12',
        '--ep',
        t.host,
        '-p',
        String(t.port),
        '-u',
        t.user,
        '--pw',
        t.password,
        '--db',
        db,
        ...args,
      ],
      { encoding: 'utf8' },
    );
    if (res.status !== 0)
      throw new Error(`temporal-sql-tool ${args[0]} on ${db} failed:\n${res.stderr}${res.stdout}`);
  };
  for (const [db, name] of [
    [t.database, 'postgresql/v12/temporal'],
    [t.visibility, 'postgresql/v12/visibility'],
  ] as const) {
    if (fresh.includes(db)) {
      log(`  ${db}: no schema yet: setting it up`);
      tool(db, 'setup-schema', '-v', '0.0');
    }
    tool(db, 'update-schema', '--schema-name', name);
  }
}

/** Writes the server's YAML (generated; .data/ is git-ignored) and an empty dynamic-config file; returns its path. */
export function writeServerConfig(cluster: ClusterServerConfig, logLevel = 'warn'): string {
  const t = dbTarget(cluster.dbUrl);
  const p = clusterPorts(cluster.frontendPort);
  mkdirSync(cluster.dir, { recursive: true });
  const dynamic = join(cluster.dir, 'dynamicconfig.yaml');
  writeFileSync(
    dynamic,
    [
      '# Generated by scripts/cluster.ts.',
      '# Search attributes registered by `npm run start:cluster` are visible at once (no cache delay).',
      'system.forceSearchAttributesCacheRefreshOnRead:',
      '  - value: true',
      '',
    ].join('\n'),
  );
  const store = (database: string, maxConns: number) => `
      sql:
        pluginName: postgres12
        databaseName: ${JSON.stringify(database)}
        connectAddr: ${JSON.stringify(`${t.host}:${t.port}`)}
        connectProtocol: tcp
        user: ${JSON.stringify(t.user)}
        password: ${JSON.stringify(t.password)}
        maxConns: ${maxConns}
        maxIdleConns: ${maxConns}
        maxConnLifetime: 1h`;
  const service = (grpc: number, membership: number, extra = '') => `
    rpc:
      grpcPort: ${grpc}
      membershipPort: ${membership}
      bindOnLocalHost: true${extra}`;
  const yaml = `# Generated by scripts/cluster.ts from TEMPORAL_CLUSTER_* — edits are overwritten on the next start.
# The format is the server's own (go.temporal.io/server ${TEMPORAL_SERVER_VERSION}, config/development-postgres12.yaml).
log:
  stdout: true
  level: ${logLevel}

persistence:
  defaultStore: default
  visibilityStore: visibility
  numHistoryShards: ${cluster.shards}
  datastores:
    default:${store(t.database, 20)}
    visibility:${store(t.visibility, 4)}

global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: 127.0.0.1
  metrics:
    prometheus:
      framework: tally
      timerType: histogram
      listenAddress: 127.0.0.1:${p.metrics}

services:
  frontend:${service(p.frontend, p.membership.frontend, `\n      httpPort: ${p.http}`)}
  history:${service(p.history, p.membership.history)}
  matching:${service(p.matching, p.membership.matching)}
  worker:${service(p.worker, p.membership.worker)}

clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: 127.0.0.1:${p.frontend}
      httpAddress: 127.0.0.1:${p.http}

dcRedirectionPolicy:
  policy: noop

dynamicConfigClient:
  filepath: ${JSON.stringify(dynamic)}
  pollInterval: 10s
`;
  const file = join(cluster.dir, 'temporal.yaml');
  writeFileSync(file, yaml);
  return file;
}

/** The UI server's config folder (base.yaml): the cluster's frontend, and our codec endpoint with cookies. */
export function writeUiConfig(cluster: ClusterServerConfig, codecEndpoint: string): string {
  const dir = join(cluster.dir, 'ui');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'base.yaml'),
    `# Generated by scripts/cluster.ts — edits are overwritten on the next start.
temporalGrpcAddress: 127.0.0.1:${cluster.frontendPort}
host: 127.0.0.1
port: ${cluster.uiPort}
enableUi: true
defaultNamespace: default
refreshInterval: 1m
notifyOnNewVersion: false
cors:
  cookieInsecure: true
  allowOrigins: []
codec:
  # The API decodes payloads for signed-in admins only: the browser must send its session cookie.
  endpoint: ${JSON.stringify(codecEndpoint)}
  includeCredentials: true
`,
  );
  return dir;
}

/** Runs the server (all four services in one process) on the generated config. */
export function startTemporalServer(bin: string, configFile: string): ChildProcess {
  return spawn(bin, ['--config-file', configFile, '--allow-no-auth', 'start'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs the UI server on the folder `writeUiConfig` wrote. */
export function startTemporalUi(bin: string, configDir: string): ChildProcess {
  return spawn(bin, ['--root', configDir, '--config', '.', '--env', 'cluster', 'start'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * The namespace (a fresh cluster has only temporal-system) and our search attributes on it, with the Temporal CLI.
 * Idempotent: an existing namespace or attribute is left alone. Retries for a while: a new namespace reaches every
 * service's cache only after a few seconds.
 */
export async function ensureNamespace(
  cli: string,
  address: string,
  namespace: string,
  timeoutMs = 60_000,
): Promise<void> {
  const run = (...args: string[]) => spawnSync(cli, [...args, '--address', address], { encoding: 'utf8' });
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (run('operator', 'namespace', 'describe', '--namespace', namespace).status !== 0) {
      const created = run('operator', 'namespace', 'create', '--namespace', namespace, '--retention', '72h');
      last = created.stderr;
    } else {
      const listed = run(
        'operator',
        'search-attribute',
        'list',
        '--namespace',
        namespace,
        '--output',
        'json',
      );
      const missing = searchAttributeFlags().filter((f) => !listed.stdout.includes(`"${f.split('=')[0]}"`));
      if (listed.status === 0 && !missing.length) return;
      if (listed.status === 0) {
        const args = missing.flatMap((f) => {
          const [name, type] = f.split('=');
          return ['--name', name!, '--type', type!];
        });
        last = run('operator', 'search-attribute', 'create', '--namespace', namespace, ...args).stderr;
      } else last = listed.stderr;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`namespace ${namespace} with our search attributes not ready on ${address}: ${last}`);
}

export interface RunningCluster {
  server: ChildProcess;
  ui: ChildProcess | null;
  address: string;
}

/**
 * Everything above in order: binaries, databases and schema, config files, the server, the namespace with our
 * search attributes, and (unless `ui: false`) the UI server. `waitReady` is scripts/temporal.ts's waitForTemporal.
 */
export async function startCluster(opts: {
  cluster: ClusterConfig;
  adminUrl: string;
  cli: string;
  namespace: string;
  codecEndpoint: string;
  ui?: boolean;
  logLevel?: string;
  /** Called with the server process as soon as it is spawned (to pipe its output, watch its exit). */
  onServer?: (server: ChildProcess) => void;
  waitReady: (address: string, timeoutMs?: number) => Promise<void>;
  log?: (m: string) => void;
}): Promise<RunningCluster> {
  const log = opts.log ?? console.log;
  const bins = ensureClusterBinaries(log);
  await prepareTemporalDatabases(opts.cluster, opts.adminUrl, bins.sqlTool, log);
  const configFile = writeServerConfig(opts.cluster, opts.logLevel);
  const address = `127.0.0.1:${opts.cluster.frontendPort}`;
  const server = startTemporalServer(bins.server, configFile);
  opts.onServer?.(server);
  await opts.waitReady(address, 120_000);
  await ensureNamespace(opts.cli, address, opts.namespace);
  const ui =
    opts.ui === false ? null : startTemporalUi(bins.ui, writeUiConfig(opts.cluster, opts.codecEndpoint));
  return { server, ui, address };
}
