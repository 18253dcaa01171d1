import type { Knex } from 'knex';

// Partner settlement (정산, docs/architecture.md#settlement). The API's role reads these through the default
// privileges granted in the foundation migration (SELECT on every table created later by the owner); only activities
// write them.
export async function up(knex: Knex): Promise<void> {
  // A per-partner commission rate (basis points) overriding SETTLEMENT_COMMISSION_RATE; null = the default.
  await knex.schema.alterTable('partners', (t) => {
    t.integer('commission_rate_bps');
  });
  await knex.raw(`ALTER TABLE partners ADD CONSTRAINT partners_commission_rate_bps
    CHECK (commission_rate_bps IS NULL OR commission_rate_bps BETWEEN 0 AND 10000)`);

  // One statement per partner and period. A statement takes every ledger line not yet settled that happened before
  // its period's end, so a refund recorded after its sale's period lands in the next statement.
  await knex.schema.createTable('settlement_statements', (t) => {
    t.uuid('id').primary();
    t.uuid('partner_id').notNullable().references('partners.id');
    t.timestamp('period_start', { useTz: true, precision: 3 }).notNullable();
    t.timestamp('period_end', { useTz: true, precision: 3 }).notNullable();
    t.bigInteger('gross_sales').notNullable();
    t.bigInteger('refunds').notNullable(); // positive: what was refunded
    t.bigInteger('net_sales').notNullable(); // gross_sales - refunds
    t.integer('commission_rate_bps').notNullable();
    t.bigInteger('commission').notNullable();
    // A negative balance of an earlier statement (refunds beyond sales) taken into this one.
    t.bigInteger('carried_in').notNullable().defaultTo(0);
    t.uuid('carried_from_id').unique().references('settlement_statements.id');
    t.bigInteger('payout_amount').notNullable(); // net_sales - commission + carried_in
    t.integer('line_count').notNullable();
    t.text('status').notNullable(); // open (to pay) | paid | carried (≤ 0: nothing to pay, carried forward)
    t.text('workflow_id');
    t.timestamp('paid_at', { useTz: true });
    t.uuid('paid_by').references('users.id');
    t.text('payout_reference');
    t.text('payout_note');
    t.timestamp('created_at', { useTz: true, precision: 3 }).notNullable().defaultTo(knex.fn.now());
    t.unique(['partner_id', 'period_end']);
    t.index(['status', 'period_end']);
    t.index(['period_end', 'id']);
  });
  await knex.raw(`ALTER TABLE settlement_statements ADD CONSTRAINT settlement_statements_status
    CHECK (status IN ('open','paid','carried'))`);
  await knex.raw(`ALTER TABLE settlement_statements ADD CONSTRAINT settlement_statements_sums
    CHECK (net_sales = gross_sales - refunds AND payout_amount = net_sales - commission + carried_in)`);

  // Each ledger line belongs to exactly one statement (the unique ledger id): never counted twice, never lost.
  await knex.schema.createTable('settlement_lines', (t) => {
    t.bigIncrements('id');
    t.uuid('statement_id').notNullable().references('settlement_statements.id');
    t.bigInteger('ledger_id').notNullable().unique().references('partner_ledger.id');
    t.uuid('partner_id').notNullable().references('partners.id');
    t.uuid('payment_id').notNullable().references('payments.id');
    t.text('kind').notNullable(); // sale | refund
    t.integer('amount').notNullable();
    t.timestamp('at', { useTz: true }).notNullable();
    t.index(['statement_id', 'at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('settlement_lines');
  await knex.schema.dropTableIfExists('settlement_statements');
  await knex.raw('ALTER TABLE partners DROP CONSTRAINT IF EXISTS partners_commission_rate_bps');
  await knex.schema.alterTable('partners', (t) => {
    t.dropColumn('commission_rate_bps');
  });
}
