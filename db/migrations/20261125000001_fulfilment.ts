import type { Knex } from 'knex';

// Fulfilment as a workflow: who confirmed the delivery, and the escalation of an order not shipped in time.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('fulfilment_orders', (t) => {
    t.text('delivered_by'); // customer | auto
    t.timestamp('escalated_at', { useTz: true });
    t.uuid('escalation_task_id');
    t.timestamp('updated_at', { useTz: true });
  });
  await knex.raw(
    `ALTER TABLE fulfilment_orders ADD CONSTRAINT fulfilment_orders_status
       CHECK (status IN ('to_roast','roasted','shipped','delivered'))`,
  );
  // The partner's work list: open orders by deadline.
  await knex.raw(
    `CREATE INDEX fulfilment_orders_open ON fulfilment_orders (partner_id, ship_by, id)
       WHERE status IN ('to_roast','roasted')`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS fulfilment_orders_open');
  await knex.raw('ALTER TABLE fulfilment_orders DROP CONSTRAINT IF EXISTS fulfilment_orders_status');
  await knex.schema.alterTable('fulfilment_orders', (t) => {
    t.dropColumn('delivered_by');
    t.dropColumn('escalated_at');
    t.dropColumn('escalation_task_id');
    t.dropColumn('updated_at');
  });
}
