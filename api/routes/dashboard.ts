import { loadDashboard, partnerRanking } from '../dashboard';
import {
  adminDashboardQuerySchema,
  dashboardCacheKey,
  partnerDashboardQuerySchema,
  type Dashboard,
} from '../../domain/dashboard';
import type { Redis } from '../../infra/redis';
import { type ApiContext, partnerIdOf } from '../context';
import { RESPONDED, route, type RouteDef } from '../route';

/**
 * Answers a dashboard as JSON text, reused from Redis for `ttlMs` (the figures carry their "as of" time). Redis
 * being down only costs the cache: the read models answer.
 */
async function answer(
  ctx: ApiContext,
  redis: Redis,
  ttlMs: number,
  key: string,
  load: () => Promise<Dashboard>,
): Promise<typeof RESPONDED> {
  let body: string | null = null;
  if (ttlMs > 0) body = await redis.get(key).catch(() => null);
  ctx.set('X-Cache', body ? 'hit' : 'miss');
  if (!body) {
    body = JSON.stringify(await load());
    if (ttlMs > 0) redis.set(key, body, 'PX', ttlMs).catch(() => undefined);
  }
  ctx.set('Cache-Control', 'private, no-store');
  ctx.type = 'application/json; charset=utf-8';
  ctx.status = 200;
  ctx.body = body;
  return RESPONDED;
}

/** The sales dashboard (매출 관리): a partner's own, and the admin's across partners. */
export function dashboardRoutes(): RouteDef[] {
  return [
    route({
      method: 'GET',
      path: '/api/partner/dashboard',
      summary:
        "The signed-in partner's sales dashboard: revenue series, subscribers, churn, upcoming charges, top products, orders to ship, expected settlement",
      tag: 'dashboard',
      access: 'partner',
      query: partnerDashboardQuerySchema,
      async handler({ ctx, query, deps: { db, redis, config } }) {
        const partnerId = partnerIdOf(ctx);
        return answer(
          ctx,
          redis,
          config.dashboard.cacheTtlMs,
          dashboardCacheKey(partnerId, query.range),
          () => loadDashboard(db, partnerId, query.range),
        );
      },
    }),
    route({
      method: 'GET',
      path: '/api/admin/dashboard',
      summary: 'The sales dashboard across every partner (or one), with partners ranked by net revenue',
      tag: 'dashboard',
      access: 'admin',
      query: adminDashboardQuerySchema,
      async handler({ ctx, query, deps: { db, redis, config } }) {
        const key = dashboardCacheKey(`admin:${query.partnerId ?? 'all'}`, query.range);
        return answer(ctx, redis, config.dashboard.cacheTtlMs, key, async () => {
          const now = new Date();
          const [dashboard, partners] = await Promise.all([
            loadDashboard(db, query.partnerId ?? null, query.range, now),
            query.partnerId ? Promise.resolve(undefined) : partnerRanking(db, query.range, now),
          ]);
          return partners ? { ...dashboard, partners } : dashboard;
        });
      },
    }),
  ];
}
