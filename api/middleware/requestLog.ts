import { randomUUID } from 'node:crypto';
import type Koa from 'koa';
import type { Logger } from '../../infra/logger';
import type { ApiState } from '../context';

/** Gives each request an id (echoed as X-Request-Id) and logs one JSON line when it ends. */
export function requestLog(log: Logger): Koa.Middleware<ApiState> {
  return async (ctx, next) => {
    const incoming = ctx.get('x-request-id');
    const requestId = /^[A-Za-z0-9._-]{8,64}$/.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.state.log = log.child({ requestId });
    ctx.set('X-Request-Id', requestId);
    const started = performance.now();
    try {
      await next();
    } finally {
      const ms = Math.round((performance.now() - started) * 10) / 10;
      const route = (ctx as unknown as { _matchedRoute?: string })._matchedRoute ?? null;
      const line = { method: ctx.method, path: ctx.path, route, status: ctx.status, ms };
      if (ctx.status >= 500) ctx.state.log.error(line, 'request');
      else if (ctx.path === '/healthz' || ctx.path === '/readyz') ctx.state.log.debug(line, 'request');
      else ctx.state.log.info(line, 'request');
    }
  };
}
