import {
  allHandlersFinished,
  condition,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  applicationStatusQuery,
  type PartnerApplicationWorkflow,
} from '../domain/contracts/partnerApplication';
import type {
  PartnerApplicationInput,
  PartnerApplicationResult,
  PartnerApplicationState,
} from '../domain/partner';
import { ReviewState } from '../domain/searchAttributes';
import { dbActivityOptions } from './options';
import { ReviewDesk } from './reviewDesk';

const acts = proxyActivities<Activities>(dbActivityOptions);

/**
 * Partner approval (docs/architecture.md#partner-approval): record → validate (auto-reject with reasons) → inbox
 * task → admin decision (Update) with an overdue flag after the SLA and expiry after `expiryMs` → partner created or
 * application closed. One open application per applicant.
 */
export async function partnerApplication(input: PartnerApplicationInput): Promise<PartnerApplicationResult> {
  const { applicationId } = input;
  const state: PartnerApplicationState = {
    applicationId,
    status: 'validating',
    taskId: null,
    claimedBy: null,
    overdue: false,
  };
  const desk = new ReviewDesk();
  setHandler(applicationStatusQuery, () => ({ ...state, claimedBy: desk.claimedBy }));
  const setStatus = (status: PartnerApplicationState['status'] | 'overdue') => {
    if (status !== 'overdue') state.status = status;
    upsertSearchAttributes([{ key: ReviewState, value: status }]);
  };

  await acts.recordApplication({
    applicationId,
    applicantId: input.applicantId,
    workflowId: workflowInfo().workflowId,
    form: input.form,
  });
  const validation = await acts.validateApplication({ applicationId });
  if (!validation.ok) {
    await acts.closeApplication({ applicationId, status: 'auto_rejected', reasons: validation.reasons });
    setStatus('auto_rejected');
    return { applicationId, status: 'auto_rejected', reasons: validation.reasons };
  }

  const taskId = await desk.open({
    kind: 'partner_application',
    subjectId: applicationId,
    workflowId: workflowInfo().workflowId,
    workflowRunId: workflowInfo().firstExecutionRunId,
    title: input.form.companyName,
    summary: { businessNumber: input.form.businessNumber, representative: input.form.representative },
    slaMs: input.reviewSlaMs,
    expiryMs: input.expiryMs,
  });
  state.taskId = taskId;
  setStatus('pending');

  let decided = await desk.waitForDecision(input.reviewSlaMs);
  if (!decided) {
    await acts.markTaskOverdue({ taskId });
    state.overdue = true;
    setStatus('overdue');
    decided = await desk.waitForDecision(input.expiryMs - input.reviewSlaMs);
  }
  if (!decided) {
    desk.close();
    // A decision may have slipped in while the expiry timer fired; honour it rather than expire.
    if (desk.decision === undefined) {
      await acts.closeApplication({ applicationId, status: 'expired', taskId });
      setStatus('expired');
      return { applicationId, status: 'expired' };
    }
  }

  const decision = desk.decision!;
  let result: PartnerApplicationResult;
  if (decision.decision === 'approve') {
    const { partnerId } = await acts.approveApplication({
      applicationId,
      partnerId: uuid4(),
      decidedBy: decision.actor.userId,
      decisionReason: decision.reason,
      taskId,
    });
    setStatus('approved');
    result = { applicationId, status: 'approved', partnerId };
  } else {
    await acts.closeApplication({
      applicationId,
      status: 'rejected',
      decisionReason: decision.reason,
      decidedBy: decision.actor.userId,
      taskId,
    });
    setStatus('rejected');
    result = { applicationId, status: 'rejected', decisionReason: decision.reason };
  }
  desk.settle({ status: result.status, subjectId: applicationId });
  await condition(allHandlersFinished);
  return result;
}
partnerApplication satisfies PartnerApplicationWorkflow;
