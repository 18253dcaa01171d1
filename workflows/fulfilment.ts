import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { carriers } from '../domain/carriers';
import {
  cancelOrderSignal,
  confirmDeliveredUpdate,
  fulfilmentStateQuery,
  markRoastedUpdate,
  markShippedUpdate,
  withdrawOrderUpdate,
  type FulfilmentWorkflow,
} from '../domain/contracts/fulfilment';
import type {
  CancelOrder,
  FulfilmentInput,
  FulfilmentState,
  FulfilmentStatus,
  OrderActor,
} from '../domain/fulfilment';
import { withdrawalRefundId, withdrawalRefusal } from '../domain/withdrawal';
import { FulfilmentStatus as FulfilmentStatusKey, ReviewState } from '../domain/searchAttributes';
import { dbActivityOptions, providerActivityOptions } from './options';
import { ReviewDesk } from './reviewDesk';

const acts = proxyActivities<Activities>(dbActivityOptions);
// The refund of a cycle withdrawn with its subscription (the refund id is its Idempotency-Key).
const refunds = proxyActivities<Activities>(providerActivityOptions);

function refuse(message: string, type = 'CONFLICT', reason?: string): never {
  // A reason key goes with the refusal as its first detail: the page words it in the customer's language.
  throw ApplicationFailure.nonRetryable(message, type, ...(reason ? [{ reason }] : []));
}

/**
 * One paid cycle's delivery (docs/architecture.md#fulfilment), started when the cycle is recorded: the
 * partner roasts and ships it (Updates), the customer confirms delivery or it counts as delivered after
 * `autoDeliverMs`; not shipped by its ship-by date, it becomes an escalation task in the admin inbox, which the
 * shipment closes (or an admin resolves). Until it ships it can end canceled (`cancelOrder`): refunded in full, or
 * withdrawn with its subscription (then this workflow refunds the paid cycle).
 */
