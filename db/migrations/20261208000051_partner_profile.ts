import type { Knex } from 'knex';
import { bankCodeOf } from '../../domain/banks';

// A roaster's profile and settlement account can change, after an admin's review (docs/architecture.md#partner-approval):
// each request is a row of `partner_profile_changes`, written by the partnerProfileChange workflow's activities, and
// the partner's bank is a code from the 금융결제원 list (`bank_code`; rows whose typed bank name matches none keep
// null and show their `bank_name` until the roaster picks one).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('partners', (t) => {
    t.text('bank_code');
    t.timestamp('profile_updated_at', { useTz: true });
  });
  const partners = (await knex('partners').select('id', 'bank_name')) as { id: string; bankName: string }[];
  for (const p of partners) {
    const code = bankCodeOf(p.bankName);
    if (code) await knex('partners').where({ id: p.id }).update({ bankCode: code });
  }

  await knex.schema.createTable('partner_profile_changes', (t) => {
    t.uuid('id').primary();
    t.uuid('partner_id').notNullable().references('partners.id');
    t.uuid('requested_by').notNullable().references('users.id');
    t.text('workflow_id').notNullable();
    t.text('status').notNullable().defaultTo('pending');
    // What the roaster asked for (null: unchanged), and the live values when it was asked, for the review's diff.
    t.jsonb('profile');
    t.jsonb('account');
    t.jsonb('previous').notNullable();
    t.uuid('task_id');
    t.text('decision_reason');
    t.uuid('decided_by').references('users.id');
    t.timestamp('decided_at', { useTz: true });
    t.timestamp('requested_at', { useTz: true, precision: 3 }).notNullable().defaultTo(knex.fn.now());
    t.index(['partner_id', 'requested_at']);
  });
  await knex.raw(`ALTER TABLE partner_profile_changes ADD CONSTRAINT partner_profile_changes_status
    CHECK (status IN ('pending','approved','rejected'))`);
  // One open request per roaster, whatever the workflow does.
  await knex.raw(`CREATE UNIQUE INDEX partner_profile_changes_one_pending ON partner_profile_changes (partner_id)
    WHERE status = 'pending'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('partner_profile_changes');
  await knex.schema.alterTable('partners', (t) => {
    t.dropColumn('bank_code');
    t.dropColumn('profile_updated_at');
  });
}
