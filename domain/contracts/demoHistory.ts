// The demoHistory workflow's contract (docs/architecture.md#read-models): a demo partner's past weeks of sales
// imported at once (`npm start` only; a worker with a live Toss key refuses it).
import type { Client, WorkflowHandle, WorkflowStartOptions } from '@temporalio/client';
import type { DemoHistoryInput, DemoHistoryResult } from '../demoHistory';
import { taskQueue, type Domain } from '../taskQueues';
import type { StartContext, StartOptions } from './start';

export type { DemoHistoryInput, DemoHistoryResult };

/** The workflow type (what workflows/demoHistory.ts exports). */
export const demoHistoryWorkflowType = 'demoHistory';
/** Served by the billing workers. */
export const demoHistoryDomain: Domain = 'billing';
/** One per partner: `demoHistory:<partner id>`; the imported subscriptions name it as theirs. */
export const demoHistoryWorkflowId = (partnerId: string) => `demoHistory:${partnerId}`;
/** The workflow's signature; the implementation is checked against it. */
export type DemoHistoryWorkflow = (input: DemoHistoryInput) => Promise<DemoHistoryResult>;

/** The options that start a partner's import (for `start`, or an Update-with-Start). */
export function demoHistoryStartOptions(
  ctx: StartContext,
  input: DemoHistoryInput,
  opts: StartOptions<DemoHistoryWorkflow> = {},
): WorkflowStartOptions<DemoHistoryWorkflow> {
  return {
    ...opts,
    workflowId: demoHistoryWorkflowId(input.partnerId),
    taskQueue: taskQueue(ctx.taskQueuePrefix, demoHistoryDomain),
    args: [input],
  };
}

/** Starts a partner's import; its `result()` says what was written. */
export function startDemoHistory(
  client: Client,
  ctx: StartContext,
  input: DemoHistoryInput,
  opts?: StartOptions<DemoHistoryWorkflow>,
) {
  return client.workflow.start<DemoHistoryWorkflow>(
    demoHistoryWorkflowType,
    demoHistoryStartOptions(ctx, input, opts),
  );
}

/** A partner's import. */
export function demoHistoryHandle(client: Client, partnerId: string): WorkflowHandle<DemoHistoryWorkflow> {
  return client.workflow.getHandle<DemoHistoryWorkflow>(demoHistoryWorkflowId(partnerId));
}
