// The worker process: serves the domains in WORKER_DOMAINS (default all) until SIGINT / SIGTERM, then drains: it
// stops polling, lets in-flight activities finish (up to WORKER_SHUTDOWN_GRACE) and exits 0.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createDb } from '../db/knex';
import { createLogger, flushLogs } from '../infra/logger';
import { createBusinessMetrics } from '../infra/metrics';
import { dataConverterFor } from '../infra/payloadCodec';
import { createRedis } from '../infra/redis';
import { loadConfigOrExit, mustReach, withoutPassword } from '../infra/startup';
import { ensureRetentionSchedule } from './accountSchedule';
import { createWorkers, installRuntime } from './createWorkers';
import { createActivityDeps } from './deps';
import { serveMetrics } from './metricsServer';
import { ensureDigestSchedule, ensureNotifier } from './notifier';
import { ensureReconcileSchedule } from './reconcileSchedule';
import { ensureSettlementSchedule } from './settlementSchedule';

const config = loadConfigOrExit();
const log = createLogger('worker', config.logLevel);
installRuntime(log, 'WARN', config.workerMetricsAddress || undefined);
const metrics = createBusinessMetrics({ processMetrics: true });
const metricsServer = config.workerBusinessMetricsAddress
  ? await serveMetrics(metrics.registry, config.workerBusinessMetricsAddress, {
      log,
      token: config.metricsToken,
    })
  : null;
const db = createDb(config.databaseUrl, { pool: { max: 20 } });
await mustReach('PostgreSQL', 'DATABASE_URL', withoutPassword(config.databaseUrl), () => db.raw('select 1'));
// Redis is not required to start: catalog invalidations are published when it is back.
const redis = createRedis(config.redisUrl, config.redisKeyPrefix);
redis.on('error', (err) => log.warn({ err: err.message }, 'redis error'));
const connection = await mustReach('Temporal', 'TEMPORAL_ADDRESS', config.temporal.address, () =>
  NativeConnection.connect({ address: config.temporal.address }),
);
// Activities that start workflows (a paid cycle's fulfilment) use a client of their own.
const clientConnection = await mustReach('Temporal', 'TEMPORAL_ADDRESS', config.temporal.address, () =>
  Connection.connect({ address: config.temporal.address, connectTimeout: '10s' }),
);
const client = new Client({
  connection: clientConnection,
  namespace: config.temporal.namespace,
  dataConverter: dataConverterFor(config.payloadKeys),
});
// Aborted when draining starts: the notifier's delivery activity (minutes long) returns after its sends in flight
// instead of holding the drain for the whole grace time.
const draining = new AbortController();
const deps = createActivityDeps(config, { db, log, redis, client, metrics, stopping: draining.signal });
const workers = await createWorkers({ config, connection, deps });
// The billing workers own the settlement Schedule: created, or updated to this configuration, at every start.
if (config.workerDomains.includes('billing')) {
  await ensureSettlementSchedule(client, config);
  log.info({ settlement: config.settlement }, 'settlement schedule ready');
  // And the reconciler's: every RECONCILE_INTERVAL, repairing only where RECONCILE_REPAIR says so.
  const scheduled = await ensureReconcileSchedule(client, config);
  log.info(
    { reconcile: config.reconcile },
    scheduled ? 'reconcile schedule ready' : 'reconcile schedule off',
  );
}
// The accounts workers own the retention sweep's Schedule (records deleted accounts keep, erased when due).
if (config.workerDomains.includes('accounts')) {
  await ensureRetentionSchedule(client, config);
  log.info({ sweepIntervalMs: config.account.sweepIntervalMs }, 'retention schedule ready');
}
// The notifications workers own the notifier workflow and the digest Schedule, brought to this configuration.
if (config.workerDomains.includes('notifications')) {
  await ensureNotifier(client, config);
  await ensureDigestSchedule(client, config);
  log.info(
    {
      smtp: withoutPassword(config.notify.smtpUrl),
      solapi: !!config.notify.solapi,
      digest: config.notify.digestCron,
    },
    'notifier ready',
  );
}

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info({ signal, graceMs: config.workerShutdownGraceMs }, 'draining worker');
  draining.abort();
  // The SDK also listens for these signals; whichever comes first shuts a worker down, the other finds it stopping.
  for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));

const running = Promise.all(workers.map((w) => w.run()));
log.info(
  { domains: config.workerDomains, taskQueuePrefix: config.temporal.taskQueuePrefix },
  'worker started',
);
let code = 0;
try {
  await running;
} catch (err) {
  // A fatal worker error, or activities still running when the forced shutdown time ran out.
  log.error({ err }, 'worker failed');
  code = 1;
}
metricsServer?.close();
await Promise.allSettled([
  connection.close(),
  clientConnection.close(),
  db.destroy(),
  ...Object.values(deps.notify.channels).map((c) => c.close()),
]);
redis.disconnect();
log.info({ code }, 'worker stopped');
flushLogs();
process.exit(code);
