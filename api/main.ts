// The API process: serves /api and the built UI on API_HOST:API_PORT until SIGINT / SIGTERM.
import { dataConverterFor } from '../infra/payloadCodec';
import { Client, Connection } from '@temporalio/client';
import { createDb } from '../db/knex';
import { ConfigError, loadConfig, loadDotEnv } from '../infra/config';
import { createImageStore } from '../infra/imageStore';
import { createLogger, flushLogs } from '../infra/logger';
import { createRedis } from '../infra/redis';
import http from 'node:http';
import { apiHandler, createApp } from './app';

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
const log = createLogger('api', config.logLevel);
const db = createDb(config.apiDatabaseUrl, { pool: { max: 20 } });
const redis = createRedis(config.redisUrl, config.redisKeyPrefix);
redis.on('error', (err) => log.warn({ err: err.message }, 'redis error'));
const subscriber = createRedis(config.redisUrl, config.redisKeyPrefix);
subscriber.on('error', () => undefined); // reported through the main connection
const images = createImageStore(config.images.dir);
const connection = await Connection.connect({ address: config.temporal.address });
const temporal = new Client({
  connection,
  namespace: config.temporal.namespace,
  dataConverter: dataConverterFor(config.payloadKeys),
});
const app = createApp({ config, db, redis, subscriber, images, temporal, log });
const server = http.createServer(apiHandler(app)).listen(config.api.port, config.api.host, () => {
  log.info({ url: `http://${config.api.host}:${config.api.port}` }, 'api listening');
});

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'closing api');
  server.close(async () => {
    subscriber.disconnect();
    await Promise.allSettled([db.destroy(), connection.close(), redis.quit()]);
    log.info('api stopped');
    flushLogs();
    process.exit(0);
  });
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 10_000).unref();
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
