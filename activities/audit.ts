import type { Knex } from 'knex';
import type { AuditEntry, RecordAuditInput } from '../domain/audit';
import type { ActivityDeps } from './deps';

/**
 * Writes one audit line inside the caller's transaction (the change and its record commit together). Idempotent:
 * the dedupe key is written once.
 */
export async function recordAudit(trx: Knex | Knex.Transaction, e: AuditEntry): Promise<void> {
  await trx('audit_log')
    .insert({
      actorId: e.actorId,
      action: e.action,
      targetType: e.targetType,
      targetId: e.targetId,
      before: e.before === undefined ? null : JSON.stringify(e.before),
      after: e.after === undefined ? null : JSON.stringify(e.after),
      reason: e.reason ?? null,
      dedupeKey: e.dedupeKey,
    })
    .onConflict('dedupeKey')
    .ignore();
}

/** The recordAudit workflow's activity (docs/architecture.md#back-office). */
export function createAuditActivities({ db }: ActivityDeps) {
  return {
    /** Records an export of personal data; idempotent: keyed by the audit id. */
    async recordAuditEntry(input: RecordAuditInput): Promise<{ recorded: true }> {
      await recordAudit(db, {
        actorId: input.actorId,
        action: input.action,
        targetType: input.targetType,
        targetId: input.targetId,
        after: input.details,
        dedupeKey: `audit:${input.auditId}`,
      });
      return { recorded: true };
    },
  };
}
