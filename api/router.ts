import Router from '@koa/router';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '../domain/errors';
import { toFieldIssues } from '../domain/validation';
import type { ApiContext, ApiDeps, ApiState } from './context';
import getRawBody from 'raw-body';
import type { IncomingMessage } from 'node:http';
import { RESPONDED, type RouteDef } from './route';
import type { Sessions } from './sessions';

// Digests of equal length, so the comparison takes the same time whatever was sent.
const digest = (s: string) => createHash('sha256').update(s).digest();

function authorise(ctx: ApiContext, def: RouteDef): void {
  if (def.access === 'public') return;
  const authorization = ctx.get('authorization');
  if (def.bearerToken !== undefined && authorization) {
    const given = /^Bearer +(\S+) *$/i.exec(authorization)?.[1] ?? '';
    if (timingSafeEqual(digest(given), digest(def.bearerToken)) && given !== '') return;
    ctx.set('WWW-Authenticate', 'Bearer');
    throw new AppError('UNAUTHENTICATED', 'Invalid bearer token');
  }
  if (!ctx.state.user) {
    if (ctx.state.sessionUnavailable) throw new AppError('UNAVAILABLE', 'Sign-in is temporarily unavailable');
    throw new AppError('UNAUTHENTICATED', 'Please sign in');
  }
  if (def.access !== 'user' && !ctx.state.user.roles.includes(def.access)) {
    throw new AppError('FORBIDDEN', `This needs the ${def.access} role`);
  }
}

function parse<T>(schema: RouteDef['body'], value: unknown, where: string): T {
  if (!schema) return undefined as T;
  const result = schema.safeParse(value);
  if (!result.success) {
    const fields = toFieldIssues(result.error);
    const first = fields[0];
    throw new AppError(
      'VALIDATION_FAILED',
      // Only the first letter is lowered: a message may name a code point (U+202E) or a format.
      `Invalid ${where}${first ? `: ${first.path} ${first.message.charAt(0).toLowerCase()}${first.message.slice(1)}` : ''}`,
      {
        fields,
      },
    );
  }
  return result.data as T;
}

async function readRaw(req: IncomingMessage, limit: number, length: number | undefined): Promise<Buffer> {
  try {
    return await getRawBody(req, { limit, length });
  } catch (err) {
    if ((err as { type?: string }).type === 'entity.too.large') {
      throw new AppError('PAYLOAD_TOO_LARGE', `The body is larger than ${Math.round(limit / 1024)} KB`);
    }
    throw new AppError('BAD_REQUEST', 'The body could not be read');
  }
}

function isEmptyObject(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) && Object.keys(raw).length === 0;
}

/** Mounts every route: authorise → validate (params, query, body) → handler → JSON. */
export function buildRouter(routes: RouteDef[], deps: ApiDeps & { sessions: Sessions }): Router<ApiState> {
  const router = new Router<ApiState>();
  for (const def of routes) {
    router.register(def.path, [def.method], async (ctx) => {
      const c = ctx as unknown as ApiContext;
      authorise(c, def);
      let params;
      try {
        params = parse(def.params, ctx.params, 'path');
      } catch {
        throw new AppError('NOT_FOUND', 'No such resource');
      }
      // PostgreSQL text cannot hold NUL: such a query string is refused here rather than failing in a query.
      if (Object.values(ctx.query).some((v) => [v].flat().some((x) => x?.includes('\u0000')))) {
        throw new AppError('VALIDATION_FAILED', 'Invalid query: NUL characters are not allowed');
      }
      const query = parse(def.query, { ...ctx.query }, 'query');
      let raw = (ctx.request as { body?: unknown }).body;
      if (def.raw) {
        const type = ctx.request.type;
        if (!def.raw.types.includes(type)) {
          throw new AppError(
            'UNSUPPORTED_MEDIA_TYPE',
            `Send the body as one of: ${def.raw.types.join(', ')}`,
          );
        }
        raw = await readRaw(ctx.req, def.raw.maxBytes, ctx.request.length);
      } else if (def.body && !ctx.is('application/json')) {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json');
      }
      if (!def.body && !def.raw && ctx.method !== 'GET' && (ctx.request.length ?? 0) > 0) {
        if (!ctx.is('application/json'))
          throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'This endpoint takes no request body');
        if (!isEmptyObject(raw)) throw new AppError('BAD_REQUEST', 'This endpoint takes no request body');
      }
      const body = def.raw ? raw : parse(def.body, raw, 'body');
      const result = await def.handler({ ctx: c, body, query, params, deps });
      if (result === RESPONDED) return;
      ctx.status = def.status ?? 200;
      ctx.body = result ?? null;
    });
  }
  return router;
}
