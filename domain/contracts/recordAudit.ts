// The recordAudit workflow's contract (docs/architecture.md#back-office): one audit line for an export of personal
// data, written by its activity before the API sends the file.
import type { Client } from '@temporalio/client';
import type { RecordAuditInput } from '../audit';
import { taskQueue, type Domain } from '../taskQueues';
import type { StartContext } from './start';

export type { RecordAuditInput };

/** The workflow type (what workflows/recordAudit.ts exports). */
export const recordAuditWorkflowType = 'recordAudit';
/** Served by the accounts workers. */
export const recordAuditDomain: Domain = 'accounts';
/** One per audit line: `audit:<audit id>`. */
export const recordAuditWorkflowId = (auditId: string) => `audit:${auditId}`;
/** The workflow's signature; the implementation is checked against it. */
export type RecordAuditWorkflow = (input: RecordAuditInput) => Promise<{ recorded: true }>;

/** Records the line and waits until it is committed (the caller sends the export only then). */
export async function recordAuditLine(
  client: Client,
  ctx: StartContext,
  input: RecordAuditInput,
): Promise<void> {
  await client.workflow.execute<RecordAuditWorkflow>(recordAuditWorkflowType, {
    workflowId: recordAuditWorkflowId(input.auditId),
    taskQueue: taskQueue(ctx.taskQueuePrefix, recordAuditDomain),
    args: [input],
  });
}
