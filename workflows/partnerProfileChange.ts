import {
  allHandlersFinished,
  condition,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  profileChangeStatusQuery,
  type PartnerProfileChangeWorkflow,
} from '../domain/contracts/partnerProfileChange';
import type {
  PartnerProfileChangeInput,
  PartnerProfileChangeResult,
  PartnerProfileChangeState,
} from '../domain/partnerProfile';
import { ReviewState } from '../domain/searchAttributes';
import { dbActivityOptions } from './options';
import { ReviewDesk } from './reviewDesk';

const acts = proxyActivities<Activities>(dbActivityOptions);

/**
 * A roaster's profile or settlement-account change (docs/architecture.md#partner-approval): record the request →
 * inbox task → the admin's decision (Update), flagged overdue after the SLA → applied to the partner in one
 * transaction, or rejected with the reason the roaster sees. The live values stay until it is approved.
 */
export async function partnerProfileChange(
  input: PartnerProfileChangeInput,
): Promise<PartnerProfileChangeResult> {
  const { changeId } = input;
  const state: PartnerProfileChangeState = { changeId, status: 'pending', taskId: null, overdue: false };
  const desk = new ReviewDesk();
  setHandler(profileChangeStatusQuery, () => state);

  const { title, summary } = await acts.recordProfileChange({
    changeId,
    partnerId: input.partnerId,
    requestedBy: input.requestedBy.userId,
    workflowId: workflowInfo().workflowId,
    change: input.change,
  });
  const taskId = await desk.open({
    kind: 'partner_profile_change',
    subjectId: changeId,
    workflowId: workflowInfo().workflowId,
    workflowRunId: workflowInfo().firstExecutionRunId,
    title,
    summary,
    slaMs: input.reviewSlaMs,
    expiryMs: null,
  });
  state.taskId = taskId;
  upsertSearchAttributes([{ key: ReviewState, value: 'pending' }]);

  if (!(await desk.waitForDecision(input.reviewSlaMs))) {
    await acts.markTaskOverdue({ taskId });
    state.overdue = true;
    upsertSearchAttributes([{ key: ReviewState, value: 'overdue' }]);
    await desk.waitForDecision();
  }

  const decision = desk.decision!;
  const result: PartnerProfileChangeResult =
    decision.decision === 'approve'
      ? { changeId, status: 'approved' }
      : { changeId, status: 'rejected', decisionReason: decision.reason };
  await acts.decideProfileChange({
    changeId,
    status: result.status,
    decisionReason: decision.reason,
    decidedBy: decision.actor.userId,
    taskId,
  });
  state.status = result.status;
  upsertSearchAttributes([{ key: ReviewState, value: result.status }]);
  desk.settle({ status: result.status, subjectId: changeId });
  await condition(allHandlersFinished);
  return result;
}
partnerProfileChange satisfies PartnerProfileChangeWorkflow;
