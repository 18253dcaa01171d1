import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { createFulfilmentStarter } from '../activities/fulfilment';
import type { ActivityDeps } from '../activities';
import { createTossClient } from '../payments/client';
import { createTossRateLimiter } from '../payments/rateLimit';
import { subscriptionSettings, type Config } from '../infra/config';
import { createImageStore } from '../infra/imageStore';
import type { Logger } from '../infra/logger';
import { createBusinessMetrics, type BusinessMetrics } from '../infra/metrics';
import { activityScopedLogger } from '../activities/log';
import type { Redis } from '../infra/redis';
import { createSecretBox } from '../infra/secretBox';
import type { NotifyDeps } from '../activities/deps';
import type { ReconcileSettings } from '../activities/reconcile';
import { createEmailChannel } from '../notifications/email';
import { createSolapiChannels } from '../notifications/solapi';

/** The notifier's channels for a configuration: e-mail always, 알림톡 / SMS when SOLAPI's keys are set. */
export function createNotifyDeps(config: Readonly<Config>, stopping?: AbortSignal): NotifyDeps {
  const n = config.notify;
  const email = createEmailChannel({
    smtpUrl: n.smtpUrl,
    from: n.mailFrom,
    timeoutMs: n.sendTimeoutMs,
    maxConnections: n.concurrency,
  });
  const phone = n.solapi ? createSolapiChannels(n.solapi) : null;
  return {
    channels: { email, ...(phone ? { sms: phone.sms, ...(phone.kakao ? { kakao: phone.kakao } : {}) } : {}) },
    publicUrl: config.api.publicUrl.replace(/\/+$/, ''),
    solapi: n.solapi ? { kakaoTemplates: n.solapi.kakaoTemplates } : null,
    stopping: stopping ?? new AbortController().signal,
  };
}

/** What the reconciler needs from a configuration: a restarted workflow runs on the durations new ones get. */
export function reconcileSettings(config: Readonly<Config>): ReconcileSettings {
  return {
    taskQueuePrefix: config.temporal.taskQueuePrefix,
    subscriptionSettings: subscriptionSettings(config.subscription),
    fulfilmentSettings: {
      autoDeliverMs: config.fulfilment.autoDeliverMs,
      escalationSlaMs: config.fulfilment.escalationSlaMs,
    },
    settleMs: config.reconcile.settleMs,
    taskSlaMs: config.reconcile.taskSlaMs,
  };
}

/** The activities' dependencies for a configuration (the worker process and the tests build them the same way). */
export function createActivityDeps(
  config: Readonly<Config>,
  base: {
    db: Knex;
    log: Logger;
    redis: Redis;
    client: Client;
    metrics?: BusinessMetrics;
    /** Aborted when the process starts draining (the notifier's long activity then returns early). */
    stopping?: AbortSignal;
  },
): ActivityDeps {
  const { client, log, metrics, stopping, ...rest } = base;
  const limit = config.toss.rateLimit;
  // One limit for the provider account, whichever worker process or activity calls it.
  const limiter = createTossRateLimiter({
    redis: base.redis,
    key: 'toss:request-slots',
    perSecond: limit.perSecond,
    maxWaitMs: limit.maxWaitMs,
    slackMs: limit.slackMs,
    withoutRedis:
      limit.withoutRedis === 'local' ? { mode: 'local', processes: limit.processes } : { mode: 'closed' },
    onSourceChange: (source, err) =>
      source === 'redis'
        ? base.log.info('toss rate limit: shared through Redis again')
        : base.log.warn(
            { err: err?.message, perSecond: source === 'local' ? limit.perSecond / limit.processes : 0 },
            source === 'local'
              ? 'toss rate limit: Redis unreachable, this process keeps to its share'
              : 'toss rate limit: Redis unreachable, no requests to Toss until it is back',
          ),
  });
  return {
    ...rest,
    temporal: client,
    log: activityScopedLogger(log),
    metrics: metrics ?? createBusinessMetrics(),
    redisPrefix: config.redisKeyPrefix,
    images: createImageStore(config.images.dir),
    toss: createTossClient({
      baseUrl: config.toss.apiUrl,
      secretKey: config.toss.secretKey,
      connectTimeoutMs: config.toss.connectTimeoutMs,
      readTimeoutMs: config.toss.readTimeoutMs,
      limiter,
    }),
    secrets: createSecretBox(config.billingKeys.secrets, config.billingKeys.activeId),
    shipWithinMs: config.subscription.shipWithinMs,
    fulfilment: createFulfilmentStarter(client, {
      taskQueuePrefix: config.temporal.taskQueuePrefix,
      autoDeliverMs: config.fulfilment.autoDeliverMs,
      escalationSlaMs: config.fulfilment.escalationSlaMs,
    }),
    demoData: config.toss.secretKey.startsWith('test_'),
    notify: createNotifyDeps(config, stopping),
    reconcile: reconcileSettings(config),
  };
}
