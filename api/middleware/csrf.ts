import { timingSafeEqual } from 'node:crypto';
import type Koa from 'koa';
import { AppError } from '../../domain/errors';
import type { ApiState } from '../context';
import { CSRF_COOKIE, newToken, type Sessions } from '../sessions';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * CSRF protection on every mutation: the `X-CSRF-Token` header must match the CSRF cookie (double submit)
 * and, when signed in, the token bound to the session; cross-site requests are refused outright.
 */
export function csrf(
  sessions: Sessions,
  exempt: (path: string) => boolean = () => false,
): Koa.Middleware<ApiState> {
  return async (ctx, next) => {
    const cookie = ctx.cookies.get(CSRF_COOKIE);
    if (SAFE.has(ctx.method) || exempt(ctx.path)) {
      // Issued where the UI asks for it (the auth routes), not on every catalog read.
      if (!cookie && ctx.path.startsWith('/api/auth/'))
        sessions.setCsrfCookie(ctx, ctx.state.session?.csrf ?? newToken());
      return next();
    }
    const site = ctx.get('sec-fetch-site');
    if (site === 'cross-site') throw new AppError('CSRF_FAILED', 'Cross-site requests are not allowed');
    const header = ctx.get('x-csrf-token');
    const expected = ctx.state.session?.csrf ?? cookie;
    if (!header || !cookie || !expected || !same(header, cookie) || !same(header, expected)) {
      throw new AppError(
        'CSRF_FAILED',
        'Missing or invalid CSRF token: send the dalgona_csrf cookie value as X-CSRF-Token',
      );
    }
    return next();
  };
}
