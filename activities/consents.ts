import type { Knex } from 'knex';
import type { ConsentRecord, ConsentSource } from '../domain/legal';

/**
 * Writes consent-log lines in the caller's transaction (the account's or the subscription's), so a consent exists
 * exactly when what it was given for does (docs/architecture.md#terms-and-consents). Idempotent: one line per source
 * and kind (`consents_once`), a retry inserts nothing.
 */
export async function recordConsents(
  trx: Knex.Transaction,
  at: { userId: string; source: ConsentSource; sourceId: string; subscriptionId?: string },
  records: ConsentRecord[] | undefined,
): Promise<void> {
  if (!records?.length) return;
  await trx('consents')
    .insert(
      records.map((r) => ({
        userId: at.userId,
        source: at.source,
        sourceId: at.sourceId,
        subscriptionId: at.subscriptionId ?? null,
        kind: r.kind,
        granted: r.granted,
        document: r.document,
        documentVersion: r.documentVersion,
        details: JSON.stringify(r.details ?? {}),
        agreedAt: r.agreedAt,
      })),
    )
    .onConflict(['source', 'sourceId', 'kind'])
    .ignore();
}
