// knex CLI entry (e.g. `npx knex --knexfile db/knexfile.ts migrate:status`); the app uses db/knex.ts.
import { loadConfig, loadDotEnv } from '../infra/config';
import { migrationsDirectory } from './knex';

loadDotEnv();
const config = loadConfig();

export default {
  client: 'pg',
  connection: config.databaseUrl,
  migrations: { directory: migrationsDirectory, loadExtensions: ['.ts'], tableName: 'knex_migrations' },
};
