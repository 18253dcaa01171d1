// The subscription workflow's contract: its type, id, task queue, messages, input / result and a typed start.
// Imported by the workflow itself, so only types come from @temporalio/client (a value import would break the bundle).
import type { Client, WorkflowHandle, WorkflowStartOptions } from '@temporalio/client';
import { TypedSearchAttributes, WorkflowIdConflictPolicy } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { StructuredShipTo } from '../address';
import { CustomerId, PartnerId } from '../searchAttributes';
import type {
  CancelArgs,
  PriceChange,
  SubscriptionAction,
  SubscriptionInput,
  SubscriptionOptions,
  SubscriptionState,
} from '../subscription';
import { taskQueue } from '../taskQueues';

export type { PriceChange, SubscriptionAction, SubscriptionInput, SubscriptionState };

/** What an address change came to: the state, and the orders not shipped yet that now go to the new address. */
export interface AddressChange {
  state: SubscriptionState;
  ordersUpdated: string[];
}

/** The workflow type: one durable run (continued as new) per subscription, for as long as it lives. */
export const subscriptionWorkflowType = 'subscription';
/** It runs on the billing domain's task queue. */
export const subscriptionDomain = 'billing';
/** Its id is the business key. */
export const subscriptionWorkflowId = (subscriptionId: string) => `subscription:${subscriptionId}`;

/** The workflow function's signature (workflows/subscription.ts implements it). */
export type SubscriptionWorkflow = (input: SubscriptionInput) => Promise<SubscriptionState>;

/** The live state (status, next charge, cycle, last payment, last error, dunning step). */
export const subscriptionStateQuery = defineQuery<SubscriptionState>('state');
/** Answers once the card is connected or refused, or with "still connecting" after the configured wait. */
export const activateUpdate = defineUpdate<SubscriptionState, []>('activate');
export const pauseUpdate = defineUpdate<SubscriptionState, [SubscriptionAction]>('pause');
export const resumeUpdate = defineUpdate<SubscriptionState, [SubscriptionAction]>('resume');
export const skipNextUpdate = defineUpdate<SubscriptionState, [SubscriptionAction]>('skipNext');
export const changeOptionsUpdate = defineUpdate<
  SubscriptionState,
  [SubscriptionAction<Partial<SubscriptionOptions>>]
>('changeOptions');
export const changeCardUpdate = defineUpdate<
  SubscriptionState,
  [SubscriptionAction<{ authKey: string; customerKey: string }>]
>('changeCard');
export const cancelSubscriptionUpdate = defineUpdate<SubscriptionState, [SubscriptionAction<CancelArgs>]>(
  'cancel',
);
/** Takes back a cancel scheduled for the end of the term (해지 취소): the subscription goes on as before. */
export const undoCancelUpdate = defineUpdate<SubscriptionState, [SubscriptionAction]>('undoCancel');
/** Takes back a skip of the next delivery (건너뛰기 취소): that cycle is charged and shipped after all. */
export const undoSkipUpdate = defineUpdate<SubscriptionState, [SubscriptionAction]>('undoSkip');
/** 이 카드로 결제: one of the customer's saved cards charges this subscription from now on. */
export const useCardUpdate = defineUpdate<SubscriptionState, [SubscriptionAction<{ cardId: string }>]>(
  'useCard',
);
/** The subscriber's answer to a pending price increase (동의 / 거부), until it takes effect. */
export const respondToPriceChangeUpdate = defineUpdate<
  SubscriptionState,
  [SubscriptionAction<{ revisionId: string; decision: 'accept' | 'refuse' }>]
>('respondToPriceChange');
/**
 * The subscription's delivery address from now on: the subscription and every one of its orders not shipped yet take
 * it (shipped ones keep theirs). Answers the state and the orders that took it.
 */
export const changeAddressUpdate = defineUpdate<
  AddressChange,
  [SubscriptionAction<{ shipTo: StructuredShipTo }>]
>('changeAddress');
/** Sent by the product's publication when an approved revision changes prices: the workflow decides what applies. */
export const priceChangeSignal = defineSignal<[PriceChange]>('priceChange');
/**
 * Sent by the reconciler when the row disagrees with the workflow: the owner writes its whole state to the row again
 * (in turn, under its mutex). Idempotent: a second one writes the same values.
 */
export const rewriteRowSignal = defineSignal<[]>('rewriteRow');

/** A handle on one subscription's workflow (whichever run is current). */
export function subscriptionHandle(
  client: Client,
  subscriptionId: string,
): WorkflowHandle<SubscriptionWorkflow> {
  return client.workflow.getHandle<SubscriptionWorkflow>(subscriptionWorkflowId(subscriptionId));
}

/**
 * Starts a subscription's workflow: a new one (connects the card first), or a carried run (`input.carried`). A second
 * start under the id fails, unless `policies` say otherwise (the reconciler's restart joins a running one).
 */
export function startSubscriptionWorkflow(
  client: Client,
  opts: { taskQueuePrefix: string },
  input: SubscriptionInput,
  policies: Pick<WorkflowStartOptions, 'workflowIdConflictPolicy' | 'workflowIdReusePolicy'> = {},
): Promise<WorkflowHandle<SubscriptionWorkflow>> {
  return client.workflow.start<SubscriptionWorkflow>(subscriptionWorkflowType, {
    workflowId: subscriptionWorkflowId(input.subscriptionId),
    taskQueue: taskQueue(opts.taskQueuePrefix, subscriptionDomain),
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
    ...policies,
    typedSearchAttributes: new TypedSearchAttributes([
      { key: CustomerId, value: input.customerId },
      { key: PartnerId, value: input.partnerId },
    ]),
    args: [input],
  });
}

/**
 * Checkout: starts a subscription and waits for its card to connect (or to be refused, or for the configured wait to
 * pass); the answer is the state after that. The id is new per checkout, so a second start under it fails.
 */
export async function startSubscription(
  client: Client,
  opts: { taskQueuePrefix: string },
  input: SubscriptionInput,
): Promise<SubscriptionState> {
  const handle = await startSubscriptionWorkflow(client, opts, input);
  try {
    return await handle.executeUpdate(activateUpdate);
  } catch (err) {
    // A card refused at once can end the run before the Update reaches it: its result is the answer then.
    const closed = await handle.describe().then(
      (d) => d.status.name !== 'RUNNING',
      () => false,
    );
    if (closed) return handle.result();
    throw err;
  }
}
