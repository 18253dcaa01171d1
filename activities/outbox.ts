import type { Knex } from 'knex';
import { OutboxMessage } from '../db/models';

/** A notification to send after the transaction commits (transactional outbox). */
export interface Notification {
  dedupeKey: string;
  recipientUserId?: string;
  recipientRole?: string;
  template: string;
  payload: Record<string, unknown>;
}

/**
 * Adds a notification inside the caller's transaction; idempotent: the dedupe key is unique. A notification for a role
 * (`recipientRole: 'admin'`) becomes one row per user holding the role when it is written, each keyed
 * `<dedupe key>:<user id>`, so everything downstream — the notification centre, read marks, deliveries, the digest —
 * is per person (docs/architecture.md#messages).
 */
export async function enqueueNotification(trx: Knex.Transaction, n: Notification): Promise<void> {
  if (!n.recipientUserId && n.recipientRole) {
    const holders = (await trx('users')
      .whereRaw('? = ANY(roles)', [n.recipientRole])
      .orderBy('id')
      .select('id')) as { id: string }[];
    if (holders.length === 0) return;
    await OutboxMessage.query(trx)
      .insert(
        holders.map((u) => ({
          dedupeKey: `${n.dedupeKey}:${u.id}`,
          recipientUserId: u.id,
          recipientRole: n.recipientRole!,
          template: n.template,
          payload: n.payload,
        })),
      )
      .onConflict('dedupeKey')
      .ignore();
    return;
  }
  await OutboxMessage.query(trx)
    .insert({
      dedupeKey: n.dedupeKey,
      recipientUserId: n.recipientUserId ?? null,
      recipientRole: n.recipientRole ?? null,
      template: n.template,
      payload: n.payload,
    })
    .onConflict('dedupeKey')
    .ignore();
}
