import knexPkg, { type Knex } from 'knex';
import { fileURLToPath } from 'node:url';
import { adminUrl, ensureDatabase } from '../../db/setup';

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

/** The sandbox's own database (role, database, migrations; idempotent); `admin` is a superuser's URL on that server. */
export async function prepareSandboxDatabase(url: string, admin = adminUrl()): Promise<void> {
  await ensureDatabase(admin, url);
  const db = createSandboxDb(url);
  try {
    await migrateSandbox(db);
  } finally {
    await db.destroy();
  }
}
