// The API as the catalog benchmark runs it: its own process, the bench database, real Redis, production logging.
import { Client, Connection } from '@temporalio/client';
import http from 'node:http';
import { apiHandler, createApp } from '../api/app';
import { createDb } from '../db/knex';
import { loadConfig } from '../infra/config';
import { createImageStore } from '../infra/imageStore';
import { createLogger } from '../infra/logger';
import { createRedis } from '../infra/redis';

const config = loadConfig();
const log = createLogger('api', config.logLevel);
const redis = createRedis(config.redisUrl, config.redisKeyPrefix);
const subscriber = createRedis(config.redisUrl, config.redisKeyPrefix);
// The catalog never talks to Temporal; a lazy connection is never opened.
const temporal = new Client({ connection: Connection.lazy({ address: config.temporal.address }) });
const app = createApp({
  config,
  db: createDb(config.apiDatabaseUrl, { pool: { max: 20 } }),
  redis,
  subscriber,
  images: createImageStore(config.images.dir),
  temporal,
  log,
});
const server = http
  .createServer(apiHandler(app))
  .listen(config.api.port, '127.0.0.1', () => process.send?.({ ready: config.api.port }));
process.on('SIGTERM', () => {
  server.close();
  process.exit(0);
});
