import { AppError } from '../../domain/errors';
import { metricsAccess } from '../../infra/metrics';
import { RESPONDED, route, type RouteDef } from '../route';

/**
 * Prometheus metrics of this API process. Guarded in the handler rather than by a role: a scraper has no session.
 * With METRICS_TOKEN set it needs that bearer token; without one it answers only direct requests from loopback or
 * private addresses (anything else, a proxied request included, is told there is nothing here).
 */
export function metricsRoutes(): RouteDef[] {
  return [
    route({
      method: 'GET',
      path: '/metrics',
      summary:
        'Prometheus metrics (requests by route, latency, process); METRICS_TOKEN bearer, or private addresses only',
      tag: 'ops',
      access: 'public',
      async handler({ ctx, deps: { config, metrics } }) {
        const access = metricsAccess(ctx.req, config.metricsToken);
        if (access === 'unauthenticated') {
          ctx.set('WWW-Authenticate', 'Bearer realm="metrics"');
          throw new AppError('UNAUTHENTICATED', 'Send the metrics token as a bearer token');
        }
        if (access === 'hidden' || !metrics) throw new AppError('NOT_FOUND', 'No such resource');
        ctx.set('Content-Type', metrics.registry.contentType);
        ctx.set('Cache-Control', 'no-store');
        ctx.body = await metrics.registry.metrics();
        return RESPONDED;
      },
    }),
  ];
}
