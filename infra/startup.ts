// Start-up of the long-running processes: configuration and the services they need, failing fast with a message
// that names the setting to fix (never a stack trace, never a hang).
import { ConfigError, loadConfig, loadDotEnv, type Config } from './config';
import { flushLogs } from './logger';

/** sysexits: a bad or missing setting. */
export const EXIT_CONFIG = 78;
/** sysexits: a service the process needs could not be reached at start. */
export const EXIT_UNAVAILABLE = 69;

/** Loads `.env` and the configuration; a bad setting prints the message naming it and exits with EXIT_CONFIG. */
export function loadConfigOrExit(): Readonly<Config> {
  loadDotEnv();
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(EXIT_CONFIG);
    }
    throw err;
  }
}

/** A URL fit for a message: its password replaced. */
export function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable)';
  }
}

function reason(err: unknown): string {
  const e = err as { message?: string; code?: string; errors?: unknown[] };
  // Node's happy-eyeballs connect rejects with an AggregateError whose own message is empty.
  if (Array.isArray(e?.errors) && e.errors.length > 0) return e.errors.map(reason).join('; ');
  return e?.message || e?.code || String(err);
}

/**
 * Awaits `connect` (bounded by `timeoutMs`); on failure prints "Cannot reach <what> at <target> (<setting>): <why>"
 * and exits with EXIT_UNAVAILABLE, so an orchestrator restarts the process once the service is there.
 */
export async function mustReach<T>(
  what: string,
  setting: string,
  target: string,
  connect: () => Promise<T>,
  timeoutMs = 10_000,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      connect(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000}s`)), timeoutMs);
      }),
    ]);
  } catch (err) {
    console.error(`Cannot reach ${what} at ${target} (${setting}): ${reason(err)}`);
    flushLogs();
    process.exit(EXIT_UNAVAILABLE);
  } finally {
    clearTimeout(timer);
  }
}
