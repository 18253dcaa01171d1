// Cross-layer test harness: a real Temporal dev server (per test file), the real test database
// (worker and read-only API roles), real Redis, the real workers and the real Koa app on a random port.
import { dataConverterFor } from '../infra/payloadCodec';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import http from 'node:http';
import { apiHandler, createApp } from '../api/app';
import type { ApiDeps } from '../api/context';
import { createDb, type Knex } from '../db/knex';
import type { Me } from '../domain/accounts';
import { businessNumberCheckDigit } from '../domain/businessNumber';
import type { PartnerApplicationForm } from '../domain/partner';
import type { ProductForm } from '../domain/product';
import { decideUpdate, reviewDeskHandle } from '../domain/contracts/reviewDesk';
import { startSignUp } from '../domain/contracts/signUp';
import { searchAttributes } from '../domain/searchAttributes';
import { Task } from '../db/models';
import { hashPassword } from '../infra/passwords';
import { Browser } from './browser';
import { startSandbox, TEST_SECRET_KEY, type Sandbox } from './sandbox';
import { loadConfig, type Config } from '../infra/config';
import { createImageStore } from '../infra/imageStore';
import { createLogger } from '../infra/logger';
import { createBusinessMetrics, type BusinessMetrics } from '../infra/metrics';
import { createRedis, redisReady, type Redis } from '../infra/redis';
import { createWorkers, installRuntime } from '../worker/createWorkers';
import { createActivityDeps } from '../worker/deps';
import { ensureTemporalCli } from '../scripts/temporal';
import { testDatabaseUrls } from '../scripts/testEnv';
import { signUpStartContext } from '../infra/emailDigest';

/** A unique suffix so tests sharing the test database never collide. */
export const uniq = () => randomBytes(5).toString('hex');

/** Configuration for a test: the test databases, a unique Redis prefix and task-queue prefix, quiet logs. */
export function testConfig(overrides: Record<string, string> = {}): Readonly<Config> {
  const urls = testDatabaseUrls(process.env);
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: urls.worker,
    API_DATABASE_URL: urls.api,
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/1',
    REDIS_KEY_PREFIX: `test:${uniq()}:`,
    TEMPORAL_TASK_QUEUE_PREFIX: `t${uniq()}`,
    IMAGE_DIR: process.env.TEST_IMAGE_DIR ?? '.cache/test-images',
    LOGIN_MAX_FAILS_PER_IP: '100000',
    // Weeks last seconds in tests: the notice before each charge is switched on only where a test looks at it.
    NOTICE_BEFORE_CHARGE: '0',
    ...overrides,
  });
}

let envPromise: Promise<TestWorkflowEnvironment> | null = null;

/** One local Temporal dev server per test file (the CLI from PATH or .tools), with our search attributes. */
export function temporalEnv(): Promise<TestWorkflowEnvironment> {
  const level = process.env.TEST_LOG_LEVEL ?? 'error';
  // Debug logging (the secrets test reads every line) reaches the SDK's workflow and activity loggers too.
  installRuntime(createLogger('sdk', level), level === 'debug' || level === 'trace' ? 'DEBUG' : 'WARN');
  envPromise ??= TestWorkflowEnvironment.createLocal({
    // The tests' clients encrypt payloads like the API's and the workers' (the default development key).
    client: { dataConverter: dataConverterFor(testConfig().payloadKeys) },
    server: {
      executable: { type: 'existing-path', path: ensureTemporalCli() },
      ip: '127.0.0.1',
      searchAttributes,
      log: { format: 'json', level: 'error' },
    },
  });
  return envPromise;
}

export interface Stack {
  config: Readonly<Config>;
  env: TestWorkflowEnvironment;
  client: Client;
  db: Knex;
  apiDb: Knex;
  redis: Redis;
  baseUrl: string;
  server: Server;
  /** What the API was built from (for tests that build a second app or read the route table). */
  apiDeps: ApiDeps;
  /** The Toss sandbox the workers charge. */
  sandbox: Sandbox;
  /** The workers' business counters (what the worker process serves at /metrics). */
  workerMetrics: BusinessMetrics;
  stop(): Promise<void>;
}

