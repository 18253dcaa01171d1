// Every mutating route, fed malformed and hostile input by a user allowed to call it:
// always a 4xx in the one error shape, never a 5xx, and nothing written anywhere.
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { allRoutes } from '../../api/app';
import type { RouteDef } from '../../api/route';
import type { Browser, Res } from '../browser';
import { startStack, stopTemporal, type Stack } from '../harness';
import { buildFixtures, fillPath, type Fixtures } from './fixtures';

/** Path parameters that exist (and belong to the caller), so the body is what gets exercised. One line per route. */
const pathParams: Record<string, (f: Fixtures) => Record<string, string>> = {
  'POST /api/admin/tasks/:id/claim': (f) => ({ id: f.otherTaskId }),
  'POST /api/admin/tasks/:id/release': (f) => ({ id: f.otherTaskId }),
  'POST /api/admin/tasks/:id/decision': (f) => ({ id: f.otherTaskId }),
  'POST /api/partner/products/:id/revisions': (f) => ({ id: f.ownProductId }),
  'POST /api/partner/products/:id/unpublish': (f) => ({ id: f.ownProductId }),
  'POST /api/partner/products/:id/republish': (f) => ({ id: f.ownProductId }),
  'POST /api/subscriptions/:id/pause': (f) => ({ id: f.ownSubscriptionId }),
  'POST /api/subscriptions/:id/resume': (f) => ({ id: f.ownSubscriptionId }),
  'POST /api/subscriptions/:id/skip': (f) => ({ id: f.ownSubscriptionId }),
  'POST /api/subscriptions/:id/options': (f) => ({ id: f.ownSubscriptionId }),
  'POST /api/subscriptions/:id/card': (f) => ({ id: f.ownSubscriptionId }),
  'POST /api/subscriptions/:id/cancel': (f) => ({ id: f.ownSubscriptionId }),
  'POST /api/admin/payments/:id/refunds': (f) => ({ id: f.otherPaymentId }),
  'POST /api/partner/orders/:id/roasted': (f) => ({ id: f.partnerOrderId }),
  'POST /api/partner/orders/:id/ship': (f) => ({ id: f.partnerOrderId }),
  'POST /api/me/deliveries/:id/confirm': (f) => ({ id: f.partnerOrderId }),
  'POST /api/admin/settlements/:id/payout': (f) => ({ id: f.otherStatementId }),
  'PUT /api/admin/partners/:id/commission': (f) => ({ id: f.otherPartnerId }),
};

const hostileStrings = [
  "' OR 1=1 --",
  "'); DROP TABLE users; --",
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  '\u0000\u0001\u0002',
  '\ud800',
  '../../../../etc/passwd',
  '%00',
  'a'.repeat(5000),
  '１２４-８１-００９９８',
  '{{7*7}}',
];
const hostileValue = fc.oneof(
  fc.constantFrom(...hostileStrings),
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, true, -1, 1e308, Number.MAX_SAFE_INTEGER + 2, [], {}, { $ne: null }),
);

async function snapshot(stack: Stack): Promise<string> {
  const tables = (
    await stack
      .db('information_schema.tables')
      .where({ table_schema: 'public', table_type: 'BASE TABLE' })
      .whereNot('table_name', 'like', 'knex_%')
      .orderBy('table_name')
      .select('table_name')
  ).map((r: { tableName: string }) => r.tableName);
  const parts: string[] = [];
  for (const table of tables) {
    const row = (
      await stack.db.raw(
        `SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) AS h FROM ?? t`,
        [table],
      )
    ).rows[0];
    parts.push(`${table}:${row.h}`);
  }
  parts.push(`workflows:${(await stack.client.workflow.count()).count}`);
  return parts.join('\n');
}

function bodyKeys(def: RouteDef): string[] {
  if (!def.body) return [];
  const schema = z.toJSONSchema(def.body, { io: 'input', unrepresentable: 'any' }) as { properties?: object };
  return Object.keys(schema.properties ?? {});
}

/** A body the route would accept is not malformed: only bodies it must refuse are sent. */
function malformed(def: RouteDef, body: unknown): boolean {
  if (def.raw) return true;
  if (!def.body)
    return !(
      typeof body === 'object' &&
      body !== null &&
      !Array.isArray(body) &&
      Object.keys(body).length === 0
    );
  return !def.body.safeParse(body).success;
}

let stack: Stack;
let fixtures: Fixtures;
let mutating: RouteDef[];
before(async () => {
  stack = await startStack();
  fixtures = await buildFixtures(stack);
  mutating = allRoutes(stack.apiDeps).filter((r) => r.method !== 'GET');
});
after(async () => {
  await stack.stop();
  await stopTemporal();
});

function caller(def: RouteDef): Browser {
  if (def.access === 'admin') return fixtures.as.admin;
  if (def.access === 'partner') return fixtures.as.partner;
  return fixtures.superuser;
}

