import type { Knex } from 'knex';
import type { ImageStore } from '../infra/imageStore';
import type { Logger } from '../infra/logger';
import type { Redis } from '../infra/redis';

/** What activities need from the outside world; tests pass real or fake ones. */
export interface ActivityDeps {
  db: Knex;
  log: Logger;
  redis: Redis;
  /** The key prefix `redis` applies (pub/sub channels are not keys, so it is added by hand). */
  redisPrefix: string;
  images: ImageStore;
}
