// The worker process: serves the domains in WORKER_DOMAINS (default all) until SIGINT / SIGTERM.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createDb } from '../db/knex';
import { ConfigError, loadConfig, loadDotEnv } from '../infra/config';
import { createLogger, flushLogs } from '../infra/logger';
import { dataConverterFor } from '../infra/payloadCodec';
import { createRedis } from '../infra/redis';
import { createWorkers, installRuntime } from './createWorkers';
import { createActivityDeps } from './deps';
import { ensureSettlementSchedule } from './settlementSchedule';

loadDotEnv();
let config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(78);
  }
  throw err;
}
const log = createLogger('worker', config.logLevel);
installRuntime(log, 'WARN', config.workerMetricsAddress || undefined);
const db = createDb(config.databaseUrl, { pool: { max: 20 } });
const redis = createRedis(config.redisUrl, config.redisKeyPrefix);
redis.on('error', (err) => log.warn({ err: err.message }, 'redis error'));
const connection = await NativeConnection.connect({ address: config.temporal.address });
// Activities that start workflows (a paid cycle's fulfilment) use a client of their own.
const clientConnection = await Connection.connect({ address: config.temporal.address });
const client = new Client({
  connection: clientConnection,
  namespace: config.temporal.namespace,
  dataConverter: dataConverterFor(config.payloadKeys),
});
const workers = await createWorkers({
  config,
  connection,
  deps: createActivityDeps(config, { db, log, redis, client }),
});
// The billing workers own the settlement Schedule: created, or updated to this configuration, at every start.
if (config.workerDomains.includes('billing')) {
  await ensureSettlementSchedule(client, config);
  log.info({ settlement: config.settlement }, 'settlement schedule ready');
}
log.info(
  { domains: config.workerDomains, taskQueuePrefix: config.temporal.taskQueuePrefix },
  'worker started',
);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'draining worker');
  for (const w of workers) w.shutdown();
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));

await Promise.all(workers.map((w) => w.run()));
await connection.close();
await clientConnection.close();
await db.destroy();
redis.disconnect();
log.info('worker stopped');
flushLogs();
