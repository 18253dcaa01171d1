// The subscription activities with a fake provider and the real test database: what connectCard answers for each
// kind of provider failure (an answer the customer can act on, or a fault to retry), and the option quote.
import { MockActivityEnvironment } from '@temporalio/testing';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createDb, type Knex } from '../db/knex';
import type { ConnectResult } from '../domain/subscription';
import { createLogger } from '../infra/logger';
import { createBusinessMetrics } from '../infra/metrics';
import { createSecretBox } from '../infra/secretBox';
import type { TossClient } from '../payments/client';
import { tossErrorFrom } from '../payments/errors';
import { testDatabaseUrls } from '../scripts/testEnv';
import { testConfig } from '../test/harness';
import type { ActivityDeps } from './deps';
import { createSubscriptionActivities } from './subscription';

let db: Knex;
const config = testConfig();
before(() => {
  db = createDb(testDatabaseUrls(process.env).worker, { pool: { max: 2 } });
});
after(async () => {
  await db.destroy();
});

/** A Toss client whose issue request answers with `answer` (a billing object, or an error status and body). */
function fakeToss(answer: () => unknown): { toss: TossClient; issued: string[] } {
  const issued: string[] = [];
  const toss = {
    async issueBillingKey(req: { authKey: string }) {
      issued.push(req.authKey);
      return answer();
    },
  } as unknown as TossClient;
  return { toss, issued };
}

const failWith = (status: number, code: string) => () => {
  throw tossErrorFrom(status, { code, message: `provider says ${code}` });
};

function activities(toss: TossClient) {
  const deps = {
    db,
    toss,
    secrets: createSecretBox(config.billingKeys.secrets, config.billingKeys.activeId),
    log: createLogger('test', 'silent'),
    metrics: createBusinessMetrics(),
  } as unknown as ActivityDeps;
  return createSubscriptionActivities(deps);
}

async function user(): Promise<string> {
  const id = randomUUID();
  await db('users').insert({ id, email: `act-${id}@example.com`, name: '테스트', passwordHash: 'x' });
  return id;
}

const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const env = new MockActivityEnvironment({}, { logger: quiet });
const connect = (toss: TossClient, customerId: string, authKey = `auth_${randomUUID()}`) =>
  env.run(activities(toss).connectCard, {
    customerId,
    customerKey: `dalgona_${customerId}`,
    authKey,
  }) as Promise<ConnectResult>;

describe('connectCard: who can fix a failed card registration', () => {
  for (const [status, code] of [
    [403, 'NOT_MATCHES_CUSTOMER_KEY'],
    [404, 'NOT_FOUND_BILLING'],
    [400, 'INVALID_STOPPED_CARD'],
    [400, 'REJECT_CARD_COMPANY'],
    [400, 'INVALID_REQUEST'],
  ] as const) {
    it(`${code}: the customer's to fix — an answer (ok: false), not a fault to retry`, async () => {
      const { toss, issued } = fakeToss(failWith(status, code));
      const result = await connect(toss, await user());
      assert.deepEqual(result.ok ? null : result.code, code);
      assert.equal(issued.length, 1);
    });
  }

  for (const [status, code] of [
    [500, 'PROVIDER_ERROR'],
    [500, 'FAILED_INTERNAL_SYSTEM_PROCESSING'],
    [401, 'UNAUTHORIZED_KEY'],
    [409, 'IDEMPOTENT_REQUEST_PROCESSING'],
  ] as const) {
    it(`${code}: nobody's to fix now — thrown, so Temporal retries it on the workflow's budget`, async () => {
      const { toss } = fakeToss(failWith(status, code));
      await assert.rejects(
        connect(toss, await user()),
        (err: Error & { code?: string }) => err.code === code,
      );
    });
  }

  it('a connected card is sealed and found again by its authKey; never handed to another account', async () => {
    const billingKey = `bk_${randomUUID()}`;
    const { toss, issued } = fakeToss(() => ({
      billingKey,
      card: { number: '43301234****123*', issuerCode: '11', cardType: '신용' },
    }));
    const owner = await user();
    const authKey = `auth_${randomUUID()}`;
    const first = await connect(toss, owner, authKey);
    assert.ok(first.ok);
    const row = await db('cards').where({ id: first.cardId }).first();
    assert.ok(!JSON.stringify(row).includes(billingKey), 'sealed at rest');
    const again = await connect(toss, owner, authKey);
    assert.deepEqual(again, first);
    const stranger = await connect(toss, await user(), authKey);
    assert.deepEqual(stranger.ok ? null : stranger.code, 'NOT_MATCHES_CUSTOMER_KEY');
    assert.equal(issued.length, 1, 'asked the provider once');
  });
});
