import type { Knex } from 'knex';

// A removed or replaced card keeps its row (payments and subscriptions point at it, 결제 내역 shows its number) but
// not its billing key: erased = billing_key_enc NULL and removed_at set, after the key was deleted at Toss too.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cards', (t) => {
    t.text('billing_key_enc').nullable().alter();
  });
  await knex.raw(`ALTER TABLE cards ADD CONSTRAINT cards_erased_is_removed
    CHECK (billing_key_enc IS NOT NULL OR removed_at IS NOT NULL)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE cards DROP CONSTRAINT IF EXISTS cards_erased_is_removed');
  // The column stays nullable: an erased key cannot come back, and its row is still referenced.
}
