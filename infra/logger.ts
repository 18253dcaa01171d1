import { pino, type Logger } from 'pino';

/** Field names (any case) whose values are blanked wherever they appear in a logged object, at any depth. */
export const secretFields = [
  // Passwords and their hashes.
  'password',
  'newPassword',
  'currentPassword',
  'passwordHash',
  // Toss: the secret API key, billing keys (plain and sealed), the card window's one-time authKey, and the
  // customerKey that, with a billing key, is all a charge needs.
  'secretKey',
  'billingKey',
  'billingKeyEnc',
  'authKey',
  'customerKey',
  // Card data a request to the provider can carry.
  'cardNumber',
  'cardPassword',
  'cardExpirationYear',
  'cardExpirationMonth',
  'customerIdentityNumber',
  'cvc',
  // Key material: the payload codec's and the billing-key box's keys, the metrics and codec tokens, sessions, CSRF
  // tokens.
  'payloadKeys',
  'billingKeys',
  'secrets',
  'metricsToken',
  'codecToken',
  'sessionId',
  'csrf',
  'token',
  // The same settings by their environment names (a logged `process.env` or config source).
  'TOSS_SECRET_KEY',
  'BILLING_KEY_SECRETS',
  'PAYLOAD_KEYS',
  'ADMIN_PASSWORD',
  'METRICS_TOKEN',
  'CODEC_TOKEN',
  'DATABASE_URL',
  'API_DATABASE_URL',
  'POSTGRES_ADMIN_URL',
  'databaseUrl',
  'apiDatabaseUrl',
  // HTTP headers that carry credentials, however the headers object is nested.
  'cookie',
  'authorization',
  'set-cookie',
  'x-csrf-token',
  'proxy-authorization',
];

const SECRET = new Set(secretFields.map((f) => f.toLowerCase()));
const CENSOR = '[redacted]';
const MAX_DEPTH = 6;

function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * A copy of `value` with every secret field blanked, at any depth (plain objects and arrays; errors go through the
 * `err` serializer first). Objects without secrets are returned as they are: logging a clean line copies nothing,
 * and the caller's objects are never changed. Much cheaper than pino's path-based redaction with wildcards.
 */
export function scrub(value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = scrub(value[i], depth + 1);
      if (v !== value[i]) (out ??= [...value])[i] = v;
    }
    return out ?? value;
  }
  if (!isPlain(value)) return value;
  let out: Record<string, unknown> | undefined;
  for (const key in value) {
    const v = (value as Record<string, unknown>)[key];
    const next = SECRET.has(key.toLowerCase()) ? CENSOR : scrub(v, depth + 1);
    if (next !== v) (out ??= { ...(value as Record<string, unknown>) })[key] = next;
  }
  return out ?? value;
}

/** pino's error serializer, then the secret fields among the error's own properties (a client's `headers`, …). */
function scrubbedErr(err: Error): unknown {
  const serialized = pino.stdSerializers.err(err) as unknown as Record<string, unknown>;
  // A fresh object per call (not the caller's error): blanked in place.
  for (const key of Object.keys(serialized)) {
    const v = serialized[key];
    const next = SECRET.has(key.toLowerCase()) ? CENSOR : scrub(v, 1);
    if (next !== v) serialized[key] = next;
  }
  return serialized;
}

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
export function createLogger(
  name: string,
  level = 'info',
  destination: pino.DestinationStream | { write(line: string): unknown } = sink ?? bufferedStdout(),
): Logger {
  return pino(
    {
      name,
      level,
      formatters: { log: (obj) => scrub(obj) as Record<string, unknown> },
      serializers: { err: scrubbedErr, error: scrubbedErr },
    },
    destination,
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
