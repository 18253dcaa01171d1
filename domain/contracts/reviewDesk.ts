// The admin inbox's protocol (docs/architecture.md#messages): every workflow that owns an inbox task (a partner
// application, a product revision, an overdue order) answers the same claim / release / decide Updates through
// workflows/reviewDesk.ts, so the inbox stays generic. Not a workflow of its own: no type, id or task queue.
import type { Client, WorkflowHandle } from '@temporalio/client';
import { defineUpdate } from '@temporalio/workflow';
import type { ClaimInput, ClaimResult } from '../inbox';
import type { ReviewDecision } from '../partner';

export type { ClaimInput, ClaimResult, ReviewDecision };

/** What the admin who decided is told. */
export interface DecisionOutcome {
  status: string;
  subjectId: string;
}

/** Claim / release / decide: every Update names the task it is about. */
export const claimTaskUpdate = defineUpdate<ClaimResult, [ClaimInput]>('claimTask');
export const releaseTaskUpdate = defineUpdate<ClaimResult, [ClaimInput]>('releaseTask');
export const decideUpdate = defineUpdate<DecisionOutcome, [ReviewDecision]>('decide');

/** An inbox row's pointer to its workflow (the `tasks` table's columns). */
export interface TaskOwner {
  workflowId: string;
  workflowRunId: string;
}

/**
 * The workflow that owns an inbox task, whichever kind it is: the id the task recorded, held to the run chain that
 * opened it (an Update never reaches a later application under the same id).
 */
export function reviewDeskHandle(client: Client, task: TaskOwner): WorkflowHandle {
  return client.workflow.getHandle(task.workflowId, undefined, { firstExecutionRunId: task.workflowRunId });
}
