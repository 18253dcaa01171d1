import type { Knex } from 'knex';

// The back office (docs/architecture.md#back-office): the audit log of every admin action and every export of
// personal data, and a partner's suspension (its catalog entries leave the catalog, its live subscriptions pause,
// its payouts wait).
export async function up(knex: Knex): Promise<void> {
  // One line per admin action or personal-data export, written by the activity that makes the change, in its
  // transaction. `dedupe_key` makes the write idempotent (an activity's retry inserts nothing).
  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id').primary();
    // Millisecond precision so the keyset cursor round-trips exactly through JavaScript dates.
    t.timestamp('at', { useTz: true, precision: 3 }).notNullable().defaultTo(knex.fn.now());
    // Null: the system (a suspension's own follow-up steps name the admin who started them instead).
    t.uuid('actor_id').references('users.id');
    t.text('action').notNullable();
    t.text('target_type').notNullable();
    t.text('target_id').notNullable();
    t.jsonb('before');
    t.jsonb('after');
    t.text('reason');
    t.text('dedupe_key').notNullable().unique();
    t.index(['at', 'id']);
    t.index(['actor_id', 'at']);
    t.index(['action', 'at']);
    t.index(['target_id', 'at']);
  });

  await knex.schema.alterTable('partners', (t) => {
    t.timestamp('suspended_at', { useTz: true });
    t.text('suspension_reason');
  });
  await knex.raw(
    `ALTER TABLE partners ADD CONSTRAINT partners_status CHECK (status IN ('active','suspended'))`,
  );

  // A suspended partner's catalog entries say `suspended` (out of every live listing, back to `live` on resume).
  await knex.raw('ALTER TABLE catalog_products DROP CONSTRAINT catalog_products_status');
  await knex.raw(
    `ALTER TABLE catalog_products ADD CONSTRAINT catalog_products_status CHECK (status IN ('live','unpublished','suspended'))`,
  );

  // The subscriptions a suspension paused (and only those: a customer's own pause stays when the partner resumes).
  await knex.schema.createTable('partner_suspension_pauses', (t) => {
    t.uuid('partner_id').notNullable().references('partners.id');
    t.uuid('subscription_id').notNullable().references('subscriptions.id');
    t.text('suspension_id').notNullable();
    t.timestamp('paused_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('resumed_at', { useTz: true });
    t.primary(['suspension_id', 'subscription_id']);
    t.index(['partner_id', 'resumed_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('partner_suspension_pauses');
  await knex.raw(`UPDATE catalog_products SET status = 'live' WHERE status = 'suspended'`);
  await knex.raw('ALTER TABLE catalog_products DROP CONSTRAINT catalog_products_status');
  await knex.raw(
    `ALTER TABLE catalog_products ADD CONSTRAINT catalog_products_status CHECK (status IN ('live','unpublished'))`,
  );
  await knex.raw('ALTER TABLE partners DROP CONSTRAINT partners_status');
  await knex.schema.alterTable('partners', (t) => {
    t.dropColumn('suspended_at');
    t.dropColumn('suspension_reason');
  });
  await knex.schema.dropTableIfExists('audit_log');
}
