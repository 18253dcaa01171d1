import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import type Koa from 'koa';
import type { Me } from '../domain/accounts';
import { AppError } from '../domain/errors';
import type { Config } from '../infra/config';
import type { ImageStore } from '../infra/imageStore';
import type { Logger } from '../infra/logger';
import type { HttpMetrics } from '../infra/metrics';
import type { Redis } from '../infra/redis';

/** What the API process is built from; tests build it with their own. */
export interface ApiDeps {
  config: Readonly<Config>;
  /** The read-only pool (the API's role has SELECT only). */
  db: Knex;
  redis: Redis;
  /** A second connection for pub/sub (catalog invalidations); optional in unit tests. */
  subscriber?: Redis;
  images: ImageStore;
  temporal: Client;
  log: Logger;
  /** This process's request metrics, served at /metrics (createApp makes a registry when none is given). */
  metrics?: HttpMetrics;
}

/** A signed-in session as stored in Redis (keyed by a hash of the opaque id). */
export interface SessionData {
  userId: string;
  csrf: string;
  createdAt: number;
}

export interface ApiState {
  requestId: string;
  log: Logger;
  session: (SessionData & { key: string }) | null;
  sessionUnavailable: boolean;
  user: Me | null;
}

export type ApiContext = Koa.ParameterizedContext<ApiState>;

/** The signed-in partner's id; an account without an approved partner is refused. */
export function partnerIdOf(ctx: ApiContext): string {
  const partnerId = ctx.state.user?.partnerId;
  if (!partnerId) throw new AppError('FORBIDDEN', 'This needs an approved partner account');
  return partnerId;
}
