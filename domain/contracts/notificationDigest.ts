// The notificationDigest workflow's contract (docs/architecture.md#messages): one digest per recipient from the
// notifications of kinds marked `digest`, fired daily by the `notificationDigest` Schedule
// (worker/notifier.ts); tests start runs by hand.
import type { Client, ScheduleOptionsStartWorkflowAction, WorkflowStartOptions } from '@temporalio/client';
import type { NotificationDigestInput, NotificationDigestResult } from '../notifications';
import { taskQueue, type Domain } from '../taskQueues';
import type { StartContext, StartOptions } from './start';

export type { NotificationDigestInput, NotificationDigestResult };

/** The workflow type (what workflows/notificationDigest.ts exports). */
export const notificationDigestWorkflowType = 'notificationDigest';
/** Served by the notifications workers. */
export const notificationDigestDomain: Domain = 'notifications';
/** The id the Schedule starts runs under; Temporal appends the scheduled time. */
export const notificationDigestScheduledWorkflowId = 'notificationDigest';
/** A run started by hand: `notificationDigest-<label>`. */
export const notificationDigestWorkflowId = (label: string) => `notificationDigest-${label}`;
/** The workflow's signature; the implementation is checked against it. */
export type NotificationDigestWorkflow = (
  input: NotificationDigestInput,
) => Promise<NotificationDigestResult>;

/** The Schedule's action: a digest run at each scheduled time. */
export function notificationDigestScheduleAction(
  ctx: StartContext,
  input: NotificationDigestInput,
): ScheduleOptionsStartWorkflowAction<NotificationDigestWorkflow> {
  return {
    type: 'startWorkflow',
    workflowType: notificationDigestWorkflowType,
    workflowId: notificationDigestScheduledWorkflowId,
    taskQueue: taskQueue(ctx.taskQueuePrefix, notificationDigestDomain),
    args: [input],
  };
}

/** The options that start a run by hand. */
export function notificationDigestStartOptions(
  ctx: StartContext,
  label: string,
  input: NotificationDigestInput,
  opts: StartOptions<NotificationDigestWorkflow> = {},
): WorkflowStartOptions<NotificationDigestWorkflow> {
  return {
    ...opts,
    workflowId: notificationDigestWorkflowId(label),
    taskQueue: taskQueue(ctx.taskQueuePrefix, notificationDigestDomain),
    args: [input],
  };
}

/** Runs a digest by hand (tests, an operator), under `notificationDigest-<label>`. */
export function executeNotificationDigest(
  client: Client,
  ctx: StartContext,
  label: string,
  input: NotificationDigestInput,
  opts?: StartOptions<NotificationDigestWorkflow>,
) {
  return client.workflow.execute<NotificationDigestWorkflow>(
    notificationDigestWorkflowType,
    notificationDigestStartOptions(ctx, label, input, opts),
  );
}
