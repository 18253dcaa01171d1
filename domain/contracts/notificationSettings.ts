// The notificationSettings workflow's contract (docs/architecture.md#messages): a user's writes to their own
// notification centre — read marks and channel choices — each a short workflow, one at a time per user.
import type { Client, WorkflowHandle, WorkflowStartOptions } from '@temporalio/client';
import type { NotificationSettingsInput, NotificationSettingsResult } from '../notificationCentre';
import { taskQueue, type Domain } from '../taskQueues';
import type { StartContext, StartOptions } from './start';

export type { NotificationSettingsInput, NotificationSettingsResult };

/** The workflow type (what workflows/notificationSettings.ts exports). */
export const notificationSettingsWorkflowType = 'notificationSettings';
/** Served by the accounts workers (a user's own settings). */
export const notificationSettingsDomain: Domain = 'accounts';
/** One at a time per user: `notificationSettings:<user id>`. */
export const notificationSettingsWorkflowId = (userId: string) => `notificationSettings:${userId}`;
/** The workflow's signature; the implementation is checked against it. */
export type NotificationSettingsWorkflow = (
  input: NotificationSettingsInput,
) => Promise<NotificationSettingsResult>;

/** The options that start one action. */
export function notificationSettingsStartOptions(
  ctx: StartContext,
  input: NotificationSettingsInput,
  opts: StartOptions<NotificationSettingsWorkflow> = {},
): WorkflowStartOptions<NotificationSettingsWorkflow> {
  return {
    ...opts,
    workflowId: notificationSettingsWorkflowId(input.userId),
    taskQueue: taskQueue(ctx.taskQueuePrefix, notificationSettingsDomain),
    args: [input],
  };
}

/** Starts one action; its `result()` says how much it changed. */
export function startNotificationSettings(
  client: Client,
  ctx: StartContext,
  input: NotificationSettingsInput,
  opts?: StartOptions<NotificationSettingsWorkflow>,
) {
  return client.workflow.start<NotificationSettingsWorkflow>(
    notificationSettingsWorkflowType,
    notificationSettingsStartOptions(ctx, input, opts),
  );
}

/** The user's latest action (the one running, if any). */
export function notificationSettingsHandle(
  client: Client,
  userId: string,
): WorkflowHandle<NotificationSettingsWorkflow> {
  return client.workflow.getHandle<NotificationSettingsWorkflow>(notificationSettingsWorkflowId(userId));
}
