import type { Knex } from 'knex';

// The customer's address book (domain/address.ts): written by the addressBook workflow's activity only; the API reads
// it (SELECT by the schema's default privileges). At most one default per customer, enforced by the database.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('addresses', (t) => {
    t.uuid('id').primary();
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('name').notNullable();
    t.text('phone').notNullable();
    t.text('postcode').notNullable();
    t.text('address1').notNullable();
    t.text('address2').notNullable().defaultTo('');
    t.text('memo');
    t.boolean('is_default').notNullable().defaultTo(false);
    t.timestamp('created_at', { useTz: true, precision: 3 }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true, precision: 3 }).notNullable().defaultTo(knex.fn.now());
    t.index(['user_id', 'created_at']);
  });
  await knex.raw(`CREATE UNIQUE INDEX addresses_one_default ON addresses (user_id) WHERE is_default`);
  await knex.raw(`ALTER TABLE addresses ADD CONSTRAINT addresses_postcode CHECK (postcode ~ '^[0-9]{5}$')`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('addresses');
}
