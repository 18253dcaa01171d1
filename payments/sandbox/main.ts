// `npm run sandbox`: the Toss Payments sandbox on SANDBOX_PORT (default 4010), with its records in its own database.
import { ensureDatabase } from '../../db/setup';
import { loadDotEnv } from '../../infra/config';
import { createSandboxApp } from './app';
import { loadSandboxConfig } from './config';
import { createSandboxDb, migrateSandbox } from './db';

loadDotEnv();
const config = loadSandboxConfig();
await ensureDatabase(
  process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  config.databaseUrl,
);
const db = createSandboxDb(config.databaseUrl);
await migrateSandbox(db);
const sandbox = createSandboxApp({ db, publicUrl: config.publicUrl });
await sandbox.restore();
const server = sandbox.app.listen(config.port, config.host, () => {
  console.log(
    JSON.stringify({ level: 30, name: 'sandbox', msg: 'toss sandbox listening', url: config.publicUrl }),
  );
});
const stop = () => {
  server.close(() => void db.destroy().then(() => process.exit(0)));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 5000).unref();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
