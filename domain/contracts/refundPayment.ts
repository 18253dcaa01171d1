// The refundPayment workflow's contract (docs/architecture.md#refunds): a full or partial refund of a payment,
// carried out once.
import type { Client, WorkflowHandle, WorkflowStartOptions } from '@temporalio/client';
import type { RefundInput, RefundResult } from '../payments';
import { taskQueue, type Domain } from '../taskQueues';
import type { StartContext, StartOptions } from './start';

export type { RefundInput, RefundResult };

/** The workflow type (what workflows/refundPayment.ts exports). */
export const refundPaymentWorkflowType = 'refundPayment';
/** Served by the billing workers (it talks to the payment provider). */
export const refundPaymentDomain: Domain = 'billing';
/** One per refund: `refund:<refund id>`. */
export const refundPaymentWorkflowId = (refundId: string) => `refund:${refundId}`;
/** The workflow's signature; the implementation is checked against it. */
export type RefundPaymentWorkflow = (input: RefundInput) => Promise<RefundResult>;

/** The options that start a refund (for `start`, or an Update-with-Start). */
export function refundPaymentStartOptions(
  ctx: StartContext,
  input: RefundInput,
  opts: StartOptions<RefundPaymentWorkflow> = {},
): WorkflowStartOptions<RefundPaymentWorkflow> {
  return {
    ...opts,
    workflowId: refundPaymentWorkflowId(input.refundId),
    taskQueue: taskQueue(ctx.taskQueuePrefix, refundPaymentDomain),
    args: [input],
  };
}

/** Starts a refund; its `result()` is the refund's outcome (a refusal is data, not an exception). */
export function startRefundPayment(
  client: Client,
  ctx: StartContext,
  input: RefundInput,
  opts?: StartOptions<RefundPaymentWorkflow>,
) {
  return client.workflow.start<RefundPaymentWorkflow>(
    refundPaymentWorkflowType,
    refundPaymentStartOptions(ctx, input, opts),
  );
}

/** A refund's workflow. */
export function refundPaymentHandle(client: Client, refundId: string): WorkflowHandle<RefundPaymentWorkflow> {
  return client.workflow.getHandle<RefundPaymentWorkflow>(refundPaymentWorkflowId(refundId));
}
