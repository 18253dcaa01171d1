// Secrets found nowhere in plain text (docs/architecture.md#payload-codec-and-operators): the three journeys run
// against the real stack — a customer registers a card that is declined, registers another (two billing keys issued)
// and is charged; an admin approves a partner; the partner ships the order — with every log line captured at debug
// level. Then every text, json and bytea
// column of every table (Dalgona's database and the provider sandbox's), every Redis key and value under the test
// prefix, the logs, and the raw bytes of every workflow history and visibility record (no codec) are searched for
// the billing keys, card numbers, passwords, one-time authKeys, session ids, the provider secret key and our own key
// material, in plain, hex and base64 forms. Workflow histories are also searched for the journeys' personal data.
//
// The provider side legitimately holds what a card company / PSP must: the billing key (its own token; the sandbox
// keeps it hashed in billing_keys, and in full only in its 15-day Idempotency-Key replay cache, as Toss must to
// replay an issue response) and the one-time authKey it issued. Never the card number, nor anybody's password.
process.env.TEST_LOG_LEVEL = 'debug';

import proto from '@temporalio/proto';
import { Redis as IORedis } from 'ioredis';
import assert from 'node:assert/strict';
import { createHash, randomInt } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Knex } from 'knex';
import { customerKeyFor } from '../../domain/keys';
import { redirectLogs } from '../../infra/logger';
import { createSecretBox } from '../../infra/secretBox';
import { Browser } from '../browser';
import {
  applicationForm,
  eventually,
  makeUser,
  publishProduct,
  startStack,
  stopTemporal,
  uniq,
  type Stack,
} from '../harness';
import { TEST_SECRET_KEY } from '../sandbox';
import { subscriptionWorkflowId } from '../../domain/contracts/subscription';
import { checkoutConsents } from '../consents';

const logs: string[] = [];
redirectLogs({ write: (line: string) => logs.push(line) });

let stack: Stack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  redirectLogs(null);
  await stack.stop();
  await stopTemporal();
});

/** A card number the sandbox approves (any number that is not a listed test card), unique to this run. */
const approvingCard = () => `9${Array.from({ length: 15 }, () => randomInt(10)).join('')}`;
const STOPPED_CARD = '4000000000000044';

/** Registers a card in the provider's card window, as the browser does (form POST → redirect with the authKey). */
async function cardWindow(customerKey: string, cardNumber: string): Promise<string> {
  const form = new URLSearchParams({
    clientKey: stack.config.toss.clientKey,
    customerKey,
    successUrl: `${stack.baseUrl}/checkout/complete`,
    failUrl: `${stack.baseUrl}/checkout/fail`,
    customerEmail: '',
    customerName: '',
    cardNumber: cardNumber.replace(/(\d{4})(?=\d)/g, '$1 '),
    expiry: '12/30',
    password: '12',
    birth: '900101',
    action: 'register',
  });
  const res = await fetch(`${stack.sandbox.url}/billing-auth`, {
    method: 'POST',
    body: form,
    redirect: 'manual',
  });
  assert.equal(res.status, 302, await res.text());
  const authKey = new URL(res.headers.get('location')!).searchParams.get('authKey');
  assert.ok(authKey, res.headers.get('location')!);
  return authKey;
}

/** Every row of every table as JSON text (bytea as \x-hex), by table. */
async function dumpDatabase(db: Knex): Promise<{ table: string; text: string }[]> {
  const tables = (await db('information_schema.tables')
    .where({ table_schema: 'public', table_type: 'BASE TABLE' })
    .pluck('table_name')) as string[];
  const out: { table: string; text: string }[] = [];
  for (const table of tables) {
    const rows = (await db.raw(`SELECT row_to_json(t)::text AS j FROM ${db.client.wrapIdentifier(table)} t`))
      .rows as { j: string }[];
    out.push({ table, text: rows.map((r) => r.j).join('\n') });
  }
  return out;
}

