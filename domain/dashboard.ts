// The sales dashboard (매출 관리): its query, its answer, and the Asia/Seoul buckets of its revenue series.
import { z } from 'zod';
import { seoulDate } from './calendar';

/** The revenue chart's span: 30 days by day, 12 weeks by week (Monday first), 12 months by month. */
export const dashboardRanges = ['30d', '12w', '12m'] as const;
export type DashboardRange = (typeof dashboardRanges)[number];

/** Where the API caches a dashboard answer: a partner's (`partnerId`), or the admin's (`admin:<partner or all>`). */
export const dashboardCacheKey = (scope: string, range: DashboardRange) => `dashboard:${scope}:${range}`;

/** Every cached answer a change of one partner's figures makes stale: theirs and the admin's. */
export const dashboardCacheKeysOf = (partnerId: string): string[] =>
  dashboardRanges.flatMap((r) => [
    dashboardCacheKey(partnerId, r),
    dashboardCacheKey(`admin:${partnerId}`, r),
    dashboardCacheKey('admin:all', r),
  ]);

/** A partner's dashboard query. */
export const partnerDashboardQuerySchema = z.strictObject({
  range: z.enum(dashboardRanges).default('30d'),
});

/** The admin's dashboard query: every partner, or one. */
export const adminDashboardQuerySchema = z.strictObject({
  range: z.enum(dashboardRanges).default('30d'),
  partnerId: z.uuid().optional(),
});

/** One bucket of the revenue series (KRW; `net` = gross − refunds). */
export interface RevenuePoint {
  /** The bucket's first day (YYYY-MM-DD, Asia/Seoul). */
  start: string;
  gross: number;
  refunds: number;
  net: number;
  orders: number;
}

/** The dashboard's figures (partner: their own; admin: every partner or one). */
export interface Dashboard {
  range: DashboardRange;
  /** The first and last day covered (Asia/Seoul). */
  from: string;
  to: string;
  series: RevenuePoint[];
  totals: { gross: number; refunds: number; net: number; orders: number };
  /** Subscriptions by status now; `active` counts active and past-due (still being charged). */
  subscribers: { active: number; pastDue: number; paused: number; suspended: number };
  /** New and cancelled subscriptions in the range; churn = cancelled ÷ everyone subscribed during it (see churnRate). */
  churn: { started: number; canceled: number; rate: number | null };
  /** The next scheduled charge of each active subscription falling in the next 7 / 30 days. */
  upcoming: { days7: { count: number; amount: number }; days30: { count: number; amount: number } };
  topProducts: { productId: string; name: string; net: number; orders: number }[];
  /** Paid orders not yet shipped, and how many of them are past their ship-by time. */
  toShip: { count: number; overdue: number };
  /** Sales − refunds since Monday 00:00 Asia/Seoul, before the platform's commission. */
  settlement: { periodStart: string; expected: number };
  /** Admin only: partners by net revenue in the range. */
  partners?: { partnerId: string; name: string; net: number; orders: number }[];
  generatedAt: string;
}

const DAY_MS = 24 * 3600_000;
const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** Monday of the Asia/Seoul week holding `date` (YYYY-MM-DD). */
export function mondayOf(date: string): string {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(date, -((weekday + 6) % 7));
}

/** The first day of each bucket of a range ending today (Asia/Seoul), oldest first. */
export function bucketStarts(range: DashboardRange, now: Date | number): string[] {
  const today = seoulDate(now);
  if (range === '30d') return Array.from({ length: 30 }, (_, i) => addDays(today, i - 29));
  if (range === '12w') {
    const monday = mondayOf(today);
    return Array.from({ length: 12 }, (_, i) => addDays(monday, (i - 11) * 7));
  }
  const [y, m] = today.split('-').map(Number) as [number, number];
  return Array.from({ length: 12 }, (_, i) =>
    new Date(Date.UTC(y, m - 1 - 11 + i, 1)).toISOString().slice(0, 10),
  );
}

/** The Postgres `date_trunc` unit of a range's buckets. */
export function bucketUnit(range: DashboardRange): 'day' | 'week' | 'month' {
  return range === '30d' ? 'day' : range === '12w' ? 'week' : 'month';
}

/** Fills empty buckets with zeros, in order. */
export function fillSeries(
  starts: string[],
  rows: { start: string; gross: number; refunds: number; orders: number }[],
): RevenuePoint[] {
  const byStart = new Map(rows.map((r) => [r.start, r]));
  return starts.map((start) => {
    const r = byStart.get(start);
    const gross = Number(r?.gross ?? 0);
    const refunds = Number(r?.refunds ?? 0);
    return { start, gross, refunds, net: gross - refunds, orders: Number(r?.orders ?? 0) };
  });
}

/**
 * Cancelled in the range ÷ everyone subscribed at some time in it (live at its start, i.e. live now − started +
 * cancelled, plus those who started in it): between 0 and 1 however young the shop; null when nobody was.
 */
export function churnRate(activeNow: number, started: number, canceled: number): number | null {
  const exposed = activeNow + canceled;
  return exposed > 0 ? Math.round((canceled / exposed) * 10_000) / 10_000 : null;
}
