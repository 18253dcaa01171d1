import type { Knex } from 'knex';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { TypedSearchAttributes, WorkflowIdConflictPolicy } from '@temporalio/common';
import { cancelOrderSignal, fulfilmentHandle, startFulfilment } from '../domain/contracts/fulfilment';
import type { CancelOrder, FulfilmentInput, FulfilmentStatus } from '../domain/fulfilment';
import { CustomerId, FulfilmentStatus as FulfilmentStatusKey, PartnerId } from '../domain/searchAttributes';
import { dashboardCacheKeysOf } from '../domain/dashboard';
import type { ActivityDeps, FulfilmentStarter } from './deps';
import { closeTask } from './reviewDesk';
import { enqueueNotification, type Notification } from './outbox';
import { signalIfRunning } from './signals';

/** The fulfilment starter the activities use (ActivityDeps.fulfilment), built by the worker and the tests. */
export function createFulfilmentStarter(
  client: Client,
  opts: { taskQueuePrefix: string; autoDeliverMs: number; escalationSlaMs: number },
): FulfilmentStarter {
  const settings = { autoDeliverMs: opts.autoDeliverMs, escalationSlaMs: opts.escalationSlaMs };
  return {
    settings,
    /** Idempotent: the id is the order's, an existing run is kept (a retried charge starts nothing new). */
    async start(input) {
      try {
        await startFulfilment(client, opts, input, {
          workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
          typedSearchAttributes: new TypedSearchAttributes([
            { key: CustomerId, value: input.customerId },
            { key: PartnerId, value: input.partnerId },
            { key: FulfilmentStatusKey, value: 'to_roast' },
          ]),
        });
      } catch (err) {
        // A finished fulfilment under the same id (the reuse policy refuses a second run): nothing to do.
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
    },
  };
}

/** The fulfilment order of a recorded payment, as the workflow's input. */
export async function fulfilmentInputFor(
  db: Knex,
  paymentId: string,
  settings: FulfilmentInput['settings'],
): Promise<FulfilmentInput | null> {
  const row = await db('fulfilment_orders').where({ paymentId }).first();
  if (!row) return null;
  return {
    orderId: row.id,
    paymentId,
    subscriptionId: row.subscriptionId,
    customerId: row.customerId,
    partnerId: row.partnerId,
    productName: row.productName,
    cycle: row.cycle,
    shipBy: new Date(row.shipBy).toISOString(),
    settings,
  };
}

/** Orders not shipped yet (to roast or roasted). */
const OPEN = ['to_roast', 'roasted'];

/** The fulfilment workflow's writes: the order's steps, the escalation and its resolution. */
export function createFulfilmentActivities({ db, redis, log, metrics, temporal }: ActivityDeps) {
  return {
    /**
     * Moves an order to a step (and records carrier, tracking number, who confirmed delivery), with an optional
     * notice and an escalation task to close, in one transaction. Idempotent: it sets values; the first time of
     * each step is kept.
     */
    async updateFulfilmentOrder(input: {
      orderId: string;
      status: FulfilmentStatus;
      carrier?: string;
      trackingNumber?: string;
      deliveredBy?: 'customer' | 'auto';
      closeTaskId?: string | null;
      notify?: Notification;
    }): Promise<void> {
      const partnerId = await db.transaction(async (trx) => {
        const at = trx.fn.now();
        const stamp = (column: string) => trx.raw(`coalesce(??, ?)`, [column, at]);
        const [order] = await trx('fulfilment_orders')
          .where({ id: input.orderId })
          .update({
            status: input.status,
            updatedAt: at,
            ...(input.status === 'roasted' ? { roastedAt: stamp('roasted_at') } : {}),
            ...(input.status === 'shipped'
              ? {
                  shippedAt: stamp('shipped_at'),
                  carrier: input.carrier,
                  trackingNumber: input.trackingNumber,
                }
              : {}),
            ...(input.status === 'delivered'
              ? { deliveredAt: stamp('delivered_at'), deliveredBy: input.deliveredBy ?? 'auto' }
              : {}),
          })
          .returning(['partnerId', 'customerId', 'subscriptionId', 'productName', 'deliveredBy']);
        if (input.closeTaskId)
          await closeTask(trx, input.closeTaskId, { state: 'done', outcome: 'shipped', resolvedBy: null });
        if (input.notify) await enqueueNotification(trx, input.notify);
        // 배송 완료, confirmed by the customer or counted after the wait: once per order (the key is the order's).
        if (order && input.status === 'delivered') {
          await enqueueNotification(trx, {
            dedupeKey: `order:${input.orderId}:delivered`,
            recipientUserId: order.customerId,
            template: 'order_delivered',
            payload: {
              orderId: input.orderId,
              subscriptionId: order.subscriptionId,
              productName: order.productName,
              deliveredBy: order.deliveredBy,
            },
          });
        }
        return order?.partnerId as string | undefined;
      });
      // The partner's "orders to ship" changed: their cached dashboard goes, so the next look shows it at once.
      if (partnerId) {
        await redis
          .del(...dashboardCacheKeysOf(partnerId))
          .catch((err: Error) => log.debug({ err: err.message }, 'dashboard cache not cleared'));
      }
    },

    /**
     * Tells the roaster a paid cycle's order arrived (collected into their daily digest; the app shows it at once).
     * Idempotent: the notice is keyed by the order. Only fulfilment runs recorded between the order-new-notice and
     * order-new-with-charge markers call it; the charge writes the notice with the order now.
     */
    async announceOrder(input: { orderId: string }): Promise<void> {
      await db.transaction(async (trx) => {
        const order = (await trx('fulfilment_orders as o')
          .join('partners as p', 'p.id', 'o.partner_id')
          .where('o.id', input.orderId)
          .first(
            'p.user_id',
            'o.subscription_id',
            'o.product_name',
            'o.cycle',
            'o.grams',
            'o.grind',
            'o.quantity',
            'o.ship_by',
          )) as
          | {
              userId: string;
              subscriptionId: string;
              productName: string;
              cycle: number;
              grams: number;
              grind: string;
              quantity: number;
              shipBy: Date;
            }
          | undefined;
        if (!order) return;
        await enqueueNotification(trx, {
          dedupeKey: `order:${input.orderId}:new`,
          recipientUserId: order.userId,
          template: 'order_new',
          payload: {
            orderId: input.orderId,
            productName: order.productName,
            cycle: order.cycle,
            grams: order.grams,
            grind: order.grind,
            quantity: order.quantity,
            shipBy: new Date(order.shipBy).toISOString(),
          },
        });
      });
    },

    /** Marks an order escalated (its inbox task is open) and tells the roaster; idempotent. */
    async escalateFulfilmentOrder(input: {
      orderId: string;
      taskId: string;
      partnerId: string;
    }): Promise<void> {
      const escalatedNow = await db.transaction(async (trx) => {
        const before = (await trx('fulfilment_orders')
          .where({ id: input.orderId })
          .forUpdate()
          .first('escalatedAt')) as { escalatedAt: Date | null } | undefined;
        await trx('fulfilment_orders')
          .where({ id: input.orderId })
          .update({
            escalatedAt: trx.raw('coalesce(escalated_at, now())'),
            escalationTaskId: input.taskId,
          });
        const partner = await trx('partners').where({ id: input.partnerId }).first('userId');
        const order = (await trx('fulfilment_orders')
          .where({ id: input.orderId })
          .first('productName', 'cycle', 'shipBy')) as
          { productName: string; cycle: number; shipBy: Date } | undefined;
        if (partner)
          await enqueueNotification(trx, {
            dedupeKey: `order:${input.orderId}:overdue`,
            recipientUserId: partner.userId,
            template: 'order_overdue',
            payload: {
              orderId: input.orderId,
              productName: order?.productName ?? null,
              cycle: order?.cycle ?? null,
              shipBy: order ? new Date(order.shipBy).toISOString() : null,
            },
          });
        return before !== undefined && before.escalatedAt === null;
      });
      // Once per order: only the transaction that set escalated_at counts it.
      if (escalatedNow) metrics.fulfilmentEscalations.inc();
    },

    /** An admin resolved the escalation (e.g. reached the roaster): the task closes; the order stays open. */
    async resolveFulfilmentEscalation(input: {
      orderId: string;
      taskId: string;
      resolvedBy: string;
      note: string | null;
    }): Promise<void> {
      await db.transaction(async (trx) => {
        await closeTask(trx, input.taskId, {
          state: 'done',
          outcome: input.note ? `resolved: ${input.note}`.slice(0, 500) : 'resolved',
          resolvedBy: input.resolvedBy,
          reason: input.note,
        });
      });
    },

    /**
     * Ends an order that has not shipped (the workflow has already refused to ship it): the row says 취소됨 and
     * leaves the roaster's orders to ship, an open escalation closes, the roaster is told. Returns what is left to
     * refund of its payment. Idempotent: the first cancellation time is kept, the notice is deduped.
     */
    async cancelFulfilmentOrder(input: {
      orderId: string;
      cause: CancelOrder['cause'];
      closeTaskId: string | null;
    }): Promise<{ refundable: number }> {
      const result = await db.transaction(async (trx) => {
        const [order] = await trx('fulfilment_orders')
          .where({ id: input.orderId })
          .whereIn('status', [...OPEN, 'canceled'])
          .update({
            status: 'canceled',
            canceledAt: trx.raw('coalesce(canceled_at, now())'),
            cancelCause: input.cause,
            updatedAt: trx.fn.now(),
          })
          .returning(['partnerId', 'paymentId', 'productName', 'cycle']);
        if (!order) return null;
        if (input.closeTaskId)
          await closeTask(trx, input.closeTaskId, { state: 'done', outcome: 'canceled', resolvedBy: null });
        const partner = await trx('partners').where({ id: order.partnerId }).first('userId');
        if (partner)
          await enqueueNotification(trx, {
            dedupeKey: `order:${input.orderId}:canceled`,
            recipientUserId: partner.userId,
            template: 'order_canceled',
            payload: {
              orderId: input.orderId,
              productName: order.productName,
              cycle: order.cycle,
              cause: input.cause,
            },
          });
        const payment = await trx('payments')
          .where({ id: order.paymentId })
          .first('amount', 'refundedAmount');
        return {
          partnerId: order.partnerId as string,
          refundable: payment ? payment.amount - payment.refundedAmount : 0,
        };
      });
      if (!result) return { refundable: 0 };
      // The partner's "orders to ship" changed: their cached dashboard goes.
      await redis
        .del(...dashboardCacheKeysOf(result.partnerId))
        .catch((err: Error) => log.debug({ err: err.message }, 'dashboard cache not cleared'));
      return { refundable: result.refundable };
    },

    /**
     * A subscription cancelled at once: each of its orders not shipped yet is told to end (its workflow refunds the
     * paid cycle). Idempotent: a workflow that has ended or shipped ignores the signal.
     */
    async cancelUnshippedOrders(input: { subscriptionId: string }): Promise<{ signalled: number }> {
      const ids = (await db('fulfilment_orders')
        .where({ subscriptionId: input.subscriptionId })
        .whereIn('status', OPEN)
        .pluck('id')) as string[];
      return { signalled: await tell(ids, { cause: 'subscription_canceled' }) };
    },

    /** A payment refunded in full: its order, if it has not shipped, is told to end. Idempotent as above. */
    async cancelFulfilmentOfPayment(input: { paymentId: string }): Promise<{ signalled: number }> {
      const ids = (await db('fulfilment_orders')
        .where({ paymentId: input.paymentId })
        .whereIn('status', OPEN)
        .pluck('id')) as string[];
      return { signalled: await tell(ids, { cause: 'refunded' }) };
    },
  };

  /** Signals each order's workflow; one that has already ended has nothing to cancel. */
  async function tell(orderIds: string[], cancel: CancelOrder): Promise<number> {
    let told = 0;
    for (const id of orderIds)
      if (await signalIfRunning(fulfilmentHandle(temporal, id), cancelOrderSignal, cancel)) told += 1;
    return told;
  }
}
