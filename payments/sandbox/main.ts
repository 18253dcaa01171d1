// `npm run sandbox`: the Toss Payments sandbox on SANDBOX_PORT (default 4010), with its records in its own database.
import { loadDotEnv } from '../../infra/config';
import { createSandboxApp } from './app';
import { loadSandboxConfig } from './config';
import { createSandboxDb, prepareSandboxDatabase } from './db';

loadDotEnv();
const config = loadSandboxConfig();
await prepareSandboxDatabase(config.databaseUrl);
const db = createSandboxDb(config.databaseUrl);
const sandbox = createSandboxApp({ db, publicUrl: config.publicUrl, hangMs: config.timeoutHangMs });
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
