// Runs the real process entry points (api/main.ts, worker/main.ts) as child processes, as an operator would.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Stack } from '../harness';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface Proc {
  child: ChildProcess;
  /** Every JSON log line written so far (stdout), and all of stderr. */
  lines: Record<string, unknown>[];
  stderr(): string;
  /** Resolves with the first log line (past or future) that matches; rejects if the process exits first. */
  waitFor(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `node --import tsx <script>` in the repository with exactly `env` on top of PATH / HOME. */
export function startProcess(script: string, env: Record<string, string>): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  let err = '';
  let partial = '';
  const waiters: {
    match: (l: Record<string, unknown>) => boolean;
    resolve: (l: Record<string, unknown>) => void;
  }[] = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString();
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    for (const part of parts) {
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(part) as Record<string, unknown>;
      } catch {
        line = { msg: part };
      }
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.match(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    lines,
    stderr: () => err,
    exited,
    waitFor(match) {
      const seen = lines.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ match, resolve });
        void exited.then(({ code, signal }) =>
          reject(new Error(`process exited (${code ?? signal}) first; stderr: ${err.slice(-2000)}`)),
        );
      });
    },
  };
}

/** Stops a process if it is still running (test clean-up). */
export function kill(proc: Proc | undefined): void {
  if (proc && proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL');
}

/** The settings of a process started against the test stack (its Temporal server, databases, Redis). */
export function processEnvFor(stack: Stack, over: Record<string, string> = {}): Record<string, string> {
  const c = stack.config;
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    DATABASE_URL: c.databaseUrl,
    API_DATABASE_URL: c.apiDatabaseUrl,
    REDIS_URL: c.redisUrl,
    REDIS_KEY_PREFIX: c.redisKeyPrefix,
    TEMPORAL_ADDRESS: stack.env.address,
    TEMPORAL_TASK_QUEUE_PREFIX: c.temporal.taskQueuePrefix,
    API_HOST: '127.0.0.1',
    API_PORT: '0',
    WORKER_METRICS_ADDRESS: 'off',
    WORKER_BUSINESS_METRICS_ADDRESS: '127.0.0.1:0',
    ...over,
  };
}
