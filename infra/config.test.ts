import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reconcileScheduleOptions } from '../worker/reconcileSchedule';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('has working local defaults for every setting', () => {
    const config = loadConfig({});
    assert.equal(config.api.port, 3000);
    assert.equal(config.partner.reviewSlaMs, 48 * 3600_000);
    assert.equal(config.partner.expiryMs, 14 * 24 * 3600_000);
    assert.deepEqual(config.workerDomains, ['accounts', 'catalog', 'billing', 'fulfilment', 'notifications']);
    assert.equal(config.notify.smtpUrl, 'smtp://127.0.0.1:1025');
    assert.equal(config.notify.solapi, null, 'no SOLAPI keys: e-mail only');
    assert.equal(config.notify.digestCron, '0 8 * * *');
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.api));
  });

  it('reads the notifier settings and refuses inconsistent ones', () => {
    const c = loadConfig({
      NOTIFY_RETRY_LADDER: '1s, 5s,1m',
      SOLAPI_API_KEY: 'k',
      SOLAPI_API_SECRET: 's',
      SOLAPI_SENDER: '0212345678',
      SOLAPI_KAKAO_TEMPLATES: 'payment_receipt:KA01TP1, digest:KA01TP2',
    });
    assert.deepEqual(c.notify.retryLadderMs, [1000, 5000, 60_000]);
    assert.deepEqual(
      { ...c.notify.solapi?.kakaoTemplates },
      { payment_receipt: 'KA01TP1', digest: 'KA01TP2' },
    );
    assert.throws(() => loadConfig({ SOLAPI_API_KEY: 'k' }), /set together/);
    assert.throws(() => loadConfig({ NOTIFY_LEASE: '30s', NOTIFY_SEND_TIMEOUT: '30s' }), /NOTIFY_LEASE/);
    assert.throws(() => loadConfig({ SMTP_URL: 'http://mail' }), /SMTP_URL/);
    assert.throws(() => loadConfig({ NOTIFY_DIGEST_TIMEZONE: 'Mars/Olympus' }), /NOTIFY_DIGEST_TIMEZONE/);
    assert.throws(() => loadConfig({ SOLAPI_KAKAO_TEMPLATES: 'payment_receipt' }), /SOLAPI_KAKAO_TEMPLATES/);
  });

  it('parses durations so tests can run weeks in seconds', () => {
    const config = loadConfig({ PARTNER_REVIEW_SLA: '1s', PARTNER_APPLICATION_EXPIRY: '3s' });
    assert.equal(config.partner.reviewSlaMs, 1000);
    assert.equal(config.partner.expiryMs, 3000);
  });

  it('fails fast naming every bad variable', () => {
    assert.throws(
      () => loadConfig({ API_PORT: 'eighty', DATABASE_URL: 'not a url', PARTNER_REVIEW_SLA: 'soon' }),
      (err: Error) =>
        err instanceof ConfigError &&
        /API_PORT/.test(err.message) &&
        /DATABASE_URL/.test(err.message) &&
        /PARTNER_REVIEW_SLA/.test(err.message),
    );
    assert.throws(() => loadConfig({ WORKER_DOMAINS: 'billing,shipping' }), /unknown shipping/);
    assert.throws(() => loadConfig({ PARTNER_REVIEW_SLA: '20d' }), /shorter than/);
  });

  it('reconciles every 15 minutes; repairs by default in development only, and as RECONCILE_REPAIR says', () => {
    const dev = loadConfig({}).reconcile;
    assert.deepEqual(dev, { intervalMs: 900_000, repair: true, settleMs: 2000, taskSlaMs: 24 * 3600_000 });
    // Anything but development (production, tests) reports only unless told to repair.
    assert.equal(loadConfig({ NODE_ENV: 'test' }).reconcile.repair, false);
    assert.equal(loadConfig({ NODE_ENV: 'test', RECONCILE_REPAIR: 'true' }).reconcile.repair, true);
    assert.equal(loadConfig({ RECONCILE_REPAIR: 'false' }).reconcile.repair, false);
    assert.equal(loadConfig({ RECONCILE_INTERVAL: '1h' }).reconcile.intervalMs, 3600_000);
    assert.equal(loadConfig({ RECONCILE_INTERVAL: 'off' }).reconcile.intervalMs, null);
    // Test processes share one database: no Schedule there unless asked for.
    assert.equal(loadConfig({ NODE_ENV: 'test' }).reconcile.intervalMs, null);
    assert.equal(reconcileScheduleOptions(loadConfig({ NODE_ENV: 'test' })), null);
    assert.throws(() => loadConfig({ RECONCILE_REPAIR: 'maybe' }), /RECONCILE_REPAIR/);
    assert.throws(() => loadConfig({ RECONCILE_INTERVAL: 'often' }), /RECONCILE_INTERVAL/);
    const schedule = reconcileScheduleOptions(loadConfig({ NODE_ENV: 'test', RECONCILE_INTERVAL: '15m' }))!;
    assert.equal(schedule.scheduleId, 'reconcile');
    assert.deepEqual(schedule.spec.intervals, [{ every: 900_000 }]);
    assert.deepEqual(schedule.action.args, [{ repair: false }]);
  });

  it('settles weekly on Monday 00:00 in Seoul at 10 % by default; an interval and a rate override it', () => {
    const defaults = loadConfig({}).settlement;
    assert.deepEqual(defaults, {
      commissionBps: 1000,
      cron: '0 0 * * 1',
      timezone: 'Asia/Seoul',
      intervalMs: null,
      periodMs: 7 * 24 * 3600_000,
    });
    const demo = loadConfig({ SETTLEMENT_INTERVAL: '15m', SETTLEMENT_COMMISSION_RATE: '0.085' }).settlement;
    assert.deepEqual([demo.intervalMs, demo.periodMs, demo.commissionBps], [900_000, 900_000, 850]);
    assert.throws(() => loadConfig({ SETTLEMENT_COMMISSION_RATE: '10%' }), /SETTLEMENT_COMMISSION_RATE/);
    assert.throws(() => loadConfig({ SETTLEMENT_COMMISSION_RATE: '1.5' }), /SETTLEMENT_COMMISSION_RATE/);
    assert.throws(() => loadConfig({ SETTLEMENT_COMMISSION_RATE: '0.00001' }), /SETTLEMENT_COMMISSION_RATE/);
    assert.throws(() => loadConfig({ SETTLEMENT_CRON: 'weekly' }), /SETTLEMENT_CRON/);
    assert.throws(() => loadConfig({ SETTLEMENT_TIMEZONE: 'Mars/Olympus' }), /SETTLEMENT_TIMEZONE/);
    assert.throws(() => loadConfig({ SETTLEMENT_INTERVAL: 'often' }), /SETTLEMENT_INTERVAL/);
  });

  it('serves metrics and drains on shutdown with operator-friendly defaults', () => {
    const config = loadConfig({});
    assert.equal(config.workerMetricsAddress, '127.0.0.1:9464');
    assert.equal(config.workerBusinessMetricsAddress, '127.0.0.1:9465');
    assert.equal(config.workerShutdownGraceMs, 30_000);
    assert.equal(config.apiShutdownGraceMs, 10_000);
    assert.equal(config.metricsToken, null);
    const set = loadConfig({
      WORKER_BUSINESS_METRICS_ADDRESS: 'off',
      WORKER_METRICS_ADDRESS: '0.0.0.0:9464',
      WORKER_SHUTDOWN_GRACE: '2m',
      METRICS_TOKEN: 'a-long-metrics-token-123',
    });
    assert.equal(set.workerBusinessMetricsAddress, '');
    assert.equal(set.workerMetricsAddress, '0.0.0.0:9464');
    assert.equal(set.workerShutdownGraceMs, 120_000);
    assert.equal(set.metricsToken, 'a-long-metrics-token-123');
    assert.throws(() => loadConfig({ METRICS_TOKEN: 'short' }), /METRICS_TOKEN/);
    assert.throws(
      () => loadConfig({ WORKER_BUSINESS_METRICS_ADDRESS: '9465' }),
      /WORKER_BUSINESS_METRICS_ADDRESS/,
    );
    assert.throws(() => loadConfig({ WORKER_SHUTDOWN_GRACE: 'a while' }), /WORKER_SHUTDOWN_GRACE/);
  });

  it('limits requests to Toss (50/s, shared; local share without Redis) and, when set, the billing queue', () => {
    const defaults = loadConfig({});
    assert.deepEqual(defaults.toss.rateLimit, {
      perSecond: 50,
      maxWaitMs: 5000,
      slackMs: 50,
      withoutRedis: 'local',
      processes: 1,
    });
    assert.equal(defaults.workerTuning.billingMaxActivitiesPerSecond, null);
    const set = loadConfig({
      TOSS_MAX_REQUESTS_PER_SECOND: '10',
      TOSS_RATE_LIMIT_MAX_WAIT: '2s',
      TOSS_RATE_LIMIT_SLACK: '0',
      TOSS_RATE_LIMIT_WITHOUT_REDIS: 'closed',
      TOSS_RATE_LIMIT_PROCESSES: '3',
      BILLING_MAX_ACTIVITIES_PER_SECOND: '20',
    });
    assert.deepEqual(set.toss.rateLimit, {
      perSecond: 10,
      maxWaitMs: 2000,
      slackMs: 0,
      withoutRedis: 'closed',
      processes: 3,
    });
    assert.equal(set.workerTuning.billingMaxActivitiesPerSecond, 20);
    assert.throws(() => loadConfig({ TOSS_MAX_REQUESTS_PER_SECOND: '0' }), /TOSS_MAX_REQUESTS_PER_SECOND/);
    assert.throws(() => loadConfig({ TOSS_RATE_LIMIT_SLACK: '2s' }), /TOSS_RATE_LIMIT_SLACK/);
    assert.throws(
      () => loadConfig({ TOSS_RATE_LIMIT_WITHOUT_REDIS: 'open' }),
      /TOSS_RATE_LIMIT_WITHOUT_REDIS/,
    );
  });

  it('derives Secure cookies and HSTS from an https PUBLIC_URL; either can be overridden', () => {
    const local = loadConfig({});
    assert.deepEqual([local.cookieSecure, local.api.hsts], [false, false]);
    const tls = loadConfig({ PUBLIC_URL: 'https://dalgona.example' });
    assert.deepEqual([tls.cookieSecure, tls.api.hsts], [true, true]);
    const early = loadConfig({ PUBLIC_URL: 'https://dalgona.example', API_HSTS: 'false' });
    assert.deepEqual([early.cookieSecure, early.api.hsts], [true, false]);
  });

  it('refuses the development keys in production, the workflow-id key included', () => {
    const real = () => Buffer.from(Array.from({ length: 32 }, (_, i) => i + 1)).toString('base64');
    const prod = {
      NODE_ENV: 'production',
      BILLING_KEY_SECRETS: `k1:${real()}`,
      BILLING_KEY_ACTIVE: 'k1',
      PAYLOAD_KEYS: `p1:${real()}`,
      PAYLOAD_KEY_ACTIVE: 'p1',
      CODEC_TOKEN: 'c'.repeat(64),
    };
    assert.throws(() => loadConfig(prod), /WORKFLOW_ID_SECRET/);
    assert.equal(loadConfig({ ...prod, WORKFLOW_ID_SECRET: real() }).workflowIdSecret, real());
    assert.throws(() => loadConfig({ WORKFLOW_ID_SECRET: 'c2hvcnQ=' }), /WORKFLOW_ID_SECRET/);
  });

  it("takes the operators' codec token: a development default outside production, a real one required in it", () => {
    const real = () => Buffer.from(Array.from({ length: 32 }, (_, i) => i + 1)).toString('base64');
    const prod = {
      NODE_ENV: 'production',
      BILLING_KEY_SECRETS: `k1:${real()}`,
      BILLING_KEY_ACTIVE: 'k1',
      PAYLOAD_KEYS: `p1:${real()}`,
      PAYLOAD_KEY_ACTIVE: 'p1',
      WORKFLOW_ID_SECRET: real(),
    };
    const dev = loadConfig({}).codecToken;
    assert.ok(dev.length >= 32);
    assert.throws(() => loadConfig(prod), /CODEC_TOKEN: set a real token in production/);
    assert.throws(() => loadConfig({ ...prod, CODEC_TOKEN: dev }), /CODEC_TOKEN/);
    assert.equal(loadConfig({ ...prod, CODEC_TOKEN: 'c'.repeat(64) }).codecToken, 'c'.repeat(64));
    assert.throws(() => loadConfig({ CODEC_TOKEN: 'short' }), /CODEC_TOKEN: must be at least 32/);
    assert.throws(() => loadConfig({ CODEC_TOKEN: `${'c'.repeat(40)} x` }), /CODEC_TOKEN/);
  });
  it("reads the operator's business information: formats and normalises the numbers, names a bad one, lists placeholders", () => {
    const local = loadConfig({});
    assert.equal(local.legal.dir, 'legal');
    assert.equal(local.business.name, '(예시) 주식회사 달고나');
    assert.equal(local.businessPlaceholders.length, 8, 'every business setting is a placeholder by default');
    const set = loadConfig({
      BUSINESS_NAME: '주식회사 달고나',
      BUSINESS_REPRESENTATIVE: '김대표',
      BUSINESS_REGISTRATION_NUMBER: '1248100998',
      MAIL_ORDER_REPORT_NUMBER: '제 2024-서울마포-01234 호',
      BUSINESS_ADDRESS: '서울특별시 마포구 와우산로 94',
      BUSINESS_PHONE: '02-1234-5678',
      BUSINESS_EMAIL: 'help@dalgona.example',
      PRIVACY_OFFICER: '이보호',
    });
    assert.equal(set.business.registrationNumber, '124-81-00998');
    assert.equal(set.business.mailOrderReportNumber, '2024-서울마포-01234');
    assert.deepEqual(set.businessPlaceholders, []);
    assert.throws(
      () => loadConfig({ BUSINESS_REGISTRATION_NUMBER: '124-81-00999' }),
      /BUSINESS_REGISTRATION_NUMBER/,
    );
    assert.throws(() => loadConfig({ MAIL_ORDER_REPORT_NUMBER: '01234' }), /MAIL_ORDER_REPORT_NUMBER/);
    assert.throws(() => loadConfig({ BUSINESS_PHONE: 'call us' }), /BUSINESS_PHONE/);
    assert.throws(() => loadConfig({ BUSINESS_EMAIL: 'nope' }), /BUSINESS_EMAIL/);
  });
});
