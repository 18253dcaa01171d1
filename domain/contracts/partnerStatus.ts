// The partnerStatus workflow's contract (docs/architecture.md#back-office): an admin suspends or resumes a partner.
import type { Client } from '@temporalio/client';
import type { PartnerStatusInput, PartnerStatusResult } from '../partnerStatus';
import { taskQueue, type Domain } from '../taskQueues';
import type { StartContext } from './start';

export type { PartnerStatusInput, PartnerStatusResult };

/** The workflow type (what workflows/partnerStatus.ts exports). */
export const partnerStatusWorkflowType = 'partnerStatus';
/** Served by the billing workers (it pauses subscriptions and holds payouts). */
export const partnerStatusDomain: Domain = 'billing';
/** One at a time per partner: `partnerStatus:<partner id>`. */
export const partnerStatusWorkflowId = (partnerId: string) => `partnerStatus:${partnerId}`;
/** The workflow's signature; the implementation is checked against it. */
export type PartnerStatusWorkflow = (input: PartnerStatusInput) => Promise<PartnerStatusResult>;

/** Suspends or resumes a partner and waits for every step (catalog, subscriptions, payouts, the roaster's notice). */
export async function changePartnerStatus(
  client: Client,
  ctx: StartContext,
  input: PartnerStatusInput,
): Promise<PartnerStatusResult> {
  return client.workflow.execute<PartnerStatusWorkflow>(partnerStatusWorkflowType, {
    workflowId: partnerStatusWorkflowId(input.partnerId),
    taskQueue: taskQueue(ctx.taskQueuePrefix, partnerStatusDomain),
    args: [input],
  });
}
