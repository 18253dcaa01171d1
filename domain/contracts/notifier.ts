// The notifier workflow's contract (docs/architecture.md#messages): one per deployment, it delivers the outbox on
// the `notifications` task queue, round after round, for as long as the deployment lives. Every notifications
// worker ensures it at start-up (worker/notifier.ts) with its configuration.
import type { Client, WorkflowHandle } from '@temporalio/client';
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { DeliverRoundResult, NotifierInput } from '../notifications';
import { taskQueue, type Domain } from '../taskQueues';
import type { StartContext } from './start';

export type { NotifierInput };

/** The workflow type (what workflows/notifier.ts exports). */
export const notifierWorkflowType = 'notifier';
/** Served by the notifications workers. */
export const notifierDomain: Domain = 'notifications';
/** One per deployment, named by its task-queue prefix: `notifier:dalgona`. */
export const notifierWorkflowId = (deployment: string) => `notifier:${deployment}`;
/** The workflow's signature; the implementation is checked against it (it never returns: continue-as-new). */
export type NotifierWorkflow = (input: NotifierInput) => Promise<void>;

/** New settings (a worker started with another configuration); the next round uses them. */
export const notifierSettingsSignal = defineSignal<[NotifierInput]>('notifierSettings');
/** What this run has delivered so far. */
export const notifierStatsQuery = defineQuery<DeliverRoundResult & { rounds: number }>('notifierStats');

/**
 * Starts the deployment's notifier, or hands the running one the given settings (signal-with-start): safe from
 * every notifications worker at once.
 */
export function ensureNotifierWorkflow(client: Client, ctx: StartContext, input: NotifierInput) {
  return client.workflow.signalWithStart<NotifierWorkflow, [NotifierInput]>(notifierWorkflowType, {
    workflowId: notifierWorkflowId(ctx.taskQueuePrefix),
    taskQueue: taskQueue(ctx.taskQueuePrefix, notifierDomain),
    args: [input],
    signal: notifierSettingsSignal,
    signalArgs: [input],
  });
}

/** The deployment's notifier. */
export function notifierHandle(client: Client, ctx: StartContext): WorkflowHandle<NotifierWorkflow> {
  return client.workflow.getHandle<NotifierWorkflow>(notifierWorkflowId(ctx.taskQueuePrefix));
}