/** Starts workers (all domains) and the API against the file's Temporal server. */
export async function startStack(overrides: Record<string, string> = {}): Promise<Stack> {
  const sandbox = await startSandbox();
  const config = testConfig({
    TOSS_API_URL: sandbox.url,
    TOSS_SDK_URL: `${sandbox.url}/v2/standard`,
    TOSS_SECRET_KEY: TEST_SECRET_KEY,
    ...overrides,
  });
  const env = await temporalEnv();
  const log = createLogger('test', config.logLevel);
  const db = createDb(config.databaseUrl, { pool: { max: 5 } });
  const apiDb = createDb(config.apiDatabaseUrl, { pool: { max: 5 } });
  const redis = createRedis(config.redisUrl, config.redisKeyPrefix);
  await redisReady(redis);
  const subscriber = createRedis(config.redisUrl, config.redisKeyPrefix);
  const images = createImageStore(config.images.dir);
  const workerMetrics = createBusinessMetrics();
  const activityDeps = createActivityDeps(config, {
    db,
    log,
    redis,
    client: env.client,
    metrics: workerMetrics,
  });
  const workers: Worker[] = await createWorkers({
    config,
    connection: env.nativeConnection,
    deps: activityDeps,
  });
  const running = Promise.all(workers.map((w) => w.run()));
  const apiDeps: ApiDeps = { config, db: apiDb, redis, subscriber, images, temporal: env.client, log };
  const app = createApp(apiDeps);
  const server = http.createServer(apiHandler(app)).listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    config,
    env,
    client: env.client,
    db,
    apiDb,
    redis,
    baseUrl,
    server,
    apiDeps,
    sandbox,
    workerMetrics,
    async stop() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      for (const w of workers) w.shutdown();
      await running;
      subscriber.disconnect();
      await Promise.all([
        db.destroy(),
        apiDb.destroy(),
        redis.quit(),
        activityDeps.toss.close(),
        sandbox.stop(),
      ]);
    },
  };
}

/** Tears down the file's Temporal server (call once in the file's `after`). */
export async function stopTemporal(): Promise<void> {
  if (envPromise) await (await envPromise).teardown();
  envPromise = null;
}

/** A random business registration number with a correct check digit. */
export function validBusinessNumber(): string {
  const nine = Array.from({ length: 9 }, () => Math.floor(Math.random() * 10)).join('');
  return `${nine}${businessNumberCheckDigit(nine)}`;
}

/** A complete, valid application form (a fresh business number unless given). */
export function applicationForm(over: Partial<PartnerApplicationForm> = {}): PartnerApplicationForm {
  return {
    companyName: `Roastery ${uniq()}`,
    businessNumber: validBusinessNumber(),
    representative: '홍길동',
    phone: '010-2345-6789',
    email: `biz-${uniq()}@example.com`,
    address: '서울특별시 성동구 성수이로 1',
    mailOrderNumber: '2024-서울성동-01234',
    bankName: '국민은행',
    bankAccount: '123456-01-234567',
    bankAccountHolder: '홍길동',
    introduction: 'We roast single-origin beans in small batches every week.',
    ...over,
  };
}

/** Polls `fn` until it returns a truthy value (or fails after `timeoutMs`). */
export async function eventually<T>(
  fn: () => PromiseLike<T | undefined | null | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
}

/** Creates an account through the signUp workflow (admins can only be made this way) and signs it in. */
export async function makeUser(
  stack: Stack,
  roles: ('customer' | 'partner' | 'admin')[] = ['customer'],
): Promise<{
  browser: Browser;
  me: Me;
  email: string;
  password: string;
}> {
  const email = `${roles.join('-')}-${uniq()}@example.com`;
  const password = 'correct-horse-1';
  const run = await startSignUp(stack.client, signUpStartContext(stack.config), {
    userId: randomUUID(),
    email,
    name: `${roles.at(-1)} ${uniq()}`,
    passwordHash: await hashPassword(password),
    roles,
    emailVerified: true,
  });
  const result = await run.result();
  if (!result.ok) throw new Error('could not create test user');
  const browser = new Browser(stack.baseUrl);
  const me = await browser.login(email, password);
  return { browser, me, email, password };
}

