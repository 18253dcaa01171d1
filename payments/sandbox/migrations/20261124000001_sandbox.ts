import type { Knex } from 'knex';

// The sandbox's own records, in its own database: what it issued, charged and replied, surviving its restarts.
// Billing keys are kept as SHA-256 hashes and cards only masked, as a real provider would.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('auth_keys', (t) => {
    t.text('auth_key').primary();
    t.text('customer_key').notNullable();
    t.jsonb('card').notNullable();
    t.text('behaviour').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('used_at', { useTz: true });
  });
  await knex.schema.createTable('billing_keys', (t) => {
    t.text('key_hash').primary();
    t.text('customer_key').notNullable();
    t.jsonb('card').notNullable();
    t.text('behaviour').notNullable();
    t.text('auth_key').notNullable().unique();
    t.timestamp('authenticated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('removed_at', { useTz: true });
  });
  await knex.schema.createTable('payments', (t) => {
    t.text('payment_key').primary();
    t.text('order_id').notNullable().unique();
    t.text('key_hash').notNullable();
    t.text('customer_key').notNullable();
    t.text('status').notNullable();
    t.integer('total_amount').notNullable();
    t.integer('balance_amount').notNullable();
    t.jsonb('payment').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['customer_key', 'created_at']);
  });
  await knex.schema.createTable('attempts', (t) => {
    t.bigIncrements('id');
    t.text('kind').notNullable();
    t.text('order_id');
    t.text('customer_key');
    t.text('payment_key');
    t.integer('amount');
    t.integer('status_code').notNullable();
    t.text('outcome').notNullable();
    t.text('idempotency_key');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['order_id']);
  });
  await knex.schema.createTable('idempotency', (t) => {
    t.text('scope').primary(); // hash of secret key + method + path + Idempotency-Key
    t.text('body_hash').notNullable();
    t.text('state').notNullable();
    t.integer('status_code');
    t.jsonb('response');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('faults', (t) => {
    t.integer('id').primary();
    t.jsonb('config').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['faults', 'idempotency', 'attempts', 'payments', 'billing_keys', 'auth_keys']) {
    await knex.schema.dropTableIfExists(table);
  }
}
