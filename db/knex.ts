import knexPkg, { type Knex } from 'knex';
import { knexSnakeCaseMappers } from 'objection';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

// pg returns bigint (int8) as string by default; our counts and KRW sums fit in a JS number.
pg.types.setTypeParser(20, (v) => Number(v));

export const migrationsDirectory = fileURLToPath(new URL('./migrations', import.meta.url));

/** A knex pool on one connection URL, with snake_case columns mapped to camelCase properties. */
export function createDb(
  connectionString: string,
  opts: { pool?: { min?: number; max?: number } } = {},
): Knex {
  return knexPkg({
    client: 'pg',
    connection: { connectionString, application_name: 'dalgona' },
    pool: { min: 0, max: 10, ...opts.pool },
    migrations: { directory: migrationsDirectory, loadExtensions: ['.ts'], tableName: 'knex_migrations' },
    ...knexSnakeCaseMappers(),
  });
}

/** Runs every pending migration; returns the names applied. */
export async function migrateLatest(db: Knex): Promise<string[]> {
  const [, applied] = (await db.migrate.latest()) as [number, string[]];
  return applied;
}

export type { Knex };
