import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { PartnerStatusWorkflow } from '../domain/contracts/partnerStatus';
import type { PartnerStatusInput, PartnerStatusResult } from '../domain/partnerStatus';
import { dbActivityOptions } from './options';

const acts = proxyActivities<Activities>(dbActivityOptions);
// Messaging every live subscription can take a while: heartbeats show it is alive.
const fanOut = proxyActivities<Activities>({
  startToCloseTimeout: '10m',
  heartbeatTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});

/**
 * An admin suspends or resumes a partner (docs/architecture.md#back-office): the status, the catalog entries, the
 * audit line and the roaster's notice in one transaction; then the partner's live subscriptions are paused (each
 * through its own workflow's pause Update, so each customer is told) or those the suspension paused resume.
 * Payouts of a suspended partner are refused by the payout itself until it is resumed.
 */
export async function partnerStatus(input: PartnerStatusInput): Promise<PartnerStatusResult> {
  const requestId = workflowInfo().runId;
  const { changed, status } = await acts.setPartnerStatus({ ...input, requestId });
  if (!changed) return { partnerId: input.partnerId, status, changed, subscriptions: 0 };
  const { count } =
    input.action === 'suspend'
      ? await fanOut.pausePartnerSubscriptions({
          partnerId: input.partnerId,
          actorId: input.actorId,
          requestId,
        })
      : await fanOut.resumePartnerSubscriptions({
          partnerId: input.partnerId,
          actorId: input.actorId,
          requestId,
        });
  return { partnerId: input.partnerId, status, changed, subscriptions: count };
}
partnerStatus satisfies PartnerStatusWorkflow;
