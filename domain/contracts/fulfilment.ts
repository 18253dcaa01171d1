// The fulfilment workflow's contract (docs/architecture.md#fulfilment): one paid cycle roasted, shipped and
// delivered. Imported by the workflow, the API, the activities that start it and the tests.
import type { Client, WorkflowHandle, WorkflowStartOptions } from '@temporalio/client';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CancelOrder, FulfilmentInput, FulfilmentState, OrderActor, ShipForm } from '../fulfilment';
import { taskQueue, type Domain } from '../taskQueues';
import type { StartContext, StartOptions } from './start';

export type { CancelOrder, FulfilmentInput, FulfilmentState, OrderActor };

/** The workflow type (what workflows/fulfilment.ts exports). */
export const fulfilmentWorkflowType = 'fulfilment';
/** Served by the fulfilment workers. */
export const fulfilmentDomain: Domain = 'fulfilment';
/** One per paid cycle: `fulfilment:<order id>`. */
export const fulfilmentWorkflowId = (orderId: string) => `fulfilment:${orderId}`;
/** The workflow's signature; the implementation is checked against it. */
export type FulfilmentWorkflow = (input: FulfilmentInput) => Promise<FulfilmentState>;

/** The live state. */
export const fulfilmentStateQuery = defineQuery<FulfilmentState>('fulfilmentState');
/** The partner's steps and the customer's confirmation (Updates with validators). */
export const markRoastedUpdate = defineUpdate<FulfilmentState, [{ actor: OrderActor }]>('markRoasted');
export const markShippedUpdate = defineUpdate<FulfilmentState, [{ actor: OrderActor } & ShipForm]>(
  'markShipped',
);
export const confirmDeliveredUpdate = defineUpdate<FulfilmentState, [{ actor: OrderActor }]>(
  'confirmDelivered',
);

/**
 * The customer withdraws this paid cycle before it ships (청약철회): the order ends at once (it can no longer be
 * shipped) and is refunded in full; answers when the refund is done, with it in `refund`.
 */
export const withdrawOrderUpdate = defineUpdate<FulfilmentState, [{ actor: OrderActor }]>('withdrawOrder');

/** The order is not to be shipped (see CancelOrder); sent by a full refund and by a subscription cancelled at once. */
export const cancelOrderSignal = defineSignal<[CancelOrder]>('cancelOrder');

/** The options that start one order's fulfilment (for `start`, or an Update-with-Start). */
export function fulfilmentStartOptions(
  ctx: StartContext,
  input: FulfilmentInput,
  opts: StartOptions<FulfilmentWorkflow> = {},
): WorkflowStartOptions<FulfilmentWorkflow> {
  return {
    ...opts,
    workflowId: fulfilmentWorkflowId(input.orderId),
    taskQueue: taskQueue(ctx.taskQueuePrefix, fulfilmentDomain),
    args: [input],
  };
}

/** Starts an order's fulfilment. */
export function startFulfilment(
  client: Client,
  ctx: StartContext,
  input: FulfilmentInput,
  opts?: StartOptions<FulfilmentWorkflow>,
) {
  return client.workflow.start<FulfilmentWorkflow>(
    fulfilmentWorkflowType,
    fulfilmentStartOptions(ctx, input, opts),
  );
}

/** The running fulfilment of an order. */
export function fulfilmentHandle(client: Client, orderId: string): WorkflowHandle<FulfilmentWorkflow> {
  return client.workflow.getHandle<FulfilmentWorkflow>(fulfilmentWorkflowId(orderId));
}
