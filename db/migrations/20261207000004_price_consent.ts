import type { Knex } from 'knex';

// A price increase needs the subscriber's consent (전자상거래법 §13⑥): the pending change (in `pending_change`) carries
// it, and a subscription that ends because an increase was not accepted says so.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('subscriptions', (t) => {
    t.text('end_reason'); // price_refused | price_unanswered
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('subscriptions', (t) => t.dropColumn('end_reason'));
}
