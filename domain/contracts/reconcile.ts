// The reconcile workflow's contract (docs/architecture.md#reconciling-postgresql-and-temporal): one pass comparing
// every workflow-owned row with its workflow, fired by the `reconcile` Schedule (worker/reconcileSchedule.ts) and run
// on demand by `npm run reconcile`.
import type { Client, ScheduleOptionsStartWorkflowAction, WorkflowHandle } from '@temporalio/client';
import type { ReconcileInput, ReconcileResult } from '../reconcile';
import { taskQueue, type Domain } from '../taskQueues';
import type { StartContext } from './start';

export type { ReconcileInput, ReconcileResult };

/** The workflow type (what workflows/reconcile.ts exports). */
export const reconcileWorkflowType = 'reconcile';
/** Served by the billing workers, which own the Schedule (subscriptions are what it mostly guards). */
export const reconcileDomain: Domain = 'billing';
/** The Schedule's id (Temporal UI → Schedules). */
export const RECONCILE_SCHEDULE_ID = 'reconcile';
/** The id the Schedule starts runs under; Temporal appends the scheduled time. */
export const reconcileScheduledWorkflowId = 'reconcile';
/** A pass started by hand (ops, tests): `reconcile-<label>`. */
export const reconcileWorkflowId = (label: string) => `reconcile-${label}`;
/** The workflow's signature; the implementation is checked against it. */
export type ReconcileWorkflow = (input: ReconcileInput) => Promise<ReconcileResult>;

/** The Schedule's action: one pass at each scheduled time, repairing or only reporting as configured. */
export function reconcileScheduleAction(
  ctx: StartContext,
  input: ReconcileInput,
): ScheduleOptionsStartWorkflowAction<ReconcileWorkflow> {
  return {
    type: 'startWorkflow',
    workflowType: reconcileWorkflowType,
    workflowId: reconcileScheduledWorkflowId,
    taskQueue: taskQueue(ctx.taskQueuePrefix, reconcileDomain),
    args: [input],
  };
}

/** Starts one pass by hand (ops, the bench, tests) under `reconcile-<label>`, on the billing workers. */
export function startReconcilePass(
  client: Client,
  ctx: StartContext,
  label: string,
  input: ReconcileInput,
): Promise<WorkflowHandle<ReconcileWorkflow>> {
  return client.workflow.start<ReconcileWorkflow>(reconcileWorkflowType, {
    workflowId: reconcileWorkflowId(label),
    taskQueue: taskQueue(ctx.taskQueuePrefix, reconcileDomain),
    args: [input],
  });
}
