// The fault suite's own services, which it may stop and restart at will: a PostgreSQL cluster in a temporary folder,
// a redis-server, processes it can kill -9 and start again. Nothing here touches the machine's PostgreSQL or Redis.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** Runs a PostgreSQL tool as the `postgres` user when we are root (initdb and postgres refuse to run as root). */
function pgTool(tool: string, args: string[]): void {
  const asRoot = process.getuid?.() === 0;
  const cmd = asRoot ? 'runuser' : join(PG_BIN, tool);
  const full = asRoot ? ['-u', 'postgres', '--', join(PG_BIN, tool), ...args] : args;
  const res = spawnSync(cmd, full, { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed:\n${res.stderr}${res.stdout}`);
}

/** A throw-away PostgreSQL cluster on `port` (trust auth, superuser `postgres`), with stop / start / restart. */
export function createOwnPostgres(port: number) {
  const dir = mkdtempSync(join(tmpdir(), 'dalgona-faults-pg-'));
  const data = join(dir, 'data');
  if (process.getuid?.() === 0) {
    const id = (flag: string) =>
      Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
    chownSync(dir, id('-u'), id('-g'));
  }
  // fsync off: a restart here stops the server process, not the machine, so the OS keeps every write.
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    '-c full_page_writes=off',
    '-c max_connections=300',
    '-c shared_buffers=128MB',
  ].join(' ');
  let running = false;
  return {
    adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
    dir,
    init(): void {
      pgTool('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    },
    start(): void {
      pgTool('pg_ctl', [
        '-D',
        data,
        '-l',
        join(dir, 'postgres.log'),
        '-o',
        options,
        '-w',
        '-t',
        '60',
        'start',
      ]);
      running = true;
    },
    /** `immediate` is a crash (recovery on the next start); `fast` an orderly stop that ends every session. */
    stop(mode: 'fast' | 'immediate' = 'fast'): void {
      if (!running) return;
      pgTool('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
      running = false;
    },
    /** Stops it and removes its folder (end of the suite). */
    destroy(): void {
      try {
        this.stop('fast');
      } catch {
        // already down
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
export type OwnPostgres = ReturnType<typeof createOwnPostgres>;

/** A process the suite starts, kills (-9 or politely) and starts again; an unexpected exit calls `onCrash`. */
export function managed(
  name: string,
  spawnIt: () => ChildProcess,
  onCrash: (name: string, code: string) => void,
) {
  let proc: ChildProcess | null = null;
  let expectExit = false;
  const exited = (p: ChildProcess) =>
    p.exitCode !== null || p.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((r) => p.once('exit', () => r()));
  return {
    name,
    get pid() {
      return proc?.pid;
    },
    start(): void {
      expectExit = false;
      const p = spawnIt();
      proc = p;
      p.on('exit', (code, signal) => {
        if (!expectExit && proc === p) onCrash(name, String(signal ?? code));
      });
    },
    /** Sends `signal` and waits for the exit (SIGKILL after `timeoutMs`). */
    async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 30_000): Promise<void> {
      const p = proc;
      if (!p) return;
      expectExit = true;
      p.kill(signal);
      const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
      await exited(p);
      clearTimeout(timer);
      proc = null;
    },
  };
}
export type Managed = ReturnType<typeof managed>;

/** redis-server on `port` without persistence, as a managed process. */
export function ownRedis(port: number, onCrash: (name: string, code: string) => void): Managed {
  return managed(
    'redis',
    () =>
      spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--save',
          '',
          '--appendonly',
          'no',
          '--loglevel',
          'warning',
        ],
        { stdio: ['ignore', 'ignore', 'inherit'] },
      ),
    onCrash,
  );
}
