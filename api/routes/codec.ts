import type Koa from 'koa';
import { z } from 'zod';
import { AppError } from '../../domain/errors';
import { createEncryptionCodec } from '../../infra/payloadCodec';
import type { ApiDeps } from '../context';
import { route, type RouteDef } from '../route';

// The Temporal UI's (and CLI's) remote codec protocol: POST {endpoint}/decode (or /encode) with {"payloads": [...]},
// each payload's metadata values and data in base64; the answer has the same shape. An empty set arrives as `{}`
// (protobuf JSON leaves out an empty list: the CLI sends it before every `workflow show` / `query`).
const b64 = z
  .string()
  .max(4_000_000)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not_base64');
const payloadsSchema = z.strictObject({
  payloads: z
    .array(z.object({ metadata: z.record(z.string().max(200), b64).optional(), data: b64.optional() }))
    .max(2000)
    .default([]),
});
type WirePayloads = z.infer<typeof payloadsSchema>;

const fromWire = (p: WirePayloads['payloads'][number]) => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))]),
  ),
  data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
});
const toWire = (p: { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }) => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

/**
 * The codec endpoint the Temporal UI and CLI call to show workflow payloads: only a signed-in admin, or an operator's
 * tool with the CODEC_TOKEN bearer token, gets plaintext; the stored history (and anyone else) sees ciphertext
 * (docs/architecture.md#payload-codec-and-operators).
 */
export function codecRoutes(deps: Pick<ApiDeps, 'config'>): RouteDef[] {
  const codec = createEncryptionCodec(deps.config.payloadKeys.keys, deps.config.payloadKeys.activeId);
  const endpoint = (op: 'encode' | 'decode') =>
    route({
      method: 'POST',
      path: `/codec/${op}`,
      summary: `Temporal UI / CLI remote codec: ${op} payloads (admins, or the CODEC_TOKEN bearer token)`,
      tag: 'ops',
      access: 'admin',
      bearerToken: deps.config.codecToken,
      body: payloadsSchema,
      async handler({ body }) {
        try {
          const out = await codec[op](body.payloads.map(fromWire));
          return { payloads: out.map(toWire) };
        } catch (err) {
          throw new AppError('BAD_REQUEST', `Could not ${op} these payloads: ${(err as Error).message}`);
        }
      },
    });
  return [endpoint('encode'), endpoint('decode')];
}

/**
 * CORS for the codec endpoint: the Temporal UI (another origin) calls it with the admin's cookies
 * ("include credentials"), so only the configured UI origins are allowed, credentials included. A request from any
 * other origin is refused outright (403), whatever it carries: a page elsewhere must not get payloads decoded with
 * an admin's cookie even where it could not read the answer. Tools (the Temporal CLI, curl) send no Origin.
 */
export function codecCors(uiOrigins: string[]): Koa.Middleware {
  const allowed = new Set(uiOrigins);
  return async (ctx, next) => {
    if (!ctx.path.startsWith('/codec/')) return next();
    const origin = ctx.get('origin');
    if (!origin) return next();
    if (!allowed.has(origin)) throw new AppError('FORBIDDEN', 'This origin may not call the codec endpoint');
    ctx.set('Access-Control-Allow-Origin', origin);
    ctx.set('Access-Control-Allow-Credentials', 'true');
    ctx.set('Vary', 'Origin');
    if (ctx.method === 'OPTIONS') {
      ctx.set('Access-Control-Allow-Methods', 'POST, OPTIONS');
      ctx.set('Access-Control-Allow-Headers', 'content-type, x-namespace, authorization');
      ctx.set('Access-Control-Max-Age', '600');
      ctx.status = 204;
      return;
    }
    return next();
  };
}
