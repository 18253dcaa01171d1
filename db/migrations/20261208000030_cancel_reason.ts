import type { Knex } from 'knex';

// Why a customer cancels (해지 사유: a choice and their own words), kept with the cancel on the subscription's row
// (written by its workflow, cleared when a scheduled cancel is undone). An order can also end because the customer
// withdrew it before it shipped (청약철회): cancel_cause `withdrawn`.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('subscriptions', (t) => {
    t.text('cancel_reason_code'); // beans_left | taste | price | delivery | other
    t.text('cancel_reason_note');
    t.timestamp('cancel_reason_at', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('subscriptions', (t) => {
    t.dropColumn('cancel_reason_code');
    t.dropColumn('cancel_reason_note');
    t.dropColumn('cancel_reason_at');
  });
}
