import type { Knex } from 'knex';

// Accounts (docs/architecture.md#accounts): e-mail verification, password reset links (only their hashes), sessions
// ended by a password reset or a deletion (a session started before `sessions_valid_after` no longer counts), 회원
// 탈퇴 (`deleted_at`: the row stays for the records that reference it, anonymised), and the records the
// 전자상거래법 requires a deleted account to keep, apart, each with its erase date. The API role reads every table
// through the foundation migration's default privileges.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.timestamp('email_verified_at', { useTz: true });
    t.timestamp('sessions_valid_after', { useTz: true });
    t.timestamp('deletion_requested_at', { useTz: true });
    t.timestamp('deleted_at', { useTz: true });
  });
  // Accounts made before verification existed (the demo accounts among them) count as verified.
  await knex.raw('UPDATE users SET email_verified_at = created_at WHERE email_verified_at IS NULL');

  await knex.schema.createTable('account_tokens', (t) => {
    t.uuid('id').primary(); // the request that issued it (idempotency)
    t.uuid('user_id').notNullable().references('users.id');
    t.text('purpose').notNullable();
    t.text('token_hash').notNullable().unique(); // SHA-256 of the token; the token itself is only in the mail
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
    t.text('used_by'); // the request that redeemed it (a retry of the same request answers the same)
    t.timestamp('superseded_at', { useTz: true }); // a newer link of the same purpose was sent
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['user_id', 'purpose']);
  });
  await knex.raw(`ALTER TABLE account_tokens ADD CONSTRAINT account_tokens_purpose
    CHECK (purpose IN ('password_reset','email_verification'))`);

  await knex.schema.createTable('account_retention', (t) => {
    t.bigIncrements('id');
    t.uuid('user_id').notNullable().references('users.id');
    t.text('category').notNullable();
    t.jsonb('record'); // the kept records with the personal data they need; NULL once erased
    t.timestamp('deleted_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('erase_after', { useTz: true }).notNullable();
    t.timestamp('erased_at', { useTz: true });
    t.unique(['user_id', 'category']);
  });
  await knex.raw(`ALTER TABLE account_retention ADD CONSTRAINT account_retention_category
    CHECK (category IN ('contract','payment','delivery','complaint'))`);
  await knex.raw(
    'CREATE INDEX account_retention_due ON account_retention (erase_after) WHERE erased_at IS NULL',
  );

  // An erased card keeps its row (payments name it) without its billing key; the cards work does the same.
  await knex.raw('ALTER TABLE cards ALTER COLUMN billing_key_enc DROP NOT NULL');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('account_retention');
  await knex.schema.dropTableIfExists('account_tokens');
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('email_verified_at');
    t.dropColumn('sessions_valid_after');
    t.dropColumn('deletion_requested_at');
    t.dropColumn('deleted_at');
  });
}
