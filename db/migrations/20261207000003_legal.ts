import type { Knex } from 'knex';

// The legal basics (docs/architecture.md#terms-and-consents): the consent log, and the partner application's
// 통신판매업 신고번호 and 예금주 (copied to the partner on approval). Applications and partners from before stay null.
export async function up(knex: Knex): Promise<void> {
  // One line per consent given (or, for marketing, answered): who, where, what, which version of which document, when.
  await knex.schema.createTable('consents', (t) => {
    t.bigIncrements('id').primary();
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    // `signup` (source_id: the user) or `checkout` (source_id: the subscription).
    t.text('source').notNullable();
    t.uuid('source_id').notNullable();
    t.uuid('subscription_id').references('subscriptions.id');
    t.text('kind').notNullable();
    t.boolean('granted').notNullable();
    // The document and its version (`<front-matter version>+<digest of the file>`); null for a statement (age).
    t.text('document');
    t.text('document_version');
    // What the person was shown: the recurring charge's amount and dates, the roaster and the items provided.
    t.jsonb('details').notNullable().defaultTo('{}');
    t.timestamp('agreed_at', { useTz: true }).notNullable();
    t.timestamp('recorded_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['source', 'source_id', 'kind'], { indexName: 'consents_once' });
    t.index(['user_id', 'agreed_at']);
  });
  await knex.raw(
    `ALTER TABLE consents ADD CONSTRAINT consents_source CHECK (source IN ('signup','checkout'))`,
  );
  await knex.raw(`ALTER TABLE consents ADD CONSTRAINT consents_kind CHECK (kind IN
    ('terms','privacy','age_14','marketing','recurring_payment','third_party_provision'))`);
  await knex.raw(
    `ALTER TABLE consents ADD CONSTRAINT consents_document CHECK (document IN ('terms','privacy','refund'))`,
  );
  await knex.raw(`ALTER TABLE consents ADD CONSTRAINT consents_versioned
    CHECK ((document IS NULL) = (document_version IS NULL))`);

  for (const table of ['partner_applications', 'partners']) {
    await knex.schema.alterTable(table, (t) => {
      t.text('mail_order_number'); // 통신판매업 신고번호, 2024-서울강남-01234
      t.text('bank_account_holder'); // 예금주
    });
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['partner_applications', 'partners']) {
    await knex.schema.alterTable(table, (t) => {
      t.dropColumn('mail_order_number');
      t.dropColumn('bank_account_holder');
    });
  }
  await knex.schema.dropTableIfExists('consents');
}
