import type { Knex } from 'knex';

// Messages that reach people (docs/architecture.md#messages): each outbox row is one notification to one user, shown
// in the app's notification centre and delivered per channel by the `notifications` worker.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    // The language the user reads their messages in; the phone KakaoTalk / SMS reach (none: e-mail only).
    t.text('locale').notNullable().defaultTo('ko');
    t.text('phone');
  });
  await knex.raw(`ALTER TABLE users ADD CONSTRAINT users_locale CHECK (locale IN ('ko','en'))`);

  await knex.schema.alterTable('outbox', (t) => {
    // The notification centre: when the recipient read it (null: unread).
    t.timestamp('read_at', { useTz: true });
  });
  await knex.raw(
    `CREATE INDEX outbox_unread ON outbox (recipient_user_id, created_at DESC) WHERE read_at IS NULL`,
  );

  // The channels a user chose for the optional kinds of message (legal and payment notices always go out).
  await knex.schema.createTable('notification_preferences', (t) => {
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('category').notNullable();
    t.text('channel').notNullable();
    t.boolean('enabled').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['user_id', 'category', 'channel']);
  });

  // The notifier (docs/architecture.md#messages). `planned_at`: when the notifier decided the row's channels (null:
  // not yet; the partial index is what its poll reads); `digest`: a kind collected into the recipient's daily digest
  // instead of a message each; `digested_into`: the digest notification that carried it.
  await knex.schema.alterTable('outbox', (t) => {
    t.timestamp('planned_at', { useTz: true });
    t.boolean('digest').notNullable().defaultTo(false);
    t.bigInteger('digested_into').references('outbox.id');
  });
  // Rows recorded before the notifier existed stay in the app's notification centre; nobody is mailed old news.
  await knex.raw(`UPDATE outbox SET planned_at = now()`);
  await knex.raw(`CREATE INDEX outbox_unplanned ON outbox (id) WHERE planned_at IS NULL`);
  await knex.raw(
    `CREATE INDEX outbox_undigested ON outbox (recipient_user_id, id) WHERE digest AND digested_into IS NULL`,
  );

  // One row per notification and channel: at least once per channel, never two sends of it at the same time.
  // status: pending (due at next_attempt_at) → sending (claimed; next_attempt_at is the claim's lease end, after
  // which the outcome is unknown and the row is due again) → sent | failed (permanent: listed for admins).
  await knex.schema.createTable('notification_deliveries', (t) => {
    t.bigIncrements('id');
    t.bigInteger('outbox_id').notNullable().references('outbox.id').onDelete('CASCADE');
    t.text('channel').notNullable();
    t.uuid('recipient_user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('template').notNullable();
    /** The stable idempotency key: the SMTP Message-ID's local part, SOLAPI's customFields. */
    t.text('idempotency_key').notNullable().unique();
    t.text('status').notNullable().defaultTo('pending');
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('next_attempt_at', { useTz: true, precision: 3 }).notNullable().defaultTo(knex.fn.now());
    t.uuid('lease_token');
    t.timestamp('attempt_started_at', { useTz: true });
    t.text('last_error');
    t.text('provider_id');
    t.timestamp('sent_at', { useTz: true });
    t.timestamp('failed_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['outbox_id', 'channel']);
  });
  await knex.raw(`ALTER TABLE notification_deliveries ADD CONSTRAINT notification_deliveries_status
    CHECK (status IN ('pending','sending','sent','failed'))`);
  await knex.raw(`ALTER TABLE notification_deliveries ADD CONSTRAINT notification_deliveries_channel
    CHECK (channel IN ('email','kakao','sms'))`);
  await knex.raw(`CREATE INDEX notification_deliveries_due ON notification_deliveries (next_attempt_at)
    WHERE status IN ('pending','sending')`);
  await knex.raw(`CREATE INDEX notification_deliveries_failed ON notification_deliveries (failed_at DESC, id DESC)
    WHERE status = 'failed'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('notification_deliveries');
  await knex.raw('DROP INDEX IF EXISTS outbox_unplanned');
  await knex.raw('DROP INDEX IF EXISTS outbox_undigested');
  await knex.schema.alterTable('outbox', (t) => {
    t.dropColumn('planned_at');
    t.dropColumn('digest');
    t.dropColumn('digested_into');
  });
  await knex.schema.dropTableIfExists('notification_preferences');
  await knex.raw('DROP INDEX IF EXISTS outbox_unread');
  await knex.schema.alterTable('outbox', (t) => t.dropColumn('read_at'));
  await knex.raw('ALTER TABLE users DROP CONSTRAINT IF EXISTS users_locale');
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('locale');
    t.dropColumn('phone');
  });
}