export async function fulfilment(input: FulfilmentInput): Promise<FulfilmentState> {
  const s: FulfilmentState = {
    orderId: input.orderId,
    // A run restarted from its row (the reconciler) goes on from the step the row had reached.
    status: input.resume?.status ?? 'to_roast',
    shipBy: input.shipBy,
    carrier: input.resume?.carrier ?? null,
    trackingNumber: input.resume?.trackingNumber ?? null,
    escalated: false,
    escalationTaskId: null,
    deliveredBy: null,
  };
  const desk = new ReviewDesk();
  const shipped = () => s.status === 'shipped' || s.status === 'delivered';
  let cancel: CancelOrder | null = null;
  /** The roaster's part is over: shipped, or canceled before it shipped. */
  const over = () => shipped() || cancel !== null;
  let taskOpen = false;

  const publish = (status: FulfilmentStatus) => {
    s.status = status;
    upsertSearchAttributes([{ key: FulfilmentStatusKey, value: status }]);
  };

  const isPartner = (actor: OrderActor) =>
    !!actor && (actor.roles?.includes('admin') || (!!actor.partnerId && actor.partnerId === input.partnerId));
  const partnerOnly = (actor: OrderActor) => {
    if (!isPartner(actor)) refuse('Only the roaster of this order can do that', 'FORBIDDEN');
  };

  setHandler(fulfilmentStateQuery, () => s);
  // Canceled from the moment the signal is handled: the ship Update's validator refuses from then on.
  setHandler(cancelOrderSignal, (c) => {
    if (over()) return;
    cancel = c;
    s.canceledBy = c.cause;
    publish('canceled');
  });

  // 청약철회: only the order's customer (or an admin for them); until it ships (domain/fulfilment.ts withdrawalRefusal).
  setHandler(
    withdrawOrderUpdate,
    async () => {
      cancel = { cause: 'withdrawn' };
      s.canceledBy = 'withdrawn';
      publish('canceled');
      // The flow below ends the order and refunds it; the answer carries the refund.
      await condition(() => s.refund != null);
      return s;
    },
    {
      validator: ({ actor }) => {
        if (!actor || (actor.userId !== input.customerId && !actor.roles?.includes('admin')))
          refuse('Only the customer of this order can withdraw it', 'FORBIDDEN');
        const refusal = withdrawalRefusal(s.status);
        if (refusal === 'order_shipped')
          refuse('이미 발송된 주문은 취소할 수 없습니다.', 'CONFLICT', refusal);
        if (refusal) refuse('이미 취소된 주문입니다.', 'CONFLICT', refusal);
      },
    },
  );

  setHandler(
    markRoastedUpdate,
    async () => {
      publish('roasted');
      await acts.updateFulfilmentOrder({ orderId: input.orderId, status: 'roasted' });
      return s;
    },
    {
      validator: ({ actor }) => {
        partnerOnly(actor);
        if (s.status !== 'to_roast') refuse(`This order is already ${s.status}`);
      },
    },
  );

  setHandler(
    markShippedUpdate,
    async ({ carrier, trackingNumber }) => {
      // The state changes before the write, so a second ship request is refused by the validator at once.
      s.carrier = carrier;
      s.trackingNumber = trackingNumber;
      publish('shipped');
      const taskId = taskOpen ? s.escalationTaskId : null;
      taskOpen = false;
      if (taskId) desk.close();
      await acts.updateFulfilmentOrder({
        orderId: input.orderId,
        status: 'shipped',
        carrier,
        trackingNumber,
        closeTaskId: taskId,
        notify: {
          dedupeKey: `order:${input.orderId}:shipped`,
          recipientUserId: input.customerId,
          template: 'order_shipped',
          payload: {
            orderId: input.orderId,
            productName: input.productName,
            carrier,
            carrierName: carriers[carrier],
            trackingNumber,
          },
        },
      });
      if (taskId) upsertSearchAttributes([{ key: ReviewState, value: 'done' }]);
      return s;
    },
    {
      validator: ({ actor, carrier, trackingNumber }) => {
        partnerOnly(actor);
        if (s.status === 'canceled') refuse('This order was canceled: do not ship it');
        if (shipped()) refuse(`This order is already ${s.status}`);
        if (!Object.hasOwn(carriers, carrier)) refuse('Unknown carrier', 'VALIDATION_FAILED');
        if (typeof trackingNumber !== 'string' || !/^\d{9,20}$/.test(trackingNumber))
          refuse('A tracking number is 9–20 digits', 'VALIDATION_FAILED');
      },
    },
  );

  setHandler(
    confirmDeliveredUpdate,
    async () => {
      s.deliveredBy = 'customer';
      publish('delivered');
      await acts.updateFulfilmentOrder({
        orderId: input.orderId,
        status: 'delivered',
        deliveredBy: 'customer',
      });
      return s;
    },
    {
      validator: ({ actor }) => {
        if (!actor || actor.userId !== input.customerId)
          refuse('Only the customer can confirm the delivery', 'FORBIDDEN');
        if (s.status !== 'shipped') refuse('The order has not been shipped yet');
      },
    },
  );

  upsertSearchAttributes([{ key: FulfilmentStatusKey, value: s.status }]);
  // The roaster's new-order notice is written with the order, in the charge's transaction. Runs that recorded it here
  // (order-new-notice, before order-new-with-charge) replay it; runs before either replay without it.
  if (!patched('order-new-with-charge') && patched('order-new-notice'))
    await acts.announceOrder({ orderId: input.orderId });

  // Until the ship-by date, the partner's move.
  const untilDeadline = Date.parse(input.shipBy) - Date.now();
  if (!(await condition(over, Math.max(untilDeadline, 1)))) {
    // Overdue: the admins' move too. The inbox task stays open until the order ships or an admin resolves it.
    s.escalated = true;
    s.escalationTaskId = await desk.open({
      kind: 'fulfilment_escalation',
      subjectId: input.orderId,
      workflowId: workflowInfo().workflowId,
      workflowRunId: workflowInfo().runId,
      title: `${input.productName} — 발송 기한 초과`,
      summary: {
        orderId: input.orderId,
        partnerId: input.partnerId,
        productName: input.productName,
        cycle: input.cycle,
        shipBy: input.shipBy,
      },
      slaMs: input.settings.escalationSlaMs,
      expiryMs: null,
    });
    taskOpen = !shipped();
    upsertSearchAttributes([{ key: ReviewState, value: 'overdue' }]);
    await acts.escalateFulfilmentOrder({
      orderId: input.orderId,
      taskId: s.escalationTaskId,
      partnerId: input.partnerId,
    });
    const settled = () => over() || desk.decision !== undefined;
    if (!(await condition(settled, input.settings.escalationSlaMs))) {
      await acts.markTaskOverdue({ taskId: s.escalationTaskId });
      await condition(settled);
    }
    if (!over()) {
      const decision = desk.decision!;
      await acts.resolveFulfilmentEscalation({
        orderId: input.orderId,
        taskId: s.escalationTaskId,
        resolvedBy: decision.actor.userId,
        note: decision.reason ?? null,
      });
      taskOpen = false;
      desk.settle({ status: 'resolved', subjectId: input.orderId });
      upsertSearchAttributes([{ key: ReviewState, value: 'done' }]);
      await condition(over);
    } else if (desk.decision !== undefined) {
      desk.settle({ status: shipped() ? 'shipped' : 'canceled', subjectId: input.orderId });
    }
  }

  if (cancel !== null) {
    // Canceled before it shipped: the row and the roaster's list say so, an open escalation closes, and a cycle
    // withdrawn with its subscription is refunded in full (a full refund that canceled it has paid back already).
    const closeTaskId = taskOpen ? s.escalationTaskId : null;
    if (closeTaskId) desk.close();
    const { refundable } = await acts.cancelFulfilmentOrder({
      orderId: input.orderId,
      cause: (cancel as CancelOrder).cause,
      closeTaskId,
    });
    if (closeTaskId) upsertSearchAttributes([{ key: ReviewState, value: 'done' }]);
    const cause = (cancel as CancelOrder).cause;
    if (cause === 'subscription_canceled' && refundable > 0) {
      const refund = await refunds.executeRefund({
        refundId: uuid4(),
        paymentId: input.paymentId,
        amount: null,
        reason: '구독 해지: 발송 전 결제 회차 전액 환불',
        requestedBy: input.customerId,
      });
      s.refund = refund.ok ? { ok: true, amount: refund.amount } : { ok: false, code: refund.code };
    } else if (cause === 'withdrawn') {
      // 청약철회 (only reached by the withdrawOrder Update): one refund per payment, its key derived from the payment.
      const refund =
        refundable > 0
          ? await refunds.executeRefund({
              refundId: withdrawalRefundId(input.paymentId),
              paymentId: input.paymentId,
              amount: null,
              reason: '청약철회: 발송 전 결제 회차 전액 환불',
              requestedBy: input.customerId,
            })
          : null;
      s.refund = !refund
        ? { ok: true, amount: 0 }
        : refund.ok
          ? { ok: true, amount: refund.amount }
          : { ok: false, code: refund.code };
    }
    await condition(allHandlersFinished);
    return s;
  }

  // Shipped: the customer confirms, or it counts as delivered after the configured time.
  if (!(await condition(() => s.status === 'delivered', input.settings.autoDeliverMs))) {
    s.deliveredBy = 'auto';
    publish('delivered');
    await acts.updateFulfilmentOrder({ orderId: input.orderId, status: 'delivered', deliveredBy: 'auto' });
  }
  await condition(allHandlersFinished);
  return s;
}
fulfilment satisfies FulfilmentWorkflow;
