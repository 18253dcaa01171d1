import { randomUUID } from 'node:crypto';
import type Koa from 'koa';
import type { Logger } from '../../infra/logger';
import type { ApiState } from '../context';

/** Per-request state; the request's child logger is made only if something logs through it. */
class RequestState {
  session: ApiState['session'] = null;
  sessionUnavailable = false;
  user: ApiState['user'] = null;
  private child: Logger | undefined;

  constructor(
    readonly requestId: string,
    private readonly parent: Logger,
  ) {}

  get log(): Logger {
    return (this.child ??= this.parent.child({ requestId: this.requestId }));
  }
}

/**
 * Gives each request an id (echoed as X-Request-Id) and writes one access-log line when it ends; `log` is the
 * process logger the request's child logger comes from.
 */
export function requestLog(log: Logger, access: Logger = log): Koa.Middleware<ApiState> {
  return async (ctx, next) => {
    const incoming = ctx.get('x-request-id');
    const requestId = /^[A-Za-z0-9._-]{8,64}$/.test(incoming) ? incoming : randomUUID();
    ctx.state = new RequestState(requestId, log) as unknown as ApiState;
    ctx.set('X-Request-Id', requestId);
    const started = performance.now();
    try {
      await next();
    } finally {
      const ms = Math.round((performance.now() - started) * 10) / 10;
      const route = (ctx as unknown as { _matchedRoute?: string })._matchedRoute ?? null;
      const line = { requestId, method: ctx.method, path: ctx.path, route, status: ctx.status, ms };
      if (ctx.status >= 500) access.error(line, 'request');
      else if (ctx.path === '/healthz' || ctx.path === '/readyz') access.debug(line, 'request');
      else access.info(line, 'request');
    }
  };
}
