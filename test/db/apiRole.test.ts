// The API never writes PostgreSQL, and the database enforces it: its role has SELECT and nothing else.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDb, type Knex } from '../../db/knex';
import { testDatabaseUrls } from '../../scripts/testEnv';

let api: Knex;
let owner: Knex;
let tables: string[];

before(async () => {
  const urls = testDatabaseUrls(process.env);
  api = createDb(urls.api, { pool: { max: 1 } });
  owner = createDb(urls.worker, { pool: { max: 1 } });
  const rows = await owner('information_schema.tables')
    .where({ table_schema: 'public', table_type: 'BASE TABLE' })
    .select('table_name');
  tables = rows.map((r: { tableName: string }) => r.tableName).sort();
});
after(async () => {
  await Promise.all([api.destroy(), owner.destroy()]);
});

async function denied(sql: string, bindings: readonly Knex.RawBinding[] = []): Promise<void> {
  await assert.rejects(api.raw(sql, bindings), (err: { code?: string }) => {
    assert.equal(err.code, '42501', `${sql}: expected permission denied, got ${err.code}`);
    return true;
  });
}

describe('the API database role', () => {
  it('sees every table the migrations made', () => {
    for (const t of [
      'users',
      'partner_applications',
      'partners',
      'tasks',
      'outbox',
      'settlement_statements',
      'settlement_lines',
      'knex_migrations',
    ]) {
      assert.ok(tables.includes(t), `missing table ${t}`);
    }
  });

  it('can SELECT from every table', async () => {
    for (const table of tables) await api.raw('SELECT * FROM ?? LIMIT 1', [table]);
  });

  it('cannot INSERT, UPDATE, DELETE or TRUNCATE any table', async () => {
    for (const table of tables) {
      await denied('INSERT INTO ?? DEFAULT VALUES', [table]);
      const [col] = (await owner('information_schema.columns')
        .where({ table_name: table })
        .select('column_name')) as { columnName: string }[];
      await denied('UPDATE ?? SET ?? = ?? WHERE false', [table, col!.columnName, col!.columnName]);
      await denied('DELETE FROM ?? WHERE false', [table]);
      await denied('TRUNCATE ??', [table]);
    }
  });

  it('cannot create, alter or drop tables, temporary ones included', async () => {
    await denied('CREATE TABLE api_was_here (id int)');
    await denied('CREATE TEMP TABLE api_was_here (id int)');
    await denied('ALTER TABLE users ADD COLUMN api_was_here int');
    await denied('DROP TABLE outbox');
    await denied('CREATE INDEX api_idx ON users (name)');
  });

  it('gets SELECT on tables added later (default privileges), without any grant of its own', async () => {
    const name = `later_${Date.now()}`;
    await owner.schema.createTable(name, (t) => t.increments('id'));
    try {
      await api.raw('SELECT * FROM ??', [name]);
      await denied('INSERT INTO ?? DEFAULT VALUES', [name]);
    } finally {
      await owner.schema.dropTable(name);
    }
  });
});
