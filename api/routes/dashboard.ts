import { loadDashboard, partnerRanking } from '../dashboard';
import { adminDashboardQuerySchema, partnerDashboardQuerySchema } from '../../domain/dashboard';
import { AppError } from '../../domain/errors';
import { route, type RouteDef } from '../route';

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
      async handler({ ctx, query, deps: { db } }) {
        const partnerId = ctx.state.user?.partnerId;
        if (!partnerId) throw new AppError('FORBIDDEN', 'This needs an approved partner account');
        return loadDashboard(db, partnerId, query.range);
      },
    }),
    route({
      method: 'GET',
      path: '/api/admin/dashboard',
      summary: 'The sales dashboard across every partner (or one), with partners ranked by net revenue',
      tag: 'dashboard',
      access: 'admin',
      query: adminDashboardQuerySchema,
      async handler({ query, deps: { db } }) {
        const now = new Date();
        const [dashboard, partners] = await Promise.all([
          loadDashboard(db, query.partnerId ?? null, query.range, now),
          query.partnerId ? Promise.resolve(undefined) : partnerRanking(db, query.range, now),
        ]);
        return partners ? { ...dashboard, partners } : dashboard;
      },
    }),
  ];
}