function assertClientError(res: Res, what: string): void {
  assert.ok(
    res.status >= 400 && res.status < 500,
    `${what}: expected a 4xx, got ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`,
  );
  const body = res.body as { error?: { code?: unknown; message?: unknown } };
  assert.equal(typeof body?.error?.code, 'string', `${what}: error shape`);
  assert.equal(typeof body?.error?.message, 'string', `${what}: error shape`);
}

describe('fuzz: every read route with a query answers hostile query strings with 200 or a 4xx', () => {
  it('never a 5xx, the error shape on a 4xx, and nothing written', async () => {
    const before = await snapshot(stack);
    const reads = allRoutes(stack.apiDeps).filter(
      (r) => r.method === 'GET' && r.query && !r.path.includes(':'),
    );
    assert.ok(reads.some((r) => r.path === '/api/partner/dashboard'));
    for (const def of reads) {
      const key = `${def.method} ${def.path}`;
      const keys = Object.keys(
        (z.toJSONSchema(def.query!, { io: 'input', unrepresentable: 'any' }) as { properties?: object })
          .properties ?? {},
      );
      const value = fc.oneof(
        fc.constantFrom(...hostileStrings, '', '-1', '1e308', 'NaN', '30d', '12m'),
        fc.string({ maxLength: 40 }),
      );
      const query = fc.dictionary(fc.constantFrom(...keys, '__proto__', 'partnerId', 'x'), value, {
        minKeys: 1,
        maxKeys: 4,
      });
      await fc.assert(
        fc.asyncProperty(query, async (q) => {
          const path = `${def.path}?${new URLSearchParams(q as Record<string, string>).toString()}`;
          const res = await caller(def).request('GET', path);
          if (res.status !== 200) assertClientError(res, `${key} ${path.slice(0, 160)}`);
        }),
        { numRuns: 40 },
      );
    }
    assert.equal(await snapshot(stack), before, 'no table changed and no workflow started');
  });
});

describe('fuzz: every mutating route rejects malformed and hostile input', () => {
  it('covers every mutating route that has path parameters', () => {
    const parameterised = mutating.filter((r) => r.path.includes(':')).map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(parameterised.sort(), Object.keys(pathParams).sort());
  });

  it('answers 4xx and writes nothing', async () => {
    const before = await snapshot(stack);
    for (const def of mutating) {
      const key = `${def.method} ${def.path}`;
      const user = caller(def);
      const path = fillPath(def.path, pathParams[key]?.(fixtures));
      const keys = bodyKeys(def);
      // Bodies of the right shape with wrong or hostile values, and bodies of any shape at all.
      const shaped = keys.length
        ? fc.dictionary(
            fc.constantFrom(...keys, '__proto__', 'constructor', 'role', 'status'),
            hostileValue,
            { minKeys: 1 },
          )
        : fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), hostileValue, { minKeys: 1 });
      const arbitrary = fc
        .oneof(shaped, fc.jsonValue({ maxDepth: 4 }))
        .filter((body) => malformed(def, body));
      await fc.assert(
        fc.asyncProperty(arbitrary, async (body) => {
          assertClientError(
            await user.request(def.method, path, body),
            `${key} ${JSON.stringify(body).slice(0, 120)}`,
          );
        }),
        { numRuns: 60 },
      );
      // Bodies that are not JSON, or not what they claim to be.
      for (const raw of [
        '{"a":',
        '\u0000',
        'a'.repeat(200_000),
        '[1,2',
        'null',
        '"just a string"',
        '<xml/>',
      ]) {
        assertClientError(
          await user.request(def.method, path, raw, { raw: true }),
          `${key} raw ${raw.slice(0, 20)}`,
        );
      }
      assertClientError(
        await user.request(def.method, path, 'email=a&password=b', {
          raw: true,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
        `${key} form-encoded`,
      );
      // Raw uploads: random bytes under every accepted type.
      for (const type of def.raw?.types ?? []) {
        await fc.assert(
          fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 4096 }), async (bytes) => {
            assertClientError(
              await user.request(def.method, path, bytes, { headers: { 'content-type': type } }),
              `${key} ${type} bytes`,
            );
          }),
          { numRuns: 25 },
        );
      }
      // Hostile path parameters.
      if (def.path.includes(':')) {
        for (const id of [
          "1' OR '1'='1",
          '../../etc',
          'x'.repeat(500),
          '00000000-0000-0000-0000-000000000000',
        ]) {
          const res = await user.request(
            def.method,
            def.path.replace(/:([A-Za-z]+)/g, encodeURIComponent(id)),
            {},
          );
          assertClientError(res, `${key} id=${id.slice(0, 20)}`);
        }
      }
    }
    assert.equal(await snapshot(stack), before, 'no table changed and no workflow started');
  });
});
