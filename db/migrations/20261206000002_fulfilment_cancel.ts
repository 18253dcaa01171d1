import type { Knex } from 'knex';

// An order can end before it ships: refunded in full, or its subscription cancelled at once (the roaster sees 취소됨
// and it leaves the orders to ship).
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE fulfilment_orders DROP CONSTRAINT IF EXISTS fulfilment_orders_status');
  await knex.raw(
    `ALTER TABLE fulfilment_orders ADD CONSTRAINT fulfilment_orders_status
       CHECK (status IN ('to_roast','roasted','shipped','delivered','canceled'))`,
  );
  await knex.schema.alterTable('fulfilment_orders', (t) => {
    t.timestamp('canceled_at', { useTz: true });
    t.text('cancel_cause'); // refunded | subscription_canceled
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('fulfilment_orders', (t) => {
    t.dropColumn('canceled_at');
    t.dropColumn('cancel_cause');
  });
  await knex.raw(`DELETE FROM fulfilment_orders WHERE status = 'canceled'`);
  await knex.raw('ALTER TABLE fulfilment_orders DROP CONSTRAINT IF EXISTS fulfilment_orders_status');
  await knex.raw(
    `ALTER TABLE fulfilment_orders ADD CONSTRAINT fulfilment_orders_status
       CHECK (status IN ('to_roast','roasted','shipped','delivered'))`,
  );
}
