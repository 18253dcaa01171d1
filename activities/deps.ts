import type { Knex } from 'knex';
import type { Logger } from '../infra/logger';

/** What activities need from the outside world; tests pass real or fake ones. */
export interface ActivityDeps {
  db: Knex;
  log: Logger;
}
