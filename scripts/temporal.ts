// Finds or builds the Temporal CLI, and runs its dev server (SQLite in .data/, Web UI on 8233).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import { searchAttributeFlags } from '../domain/searchAttributes';

export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const toolsDir = join(root, '.tools');

function onPath(name: string): string | null {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() || null : null;
}

/** The `temporal` executable: $TEMPORAL_CLI, then PATH, then .tools/, else built there with `go install`. */
export function ensureTemporalCli(log: (m: string) => void = console.log): string {
  const fromEnv = process.env.TEMPORAL_CLI;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  const path = onPath('temporal');
  if (path) return path;
  const local = join(toolsDir, 'temporal');
  if (existsSync(local)) return local;
  if (!onPath('go')) throw new Error('The Temporal CLI is not on PATH and Go is not installed to build it.');
  log(`Building the Temporal CLI ${TEMPORAL_CLI_VERSION} into .tools/ (first run only; a few minutes cold)…`);
  mkdirSync(toolsDir, { recursive: true });
  const built = spawnSync(
    'go',
    ['install', `github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`],
    {
      env: { ...process.env, GOBIN: toolsDir },
      stdio: 'inherit',
    },
  );
  if (built.status !== 0 || !existsSync(local)) throw new Error('go install of the Temporal CLI failed');
  return local;
}

export interface DevServerOptions {
  cli: string;
  dataDir: string;
  ip?: string;
  port?: number;
  uiPort?: number;
  metricsPort?: number;
  extraArgs?: string[];
}

/** Starts `temporal server start-dev` with the project's search attributes and a persistent SQLite file. */
export function startDevServer(opts: DevServerOptions): ChildProcess {
  mkdirSync(opts.dataDir, { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--ip',
    opts.ip ?? '127.0.0.1',
    '--port',
    String(opts.port ?? 7233),
    '--ui-port',
    String(opts.uiPort ?? 8233),
    '--metrics-port',
    String(opts.metricsPort ?? 7235),
    '--db-filename',
    join(opts.dataDir, 'temporal.db'),
    '--sqlite-pragma',
    'journal_mode=WAL',
    '--sqlite-pragma',
    'synchronous=OFF',
    '--log-level',
    'error',
    ...searchAttributeFlags().flatMap((f) => ['--search-attribute', f]),
    ...(opts.extraArgs ?? []),
  ];
  return spawn(opts.cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Waits until a Temporal frontend answers on `address`. */
export async function waitForTemporal(address: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      return;
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  throw new Error(`Temporal at ${address} did not come up: ${String(lastError)}`);
}

/** True when something already answers as Temporal on `address`. */
export async function temporalUp(address: string): Promise<boolean> {
  try {
    await waitForTemporal(address, 1500);
    return true;
  } catch {
    return false;
  }
}

// `npm run temporal`: just the dev server, in the foreground.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const cli = ensureTemporalCli();
  const child = startDevServer({ cli, dataDir: join(root, '.data') });
  child.stdout?.pipe(process.stdout);
  child.stderr?.pipe(process.stderr);
  console.log('Temporal dev server: gRPC 127.0.0.1:7233, Web UI http://127.0.0.1:8233');
  const stop = () => child.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  child.on('exit', (code) => process.exit(code ?? 0));
}