/** Every key under the test prefix with its value, whatever its type. */
async function dumpRedis(): Promise<string> {
  const raw = new IORedis(stack.config.redisUrl);
  try {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await raw.scan(
        cursor,
        'MATCH',
        `${stack.config.redisKeyPrefix}*`,
        'COUNT',
        '1000',
      );
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    const parts: string[] = [];
    for (const key of keys) {
      const type = await raw.type(key);
      const value =
        type === 'string'
          ? await raw.get(key)
          : type === 'hash'
            ? JSON.stringify(await raw.hgetall(key))
            : type === 'list'
              ? JSON.stringify(await raw.lrange(key, 0, -1))
              : type === 'set'
                ? JSON.stringify(await raw.smembers(key))
                : type === 'zset'
                  ? JSON.stringify(await raw.zrange(key, '0', '-1', 'WITHSCORES'))
                  : `(${type})`;
      parts.push(`${key} ${value}`);
    }
    return parts.join('\n');
  } finally {
    raw.disconnect();
  }
}

/** The raw protobuf bytes of every workflow's visibility record and every event of every run (no codec). */
async function dumpTemporal(): Promise<{ what: string; bytes: Buffer }[]> {
  const service = stack.env.client.workflowService;
  const namespace = stack.config.temporal.namespace;
  const out: { what: string; bytes: Buffer }[] = [];
  const executions: proto.temporal.api.common.v1.IWorkflowExecution[] = [];
  let page: Uint8Array | undefined;
  do {
    const res = await service.listWorkflowExecutions({ namespace, pageSize: 1000, nextPageToken: page });
    const bytes = proto.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse.encode(res).finish();
    out.push({ what: 'visibility (ids, search attributes, memos)', bytes: Buffer.from(bytes) });
    executions.push(...res.executions.map((e) => e.execution!));
    page = res.nextPageToken?.length ? res.nextPageToken : undefined;
  } while (page);
  for (const execution of executions) {
    let token: Uint8Array | undefined;
    do {
      const res = await service.getWorkflowExecutionHistory({
        namespace,
        execution,
        maximumPageSize: 1000,
        nextPageToken: token,
      });
      const bytes = proto.temporal.api.history.v1.History.encode(res.history ?? {}).finish();
      out.push({ what: `history of ${execution.workflowId}`, bytes: Buffer.from(bytes) });
      token = res.nextPageToken?.length ? res.nextPageToken : undefined;
    } while (token);
  }
  return out;
}

/** The forms a secret could be stored in: as is, hex (bytea, digests), base64 and base64url (payloads, JSON). */
const forms = (secret: string): Buffer[] => {
  const b = Buffer.from(secret, 'utf8');
  return [
    b,
    Buffer.from(b.toString('hex')),
    Buffer.from(b.toString('base64').replace(/=+$/, '')),
    Buffer.from(b.toString('base64url')),
  ];
};

/** Which of the named secrets occur (in any form) in which haystack: `what — secret name`. */
function hits(secrets: Record<string, string>, haystacks: { what: string; bytes: Buffer }[]): string[] {
  const found: string[] = [];
  for (const [name, secret] of Object.entries(secrets)) {
    for (const { what, bytes } of haystacks) {
      if (forms(secret).some((f) => bytes.includes(f))) found.push(`${what} — ${name}`);
    }
  }
  return found;
}

