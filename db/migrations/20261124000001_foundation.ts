import type { Knex } from 'knex';
import { apiRoleName } from '../roles';

export async function up(knex: Knex): Promise<void> {
  const apiRole = apiRoleName();
  // The API reads everything and writes nothing: SELECT on every table, now and on tables added later.
  await knex.raw('GRANT USAGE ON SCHEMA public TO ??', [apiRole]);
  await knex.raw('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO ??', [apiRole]);
  await knex.raw('GRANT SELECT ON ALL TABLES IN SCHEMA public TO ??', [apiRole]);

  await knex.schema.createTable('users', (t) => {
    t.uuid('id').primary();
    t.text('email').notNullable().unique();
    t.text('name').notNullable();
    t.text('password_hash').notNullable();
    t.specificType('roles', 'text[]').notNullable().defaultTo(knex.raw(`'{customer}'`));
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`ALTER TABLE users ADD CONSTRAINT users_email_lower CHECK (email = lower(email))`);

  await knex.schema.createTable('partner_applications', (t) => {
    t.uuid('id').primary();
    t.uuid('applicant_id').notNullable().references('users.id');
    t.text('workflow_id').notNullable();
    t.text('status').notNullable();
    t.text('company_name').notNullable();
    t.text('business_number').notNullable();
    t.text('representative').notNullable();
    t.text('phone').notNullable();
    t.text('email').notNullable();
    t.text('address').notNullable();
    t.text('bank_name').notNullable();
    t.text('bank_account').notNullable();
    t.text('introduction').notNullable();
    t.jsonb('reasons').notNullable().defaultTo('[]');
    t.text('decision_reason');
    t.uuid('decided_by').references('users.id');
    t.timestamp('decided_at', { useTz: true });
    t.timestamp('submitted_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['applicant_id', 'submitted_at']);
  });
  await knex.raw(`ALTER TABLE partner_applications ADD CONSTRAINT partner_applications_status
    CHECK (status IN ('validating','pending','approved','rejected','auto_rejected','expired'))`);
  // The database itself refuses two live applications for one business number, whatever races.
  await knex.raw(`CREATE UNIQUE INDEX partner_applications_live_business_number
    ON partner_applications (business_number) WHERE status IN ('pending','approved')`);
  await knex.raw(`CREATE UNIQUE INDEX partner_applications_one_open_per_applicant
    ON partner_applications (applicant_id) WHERE status IN ('validating','pending')`);

  await knex.schema.createTable('partners', (t) => {
    t.uuid('id').primary();
    t.uuid('user_id').notNullable().unique().references('users.id');
    t.uuid('application_id').notNullable().unique().references('partner_applications.id');
    t.text('company_name').notNullable();
    t.text('business_number').notNullable().unique();
    t.text('representative').notNullable();
    t.text('phone').notNullable();
    t.text('email').notNullable();
    t.text('address').notNullable();
    t.text('bank_name').notNullable();
    t.text('bank_account').notNullable();
    t.text('introduction').notNullable();
    t.text('status').notNullable().defaultTo('active');
    t.timestamp('approved_at', { useTz: true }).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('tasks', (t) => {
    t.uuid('id').primary();
    t.text('kind').notNullable();
    t.uuid('subject_id').notNullable();
    t.text('workflow_id').notNullable();
    t.text('workflow_run_id').notNullable();
    t.text('title').notNullable();
    t.jsonb('summary').notNullable().defaultTo('{}');
    t.text('state').notNullable().defaultTo('open');
    t.text('outcome');
    // Millisecond precision so the keyset cursor round-trips exactly through JavaScript dates.
    t.timestamp('submitted_at', { useTz: true, precision: 3 }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('sla_due_at', { useTz: true }).notNullable();
    t.timestamp('expires_at', { useTz: true });
    t.timestamp('overdue_at', { useTz: true });
    t.uuid('claimed_by').references('users.id');
    t.timestamp('claimed_at', { useTz: true });
    t.uuid('resolved_by').references('users.id');
    t.timestamp('resolved_at', { useTz: true });
    t.index(['state', 'submitted_at', 'id']);
    t.index(['kind', 'state', 'submitted_at']);
    t.index(['subject_id']);
  });
  await knex.raw(
    `ALTER TABLE tasks ADD CONSTRAINT tasks_state CHECK (state IN ('open','done','expired','cancelled'))`,
  );

  await knex.schema.createTable('outbox', (t) => {
    t.bigIncrements('id');
    t.text('dedupe_key').notNullable().unique();
    t.uuid('recipient_user_id').references('users.id');
    t.text('recipient_role');
    t.text('channel').notNullable().defaultTo('email');
    t.text('template').notNullable();
    t.jsonb('payload').notNullable().defaultTo('{}');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('sent_at', { useTz: true });
    t.index(['recipient_user_id', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['outbox', 'tasks', 'partners', 'partner_applications', 'users']) {
    await knex.schema.dropTableIfExists(table);
  }
}
