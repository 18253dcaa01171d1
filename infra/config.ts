import ms from 'ms';
import { z } from 'zod';
import { domains, type Domain } from '../domain/taskQueues';
import { createSecretBox, parseKeys, type SecretKey } from './secretBox';
import type { SubscriptionSettings } from '../domain/subscription';
import type { NotifierInput } from '../domain/notifications';
import type { BusinessInfo } from '../domain/legal';
import type { RetentionPeriods } from '../domain/accountLifecycle';
import { normaliseMailOrderNumber } from '../domain/legal';
import {
  formatBusinessNumber,
  isValidBusinessNumber,
  normaliseBusinessNumber,
} from '../domain/businessNumber';

/** The development key for billing keys at rest: fine on a laptop, refused in production. */
const DEV_SECRET = Buffer.from('dalgona-development-only-key-000').toString('base64');
const DEV_PAYLOAD_KEY = Buffer.from('dalgona-dev-only-payload-key-000').toString('base64');
const DEV_WORKFLOW_ID_SECRET = Buffer.from('dalgona-dev-only-workflow-id-key').toString('base64');
/** The operators' codec token on a laptop (`--codec-auth "Bearer …"`); refused in production. */
const DEV_CODEC_TOKEN = 'dalgona-development-only-codec-token';

const toMs = (v: string, ctx: z.RefinementCtx): number => {
  const n = ms(v as ms.StringValue);
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not a duration like 500ms, 30s, 48h or 14d` });
    return z.NEVER;
  }
  return n;
};

const duration = (fallback: string) => z.string().default(fallback).transform(toMs);

/** A duration, or `0` for none. */
const durationOrNone = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v, ctx) => (v.trim() === '0' ? 0 : toMs(v, ctx)));

/** A comma-separated list of durations (`rising`: each longer than the one before), e.g. a retry ladder. */
const durationList = (fallback: string, rising: boolean) =>
  z
    .string()
    .default(fallback)
    .transform((v, ctx) => {
      const steps = v.split(',').map((p) => ms(p.trim() as ms.StringValue));
      if (
        steps.some((n) => typeof n !== 'number' || !Number.isFinite(n) || n <= 0) ||
        (rising && steps.some((n, i) => i > 0 && n <= steps[i - 1]!))
      ) {
        const what = rising ? 'a rising list of durations' : 'a list of durations';
        ctx.addIssue({ code: 'custom', message: `"${v}" is not ${what} like ${fallback}` });
        return z.NEVER;
      }
      return steps;
    });

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

// host:port to listen on, or `off` (an empty value means the default, like every other setting).
const address = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine(
      (v) => v === 'off' || /^[^\s:]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(v),
      'must be host:port or off',
    )
    .transform((v) => (v === 'off' ? '' : v));
/** An optional boolean setting: its value when set, else the fallback derived from other settings. */
const flag = (v: string | undefined, fallback: boolean) =>
  v === undefined ? fallback : v === 'true' || v === '1' || v === 'yes';

const url = (fallback: string) => z.string().default(fallback).pipe(z.url());

/**
 * The operator's business information for the footer (전자상거래법 §10). The defaults are placeholders marked (예시) so a
 * laptop runs; production warns at start until every one is set (infra/config.ts `businessPlaceholders`).
 */
export const BUSINESS_PLACEHOLDERS = {
  BUSINESS_NAME: '(예시) 주식회사 달고나',
  BUSINESS_REPRESENTATIVE: '(예시) 홍길동',
  BUSINESS_REGISTRATION_NUMBER: '000-00-00000',
  MAIL_ORDER_REPORT_NUMBER: '2026-예시-00000',
  BUSINESS_ADDRESS: '(예시) 서울특별시 ○○구 ○○로 00',
  BUSINESS_PHONE: '000-0000-0000',
  BUSINESS_EMAIL: 'help@dalgona.local',
  PRIVACY_OFFICER: '(예시) 홍길동 · privacy@dalgona.local',
} as const;
const businessText = (fallback: string) => z.string().trim().min(1).max(200).default(fallback);

/** Where the application's stores are when nothing says otherwise (a local PostgreSQL and Redis). */
export const connectionDefaults = Object.freeze({
  databaseUrl: 'postgres://dalgona_worker:dalgona_worker@127.0.0.1:5432/dalgona',
  apiDatabaseUrl: 'postgres://dalgona_api:dalgona_api@127.0.0.1:5432/dalgona',
  redisUrl: 'redis://127.0.0.1:6379/0',
});

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: url(connectionDefaults.databaseUrl),
  API_DATABASE_URL: url(connectionDefaults.apiDatabaseUrl),
  REDIS_URL: url(connectionDefaults.redisUrl),
  REDIS_KEY_PREFIX: z.string().default('dalgona:'),
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE_PREFIX: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .default('dalgona'),
  TEMPORAL_UI_URL: url('http://localhost:8233'),
  WORKER_DOMAINS: z.string().default('all'),
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(200),
  WORKER_WORKFLOW_TASK_SLOTS: z.coerce.number().int().min(2).default(100),
  WORKER_LOCAL_ACTIVITY_SLOTS: z.coerce.number().int().min(1).default(100),
  WORKER_ACTIVITY_SLOTS: z.coerce.number().int().min(1).default(100),
  WORKER_WORKFLOW_TASK_POLLERS: z.coerce.number().int().min(1).default(10),
  WORKER_METRICS_ADDRESS: address('127.0.0.1:9464'),
  WORKER_BUSINESS_METRICS_ADDRESS: address('127.0.0.1:9465'),
  WORKER_SHUTDOWN_GRACE: duration('30s'),
  API_SHUTDOWN_GRACE: duration('10s'),
  METRICS_TOKEN: z
    .string()
    .regex(/^[\x21-\x7e]{16,}$/, 'must be at least 16 printable characters without spaces')
    .optional(),
  // The bearer token operators' tools (the Temporal CLI's --codec-auth) send to the codec endpoint instead of an
  // admin's session cookie.
  CODEC_TOKEN: z
    .string()
    .regex(/^[\x21-\x7e]{32,}$/, 'must be at least 32 printable characters without spaces')
    .default(DEV_CODEC_TOKEN),
  // Unset: no limit. Temporal's task-queue limit for the billing queue's regular activities (not local ones).
  BILLING_MAX_ACTIVITIES_PER_SECOND: z.coerce.number().positive().optional(),
  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: url('http://localhost:3000'),
  UI_DIST: z.string().default('ui/build'),
  TRUST_PROXY: bool(false),
  // Unset: derived from PUBLIC_URL (https → Secure cookies, HSTS). Set to override, e.g. API_HSTS=false on a
  // domain whose TLS is not yet permanent.
  COOKIE_SECURE: z.enum(['true', 'false', '1', '0', 'yes', 'no']).optional(),
  API_HSTS: z.enum(['true', 'false', '1', '0', 'yes', 'no']).optional(),
  SESSION_TTL: duration('7d'),
  LOGIN_MAX_FAILS_PER_ACCOUNT: z.coerce.number().int().min(1).default(10),
  LOGIN_MAX_FAILS_PER_IP: z.coerce.number().int().min(1).default(100),
  LOGIN_FAIL_WINDOW: duration('15m'),
  // Accounts: password-reset and e-mail-verification links, their rate limits, and what a deleted account keeps for
  // the 전자상거래법 (contract, payment and delivery records 5 years, complaints 3 years), swept by a Schedule.
  PASSWORD_RESET_TTL: duration('1h'),
  EMAIL_VERIFICATION_TTL: duration('7d'),
  ACCOUNT_MAIL_MAX_PER_ACCOUNT: z.coerce.number().int().min(1).default(5),
  ACCOUNT_MAIL_MAX_PER_IP: z.coerce.number().int().min(1).default(50),
  ACCOUNT_MAIL_WINDOW: duration('1h'),
  RETENTION_CONTRACT: duration('1825d'),
  RETENTION_PAYMENT: duration('1825d'),
  RETENTION_DELIVERY: duration('1825d'),
  RETENTION_COMPLAINT: duration('1095d'),
  RETENTION_SWEEP_INTERVAL: duration('1d'),
  PARTNER_REVIEW_SLA: duration('48h'),
  PARTNER_APPLICATION_EXPIRY: duration('14d'),
  PRODUCT_REVIEW_SLA: duration('48h'),
  IMAGE_DIR: z.string().default('.data/images'),
  MAX_IMAGE_BYTES: z.coerce
    .number()
    .int()
    .min(10_000)
    .default(5 * 1024 * 1024),
  CATALOG_CACHE_TTL: duration('5m'),
  // `0` turns the dashboard's cache off (every request reads the read models).
  DASHBOARD_CACHE_TTL: z
    .string()
    .default('5s')
    .transform((v, ctx) => {
      const n = v === '0' ? 0 : ms(v as ms.StringValue);
      if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
        ctx.addIssue({ code: 'custom', message: `"${v}" is not 0 or a duration like 5s` });
        return z.NEVER;
      }
      return n;
    }),
  TOSS_API_URL: url('http://127.0.0.1:4010'),
  TOSS_SECRET_KEY: z
    .string()
    .regex(/^(test|live)_g?sk_[A-Za-z0-9_]+$/, 'must look like test_sk_… or live_sk_…')
    .default('test_sk_dalgona_sandbox_0000000000'),
  TOSS_CLIENT_KEY: z
    .string()
    .regex(/^(test|live)_g?ck_[A-Za-z0-9_]+$/, 'must look like test_ck_… or live_ck_…')
    .default('test_ck_dalgona_sandbox_0000000000'),
  TOSS_SDK_URL: url('http://localhost:4010/v2/standard'),
  TOSS_CONNECT_TIMEOUT: duration('3s'),
  TOSS_READ_TIMEOUT: duration('60s'),
  TOSS_MAX_REQUESTS_PER_SECOND: z.coerce.number().positive().default(50),
  TOSS_RATE_LIMIT_MAX_WAIT: duration('5s'),
  TOSS_RATE_LIMIT_SLACK: z
    .string()
    .default('50ms')
    .transform((v, ctx) => {
      const n = v === '0' ? 0 : ms(v as ms.StringValue);
      if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || n >= 1000) {
        ctx.addIssue({ code: 'custom', message: `"${v}" is not 0 or a duration under 1s like 50ms` });
        return z.NEVER;
      }
      return n;
    }),
  TOSS_RATE_LIMIT_WITHOUT_REDIS: z.enum(['local', 'closed']).default('local'),
  TOSS_RATE_LIMIT_PROCESSES: z.coerce.number().int().min(1).default(1),
  BILLING_KEY_SECRETS: z.string().default(`dev:${DEV_SECRET}`),
  BILLING_KEY_ACTIVE: z.string().default('dev'),
  PAYLOAD_KEYS: z.string().default(`dev:${DEV_PAYLOAD_KEY}`),
  PAYLOAD_KEY_ACTIVE: z.string().default('dev'),
  // Keys the hash in workflow ids derived from personal data (sign-up: the e-mail), so ids reveal nothing.
  WORKFLOW_ID_SECRET: z
    .string()
    .default(DEV_WORKFLOW_ID_SECRET)
    .refine((v) => Buffer.from(v, 'base64').length >= 32, 'must be base64 of at least 32 bytes'),
  SUBSCRIPTION_WEEK: duration('7d'),
  DUNNING_LADDER: durationList('1d,3d,5d', true),
  SHIP_WITHIN: duration('3d'),
  FULFILMENT_AUTO_DELIVER: duration('7d'),
  FULFILMENT_ESCALATION_SLA: duration('24h'),
  SUBSCRIPTION_HISTORY_LIMIT: z.coerce.number().int().min(20).default(2000),
  CHARGE_ERROR_BACKOFF: duration('1m'),
  CARD_CONNECT_WAIT: duration('15s'),
  CARD_CONNECT_BUDGET: duration('10m'),
  CARD_CHANGE_BUDGET: duration('20s'),
  // 결제 예정 안내 before each charge; a price increase's notice period and its reminder (전자상거래법 §13⑥), and what
  // an increase nobody accepted comes to on its date: end the subscription (default) or keep the old price.
  NOTICE_BEFORE_CHARGE: durationOrNone('3d'),
  PRICE_CHANGE_NOTICE: duration('30d'),
  PRICE_CHANGE_REMINDER: duration('7d'),
  PRICE_CHANGE_UNANSWERED: z.enum(['end', 'keep']).default('end'),
  SETTLEMENT_COMMISSION_RATE: z
    .string()
    .default('0.1')
    .transform((v, ctx) => {
      const rate = Number(v);
      const bps = Math.round(rate * 10000);
      if (!/^\d+(\.\d+)?$/.test(v.trim()) || rate > 1 || Math.abs(rate * 10000 - bps) > 1e-6) {
        ctx.addIssue({
          code: 'custom',
          message: `"${v}" is not a rate between 0 and 1 in basis points, like 0.1`,
        });
        return z.NEVER;
      }
      return bps;
    }),
  SETTLEMENT_CRON: z
    .string()
    .default('0 0 * * 1')
    .refine((v) => v.trim().split(/\s+/).length === 5, 'must be a five-field cron expression like 0 0 * * 1'),
  SETTLEMENT_TIMEZONE: z.string().default('Asia/Seoul'),
  SETTLEMENT_PERIOD: duration('7d'),
  SETTLEMENT_INTERVAL: z.string().transform(toMs).optional(),
  // The reconciler (docs/architecture.md#reconciling-postgresql-and-temporal): how often the Schedule runs a pass
  // (`off`: no Schedule; unset: 15m, off under NODE_ENV=test, where processes share one test database), whether it repairs
  // (unset: in development only; production reports), how long a candidate settles before its second look, and the
  // admins' time on a mismatch's inbox task.
  RECONCILE_INTERVAL: z
    .string()
    .optional()
    .transform((v, ctx) => (v === undefined ? undefined : v.trim() === 'off' ? null : toMs(v, ctx))),
  RECONCILE_REPAIR: z.enum(['true', 'false', '1', '0', 'yes', 'no']).optional(),
  RECONCILE_SETTLE: duration('2s'),
  RECONCILE_TASK_SLA: duration('24h'),
  // Messages (docs/architecture.md#messages): the SMTP relay (MailDev under `npm start`), the sender, SOLAPI's keys
  // (알림톡 / SMS; all four unset: e-mail only) and the notifier's timing.
  SMTP_URL: z
    .string()
    .default('smtp://127.0.0.1:1025')
    .refine((v) => /^smtps?:\/\/[^\s]+$/.test(v), 'must be smtp://[user:pass@]host:port or smtps://…'),
  MAIL_FROM: z.string().min(3).default('달고나 <no-reply@dalgona.local>'),
  SOLAPI_API_KEY: z.string().optional(),
  SOLAPI_API_SECRET: z.string().optional(),
  SOLAPI_SENDER: z
    .string()
    .regex(/^\d{8,12}$/, 'must be the registered sender number, digits only (e.g. 0212345678)')
    .optional(),
  SOLAPI_KAKAO_PF_ID: z.string().optional(),
  // template:KakaoTemplateId pairs (comma-separated): the 알림톡 templates Kakao approved; others go by SMS.
  SOLAPI_KAKAO_TEMPLATES: z.string().default(''),
  // Only for a stand-in (tests, demos): the SDK's requests to https://api.solapi.com go here instead.
  SOLAPI_BASE_URL: z.string().pipe(z.url()).optional(),
  NOTIFY_POLL_INTERVAL: duration('1s'),
  NOTIFY_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
  NOTIFY_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(10),
  NOTIFY_SEND_TIMEOUT: duration('30s'),
  NOTIFY_LEASE: duration('2m'),
  NOTIFY_RETRY_LADDER: durationList('30s,2m,10m,30m,1h,3h,6h', false),
  NOTIFY_ACTIVITY_SPAN: duration('5m'),
  NOTIFY_HEARTBEAT_TIMEOUT: duration('30s'),
  NOTIFY_LANES: z.coerce.number().int().min(1).max(16).default(1),
  NOTIFY_DIGEST_CRON: z
    .string()
    .default('0 8 * * *')
    .refine((v) => v.trim().split(/\s+/).length === 5, 'must be a five-field cron expression like 0 8 * * *'),
  NOTIFY_DIGEST_TIMEZONE: z.string().default('Asia/Seoul'),
  // The operator's legal documents (terms.ko.md, privacy.ko.md, refund.ko.md) and business information.
  LEGAL_DIR: z.string().default('legal'),
  BUSINESS_NAME: businessText(BUSINESS_PLACEHOLDERS.BUSINESS_NAME),
  BUSINESS_REPRESENTATIVE: businessText(BUSINESS_PLACEHOLDERS.BUSINESS_REPRESENTATIVE),
  BUSINESS_REGISTRATION_NUMBER: z
    .string()
    .default(BUSINESS_PLACEHOLDERS.BUSINESS_REGISTRATION_NUMBER)
    .refine(
      isValidBusinessNumber,
      'must be a 10-digit 사업자등록번호 with its check digit, like 124-81-00998',
    )
    .transform((v) => formatBusinessNumber(normaliseBusinessNumber(v)!)),
  MAIL_ORDER_REPORT_NUMBER: z
    .string()
    .default(BUSINESS_PLACEHOLDERS.MAIL_ORDER_REPORT_NUMBER)
    .refine(
      (v) => normaliseMailOrderNumber(v) !== null,
      'must be a 통신판매업 신고번호 like 2024-서울강남-01234',
    )
    .transform((v) => normaliseMailOrderNumber(v)!),
  BUSINESS_ADDRESS: businessText(BUSINESS_PLACEHOLDERS.BUSINESS_ADDRESS),
  BUSINESS_PHONE: z
    .string()
    .default(BUSINESS_PLACEHOLDERS.BUSINESS_PHONE)
    .refine((v) => /^\+?[0-9][0-9 -]{6,18}[0-9]$/.test(v), 'must be a phone number like 02-1234-5678'),
  BUSINESS_EMAIL: z.email().default(BUSINESS_PLACEHOLDERS.BUSINESS_EMAIL),
  PRIVACY_OFFICER: businessText(BUSINESS_PLACEHOLDERS.PRIVACY_OFFICER),
  ADMIN_EMAIL: z.email().default('admin@dalgona.local'),
  ADMIN_PASSWORD: z.string().min(10).default('dalgona-admin'),
});

/** The typed, frozen configuration every process reads once at start-up. */
export interface Config {
  env: 'development' | 'test' | 'production';
  logLevel: string;
  databaseUrl: string;
  apiDatabaseUrl: string;
  redisUrl: string;
  redisKeyPrefix: string;
  temporal: { address: string; namespace: string; taskQueuePrefix: string; uiUrl: string };
  workerDomains: Domain[];
  /** Worker tuning (see README: one worker process holds this many workflows in memory, runs this many tasks). */
  workerTuning: {
    maxCachedWorkflows: number;
    workflowTaskSlots: number;
    localActivitySlots: number;
    activitySlots: number;
    workflowTaskPollers: number;
    /** Temporal's server-side limit on the billing queue's regular activities per second (null: none). */
    billingMaxActivitiesPerSecond: number | null;
  };
  /** Where the worker serves the Temporal SDK's Prometheus metrics (host:port; empty: off). */
  workerMetricsAddress: string;
  /** Where the worker serves its business counters and process metrics at /metrics (host:port; empty: off). */
  workerBusinessMetricsAddress: string;
  /** How long a stopping worker lets in-flight activities finish before cancelling them. */
  workerShutdownGraceMs: number;
  /** How long a stopping API lets in-flight requests finish before it exits anyway. */
  apiShutdownGraceMs: number;
  /** The bearer token `/metrics` asks for; null: only direct requests from loopback / private addresses. */
  metricsToken: string | null;
  /** The bearer token that opens the codec endpoint without a session (operators' Temporal CLI). */
  codecToken: string;
  /** `hsts`: send Strict-Transport-Security (and upgrade-insecure-requests): the public URL is https. */
  api: { host: string; port: number; publicUrl: string; uiDist: string; trustProxy: boolean; hsts: boolean };
  /** Session and CSRF cookies carry `Secure` (the public URL is https unless COOKIE_SECURE says otherwise). */
  cookieSecure: boolean;
  sessionTtlMs: number;
  login: { maxFailsPerAccount: number; maxFailsPerIp: number; windowMs: number };
  /** Account mails (reset, verification): link lifetimes and request limits; what a deleted account keeps, how long. */
  account: {
    resetTtlMs: number;
    verifyTtlMs: number;
    mailMaxPerAccount: number;
    mailMaxPerIp: number;
    mailWindowMs: number;
    retentionMs: RetentionPeriods;
    sweepIntervalMs: number;
  };
  partner: { reviewSlaMs: number; expiryMs: number };
  product: { reviewSlaMs: number };
  images: { dir: string; maxBytes: number };
  catalog: { cacheTtlMs: number };
  dashboard: { cacheTtlMs: number };
  toss: {
    apiUrl: string;
    secretKey: string;
    clientKey: string;
    sdkUrl: string;
    connectTimeoutMs: number;
    readTimeoutMs: number;
    /** The account's request limit, shared by every worker process through Redis (payments/rateLimit.ts). */
    rateLimit: {
      perSecond: number;
      maxWaitMs: number;
      slackMs: number;
      /** While Redis is unreachable: each process keeps to perSecond / processes, or sends nothing. */
      withoutRedis: 'local' | 'closed';
      processes: number;
    };
  };
  admin: { email: string; password: string };
  /** Where the operator's legal documents are (LEGAL_DIR). */
  legal: { dir: string };
  /** The operator's business information (the footer of every page). */
  business: BusinessInfo;
  /** The business settings still at their (예시) placeholder: production warns at start while any is. */
  businessPlaceholders: string[];
  /** Partner settlement: the Schedule's calendar (cron in a time zone, or a fixed interval) and the commission. */
  /**
   * The reconciler: its Schedule's interval (null: no Schedule), auto-repair, the pause before a candidate's second
   * look, the task SLA.
   */
  reconcile: { intervalMs: number | null; repair: boolean; settleMs: number; taskSlaMs: number };
  settlement: {
    commissionBps: number;
    cron: string;
    timezone: string;
    /** When set, the Schedule fires every `intervalMs` instead of the cron (demos, tests). */
    intervalMs: number | null;
    /** The length of the period each run settles (the interval when one is set). */
    periodMs: number;
  };
  billingKeys: { secrets: SecretKey[]; activeId: string };
  /** Keys of the payload codec: every workflow and activity payload is encrypted with the active one. */
  payloadKeys: { keys: SecretKey[]; activeId: string };
  /** The HMAC key of workflow ids built from personal data (base64; see infra/emailDigest.ts). */
  workflowIdSecret: string;
  subscription: {
    weekMs: number;
    dunningLadderMs: number[];
    shipWithinMs: number;
    historyLimit: number;
    errorBackoffMs: number;
    connectWaitMs: number;
    connectBudgetMs: number;
    cardChangeBudgetMs: number;
    noticeBeforeChargeMs: number;
    priceChangeNoticeMs: number;
    priceChangeReminderMs: number;
    priceChangeUnanswered: 'end' | 'keep';
  };
  fulfilment: { autoDeliverMs: number; escalationSlaMs: number };
  /** Messages: channels and the notifier's timing (docs/architecture.md#messages). */
  notify: {
    smtpUrl: string;
    mailFrom: string;
    /** SOLAPI (알림톡 / SMS), or null: every message goes by e-mail. */
    solapi: {
      apiKey: string;
      apiSecret: string;
      sender: string;
      kakaoPfId: string | null;
      /** Our template name → Kakao's approved 알림톡 template id. */
      kakaoTemplates: Record<string, string>;
      baseUrl: string | null;
    } | null;
    pollIntervalMs: number;
    batchSize: number;
    concurrency: number;
    sendTimeoutMs: number;
    leaseMs: number;
    retryLadderMs: number[];
    activitySpanMs: number;
    heartbeatTimeoutMs: number;
    lanes: number;
    digestCron: string;
    digestTimezone: string;
  };
}

/** A bad or missing setting: the message names every offending variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads the environment once, validates it and returns a frozen config; fails fast with a clear message. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Readonly<Config> {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const workerDomains =
    e.WORKER_DOMAINS === 'all' ? [...domains] : e.WORKER_DOMAINS.split(',').map((d) => d.trim());
  const unknown = workerDomains.filter((d) => !(domains as readonly string[]).includes(d));
  if (unknown.length > 0) {
    throw new ConfigError(
      `Invalid configuration:\n  WORKER_DOMAINS: unknown ${unknown.join(', ')} (use ${domains.join(',')} or all)`,
    );
  }
  let billingSecrets: SecretKey[];
  try {
    billingSecrets = parseKeys(e.BILLING_KEY_SECRETS);
    createSecretBox(billingSecrets, e.BILLING_KEY_ACTIVE);
  } catch (err) {
    throw new ConfigError(
      `Invalid configuration:\n  BILLING_KEY_SECRETS / BILLING_KEY_ACTIVE: ${(err as Error).message}`,
    );
  }
  let payloadKeys: SecretKey[];
  try {
    payloadKeys = parseKeys(e.PAYLOAD_KEYS);
    createSecretBox(payloadKeys, e.PAYLOAD_KEY_ACTIVE);
  } catch (err) {
    throw new ConfigError(
      `Invalid configuration:\n  PAYLOAD_KEYS / PAYLOAD_KEY_ACTIVE: ${(err as Error).message}`,
    );
  }
  if (e.NODE_ENV === 'production' && e.PAYLOAD_KEYS.includes(DEV_PAYLOAD_KEY)) {
    throw new ConfigError(
      'Invalid configuration:\n  PAYLOAD_KEYS: set a real key in production (openssl rand -base64 32)',
    );
  }
  if (e.NODE_ENV === 'production' && e.BILLING_KEY_SECRETS.includes(DEV_SECRET)) {
    throw new ConfigError(
      'Invalid configuration:\n  BILLING_KEY_SECRETS: set a real key in production (openssl rand -base64 32)',
    );
  }
  if (e.NODE_ENV === 'production' && e.WORKFLOW_ID_SECRET === DEV_WORKFLOW_ID_SECRET) {
    throw new ConfigError(
      'Invalid configuration:\n  WORKFLOW_ID_SECRET: set a real key in production (openssl rand -base64 32)',
    );
  }
  if (e.NODE_ENV === 'production' && e.CODEC_TOKEN === DEV_CODEC_TOKEN) {
    throw new ConfigError(
      'Invalid configuration:\n  CODEC_TOKEN: set a real token in production (openssl rand -hex 32)',
    );
  }
  if (e.TOSS_SECRET_KEY.startsWith('live_') !== e.TOSS_CLIENT_KEY.startsWith('live_')) {
    throw new ConfigError(
      'Invalid configuration:\n  TOSS_SECRET_KEY and TOSS_CLIENT_KEY must both be test keys or both live keys',
    );
  }
  try {
    new Intl.DateTimeFormat('en', { timeZone: e.SETTLEMENT_TIMEZONE });
  } catch {
    throw new ConfigError(
      `Invalid configuration:\n  SETTLEMENT_TIMEZONE: "${e.SETTLEMENT_TIMEZONE}" is not an IANA time zone like Asia/Seoul`,
    );
  }
  if (e.PARTNER_REVIEW_SLA >= e.PARTNER_APPLICATION_EXPIRY) {
    throw new ConfigError(
      'Invalid configuration:\n  PARTNER_REVIEW_SLA must be shorter than PARTNER_APPLICATION_EXPIRY',
    );
  }
  for (const [name, tz] of [['NOTIFY_DIGEST_TIMEZONE', e.NOTIFY_DIGEST_TIMEZONE]] as const) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
    } catch {
      throw new ConfigError(
        `Invalid configuration:\n  ${name}: "${tz}" is not an IANA time zone like Asia/Seoul`,
      );
    }
  }
  if (e.NOTIFY_LEASE <= e.NOTIFY_SEND_TIMEOUT * 2) {
    throw new ConfigError(
      'Invalid configuration:\n  NOTIFY_LEASE must be more than twice NOTIFY_SEND_TIMEOUT (a claim outlives its send)',
    );
  }
  if (e.NOTIFY_HEARTBEAT_TIMEOUT <= e.NOTIFY_POLL_INTERVAL) {
    throw new ConfigError(
      'Invalid configuration:\n  NOTIFY_HEARTBEAT_TIMEOUT must be longer than NOTIFY_POLL_INTERVAL',
    );
  }
  const solapiSet = [e.SOLAPI_API_KEY, e.SOLAPI_API_SECRET, e.SOLAPI_SENDER].filter(Boolean).length;
  if (solapiSet !== 0 && solapiSet !== 3) {
    throw new ConfigError(
      'Invalid configuration:\n  SOLAPI_API_KEY, SOLAPI_API_SECRET and SOLAPI_SENDER are set together (or none: e-mail only)',
    );
  }
  const kakaoTemplates: Record<string, string> = {};
  for (const pair of e.SOLAPI_KAKAO_TEMPLATES.split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name, id] = pair.split(':').map((p) => p.trim());
    if (!name || !id) {
      throw new ConfigError(
        `Invalid configuration:\n  SOLAPI_KAKAO_TEMPLATES: "${pair}" is not template:KakaoTemplateId`,
      );
    }
    kakaoTemplates[name] = id;
  }
  const https = new URL(e.PUBLIC_URL).protocol === 'https:';
  return Object.freeze({
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    databaseUrl: e.DATABASE_URL,
    apiDatabaseUrl: e.API_DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    temporal: Object.freeze({
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueuePrefix: e.TEMPORAL_TASK_QUEUE_PREFIX,
      uiUrl: e.TEMPORAL_UI_URL,
    }),
    workerDomains: workerDomains as Domain[],
    workerTuning: Object.freeze({
      maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
      workflowTaskSlots: e.WORKER_WORKFLOW_TASK_SLOTS,
      localActivitySlots: e.WORKER_LOCAL_ACTIVITY_SLOTS,
      activitySlots: e.WORKER_ACTIVITY_SLOTS,
      workflowTaskPollers: e.WORKER_WORKFLOW_TASK_POLLERS,
      billingMaxActivitiesPerSecond: e.BILLING_MAX_ACTIVITIES_PER_SECOND ?? null,
    }),
    workerMetricsAddress: e.WORKER_METRICS_ADDRESS,
    workerBusinessMetricsAddress: e.WORKER_BUSINESS_METRICS_ADDRESS,
    workerShutdownGraceMs: e.WORKER_SHUTDOWN_GRACE,
    apiShutdownGraceMs: e.API_SHUTDOWN_GRACE,
    metricsToken: e.METRICS_TOKEN ?? null,
    codecToken: e.CODEC_TOKEN,
    api: Object.freeze({
      host: e.API_HOST,
      port: e.API_PORT,
      publicUrl: e.PUBLIC_URL,
      uiDist: e.UI_DIST,
      trustProxy: e.TRUST_PROXY,
      hsts: flag(e.API_HSTS, https),
    }),
    cookieSecure: flag(e.COOKIE_SECURE, https),
    sessionTtlMs: e.SESSION_TTL,
    login: Object.freeze({
      maxFailsPerAccount: e.LOGIN_MAX_FAILS_PER_ACCOUNT,
      maxFailsPerIp: e.LOGIN_MAX_FAILS_PER_IP,
      windowMs: e.LOGIN_FAIL_WINDOW,
    }),
    account: Object.freeze({
      resetTtlMs: e.PASSWORD_RESET_TTL,
      verifyTtlMs: e.EMAIL_VERIFICATION_TTL,
      mailMaxPerAccount: e.ACCOUNT_MAIL_MAX_PER_ACCOUNT,
      mailMaxPerIp: e.ACCOUNT_MAIL_MAX_PER_IP,
      mailWindowMs: e.ACCOUNT_MAIL_WINDOW,
      retentionMs: Object.freeze({
        contract: e.RETENTION_CONTRACT,
        payment: e.RETENTION_PAYMENT,
        delivery: e.RETENTION_DELIVERY,
        complaint: e.RETENTION_COMPLAINT,
      }),
      sweepIntervalMs: e.RETENTION_SWEEP_INTERVAL,
    }),
    partner: Object.freeze({ reviewSlaMs: e.PARTNER_REVIEW_SLA, expiryMs: e.PARTNER_APPLICATION_EXPIRY }),
    product: Object.freeze({ reviewSlaMs: e.PRODUCT_REVIEW_SLA }),
    images: Object.freeze({ dir: e.IMAGE_DIR, maxBytes: e.MAX_IMAGE_BYTES }),
    catalog: Object.freeze({ cacheTtlMs: e.CATALOG_CACHE_TTL }),
    dashboard: Object.freeze({ cacheTtlMs: e.DASHBOARD_CACHE_TTL }),
    toss: Object.freeze({
      apiUrl: e.TOSS_API_URL,
      secretKey: e.TOSS_SECRET_KEY,
      clientKey: e.TOSS_CLIENT_KEY,
      sdkUrl: e.TOSS_SDK_URL,
      connectTimeoutMs: e.TOSS_CONNECT_TIMEOUT,
      readTimeoutMs: e.TOSS_READ_TIMEOUT,
      rateLimit: Object.freeze({
        perSecond: e.TOSS_MAX_REQUESTS_PER_SECOND,
        maxWaitMs: e.TOSS_RATE_LIMIT_MAX_WAIT,
        slackMs: e.TOSS_RATE_LIMIT_SLACK,
        withoutRedis: e.TOSS_RATE_LIMIT_WITHOUT_REDIS,
        processes: e.TOSS_RATE_LIMIT_PROCESSES,
      }),
    }),
    admin: Object.freeze({ email: e.ADMIN_EMAIL.toLowerCase(), password: e.ADMIN_PASSWORD }),
    legal: Object.freeze({ dir: e.LEGAL_DIR }),
    business: Object.freeze({
      name: e.BUSINESS_NAME,
      representative: e.BUSINESS_REPRESENTATIVE,
      registrationNumber: e.BUSINESS_REGISTRATION_NUMBER,
      mailOrderReportNumber: e.MAIL_ORDER_REPORT_NUMBER,
      address: e.BUSINESS_ADDRESS,
      phone: e.BUSINESS_PHONE,
      email: e.BUSINESS_EMAIL,
      privacyOfficer: e.PRIVACY_OFFICER,
    }),
    businessPlaceholders: Object.freeze(
      (Object.keys(BUSINESS_PLACEHOLDERS) as (keyof typeof BUSINESS_PLACEHOLDERS)[]).filter(
        (k) => e[k] === BUSINESS_PLACEHOLDERS[k],
      ),
    ) as string[],
    reconcile: Object.freeze({
      intervalMs:
        e.RECONCILE_INTERVAL === undefined
          ? e.NODE_ENV === 'test'
            ? null
            : 15 * 60_000
          : e.RECONCILE_INTERVAL,
      repair: flag(e.RECONCILE_REPAIR, e.NODE_ENV === 'development'),
      settleMs: e.RECONCILE_SETTLE,
      taskSlaMs: e.RECONCILE_TASK_SLA,
    }),
    settlement: Object.freeze({
      commissionBps: e.SETTLEMENT_COMMISSION_RATE,
      cron: e.SETTLEMENT_CRON.trim(),
      timezone: e.SETTLEMENT_TIMEZONE,
      intervalMs: e.SETTLEMENT_INTERVAL ?? null,
      periodMs: e.SETTLEMENT_INTERVAL ?? e.SETTLEMENT_PERIOD,
    }),
    billingKeys: Object.freeze({ secrets: billingSecrets, activeId: e.BILLING_KEY_ACTIVE }),
    payloadKeys: Object.freeze({ keys: payloadKeys, activeId: e.PAYLOAD_KEY_ACTIVE }),
    workflowIdSecret: e.WORKFLOW_ID_SECRET,
    subscription: Object.freeze({
      weekMs: e.SUBSCRIPTION_WEEK,
      dunningLadderMs: Object.freeze([...e.DUNNING_LADDER]) as number[],
      shipWithinMs: e.SHIP_WITHIN,
      historyLimit: e.SUBSCRIPTION_HISTORY_LIMIT,
      errorBackoffMs: e.CHARGE_ERROR_BACKOFF,
      connectWaitMs: e.CARD_CONNECT_WAIT,
      connectBudgetMs: e.CARD_CONNECT_BUDGET,
      cardChangeBudgetMs: e.CARD_CHANGE_BUDGET,
      noticeBeforeChargeMs: e.NOTICE_BEFORE_CHARGE,
      priceChangeNoticeMs: e.PRICE_CHANGE_NOTICE,
      priceChangeReminderMs: e.PRICE_CHANGE_REMINDER,
      priceChangeUnanswered: e.PRICE_CHANGE_UNANSWERED,
    }),
    fulfilment: Object.freeze({
      autoDeliverMs: e.FULFILMENT_AUTO_DELIVER,
      escalationSlaMs: e.FULFILMENT_ESCALATION_SLA,
    }),
    notify: Object.freeze({
      smtpUrl: e.SMTP_URL,
      mailFrom: e.MAIL_FROM,
      solapi:
        solapiSet === 3
          ? Object.freeze({
              apiKey: e.SOLAPI_API_KEY!,
              apiSecret: e.SOLAPI_API_SECRET!,
              sender: e.SOLAPI_SENDER!,
              kakaoPfId: e.SOLAPI_KAKAO_PF_ID ?? null,
              kakaoTemplates: Object.freeze(kakaoTemplates),
              baseUrl: e.SOLAPI_BASE_URL ?? null,
            })
          : null,
      pollIntervalMs: e.NOTIFY_POLL_INTERVAL,
      batchSize: e.NOTIFY_BATCH_SIZE,
      concurrency: e.NOTIFY_CONCURRENCY,
      sendTimeoutMs: e.NOTIFY_SEND_TIMEOUT,
      leaseMs: e.NOTIFY_LEASE,
      retryLadderMs: Object.freeze([...e.NOTIFY_RETRY_LADDER]) as number[],
      activitySpanMs: e.NOTIFY_ACTIVITY_SPAN,
      heartbeatTimeoutMs: e.NOTIFY_HEARTBEAT_TIMEOUT,
      lanes: e.NOTIFY_LANES,
      digestCron: e.NOTIFY_DIGEST_CRON.trim(),
      digestTimezone: e.NOTIFY_DIGEST_TIMEZONE,
    }),
  });
}

/** Loads `.env` from the working directory when present (Node's own loader), without overriding the shell. */
export function loadDotEnv(path = '.env'): void {
  try {
    process.loadEnvFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** The notifier workflow's input for a configuration (its activities' timing: workflows never read the environment). */
export function notifierSettings(c: Config['notify']): NotifierInput {
  return {
    settings: {
      batchSize: c.batchSize,
      concurrency: c.concurrency,
      pollIntervalMs: c.pollIntervalMs,
      leaseMs: c.leaseMs,
      retryLadderMs: [...c.retryLadderMs],
    },
    activitySpanMs: c.activitySpanMs,
    heartbeatTimeoutMs: c.heartbeatTimeoutMs,
    lanes: c.lanes,
  };
}

/** The durations a subscription workflow runs on (its input carries them: workflows never read the environment). */
export function subscriptionSettings(c: Config['subscription']): SubscriptionSettings {
  return {
    weekMs: c.weekMs,
    dunningLadderMs: [...c.dunningLadderMs],
    historyLimit: c.historyLimit,
    errorBackoffMs: c.errorBackoffMs,
    connectWaitMs: c.connectWaitMs,
    connectBudgetMs: c.connectBudgetMs,
    cardChangeBudgetMs: c.cardChangeBudgetMs,
    noticeBeforeChargeMs: c.noticeBeforeChargeMs,
    priceChangeNoticeMs: c.priceChangeNoticeMs,
    priceChangeReminderMs: c.priceChangeReminderMs,
    priceChangeUnanswered: c.priceChangeUnanswered,
  };
}
