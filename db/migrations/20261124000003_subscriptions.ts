import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // A customer's registered cards: the billing key only ever encrypted (AES-GCM), the number only masked.
  await knex.schema.createTable('cards', (t) => {
    t.uuid('id').primary();
    t.uuid('user_id').notNullable().references('users.id');
    t.text('customer_key').notNullable();
    t.text('billing_key_enc').notNullable();
    t.text('number_masked').notNullable();
    t.text('issuer_code');
    t.text('card_type');
    t.text('auth_key_hash').notNullable().unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('removed_at', { useTz: true });
    t.index(['user_id']);
  });

  // The subscription read model (구독), kept current by the subscription workflow's activities.
  await knex.schema.createTable('subscriptions', (t) => {
    t.uuid('id').primary();
    t.uuid('customer_id').notNullable().references('users.id');
    t.uuid('product_id').notNullable().references('products.id');
    t.uuid('partner_id').notNullable().references('partners.id');
    t.text('workflow_id').notNullable();
    t.text('status').notNullable();
    t.text('payment_state').notNullable().defaultTo('idle');
    t.text('product_name').notNullable();
    t.integer('grams').notNullable();
    t.text('grind').notNullable();
    t.integer('quantity').notNullable();
    t.integer('cycle_weeks').notNullable();
    t.integer('unit_price').notNullable();
    t.integer('amount').notNullable();
    t.jsonb('ship_to').notNullable();
    t.uuid('card_id').references('cards.id');
    t.text('card_masked');
    t.integer('cycle').notNullable().defaultTo(0);
    t.timestamp('next_charge_at', { useTz: true });
    t.boolean('skip_next').notNullable().defaultTo(false);
    t.boolean('cancel_at_period_end').notNullable().defaultTo(false);
    t.integer('dunning_step').notNullable().defaultTo(0);
    t.timestamp('next_retry_at', { useTz: true });
    t.text('last_error');
    t.uuid('last_payment_id');
    t.jsonb('pending_change');
    t.text('price_notice');
    t.timestamp('started_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('canceled_at', { useTz: true });
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['customer_id', 'started_at']);
    t.index(['partner_id', 'status']);
    t.index(['product_id', 'status']);
    t.index(['next_charge_at']);
  });
  await knex.raw(`ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_status
    CHECK (status IN ('connecting','active','past_due','paused','suspended','canceled','card_failed'))`);

  // Approved payments only (the deck: a declined attempt is not stored as a payment).
  await knex.schema.createTable('payments', (t) => {
    t.uuid('id').primary();
    t.uuid('subscription_id').notNullable().references('subscriptions.id');
    t.uuid('customer_id').notNullable().references('users.id');
    t.uuid('partner_id').notNullable().references('partners.id');
    t.uuid('product_id').notNullable().references('products.id');
    t.integer('cycle').notNullable();
    t.text('order_id').notNullable().unique();
    t.text('payment_key').notNullable().unique();
    t.text('order_name').notNullable();
    t.integer('amount').notNullable();
    t.integer('refunded_amount').notNullable().defaultTo(0);
    t.text('status').notNullable().defaultTo('paid');
    t.text('card_masked');
    t.text('receipt_url');
    t.timestamp('approved_at', { useTz: true, precision: 3 }).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['subscription_id', 'cycle']);
    t.index(['customer_id', 'approved_at']);
    t.index(['partner_id', 'approved_at']);
  });
  await knex.raw(
    `ALTER TABLE payments ADD CONSTRAINT payments_status CHECK (status IN ('paid','partially_refunded','refunded'))`,
  );

  // Payment history management (결제 내역 관리): every attempt, approved or declined, and every refund.
  await knex.schema.createTable('payment_events', (t) => {
    t.bigIncrements('id');
    t.text('kind').notNullable(); // charge | refund
    t.uuid('subscription_id').references('subscriptions.id');
    t.uuid('payment_id').references('payments.id');
    t.uuid('customer_id').notNullable().references('users.id');
    t.uuid('partner_id').notNullable().references('partners.id');
    t.integer('cycle');
    t.integer('attempt');
    t.text('order_id');
    t.integer('amount').notNullable();
    t.text('outcome').notNullable(); // approved | declined | refunded
    t.text('code');
    t.text('message');
    t.text('dedupe_key').notNullable().unique();
    t.timestamp('at', { useTz: true, precision: 3 }).notNullable().defaultTo(knex.fn.now());
    t.index(['at', 'id']);
    t.index(['partner_id', 'at']);
    t.index(['customer_id', 'at']);
    t.index(['outcome', 'at']);
  });

  // What each paid cycle asks the partner to roast and ship.
  await knex.schema.createTable('fulfilment_orders', (t) => {
    t.uuid('id').primary();
    t.uuid('payment_id').notNullable().unique().references('payments.id');
    t.uuid('subscription_id').notNullable().references('subscriptions.id');
    t.uuid('customer_id').notNullable().references('users.id');
    t.uuid('partner_id').notNullable().references('partners.id');
    t.uuid('product_id').notNullable().references('products.id');
    t.integer('cycle').notNullable();
    t.text('product_name').notNullable();
    t.integer('grams').notNullable();
    t.text('grind').notNullable();
    t.integer('quantity').notNullable();
    t.jsonb('ship_to').notNullable();
    t.timestamp('ship_by', { useTz: true }).notNullable();
    t.text('status').notNullable().defaultTo('to_roast');
    t.text('carrier');
    t.text('tracking_number');
    t.timestamp('roasted_at', { useTz: true });
    t.timestamp('shipped_at', { useTz: true });
    t.timestamp('delivered_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['partner_id', 'status', 'ship_by']);
    t.index(['customer_id', 'created_at']);
  });

  // The partner's ledger: sales in, refunds out (settlement reads it).
  await knex.schema.createTable('partner_ledger', (t) => {
    t.bigIncrements('id');
    t.uuid('partner_id').notNullable().references('partners.id');
    t.uuid('payment_id').notNullable().references('payments.id');
    t.text('kind').notNullable(); // sale | refund
    t.integer('amount').notNullable();
    t.text('dedupe_key').notNullable().unique();
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['partner_id', 'at']);
  });

  await knex.schema.createTable('refunds', (t) => {
    t.uuid('id').primary();
    t.uuid('payment_id').notNullable().references('payments.id');
    t.integer('amount').notNullable();
    t.text('reason').notNullable();
    t.uuid('requested_by').notNullable().references('users.id');
    t.text('status').notNullable(); // requested | done | failed
    t.text('transaction_key');
    t.text('error');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('done_at', { useTz: true });
    t.index(['payment_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'refunds',
    'partner_ledger',
    'fulfilment_orders',
    'payment_events',
    'payments',
    'subscriptions',
    'cards',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
