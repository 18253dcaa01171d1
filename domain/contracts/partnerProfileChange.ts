// The partnerProfileChange workflow's contract (docs/architecture.md#partner-approval): a roaster's change to its
// profile or settlement account, reviewed in the admin inbox (the reviewDesk protocol), applied or rejected.
import type { Client, WorkflowHandle, WorkflowStartOptions } from '@temporalio/client';
import { defineQuery } from '@temporalio/workflow';
import type {
  PartnerProfileChangeInput,
  PartnerProfileChangeResult,
  PartnerProfileChangeState,
} from '../partnerProfile';
import { taskQueue, type Domain } from '../taskQueues';
import type { StartContext, StartOptions } from './start';

export type { PartnerProfileChangeInput, PartnerProfileChangeResult, PartnerProfileChangeState };

/** The workflow type (what workflows/partnerProfileChange.ts exports). */
export const partnerProfileChangeWorkflowType = 'partnerProfileChange';
/** Served by the accounts workers. */
export const partnerProfileChangeDomain: Domain = 'accounts';
/** One open change per roaster: `partnerProfileChange:<partner id>`. */
export const partnerProfileChangeWorkflowId = (partnerId: string) => `partnerProfileChange:${partnerId}`;
/** The workflow's signature; the implementation is checked against it. */
export type PartnerProfileChangeWorkflow = (
  input: PartnerProfileChangeInput,
) => Promise<PartnerProfileChangeResult>;

/** The live state of the change request. */
export const profileChangeStatusQuery = defineQuery<PartnerProfileChangeState>('profileChangeStatus');

/** The options that start a change request. */
export function partnerProfileChangeStartOptions(
  ctx: StartContext,
  input: PartnerProfileChangeInput,
  opts: StartOptions<PartnerProfileChangeWorkflow> = {},
): WorkflowStartOptions<PartnerProfileChangeWorkflow> {
  return {
    ...opts,
    workflowId: partnerProfileChangeWorkflowId(input.partnerId),
    taskQueue: taskQueue(ctx.taskQueuePrefix, partnerProfileChangeDomain),
    args: [input],
  };
}

/** Starts a change request's review. */
export function startPartnerProfileChange(
  client: Client,
  ctx: StartContext,
  input: PartnerProfileChangeInput,
  opts?: StartOptions<PartnerProfileChangeWorkflow>,
) {
  return client.workflow.start<PartnerProfileChangeWorkflow>(
    partnerProfileChangeWorkflowType,
    partnerProfileChangeStartOptions(ctx, input, opts),
  );
}

/** The roaster's latest change request. */
export function partnerProfileChangeHandle(
  client: Client,
  partnerId: string,
): WorkflowHandle<PartnerProfileChangeWorkflow> {
  return client.workflow.getHandle<PartnerProfileChangeWorkflow>(partnerProfileChangeWorkflowId(partnerId));
}
