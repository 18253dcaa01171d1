import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { SetPartnerCommissionWorkflow } from '../domain/contracts/setPartnerCommission';
import type { SetCommissionInput, SetCommissionResult } from '../domain/settlement';
import { dbActivityOptions } from './options';

const acts = proxyActivities<Activities>(dbActivityOptions);

/** An admin sets a partner's own commission rate, or clears it (docs/architecture.md#settlement). */
export async function setPartnerCommission(input: SetCommissionInput): Promise<SetCommissionResult> {
  return acts.setCommissionRate({ ...input, requestId: workflowInfo().runId });
}
setPartnerCommission satisfies SetPartnerCommissionWorkflow;
