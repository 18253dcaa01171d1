import knexPkg, { type Knex } from 'knex';
import { fileURLToPath } from 'node:url';

/** The sandbox's own database (plain snake_case columns, its own migrations). */
export function createSandboxDb(connectionString: string): Knex {
  return knexPkg({
    client: 'pg',
    connection: { connectionString, application_name: 'toss-sandbox' },
    pool: { min: 0, max: 10 },
    migrations: {
      directory: fileURLToPath(new URL('./migrations', import.meta.url)),
      loadExtensions: ['.ts'],
      tableName: 'knex_migrations',
    },
  });
}

export async function migrateSandbox(db: Knex): Promise<void> {
  await db.migrate.latest();
}
