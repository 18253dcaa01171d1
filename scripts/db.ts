// `npm run db:setup` creates roles and databases (dev and test); `npm run db:migrate` migrates both.
import { adminUrl, ensureDatabase } from '../db/setup';
import { createDb, migrateLatest } from '../db/knex';
import { loadConfig, loadDotEnv } from '../infra/config';
import { testDatabaseUrls } from './testEnv';

loadDotEnv();
const config = loadConfig();
const targets = [{ name: 'dev', worker: config.databaseUrl, api: config.apiDatabaseUrl }];
if (process.argv.includes('--with-test') || process.argv[2] === 'setup') {
  targets.push({ name: 'test', ...testDatabaseUrls(process.env) });
}

export async function setup(): Promise<void> {
  for (const t of targets) {
    await ensureDatabase(adminUrl(), t.worker, t.api);
    console.log(`database ready (${t.name}): ${new URL(t.worker).pathname.slice(1)}`);
  }
}

export async function migrate(): Promise<void> {
  for (const t of targets) {
    const db = createDb(t.worker, { pool: { max: 1 } });
    try {
      const applied = await migrateLatest(db);
      console.log(`migrated (${t.name}): ${applied.length ? applied.join(', ') : 'up to date'}`);
    } finally {
      await db.destroy();
    }
  }
}

const command = process.argv[2];
if (command === 'setup') await setup().then(migrate);
else if (command === 'setup-prod')
  await setup().then(migrate); // deployments: no test database
else if (command === 'migrate') await migrate();
else {
  console.error('usage: tsx scripts/db.ts setup|setup-prod|migrate [--with-test]');
  process.exit(2);
}
