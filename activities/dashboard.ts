// The sales dashboard's read models (매출 관리): increments applied inside the transaction that records the event,
// called only when the row that proves the event was inserted (or the status really changed), so a retried
// activity never counts twice. Days are Asia/Seoul calendar dates. Callers increment last in their transaction and
// in one order (daily sales, product sales, status counts, daily subscriptions) so shared rows are locked briefly
// and never in a cycle.
import type { Knex } from 'knex';

const SEOUL_DAY = `((?::timestamptz) AT TIME ZONE 'Asia/Seoul')::date`;

/** An approved payment: the partner's day and product gain its amount and one order. */
export async function countSale(
  trx: Knex.Transaction,
  sale: { partnerId: string; productId: string; productName: string; amount: number; approvedAt: string },
): Promise<void> {
  await trx.raw(
    `INSERT INTO partner_daily_sales AS s (partner_id, day, gross, orders) VALUES (?, ${SEOUL_DAY}, ?, 1)
     ON CONFLICT (partner_id, day) DO UPDATE SET gross = s.gross + EXCLUDED.gross, orders = s.orders + 1`,
    [sale.partnerId, sale.approvedAt, sale.amount],
  );
  await trx.raw(
    `INSERT INTO partner_product_sales AS s (partner_id, product_id, product_name, gross, orders)
     VALUES (?, ?, ?, ?, 1)
     ON CONFLICT (partner_id, product_id) DO UPDATE SET gross = s.gross + EXCLUDED.gross, orders = s.orders + 1,
       product_name = EXCLUDED.product_name`,
    [sale.partnerId, sale.productId, sale.productName, sale.amount],
  );
}

/** A refund carried out: counted on the day it was made (the transaction's time) and against its product. */
export async function countRefund(
  trx: Knex.Transaction,
  refund: { partnerId: string; productId: string; productName: string; amount: number },
): Promise<void> {
  await trx.raw(
    `INSERT INTO partner_daily_sales AS s (partner_id, day, refunds, refund_count)
     VALUES (?, (now() AT TIME ZONE 'Asia/Seoul')::date, ?, 1)
     ON CONFLICT (partner_id, day) DO UPDATE SET refunds = s.refunds + EXCLUDED.refunds,
       refund_count = s.refund_count + 1`,
    [refund.partnerId, refund.amount],
  );
  await trx.raw(
    `INSERT INTO partner_product_sales AS s (partner_id, product_id, product_name, refunds)
     VALUES (?, ?, ?, ?)
     ON CONFLICT (partner_id, product_id) DO UPDATE SET refunds = s.refunds + EXCLUDED.refunds`,
    [refund.partnerId, refund.productId, refund.productName, refund.amount],
  );
}

async function bumpStatus(trx: Knex.Transaction, partnerId: string, status: string, by: number) {
  await trx.raw(
    `INSERT INTO partner_subscription_counts AS c (partner_id, status, count) VALUES (?, ?, ?)
     ON CONFLICT (partner_id, status) DO UPDATE SET count = c.count + EXCLUDED.count`,
    [partnerId, status, by],
  );
}

async function bumpDay(
  trx: Knex.Transaction,
  partnerId: string,
  at: string | Date,
  column: 'started' | 'canceled',
) {
  await trx.raw(
    `INSERT INTO partner_daily_subscriptions AS d (partner_id, day, ${column}) VALUES (?, ${SEOUL_DAY}, 1)
     ON CONFLICT (partner_id, day) DO UPDATE SET ${column} = d.${column} + 1`,
    [partnerId, new Date(at).toISOString()],
  );
}

/** A subscription row was created (status `connecting`). */
export async function countNewSubscription(trx: Knex.Transaction, partnerId: string): Promise<void> {
  await bumpStatus(trx, partnerId, 'connecting', 1);
}

/** The row of a subscription before a change, read with `FOR UPDATE` so that status changes are counted in turn. */
export interface SubscriptionBefore {
  partnerId: string;
  status: string;
  startedAt: Date;
}

/** Locks a subscription's row and returns what the counters need to know about its status before a change. */
export function lockSubscription(trx: Knex.Transaction, id: string): Promise<SubscriptionBefore | undefined> {
  return trx('subscriptions').where({ id }).forUpdate().first('partnerId', 'status', 'startedAt');
}

/**
 * A status change: moves the subscription between the status counts; leaving `connecting` for a live status is a
 * new subscription (on the day it started), entering `canceled` a cancellation (on the day it ended).
 */
export async function countStatusChange(
  trx: Knex.Transaction,
  before: SubscriptionBefore,
  status: string,
  canceledAt: string | null,
): Promise<void> {
  if (before.status === status) return;
  // Rows locked in one order (by status) everywhere: opposite changes of two subscriptions never deadlock.
  const moves: [string, number][] = [
    [before.status, -1],
    [status, 1],
  ];
  moves.sort(([a], [b]) => (a < b ? -1 : 1));
  for (const [s, by] of moves) await bumpStatus(trx, before.partnerId, s, by);
  if (before.status === 'connecting' && status !== 'card_failed') {
    await bumpDay(trx, before.partnerId, before.startedAt, 'started');
  }
  if (status === 'canceled') await bumpDay(trx, before.partnerId, canceledAt ?? new Date(), 'canceled');
}
