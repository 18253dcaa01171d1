// The API process: serves /api, /metrics and the built UI on API_HOST:API_PORT until SIGINT / SIGTERM, then stops
// taking connections, lets in-flight requests finish (up to API_SHUTDOWN_GRACE) and closes its pools.
import { Client, Connection } from '@temporalio/client';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDb } from '../db/knex';
import { createImageStore } from '../infra/imageStore';
import { createLogger, flushLogs } from '../infra/logger';
import { createHttpMetrics } from '../infra/metrics';
import { dataConverterFor } from '../infra/payloadCodec';
import { createRedis } from '../infra/redis';
import { legalLibrary } from '../infra/legal';
import { EXIT_CONFIG, loadConfigOrExit, mustReach, withoutPassword } from '../infra/startup';
import { apiHandler, createApp } from './app';

const config = loadConfigOrExit();
const log = createLogger('api', config.logLevel);
// The legal documents must be there and well formed before anyone can be asked to agree to them.
try {
  const docs = legalLibrary(config.legal.dir, (err) =>
    log.error({ err: err.message }, 'legal document'),
  ).list();
  const templates = docs.filter((d) => d.template).map((d) => `${d.slug}.ko.md`);
  if (config.env === 'production' && templates.length > 0)
    log.warn({ templates }, `LEGAL_DIR=${config.legal.dir} still holds the shipped templates: replace them`);
} catch (err) {
  console.error(`Invalid configuration:\n  LEGAL_DIR: ${(err as Error).message}`);
  flushLogs();
  process.exit(EXIT_CONFIG);
}
if (config.env === 'production' && config.businessPlaceholders.length > 0)
  log.warn(
    { settings: config.businessPlaceholders },
    'the footer shows placeholder business information: set these settings',
  );
const db = createDb(config.apiDatabaseUrl, { pool: { max: 20 } });
await mustReach('PostgreSQL', 'API_DATABASE_URL', withoutPassword(config.apiDatabaseUrl), () =>
  db.raw('select 1'),
);
// Redis is not required to start: sessions and caches degrade (readyz names it) and come back with it.
const redis = createRedis(config.redisUrl, config.redisKeyPrefix);
redis.on('error', (err) => log.warn({ err: err.message }, 'redis error'));
const subscriber = createRedis(config.redisUrl, config.redisKeyPrefix);
subscriber.on('error', () => undefined); // reported through the main connection
const images = createImageStore(config.images.dir);
const connection = await mustReach('Temporal', 'TEMPORAL_ADDRESS', config.temporal.address, () =>
  Connection.connect({ address: config.temporal.address, connectTimeout: '10s' }),
);
const temporal = new Client({
  connection,
  namespace: config.temporal.namespace,
  dataConverter: dataConverterFor(config.payloadKeys),
});
const metrics = createHttpMetrics({ processMetrics: true });
const app = createApp({ config, db, redis, subscriber, images, temporal, log, metrics });
const server = http.createServer(apiHandler(app));
server.once('error', (err) => {
  console.error(
    `Cannot listen on ${config.api.host}:${config.api.port} (API_HOST / API_PORT): ${err.message}`,
  );
  flushLogs();
  process.exit(1);
});
server.listen(config.api.port, config.api.host, () => {
  const { port } = server.address() as AddressInfo;
  log.info({ url: `http://${config.api.host}:${port}` }, 'api listening');
});

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info({ signal, graceMs: config.apiShutdownGraceMs }, 'closing api');
  const force = setTimeout(() => {
    log.error('requests still in flight after API_SHUTDOWN_GRACE: exiting');
    flushLogs();
    process.exit(1);
  }, config.apiShutdownGraceMs);
  force.unref();
  server.close(async () => {
    subscriber.disconnect();
    await Promise.allSettled([db.destroy(), connection.close(), redis.quit()]);
    clearTimeout(force);
    log.info('api stopped');
    flushLogs();
    process.exit(0);
  });
  // Keep-alive connections: closed as soon as their request has been answered.
  server.closeIdleConnections();
  setInterval(() => server.closeIdleConnections(), 100).unref();
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
