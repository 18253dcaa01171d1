import ms from 'ms';
import { z } from 'zod';

const schema = z.object({
  SANDBOX_HOST: z.string().default('127.0.0.1'),
  SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(4010),
  SANDBOX_PUBLIC_URL: z.string().default('http://localhost:4010').pipe(z.url()),
  SANDBOX_DATABASE_URL: z
    .string()
    .default('postgres://toss_sandbox:toss_sandbox@127.0.0.1:5432/toss_sandbox')
    .pipe(z.url()),
  // How long a "timeout" fault holds a request before dropping the connection (longer than the client waits).
  SANDBOX_TIMEOUT_HANG: z
    .string()
    .default('65s')
    .transform((v, ctx) => {
      const n = ms(v as ms.StringValue);
      if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) {
        ctx.addIssue({ code: 'custom', message: `"${v}" is not a duration like 10s` });
        return z.NEVER;
      }
      return n;
    }),
});

/** The sandbox process's settings (SANDBOX_*), read once, failing fast. */
export function loadSandboxConfig(env: Record<string, string | undefined> = process.env) {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const r = schema.safeParse(present);
  if (!r.success) {
    throw new Error(
      `Invalid sandbox configuration:\n${r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`,
    );
  }
  return Object.freeze({
    host: r.data.SANDBOX_HOST,
    port: r.data.SANDBOX_PORT,
    publicUrl: r.data.SANDBOX_PUBLIC_URL,
    databaseUrl: r.data.SANDBOX_DATABASE_URL,
    timeoutHangMs: r.data.SANDBOX_TIMEOUT_HANG,
  });
}
