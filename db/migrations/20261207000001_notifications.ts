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
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('notification_preferences');
  await knex.raw('DROP INDEX IF EXISTS outbox_unread');
  await knex.schema.alterTable('outbox', (t) => t.dropColumn('read_at'));
  await knex.raw('ALTER TABLE users DROP CONSTRAINT IF EXISTS users_locale');
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('locale');
    t.dropColumn('phone');
  });
}
