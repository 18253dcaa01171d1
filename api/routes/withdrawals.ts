import { z } from 'zod';
import { nextCycle } from '../../domain/calendar';
import { fulfilmentHandle, withdrawOrderUpdate } from '../../domain/contracts/fulfilment';
import { AppError } from '../../domain/errors';
import type { FulfilmentState, FulfilmentStatus } from '../../domain/fulfilment';
import { withdrawalRefusal } from '../../domain/withdrawal';
import type { ApiContext, ApiDeps } from '../context';
import { RESPONDED, route, type RouteDef } from '../route';
import { fromTemporal } from '../temporalErrors';

const idParams = z.strictObject({ id: z.uuid() });
/** How long the customer waits for the provider's refund before the answer says it is under way (202). */
const REFUND_WAIT_MS = 15_000;

/** The customer's order with its payment's refundable balance; anyone else's is "not found". */
async function ownOrder(deps: ApiDeps, ctx: ApiContext, id: string) {
  const row = await deps
    .db('fulfilment_orders as o')
    .join('payments as p', 'p.id', 'o.payment_id')
    .where('o.id', id)
    .first(
      'o.id',
      'o.customer_id',
      'o.subscription_id',
      'o.product_name',
      'o.cycle',
      'o.status',
      'o.cancel_cause',
      'o.canceled_at',
      'p.id as payment_id',
      'p.amount',
      'p.refunded_amount',
    );
  // The caller's own only, admins included (an admin acting for a customer goes through the workflow's Update).
  if (!row || row.customerId !== ctx.state.user!.id) throw new AppError('NOT_FOUND', 'No such order');
  return row as {
    id: string;
    customerId: string;
    subscriptionId: string;
    productName: string;
    cycle: number;
    status: FulfilmentStatus;
    cancelCause: string | null;
    canceledAt: Date | null;
    paymentId: string;
    amount: number;
    refundedAmount: number;
  };
}

type Order = Awaited<ReturnType<typeof ownOrder>>;

/** What 마이페이지 shows beside a subscription for the customer's actions on it. */
export interface CustomerActionExtras {
  /** The latest paid cycle that has not shipped (청약철회 can take it back), with what it would refund. */
  withdrawable: { orderId: string; cycle: number; refundAmount: number } | null;
  /** A skipped cycle's next charge: the one after the skipped date. */
  followingChargeAt: string | null;
}

/** The extras of a customer's subscriptions (one query), for GET /api/subscriptions/mine. */
export async function customerActionExtras(
  deps: ApiDeps,
  customerId: string,
  subs: { id: string; skipNext: boolean; nextChargeAt: Date | string | null; cycleWeeks: number }[],
): Promise<Map<string, CustomerActionExtras>> {
  const open = (await deps
    .db('fulfilment_orders as o')
    .join('payments as p', 'p.id', 'o.payment_id')
    .where('o.customer_id', customerId)
    .whereIn('o.status', ['to_roast', 'roasted'])
    .orderBy('o.cycle', 'desc')
    .select('o.id', 'o.subscription_id', 'o.cycle', 'p.amount', 'p.refunded_amount')) as {
    id: string;
    subscriptionId: string;
    cycle: number;
    amount: number;
    refundedAmount: number;
  }[];
  const out = new Map<string, CustomerActionExtras>();
  for (const sub of subs) {
    const o = open.find((x) => x.subscriptionId === sub.id);
    out.set(sub.id, {
      withdrawable: o ? { orderId: o.id, cycle: o.cycle, refundAmount: o.amount - o.refundedAmount } : null,
      followingChargeAt:
        sub.skipNext && sub.nextChargeAt
          ? nextCycle(
              new Date(sub.nextChargeAt),
              sub.cycleWeeks,
              deps.config.subscription.weekMs,
            ).toISOString()
          : null,
    });
  }
  return out;
}

/** What a withdrawn order came to, as recorded (a repeated request is answered with it). */
function recorded(o: Order) {
  return {
    orderId: o.id,
    subscriptionId: o.subscriptionId,
    status: 'canceled' as const,
    refund: { ok: true, amount: o.refundedAmount },
    canceledAt: o.canceledAt,
  };
}

/**
 * 청약철회 (docs/architecture.md#fulfilment): a customer cancels a paid cycle that has not shipped and gets it back in
 * full. The order's fulfilment workflow decides (it alone knows whether the roaster is shipping right now).
 */
export function withdrawalRoutes(): RouteDef[] {
  return [
    route({
      method: 'GET',
      path: '/api/me/deliveries/:id/withdrawal',
      summary:
        '청약철회 quote: whether this paid cycle can still be withdrawn, and the amount it would refund',
      tag: 'fulfilment',
      access: 'user',
      params: idParams,
      async handler({ ctx, params, deps }) {
        const o = await ownOrder(deps, ctx, params.id);
        const refusal = withdrawalRefusal(o.status);
        return {
          orderId: o.id,
          subscriptionId: o.subscriptionId,
          productName: o.productName,
          cycle: o.cycle,
          status: o.status,
          allowed: refusal === null,
          reason: refusal,
          paid: o.amount,
          refundAmount: refusal === null ? o.amount - o.refundedAmount : 0,
        };
      },
    }),
    route({
      method: 'POST',
      path: '/api/me/deliveries/:id/withdraw',
      summary:
        '청약철회: cancel a paid cycle that has not shipped; it is refunded in full and the roaster sees it canceled',
      tag: 'fulfilment',
      access: 'user',
      params: idParams,
      async handler({ ctx, params, deps }) {
        const o = await ownOrder(deps, ctx, params.id);
        // Asked again after it went through: the same answer, nothing refunded twice.
        if (o.status === 'canceled' && o.cancelCause === 'withdrawn') return recorded(o);
        const refusal = withdrawalRefusal(o.status);
        if (refusal)
          throw new AppError(
            'CONFLICT',
            refusal === 'order_shipped' ? 'This order has shipped' : 'This order is canceled',
            { reason: refusal },
          );
        const update = fulfilmentHandle(deps.temporal, o.id).executeUpdate(withdrawOrderUpdate, {
          args: [{ actor: { userId: ctx.state.user!.id, roles: ctx.state.user!.roles } }],
        });
        let state: FulfilmentState | null;
        try {
          state = await Promise.race([
            update,
            new Promise<null>((r) => setTimeout(() => r(null), REFUND_WAIT_MS).unref()),
          ]);
        } catch (err) {
          // The run ended meanwhile (e.g. this was withdrawn by a request a moment earlier): the row says how.
          const now = await ownOrder(deps, ctx, o.id);
          if (now.status === 'canceled' && now.cancelCause === 'withdrawn') return recorded(now);
          throw fromTemporal(err, new AppError('CONFLICT', 'This order can no longer be withdrawn'));
        }
        update.catch(() => undefined);
        if (!state) {
          // The order is canceled; the provider is slow to refund (the workflow keeps trying).
          ctx.status = 202;
          ctx.body = { orderId: o.id, subscriptionId: o.subscriptionId, status: 'canceled', refund: null };
          return RESPONDED;
        }
        return {
          orderId: o.id,
          subscriptionId: o.subscriptionId,
          status: state.status,
          refund: state.refund ?? null,
          canceledAt: new Date().toISOString(),
        };
      },
    }),
  ];
}
