// The settlementRun workflow's contract (docs/architecture.md#settlement): one period's statements, one per partner
// with something to settle, each handed to its settlementStatement workflow. Fired by the `settlement` Schedule
// (worker/settlementSchedule.ts); the seed and the tests start runs by hand.
import type {
  Client,
  ScheduleOptionsStartWorkflowAction,
  WorkflowHandle,
  WorkflowStartOptions,
} from '@temporalio/client';
import type { SettlementRunInput, SettlementRunResult } from '../settlement';
import { taskQueue, type Domain } from '../taskQueues';
import type { StartContext, StartOptions } from './start';

export type { SettlementRunInput, SettlementRunResult };

/** The workflow type (what workflows/settlementRun.ts exports). */
export const settlementRunWorkflowType = 'settlementRun';
/** Served by the billing workers. */
export const settlementRunDomain: Domain = 'billing';
/** The id the Schedule starts runs under; Temporal appends the scheduled time (`settlementRun-2026-12-07T…`). */
export const settlementRunScheduledWorkflowId = 'settlementRun';
/** The id of the Schedule's run for a scheduled time (whole seconds): `settlementRun-2026-12-07T00:00:00Z`. */
export const scheduledSettlementRunWorkflowId = (scheduledAt: Date) =>
  `${settlementRunScheduledWorkflowId}-${scheduledAt.toISOString().replace(/\.\d{3}Z$/, 'Z')}`;
/** A run started by hand, beside the Schedule's: `settlementRun-<label>` (the seed's `demo-<period end>`, tests'). */
export const settlementRunWorkflowId = (label: string) => `settlementRun-${label}`;
/** The workflow's signature; the implementation is checked against it. */
export type SettlementRunWorkflow = (input: SettlementRunInput) => Promise<SettlementRunResult>;

/** The Schedule's action: a run for the period ending at each scheduled time. */
export function settlementRunScheduleAction(
  ctx: StartContext,
  input: SettlementRunInput,
): ScheduleOptionsStartWorkflowAction<SettlementRunWorkflow> {
  return {
    type: 'startWorkflow',
    workflowType: settlementRunWorkflowType,
    workflowId: settlementRunScheduledWorkflowId,
    taskQueue: taskQueue(ctx.taskQueuePrefix, settlementRunDomain),
    args: [input],
  };
}

/** The options that start a run by hand (for `start`, or an Update-with-Start). */
export function settlementRunStartOptions(
  ctx: StartContext,
  label: string,
  input: SettlementRunInput,
  opts: StartOptions<SettlementRunWorkflow> = {},
): WorkflowStartOptions<SettlementRunWorkflow> {
  return {
    ...opts,
    workflowId: settlementRunWorkflowId(label),
    taskQueue: taskQueue(ctx.taskQueuePrefix, settlementRunDomain),
    args: [input],
  };
}

/** Starts a run by hand, under `settlementRun-<label>` (a run's key is its label, not in its input). */
export function startSettlementRun(
  client: Client,
  ctx: StartContext,
  label: string,
  input: SettlementRunInput,
  opts?: StartOptions<SettlementRunWorkflow>,
) {
  return client.workflow.start<SettlementRunWorkflow>(
    settlementRunWorkflowType,
    settlementRunStartOptions(ctx, label, input, opts),
  );
}

/** A run started by hand. */
export function settlementRunHandle(client: Client, label: string): WorkflowHandle<SettlementRunWorkflow> {
  return client.workflow.getHandle<SettlementRunWorkflow>(settlementRunWorkflowId(label));
}
