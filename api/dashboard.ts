// Reads the sales dashboard from its read models (no aggregate over raw payments): one statement, one round trip.
import type { Knex } from 'knex';
import {
  bucketStarts,
  bucketUnit,
  churnRate,
  fillSeries,
  mondayOf,
  type Dashboard,
  type DashboardRange,
} from '../domain/dashboard';
import { seoulDate } from '../domain/calendar';

interface Row {
  series: { start: string; gross: number; refunds: number; orders: number }[];
  churn: { started: number; canceled: number };
  statuses: Record<string, number>;
  upcoming: { count7: number; amount7: number; count30: number; amount30: number };
  toShip: { count: number; overdue: number };
  settlement: number;
  topProducts: Dashboard['topProducts'];
}

/**
 * The dashboard of one partner, or of every partner (`partnerId` null, the admin's view). Every figure comes from a
 * read model or an indexed range: daily sales and subscription counters, status counts, the subscriptions' next
 * charge dates, open fulfilment orders. The expected settlement is this week's net sales before commission; when
 * settlement statements exist it becomes "the ledger since the last statement" here and nowhere else.
 */
export async function loadDashboard(
  db: Knex,
  partnerId: string | null,
  range: DashboardRange,
  now: Date = new Date(),
): Promise<Dashboard> {
  const starts = bucketStarts(range, now);
  const from = starts[0]!;
  const to = seoulDate(now);
  const weekStart = mondayOf(to);
  const bindings: string[] = [];
  // The partner filter: a fixed fragment with a bound value, or none for every partner.
  const scope = () => {
    if (partnerId === null) return 'TRUE';
    bindings.push(partnerId);
    return 'partner_id = ?';
  };
  const bind = (value: string) => {
    bindings.push(value);
    return '?';
  };
  const sql = `SELECT
    (SELECT coalesce(json_agg(json_build_object('start', to_char(b.bucket, 'YYYY-MM-DD'), 'gross', b.gross,
              'refunds', b.refunds, 'orders', b.orders)), '[]'::json)
       FROM (SELECT date_trunc(${bind(bucketUnit(range))}, day)::date AS bucket, sum(gross) AS gross,
                    sum(refunds) AS refunds, sum(orders) AS orders
               FROM partner_daily_sales
              WHERE ${scope()} AND day BETWEEN CAST(${bind(from)} AS date) AND CAST(${bind(to)} AS date)
              GROUP BY 1) b) AS series,
    (SELECT json_build_object('started', coalesce(sum(started), 0), 'canceled', coalesce(sum(canceled), 0))
       FROM partner_daily_subscriptions
      WHERE ${scope()} AND day BETWEEN CAST(${bind(from)} AS date) AND CAST(${bind(to)} AS date)) AS churn,
    (SELECT coalesce(json_object_agg(status, n), '{}'::json)
       FROM (SELECT status, sum(count) AS n FROM partner_subscription_counts WHERE ${scope()} GROUP BY status) c
    ) AS statuses,
    (SELECT json_build_object(
              'count7', count(*) FILTER (WHERE next_charge_at < t.now + interval '7 days'),
              'amount7', coalesce(sum(amount) FILTER (WHERE next_charge_at < t.now + interval '7 days'), 0),
              'count30', count(*), 'amount30', coalesce(sum(amount), 0))
       FROM subscriptions, (SELECT CAST(${bind(now.toISOString())} AS timestamptz) AS now) t
      WHERE ${scope()} AND status = 'active' AND NOT cancel_at_period_end
        AND next_charge_at >= t.now AND next_charge_at < t.now + interval '30 days') AS upcoming,
    (SELECT json_build_object('count', count(*),
              'overdue', count(*) FILTER (WHERE ship_by < CAST(${bind(now.toISOString())} AS timestamptz)))
       FROM fulfilment_orders WHERE ${scope()} AND status IN ('to_roast', 'roasted')) AS "toShip",
    (SELECT coalesce(sum(gross - refunds), 0) FROM partner_daily_sales
      WHERE ${scope()} AND day BETWEEN CAST(${bind(weekStart)} AS date) AND CAST(${bind(to)} AS date)
    ) AS settlement,
    (SELECT coalesce(json_agg(p), '[]'::json)
       FROM (SELECT product_id AS "productId", product_name AS name, gross - refunds AS net, orders
               FROM partner_product_sales WHERE ${scope()} ORDER BY gross - refunds DESC, orders DESC, product_id LIMIT 5) p
    ) AS "topProducts"`;
  const row = (await db.raw(sql, bindings)).rows[0] as Row;
  const series = fillSeries(starts, row.series);
  const totals = series.reduce(
    (t, p) => ({
      gross: t.gross + p.gross,
      refunds: t.refunds + p.refunds,
      net: t.net + p.net,
      orders: t.orders + p.orders,
    }),
    { gross: 0, refunds: 0, net: 0, orders: 0 },
  );
  const count = (status: string) => Number(row.statuses[status] ?? 0);
  const subscribers = {
    active: count('active') + count('past_due'),
    pastDue: count('past_due'),
    paused: count('paused'),
    suspended: count('suspended'),
  };
  const started = Number(row.churn.started);
  const canceled = Number(row.churn.canceled);
  return {
    range,
    from,
    to,
    series,
    totals,
    subscribers,
    churn: { started, canceled, rate: churnRate(subscribers.active, started, canceled) },
    upcoming: {
      days7: { count: Number(row.upcoming.count7), amount: Number(row.upcoming.amount7) },
      days30: { count: Number(row.upcoming.count30), amount: Number(row.upcoming.amount30) },
    },
    topProducts: row.topProducts.map((p) => ({ ...p, net: Number(p.net), orders: Number(p.orders) })),
    toShip: { count: Number(row.toShip.count), overdue: Number(row.toShip.overdue) },
    settlement: { periodStart: weekStart, expected: Number(row.settlement) },
    generatedAt: now.toISOString(),
  };
}

/** Partners by net revenue over a range (the admin's table); reads the daily read model only. */
export async function partnerRanking(
  db: Knex,
  range: DashboardRange,
  now: Date = new Date(),
  limit = 20,
): Promise<NonNullable<Dashboard['partners']>> {
  const from = bucketStarts(range, now)[0]!;
  const rows = (
    await db.raw(
      `SELECT s.partner_id AS "partnerId", p.company_name AS name, sum(s.gross - s.refunds) AS net,
              sum(s.orders) AS orders
         FROM partner_daily_sales s JOIN partners p ON p.id = s.partner_id
        WHERE s.day BETWEEN CAST(? AS date) AND CAST(? AS date)
        GROUP BY 1, 2 ORDER BY net DESC LIMIT ?`,
      [from, seoulDate(now), limit],
    )
  ).rows as { partnerId: string; name: string; net: number; orders: number }[];
  return rows.map((r) => ({ ...r, net: Number(r.net), orders: Number(r.orders) }));
}