describe('secrets in plain text', () => {
  it('the three journeys leave no billing key, card number, password or session id anywhere readable', async () => {
    // An admin; a roaster applies (personal data in the form) and the admin approves it through the inbox.
    const admin = await makeUser(stack, ['customer', 'admin']);
    const partnerPassword = `pw-partner-${uniq()}`;
    const partner = new Browser(stack.baseUrl);
    await partner.signUp(`roaster-${uniq()}@example.com`, partnerPassword);
    const form = applicationForm({
      phone: `010-${randomInt(1000, 9999)}-${randomInt(1000, 9999)}`,
      address: `서울특별시 마포구 비밀로 ${randomInt(100, 999)}`,
      bankAccount: `${randomInt(100000, 999999)}-02-${randomInt(100000, 999999)}`,
    });
    const applied = await partner.post<{ id: string }>('/api/partner-applications', form);
    assert.equal(applied.status, 202);
    const task = await eventually<{ id: string }>(() =>
      stack.db('tasks').where({ subjectId: applied.body.id, state: 'open' }).first('id'),
    );
    assert.equal((await admin.browser.post(`/api/admin/tasks/${task.id}/claim`)).status, 200);
    const decided = await admin.browser.post(`/api/admin/tasks/${task.id}/decision`, { decision: 'approve' });
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
    await eventually(async () =>
      (await partner.get<{ roles: string[] }>('/api/auth/me')).body.roles.includes('partner'),
    );
    const productId = await publishProduct(stack, partner, admin.me.id);

    // A customer subscribes with a card that is declined (stopped), registers another and is charged.
    const customerPassword = `pw-customer-${uniq()}`;
    const customerEmail = `buyer-${uniq()}@example.com`;
    const customer = new Browser(stack.baseUrl);
    const me = await customer.signUp(customerEmail, customerPassword);
    const customerKey = customerKeyFor(me.id);
    const goodCard = approvingCard();
    const firstAuthKey = await cardWindow(customerKey, STOPPED_CARD);
    const shipTo = {
      name: '비밀 고객',
      phone: `010-${randomInt(1000, 9999)}-${randomInt(1000, 9999)}`,
      address: `부산광역시 해운대구 비밀길 ${randomInt(100, 999)}`,
    };
    const subscribed = await customer.post<{ id: string }>('/api/subscriptions', {
      consents: await checkoutConsents(customer, productId, { grams: 200, quantity: 1 }),
      productId,
      options: { grams: 200, grind: 'whole_bean', quantity: 1, cycleWeeks: 2 },
      shipTo,
      authKey: firstAuthKey,
      customerKey,
    });
    assert.equal(subscribed.status, 201, JSON.stringify(subscribed.body));
    const subscriptionId = subscribed.body.id;
    await eventually(() =>
      stack.db('subscriptions').where({ id: subscriptionId, paymentState: 'declined' }).first(),
    );
    // The first card's billing key, opened while Dalgona still holds it (the change below erases it): searched for too.
    const box = createSecretBox(stack.config.billingKeys.secrets, stack.config.billingKeys.activeId);
    const first = (await stack.db('cards').where({ userId: me.id }).first('id', 'billingKeyEnc')) as {
      id: string;
      billingKeyEnc: string;
    };
    const firstKey = box.open(first.billingKeyEnc, `card:${first.id}`);
    const secondAuthKey = await cardWindow(customerKey, goodCard);
    const changed = await customer.post(`/api/subscriptions/${subscriptionId}/card`, {
      authKey: secondAuthKey,
      customerKey,
    });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    await eventually(() => stack.db('payments').where({ subscriptionId }).first('id'), 20_000);

    // The roaster ships the paid cycle's order.
    const order = await eventually<{ id: string }>(() =>
      stack.db('fulfilment_orders').where({ subscriptionId }).first('id'),
    );
    assert.equal((await partner.post(`/api/partner/orders/${order.id}/roasted`)).status, 200);
    const shipped = await partner.post(`/api/partner/orders/${order.id}/ship`, {
      carrier: 'cj',
      trackingNumber: '6123-4567-8901',
    });
    assert.equal(shipped.status, 200, JSON.stringify(shipped.body));
    await eventually(() => stack.db('fulfilment_orders').where({ id: order.id, status: 'shipped' }).first());

    // The billing keys the provider issued, as Dalgona holds them: sealed; opened here with the configured keys.
    const cards = (await stack.db('cards').where({ userId: me.id }).orderBy('createdAt')) as {
      id: string;
      billingKeyEnc: string | null;
      removedAt: Date | null;
    }[];
    assert.equal(cards.length, 2);
    // The card the change replaced is erased (nothing else charges it): no key left to open.
    assert.equal(cards[0]!.billingKeyEnc, null);
    assert.ok(cards[0]!.removedAt);
    assert.equal(cards[0]!.id, first.id);
    const billingKeys = [firstKey, box.open(cards[1]!.billingKeyEnc!, `card:${cards[1]!.id}`)];
    for (const key of billingKeys) {
      assert.ok(key.length >= 16);
      // …and they are the provider's: it knows each by its hash.
      const sha = createHash('sha256').update(key).digest('hex');
      assert.ok(
        await stack.sandbox.db('billing_keys').where({ key_hash: sha }).first(),
        'issued by the sandbox',
      );
    }

    // What nobody may hold in plain text: Dalgona's side and the provider's side alike.
    const sessionIds = [admin.browser, partner, customer].map((b) => b.cookies.get('dalgona_sid')!);
    const nowhere: Record<string, string> = {
      'declined card number': STOPPED_CARD,
      'approved card number': goodCard,
      'customer password': customerPassword,
      'partner password': partnerPassword,
      'admin password': admin.password,
      'Toss secret key': TEST_SECRET_KEY,
      ...Object.fromEntries(sessionIds.map((s, i) => [`session id ${i + 1}`, s])),
      ...Object.fromEntries(
        stack.config.billingKeys.secrets.map((k) => [`billing-key secret ${k.id}`, k.key.toString('base64')]),
      ),
      ...Object.fromEntries(
        stack.config.payloadKeys.keys.map((k) => [`payload key ${k.id}`, k.key.toString('base64')]),
      ),
      'workflow-id secret': stack.config.workflowIdSecret,
    };
    // What only the provider may hold: the billing keys it issued and the one-time authKeys.
    const providerOnly: Record<string, string> = {
      'billing key 1': billingKeys[0]!,
      'billing key 2': billingKeys[1]!,
      'authKey 1': firstAuthKey,
      'authKey 2': secondAuthKey,
    };
    // What Temporal (ids, search attributes, memos, failures — everything outside encrypted payloads) may not show.
    const personal: Record<string, string> = {
      'customer e-mail': customerEmail,
      'customer phone': shipTo.phone,
      'customer address': shipTo.address,
      'partner phone': form.phone,
      'partner address': form.address,
      'partner bank account': form.bankAccount,
      'partner e-mail': form.email,
    };

    const all = (h: { bytes: Buffer }[]) => Buffer.concat(h.map((x) => x.bytes));
    const dalgonaDb = (await dumpDatabase(stack.db)).map((t) => ({
      what: `PostgreSQL ${t.table}`,
      bytes: Buffer.from(t.text),
    }));
    const sandboxDb = (await dumpDatabase(stack.sandbox.db)).map((t) => ({
      what: `sandbox PostgreSQL ${t.table}`,
      bytes: Buffer.from(t.text),
    }));
    // A mistyped password: the login limiter counts it against the account (keyed without the address).
    const typo = await new Browser(stack.baseUrl).post('/api/auth/login', {
      email: customerEmail,
      password: 'not-the-password',
    });
    assert.equal(typo.status, 401);
    const redis = [{ what: 'Redis', bytes: Buffer.from(await dumpRedis()) }];
    assert.ok(all(redis).includes('login-fail-account'), 'Redis has the failed sign-in count');
    await new Promise((r) => setTimeout(r, 200)); // the SDK's log forwarding is asynchronous
    const logText = [{ what: 'logs', bytes: Buffer.from(logs.join('')) }];
    const history = await dumpTemporal();

    // Each haystack is real: it holds what it should (so a search that finds nothing means something).
    assert.ok(all(dalgonaDb).includes(customerEmail), 'the database dump has the customer');
    assert.ok(all(dalgonaDb).includes(cards[1]!.billingKeyEnc!), 'and the sealed billing key');
    assert.ok(all(sandboxDb).includes(customerKey), 'the sandbox dump has the customer key');
    const sessionKey = createHash('sha256').update(sessionIds[2]!).digest('base64url');
    assert.ok(all(redis).includes(`session:${sessionKey}`), 'Redis has the customer session (by its hash)');
    assert.ok(
      all(logText).includes(`/api/partner/orders/${order.id}/ship`),
      'the logs have the API requests',
    );
    assert.ok(/"name":"sdk"/.test(all(logText).toString()), 'the logs have the workers (SDK logger)');
    assert.ok(
      logs.some((l) => /"level":20/.test(l)),
      'at debug level',
    );
    assert.ok(
      all(history).includes(subscriptionWorkflowId(subscriptionId)),
      'the histories have the subscription',
    );
    assert.ok(all(history).includes('binary/encrypted'), 'with encrypted payloads');

    const dalgonaSide = [...dalgonaDb, ...redis, ...logText, ...history];
    assert.deepEqual(hits(nowhere, [...dalgonaSide, ...sandboxDb]), []);
    assert.deepEqual(hits(providerOnly, dalgonaSide), []);
    assert.deepEqual(hits(personal, history), []);
    assert.deepEqual(hits(personal, redis), []);
  });
});
