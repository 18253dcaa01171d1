import send from 'koa-send';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type Koa from 'koa';
import type { ApiState } from './context';

/**
 * Serves the built Svelte UI: hashed assets cached for a year, everything else revalidated, and the SPA
 * shell for client-side routes. API paths never fall through to it.
 */
export function serveUi(dist: string): Koa.Middleware<ApiState> {
  const root = resolve(dist);
  return async (ctx, next) => {
    if (
      (ctx.method !== 'GET' && ctx.method !== 'HEAD') ||
      ctx.path.startsWith('/api/') ||
      ctx.path === '/api'
    ) {
      return next();
    }
    await next();
    if (ctx.status !== 404 || ctx.body !== undefined) return;
    const immutable = ctx.path.startsWith('/_app/immutable/');
    try {
      const served = await send(ctx, ctx.path, {
        root,
        index: 'index.html',
        immutable,
        maxage: immutable ? 365 * 24 * 3600 * 1000 : 0,
        brotli: true,
        gzip: true,
      });
      if (served && !immutable) ctx.set('Cache-Control', 'no-cache');
    } catch (err) {
      if ((err as { status?: number }).status !== 404) throw err;
      const shell = resolve(root, 'index.html');
      if (!(await stat(shell).catch(() => null))) return;
      await send(ctx, 'index.html', { root });
      ctx.set('Cache-Control', 'no-cache');
    }
  };
}
