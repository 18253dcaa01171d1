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

/** The JSON-lines logger every process uses. */
export function createLogger(name: string, level = 'info'): Logger {
  return pino({ name, level, redact: { paths: redactPaths, censor: '[redacted]' } });
}
export type { Logger };
