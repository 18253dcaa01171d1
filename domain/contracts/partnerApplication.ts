// The partnerApplication workflow's contract (docs/architecture.md#partner-approval): an applicant's application,
// validated, reviewed in the admin inbox (the reviewDesk protocol) and approved, rejected or expired.
import type { Client, WorkflowHandle, WorkflowStartOptions } from '@temporalio/client';
import { defineQuery } from '@temporalio/workflow';
import type { PartnerApplicationInput, PartnerApplicationResult, PartnerApplicationState } from '../partner';
import { taskQueue, type Domain } from '../taskQueues';
import type { StartContext, StartOptions } from './start';

export type { PartnerApplicationInput, PartnerApplicationResult, PartnerApplicationState };

/** The workflow type (what workflows/partnerApplication.ts exports). */
export const partnerApplicationWorkflowType = 'partnerApplication';
/** Served by the accounts workers. */
export const partnerApplicationDomain: Domain = 'accounts';
/** One open application per applicant: `partnerApplication:<applicant id>`. */
export const partnerApplicationWorkflowId = (applicantId: string) => `partnerApplication:${applicantId}`;
/** The workflow's signature; the implementation is checked against it. */
export type PartnerApplicationWorkflow = (
  input: PartnerApplicationInput,
) => Promise<PartnerApplicationResult>;

/** The live state of the application. */
export const applicationStatusQuery = defineQuery<PartnerApplicationState>('status');

/** The options that start an application (for `start`, or an Update-with-Start). */
export function partnerApplicationStartOptions(
  ctx: StartContext,
  input: PartnerApplicationInput,
  opts: StartOptions<PartnerApplicationWorkflow> = {},
): WorkflowStartOptions<PartnerApplicationWorkflow> {
  return {
    ...opts,
    workflowId: partnerApplicationWorkflowId(input.applicantId),
    taskQueue: taskQueue(ctx.taskQueuePrefix, partnerApplicationDomain),
    args: [input],
  };
}

/** Starts an application's review. */
export function startPartnerApplication(
  client: Client,
  ctx: StartContext,
  input: PartnerApplicationInput,
  opts?: StartOptions<PartnerApplicationWorkflow>,
) {
  return client.workflow.start<PartnerApplicationWorkflow>(
    partnerApplicationWorkflowType,
    partnerApplicationStartOptions(ctx, input, opts),
  );
}

/** The applicant's latest application. */
export function partnerApplicationHandle(
  client: Client,
  applicantId: string,
): WorkflowHandle<PartnerApplicationWorkflow> {
  return client.workflow.getHandle<PartnerApplicationWorkflow>(partnerApplicationWorkflowId(applicantId));
}