/** A real partner: signs up, applies, and is approved by `adminId` through the partnerApplication workflow. */
export async function makePartner(
  stack: Stack,
  adminId: string,
): Promise<{
  browser: Browser;
  me: Me;
  applicationId: string;
  email: string;
  password: string;
}> {
  const browser = new Browser(stack.baseUrl);
  const email = `partner-${uniq()}@example.com`;
  const password = 'correct-horse-1';
  await browser.signUp(email, password);
  const res = await browser.post<{ id: string }>('/api/partner-applications', applicationForm());
  if (res.status !== 202) throw new Error(`application failed: ${JSON.stringify(res.body)}`);
  const task = await eventually(() =>
    Task.query(stack.db).findOne({ subjectId: res.body.id, state: 'open' }),
  );
  await reviewDeskHandle(stack.client, task).executeUpdate(decideUpdate, {
    args: [{ taskId: task.id, decision: 'approve', actor: { userId: adminId, roles: ['admin'] } }],
  });
  const me = (await browser.get<Me>('/api/auth/me')).body;
  return { browser, me, applicationId: res.body.id, email, password };
}

/** A real PNG of the given size and colour, for uploads. */
export async function pngImage(color = '#c8873a', size = 400): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  return sharp({ create: { width: size, height: size, channels: 3, background: color } })
    .png()
    .toBuffer();
}

/** A complete, valid product form for an uploaded image. */
export function productForm(imageId: string, over: Partial<ProductForm> = {}): ProductForm {
  return {
    name: `Ethiopia Guji ${uniq()}`,
    description: 'Floral and bright, with peach and jasmine; roasted every Monday in small batches.',
    origin: { country: 'Ethiopia', region: 'Guji', farm: 'Hambela' },
    process: 'washed',
    roastLevel: 'light',
    tastingNotes: ['peach', 'jasmine', 'black tea'],
    options: {
      weights: [
        { grams: 200, priceKrw: 16000 },
        { grams: 500, priceKrw: 36000 },
      ],
      grinds: ['whole_bean', 'pour_over'],
      cycles: [1, 2, 4],
    },
    capacityPerCycle: 50,
    imageId,
    ...over,
  };
}

/** Publishes a product for a partner (submitted through the API, approved by `adminId`); returns its id. */
export async function publishProduct(
  stack: Stack,
  partner: Browser,
  adminId: string,
  over: Partial<ProductForm> = {},
): Promise<string> {
  const upload = await partner.request<{ id: string }>('POST', '/api/images', await pngImage(), {
    headers: { 'content-type': 'image/png' },
  });
  const res = await partner.post<{ productId: string; revisionId: string }>(
    '/api/partner/products',
    productForm(upload.body.id, over),
  );
  if (res.status !== 202) throw new Error(`product submission failed: ${JSON.stringify(res.body)}`);
  const task = await eventually(() =>
    Task.query(stack.db).findOne({ subjectId: res.body.revisionId, state: 'open' }),
  );
  await reviewDeskHandle(stack.client, task).executeUpdate(decideUpdate, {
    args: [{ taskId: task.id, decision: 'approve', actor: { userId: adminId, roles: ['admin'] } }],
  });
  return res.body.productId;
}

/** Waits until a subscription's connectCard activity is being retried (its attempt number has reached `attempts`). */
export async function connectCardRetrying(
  client: Client,
  workflowId: string,
  attempts: number,
  timeoutMs = 30_000,
): Promise<void> {
  await eventually(async () => {
    const pending = (await client.workflow.getHandle(workflowId).describe()).raw.pendingActivities ?? [];
    return pending.some((p) => p.activityType?.name === 'connectCard' && (p.attempt ?? 0) >= attempts);
  }, timeoutMs);
}
