// The setPartnerCommission workflow's contract (docs/architecture.md#settlement): an admin sets a partner's own
// commission rate (or clears it) for the statements to come.
import type { Client, WorkflowHandle, WorkflowStartOptions } from '@temporalio/client';
import type { SetCommissionInput, SetCommissionResult } from '../settlement';
import { taskQueue, type Domain } from '../taskQueues';
import type { StartContext, StartOptions } from './start';

export type { SetCommissionInput, SetCommissionResult };

/** The workflow type (what workflows/setPartnerCommission.ts exports). */
export const setPartnerCommissionWorkflowType = 'setPartnerCommission';
/** Served by the billing workers. */
export const setPartnerCommissionDomain: Domain = 'billing';
/** One at a time per partner: `partnerCommission:<partner id>`. */
export const setPartnerCommissionWorkflowId = (partnerId: string) => `partnerCommission:${partnerId}`;
/** The workflow's signature; the implementation is checked against it. */
export type SetPartnerCommissionWorkflow = (input: SetCommissionInput) => Promise<SetCommissionResult>;

/** The options that start a rate change (for `start`, or an Update-with-Start). */
export function setPartnerCommissionStartOptions(
  ctx: StartContext,
  input: SetCommissionInput,
  opts: StartOptions<SetPartnerCommissionWorkflow> = {},
): WorkflowStartOptions<SetPartnerCommissionWorkflow> {
  return {
    ...opts,
    workflowId: setPartnerCommissionWorkflowId(input.partnerId),
    taskQueue: taskQueue(ctx.taskQueuePrefix, setPartnerCommissionDomain),
    args: [input],
  };
}

/** Starts a rate change; its `result()` is the rate now in force. */
export function startSetPartnerCommission(
  client: Client,
  ctx: StartContext,
  input: SetCommissionInput,
  opts?: StartOptions<SetPartnerCommissionWorkflow>,
) {
  return client.workflow.start<SetPartnerCommissionWorkflow>(
    setPartnerCommissionWorkflowType,
    setPartnerCommissionStartOptions(ctx, input, opts),
  );
}

/** The partner's latest rate change. */
export function setPartnerCommissionHandle(
  client: Client,
  partnerId: string,
): WorkflowHandle<SetPartnerCommissionWorkflow> {
  return client.workflow.getHandle<SetPartnerCommissionWorkflow>(setPartnerCommissionWorkflowId(partnerId));
}
