// The customerCards workflow's contract (결제 수단): a customer's writes to their saved cards — 새 카드 등록 and 삭제 —
// each a short workflow, one at a time per customer. Choosing a card for a subscription is that subscription's own
// Update (useCardUpdate in ./subscription).
import type { Client, WorkflowHandle, WorkflowStartOptions } from '@temporalio/client';
import type { CustomerCardsInput, CustomerCardsResult } from '../cards';
import { taskQueue, type Domain } from '../taskQueues';
import type { StartContext, StartOptions } from './start';

export type { CustomerCardsInput, CustomerCardsResult };

/** The workflow type (what workflows/customerCards.ts exports). */
export const customerCardsWorkflowType = 'customerCards';
/** Served by the billing workers (they hold the provider client). */
export const customerCardsDomain: Domain = 'billing';
/** One at a time per customer: `customerCards:<user id>`. */
export const customerCardsWorkflowId = (userId: string) => `customerCards:${userId}`;
/** The workflow's signature; the implementation is checked against it. */
export type CustomerCardsWorkflow = (input: CustomerCardsInput) => Promise<CustomerCardsResult>;

/** The options that start one action. */
export function customerCardsStartOptions(
  ctx: StartContext,
  input: CustomerCardsInput,
  opts: StartOptions<CustomerCardsWorkflow> = {},
): WorkflowStartOptions<CustomerCardsWorkflow> {
  return {
    ...opts,
    workflowId: customerCardsWorkflowId(input.userId),
    taskQueue: taskQueue(ctx.taskQueuePrefix, customerCardsDomain),
    args: [input],
  };
}

/** Starts one action; its `result()` is the card, or why not. */
export function startCustomerCards(
  client: Client,
  ctx: StartContext,
  input: CustomerCardsInput,
  opts?: StartOptions<CustomerCardsWorkflow>,
) {
  return client.workflow.start<CustomerCardsWorkflow>(
    customerCardsWorkflowType,
    customerCardsStartOptions(ctx, input, opts),
  );
}

/** The customer's latest action (the one running, if any). */
export function customerCardsHandle(client: Client, userId: string): WorkflowHandle<CustomerCardsWorkflow> {
  return client.workflow.getHandle<CustomerCardsWorkflow>(customerCardsWorkflowId(userId));
}
