import type { Knex } from 'knex';

// Toss replays the answer it sent for a repeated Idempotency-Key; jsonb kept only its value (keys reordered, spacing
// lost), so the first answer is now kept as sent: its body bytes and content type.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('idempotency', (t) => {
    t.binary('response_body');
    t.text('response_type');
  });
  // Answers stored before: their value is all there is (as compact JSON, what Koa would have sent of it).
  const rows = await knex('idempotency').whereNotNull('response').select('scope', 'response');
  for (const row of rows as { scope: string; response: unknown }[]) {
    await knex('idempotency')
      .where({ scope: row.scope })
      .update({
        response_body: Buffer.from(JSON.stringify(row.response)),
        response_type: 'application/json; charset=utf-8',
      });
  }
  await knex.schema.alterTable('idempotency', (t) => {
    t.dropColumn('response');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('idempotency', (t) => {
    t.jsonb('response');
  });
  await knex.raw(
    `UPDATE idempotency SET response = convert_from(response_body, 'UTF8')::jsonb WHERE response_body IS NOT NULL`,
  );
  await knex.schema.alterTable('idempotency', (t) => {
    t.dropColumn('response_body');
    t.dropColumn('response_type');
  });
}
