// The settlementStatement workflow's contract (docs/architecture.md#settlement): a statement waiting for its payout
// until an admin marks it paid. Started by the settlement run (a child), or by the API's Update-with-Start.
import type { Client, WorkflowHandle, WorkflowStartOptions } from '@temporalio/client';
import { defineQuery, defineUpdate, startChild, type ChildWorkflowOptions } from '@temporalio/workflow';
import type { PayoutCommand, SettlementStatementInput, StatementPayoutState } from '../settlement';
import { taskQueue, type Domain } from '../taskQueues';
import type { StartContext, StartOptions } from './start';

export type { PayoutCommand, SettlementStatementInput, StatementPayoutState };

/** The workflow type (what workflows/settlementStatement.ts exports). */
export const settlementStatementWorkflowType = 'settlementStatement';
/** Served by the billing workers (its parent, the settlement run, is on the same queue). */
export const settlementStatementDomain: Domain = 'billing';
/** One per statement: `settlementStatement:<statement id>` (also stored on the statement's row). */
export const settlementStatementWorkflowId = (statementId: string) => `settlementStatement:${statementId}`;
/** The workflow's signature; the implementation is checked against it. */
export type SettlementStatementWorkflow = (input: SettlementStatementInput) => Promise<StatementPayoutState>;

/** An admin marks the statement paid (validated: an admin, an open statement, the transfer's reference). */
export const markPayoutUpdate = defineUpdate<StatementPayoutState, [PayoutCommand]>('markPayout');
/** The live payout state. */
export const statementPayoutQuery = defineQuery<StatementPayoutState>('payout');

/** The options that start a statement's payout workflow (for `start`, or an Update-with-Start). */
export function settlementStatementStartOptions(
  ctx: StartContext,
  input: SettlementStatementInput,
  opts: StartOptions<SettlementStatementWorkflow> = {},
): WorkflowStartOptions<SettlementStatementWorkflow> {
  return {
    ...opts,
    workflowId: settlementStatementWorkflowId(input.statementId),
    taskQueue: taskQueue(ctx.taskQueuePrefix, settlementStatementDomain),
    args: [input],
  };
}

/** Starts a statement's payout workflow from a client. */
export function startSettlementStatement(
  client: Client,
  ctx: StartContext,
  input: SettlementStatementInput,
  opts?: StartOptions<SettlementStatementWorkflow>,
) {
  return client.workflow.start<SettlementStatementWorkflow>(
    settlementStatementWorkflowType,
    settlementStatementStartOptions(ctx, input, opts),
  );
}

/**
 * Starts a statement's payout workflow as a child, from workflow code only (the settlement run). The child runs on
 * its parent's task queue: the run and the statement are both billing workflows.
 */
export function startSettlementStatementChild(
  input: SettlementStatementInput,
  opts: Omit<ChildWorkflowOptions, 'workflowId' | 'taskQueue' | 'args'> = {},
) {
  return startChild<SettlementStatementWorkflow>(settlementStatementWorkflowType, {
    ...opts,
    workflowId: settlementStatementWorkflowId(input.statementId),
    args: [input],
  });
}

/** A statement's payout workflow. */
export function settlementStatementHandle(
  client: Client,
  statementId: string,
): WorkflowHandle<SettlementStatementWorkflow> {
  return client.workflow.getHandle<SettlementStatementWorkflow>(settlementStatementWorkflowId(statementId));
}
