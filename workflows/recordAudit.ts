import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { RecordAuditInput } from '../domain/audit';
import type { RecordAuditWorkflow } from '../domain/contracts/recordAudit';
import { dbActivityOptions } from './options';

const acts = proxyActivities<Activities>(dbActivityOptions);

/**
 * Records an export of personal data in the audit log (docs/architecture.md#back-office). The API starts it and waits
 * for it before it sends the file: no export leaves without its line.
 */
export async function recordAudit(input: RecordAuditInput): Promise<{ recorded: true }> {
  return acts.recordAuditEntry(input);
}
recordAudit satisfies RecordAuditWorkflow;
