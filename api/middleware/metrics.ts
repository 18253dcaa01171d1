import type Koa from 'koa';
import { UNMATCHED, type HttpMetrics } from '../../infra/metrics';
import type { ApiState } from '../context';

/**
 * Counts every request Koa answers by method, matched route pattern (never the raw path: ids would make a series
 * each) and final status, with its duration. Outermost, so it sees the status the error middleware chose.
 */
export function httpMetrics(metrics: HttpMetrics): Koa.Middleware<ApiState> {
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const route = (ctx as unknown as { _matchedRoute?: string })._matchedRoute ?? UNMATCHED;
      metrics.observe(ctx.method, route, ctx.status, (performance.now() - started) / 1000);
    }
  };
}
