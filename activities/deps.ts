import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import type { FulfilmentInput, FulfilmentSettings } from '../domain/fulfilment';
import type { SubscriptionSettings } from '../domain/subscription';
import type { TossClient } from '../payments/client';
import type { ImageStore } from '../infra/imageStore';
import type { Logger } from '../infra/logger';
import type { BusinessMetrics } from '../infra/metrics';
import type { Redis } from '../infra/redis';
import type { SecretBox } from '../infra/secretBox';
import type { ChannelSet } from '../notifications/channels';

/** Starts each paid cycle's fulfilment workflow (activities/fulfilment.ts builds it from a Temporal client). */
export interface FulfilmentStarter {
  /** Idempotent: a second start for the same order keeps the running (or finished) one. */
  start(input: FulfilmentInput): Promise<void>;
  /** The settings every fulfilment starts with. */
  settings: FulfilmentSettings;
}

/** What the notifier needs: its channels and what planning and rendering read from the configuration. */
export interface NotifyDeps {
  /** The channels this deployment has (e-mail always; 알림톡 / SMS with SOLAPI's keys). */
  channels: ChannelSet;
  /** PUBLIC_URL without a trailing slash: every link in a message is absolute. */
  publicUrl: string;
  /** SOLAPI is configured (null: e-mail only), with the templates Kakao approved for 알림톡. */
  solapi: { kakaoTemplates: Readonly<Record<string, string>> } | null;
  /** Aborted when the worker process starts draining: a delivery activity returns after its sends in flight. */
  stopping: AbortSignal;
}

/** What the reconciler needs besides the database and Temporal (from the configuration). */
export interface ReconcileSettings {
  taskQueuePrefix: string;
  /** A restarted subscription runs on the durations new ones get. */
  subscriptionSettings: SubscriptionSettings;
  fulfilmentSettings: FulfilmentSettings;
  /** The pause between a candidate's two looks: a step in flight (workflow ahead of its row) settles meanwhile. */
  settleMs: number;
  /** The admins' time to look at a mismatch's inbox task. */
  taskSlaMs: number;
  /** Rows per PostgreSQL page and workflows per visibility page. */
  pageSize?: number;
}

/** What activities need from the outside world; tests pass real or fake ones. */
export interface ActivityDeps {
  db: Knex;
  /** Inside an activity, its lines carry workflowId, runId and activityType (see activityScopedLogger). */
  log: Logger;
  /** Business counters (charges, dunning, refunds, settlements, escalations), served by the worker at /metrics. */
  metrics: BusinessMetrics;
  redis: Redis;
  /** The key prefix `redis` applies (pub/sub channels are not keys, so it is added by hand). */
  redisPrefix: string;
  images: ImageStore;
  /** The payment provider (Toss or the sandbox). */
  toss: TossClient;
  /** Seals billing keys at rest. */
  secrets: SecretBox;
  /** How long a partner has to ship a paid cycle. */
  shipWithinMs: number;
  /** Starts each paid cycle's fulfilment workflow (idempotent), with the fulfilment settings. */
  fulfilment: FulfilmentStarter;
  /** Temporal, for activities that message workflows (a price change reaching each subscription's workflow). */
  temporal: Client;
  /** Whether this deployment may import demo history (a sandbox deployment: the Toss key is a test key). */
  demoData: boolean;
  /** Messages: the channels the notifier delivers through (docs/architecture.md#messages). */
  notify: NotifyDeps;
  /** The reconciler: task queues and durations a restarted workflow needs, its settle time and task SLA. */
  reconcile: ReconcileSettings;
}
