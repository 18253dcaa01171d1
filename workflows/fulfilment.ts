import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { carriers } from '../domain/carriers';
import {
  confirmDeliveredUpdate,
  fulfilmentStateQuery,
  markRoastedUpdate,
  markShippedUpdate,
  type FulfilmentWorkflow,
} from '../domain/contracts/fulfilment';
import type { FulfilmentInput, FulfilmentState, FulfilmentStatus, OrderActor } from '../domain/fulfilment';
import { FulfilmentStatus as FulfilmentStatusKey, ReviewState } from '../domain/searchAttributes';
import { dbActivityOptions } from './options';
import { ReviewDesk } from './reviewDesk';

const acts = proxyActivities<Activities>(dbActivityOptions);

function refuse(message: string, type = 'CONFLICT'): never {
  throw ApplicationFailure.nonRetryable(message, type);
}

/**
 * One paid cycle's delivery (docs/architecture.md#fulfilment), started when the cycle is recorded: the
 * partner roasts and ships it (Updates), the customer confirms delivery or it counts as delivered after
 * `autoDeliverMs`; not shipped by its ship-by date, it becomes an escalation task in the admin inbox, which the
 * shipment closes (or an admin resolves).
 */
export async function fulfilment(input: FulfilmentInput): Promise<FulfilmentState> {
  const s: FulfilmentState = {
    orderId: input.orderId,
    status: 'to_roast',
    shipBy: input.shipBy,
    carrier: null,
    trackingNumber: null,
    escalated: false,
    escalationTaskId: null,
    deliveredBy: null,
  };
  const desk = new ReviewDesk();
  const shipped = () => s.status === 'shipped' || s.status === 'delivered';

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
      const taskId = s.escalated ? s.escalationTaskId : null;
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

  // Until the ship-by date, the partner's move.
  const untilDeadline = Date.parse(input.shipBy) - Date.now();
  if (!(await condition(shipped, Math.max(untilDeadline, 1)))) {
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
    upsertSearchAttributes([{ key: ReviewState, value: 'overdue' }]);
    await acts.escalateFulfilmentOrder({
      orderId: input.orderId,
      taskId: s.escalationTaskId,
      partnerId: input.partnerId,
    });
    const settled = () => shipped() || desk.decision !== undefined;
    if (!(await condition(settled, input.settings.escalationSlaMs))) {
      await acts.markTaskOverdue({ taskId: s.escalationTaskId });
      await condition(settled);
    }
    if (!shipped()) {
      const decision = desk.decision!;
      await acts.resolveFulfilmentEscalation({
        orderId: input.orderId,
        taskId: s.escalationTaskId,
        resolvedBy: decision.actor.userId,
        note: decision.reason ?? null,
      });
      desk.settle({ status: 'resolved', subjectId: input.orderId });
      upsertSearchAttributes([{ key: ReviewState, value: 'done' }]);
      await condition(shipped);
    } else if (desk.decision !== undefined) {
      desk.settle({ status: 'shipped', subjectId: input.orderId });
    }
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
