import { pino, type Logger } from 'pino';

/** Paths pino blanks out wherever they appear: credentials, cookies, card data. */
export const redactPaths = [
  'password',
  '*.password',
  'passwordHash',
  '*.passwordHash',
  'billingKey',
  '*.billingKey',
  'cardNumber',
  '*.cardNumber',
  'authKey',
  '*.authKey',
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'headers.cookie',
  'headers.authorization',
];

const destinations: ReturnType<typeof pino.destination>[] = [];

/** Where loggers made from now on write instead of stdout (tests that read what was logged), or null for stdout. */
let sink: { write(line: string): unknown } | null = null;
export function redirectLogs(to: { write(line: string): unknown } | null): void {
  sink = to;
}

// Lines are buffered up to 4 KB (one write for many lines under load) and flushed at least once a second.
function bufferedStdout(): ReturnType<typeof pino.destination> {
  const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  destinations.push(destination);
  setInterval(() => {
    try {
      destination.flush();
    } catch {
      // Still opening, or a write in flight: the next tick flushes.
    }
  }, 1000).unref();
  return destination;
}

/**
 * The JSON-lines logger every process uses, writing to stdout in batches; `flushLogs` on shutdown writes out the rest.
 */
export function createLogger(name: string, level = 'info'): Logger {
  return pino(
    { name, level, redact: { paths: redactPaths, censor: '[redacted]' } },
    sink ?? bufferedStdout(),
  );
}

/**
 * The access log: one line per request of fixed, non-secret fields (method, path, route, status, time), so it
 * skips the redaction pass every other logger makes on every line.
 */
export function createAccessLogger(name: string, level = 'info'): Logger {
  return pino({ name, level, base: { name, pid: process.pid } }, sink ?? bufferedStdout());
}

/** Writes out every logger's buffered lines (call before exiting). */
export function flushLogs(): void {
  for (const d of destinations) {
    try {
      d.flushSync();
    } catch {
      // Not ready yet or already closed: nothing buffered to lose.
    }
  }
}
export type { Logger };
