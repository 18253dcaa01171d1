import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { SetCommissionInput } from '../domain/settlement';
import { dbActivityOptions } from './options';

const acts = proxyActivities<Activities>(dbActivityOptions);

/** An admin sets a partner's own commission rate (or clears it). Workflow id: `partnerCommission:<partnerId>`. */
export async function setPartnerCommission(input: SetCommissionInput): Promise<{ rateBps: number | null }> {
  return acts.setCommissionRate({ ...input, requestId: workflowInfo().runId });
}
