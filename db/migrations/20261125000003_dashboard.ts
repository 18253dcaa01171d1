import type { Knex } from 'knex';

// The sales dashboard's read models (매출 관리), kept current by the activities that record payments, refunds and
// subscription changes, in the same transaction, only when the row proving the event was inserted. Days are
// Asia/Seoul calendar dates. The API role reads them through the default privileges of the foundation migration.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('partner_daily_sales', (t) => {
    t.uuid('partner_id').notNullable().references('partners.id');
    t.date('day').notNullable();
    t.bigInteger('gross').notNullable().defaultTo(0); // approved payments, KRW
    t.integer('orders').notNullable().defaultTo(0); // approved payments (paid cycles)
    t.bigInteger('refunds').notNullable().defaultTo(0); // refunded on that day, KRW
    t.integer('refund_count').notNullable().defaultTo(0);
  });
  // The key covers the figures: a partner's range is read by an index-only scan.
  await knex.raw(`ALTER TABLE partner_daily_sales ADD CONSTRAINT partner_daily_sales_pkey
    PRIMARY KEY (partner_id, day) INCLUDE (gross, refunds, orders)`);

  await knex.schema.createTable('partner_product_sales', (t) => {
    t.uuid('partner_id').notNullable().references('partners.id');
    t.uuid('product_id').notNullable().references('products.id');
    t.text('product_name').notNullable(); // as of its last sale
    t.bigInteger('gross').notNullable().defaultTo(0);
    t.integer('orders').notNullable().defaultTo(0);
    t.bigInteger('refunds').notNullable().defaultTo(0);
    t.primary(['partner_id', 'product_id']);
  });

  // New subscriptions (the day they started) and cancellations (the day they ended): churn.
  await knex.schema.createTable('partner_daily_subscriptions', (t) => {
    t.uuid('partner_id').notNullable().references('partners.id');
    t.date('day').notNullable();
    t.integer('started').notNullable().defaultTo(0);
    t.integer('canceled').notNullable().defaultTo(0);
  });
  await knex.raw(`ALTER TABLE partner_daily_subscriptions ADD CONSTRAINT partner_daily_subscriptions_pkey
    PRIMARY KEY (partner_id, day) INCLUDE (started, canceled)`);

  // How many of a partner's subscriptions are in each status right now.
  await knex.schema.createTable('partner_subscription_counts', (t) => {
    t.uuid('partner_id').notNullable().references('partners.id');
    t.text('status').notNullable();
    t.integer('count').notNullable().defaultTo(0);
    t.primary(['partner_id', 'status']);
  });

  // Upcoming charges: an indexed range over a partner's active subscriptions by next charge date, covering the
  // amount (an index-only scan).
  await knex.raw(`CREATE INDEX subscriptions_upcoming ON subscriptions (partner_id, next_charge_at) INCLUDE (amount)
    WHERE status = 'active' AND NOT cancel_at_period_end`);

  // Orders to ship: a partial index of open orders. The fulfilment migration (20261125000001, on main) creates the
  // very same index under the same name; whichever runs first makes it, and it belongs to fulfilment.
  await knex.raw(`CREATE INDEX IF NOT EXISTS fulfilment_orders_open ON fulfilment_orders (partner_id, ship_by, id)
    WHERE status IN ('to_roast', 'roasted')`);

  await buildDashboardReadModels(knex);
}

/**
 * Builds the read models from the raw tables in one pass: for a database migrated with data already in it (and the
 * dashboard benchmark's seed). From then on the activities keep them current.
 */
export async function buildDashboardReadModels(knex: Knex): Promise<void> {
  await knex.raw(`
    INSERT INTO partner_daily_sales (partner_id, day, gross, orders)
    SELECT partner_id, (approved_at AT TIME ZONE 'Asia/Seoul')::date, sum(amount), count(*)
      FROM payments GROUP BY 1, 2`);
  await knex.raw(`
    INSERT INTO partner_daily_sales AS s (partner_id, day, refunds, refund_count)
    SELECT p.partner_id, (r.done_at AT TIME ZONE 'Asia/Seoul')::date, sum(r.amount), count(*)
      FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE r.status = 'done' GROUP BY 1, 2
    ON CONFLICT (partner_id, day) DO UPDATE SET refunds = EXCLUDED.refunds, refund_count = EXCLUDED.refund_count`);
  await knex.raw(`
    INSERT INTO partner_product_sales (partner_id, product_id, product_name, gross, orders, refunds)
    SELECT p.partner_id, p.product_id, max(s.product_name), sum(p.amount), count(*), sum(p.refunded_amount)
      FROM payments p JOIN subscriptions s ON s.id = p.subscription_id GROUP BY 1, 2`);
  await knex.raw(`
    INSERT INTO partner_daily_subscriptions AS d (partner_id, day, started, canceled)
    SELECT partner_id, day, sum(started), sum(canceled) FROM (
      SELECT partner_id, (started_at AT TIME ZONE 'Asia/Seoul')::date AS day, 1 AS started, 0 AS canceled
        FROM subscriptions WHERE status NOT IN ('connecting', 'card_failed')
      UNION ALL
      SELECT partner_id, (canceled_at AT TIME ZONE 'Asia/Seoul')::date, 0, 1
        FROM subscriptions WHERE status = 'canceled' AND canceled_at IS NOT NULL
    ) e GROUP BY 1, 2`);
  await knex.raw(`
    INSERT INTO partner_subscription_counts (partner_id, status, count)
    SELECT partner_id, status, count(*) FROM subscriptions GROUP BY 1, 2`);
}

export async function down(knex: Knex): Promise<void> {
  // fulfilment_orders_open stays: it is fulfilment's index (see up).
  await knex.raw('DROP INDEX IF EXISTS subscriptions_upcoming');
  for (const table of [
    'partner_subscription_counts',
    'partner_daily_subscriptions',
    'partner_product_sales',
    'partner_daily_sales',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
