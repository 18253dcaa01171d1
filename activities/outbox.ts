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

/** Adds a notification inside the caller's transaction; idempotent: the dedupe key is unique. */
export async function enqueueNotification(trx: Knex.Transaction, n: Notification): Promise<void> {
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
