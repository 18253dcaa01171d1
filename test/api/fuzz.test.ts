// Every mutating route, fed malformed and hostile input by a user allowed to call it:
// always a 4xx in the one error shape, never a 5xx, and nothing written anywhere.
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { allRoutes } from '../../api/app';
import type { RouteDef } from '../../api/route';
import { customerKeyFor } from '../../domain/subscription';
import type { Browser, Res } from '../browser';
import { startStack, stopTemporal, type Stack } from '../harness';
import { buildFixtures, fillPath, type Fixtures } from './fixtures';
import { checkoutConsents } from '../consents';

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
  'POST /api/subscriptions/:id/use-card': (f) => ({ id: f.ownSubscriptionId }),
  'DELETE /api/me/cards/:id': (f) => ({ id: f.ownCardId }),
  'POST /api/subscriptions/:id/cancel': (f) => ({ id: f.ownSubscriptionId }),
  'POST /api/subscriptions/:id/price-change': (f) => ({ id: f.ownSubscriptionId }),
  'POST /api/subscriptions/:id/undo-skip': (f) => ({ id: f.ownSubscriptionId }),
  'POST /api/subscriptions/:id/undo-cancel': (f) => ({ id: f.ownSubscriptionId }),
  'POST /api/me/deliveries/:id/withdraw': (f) => ({ id: f.partnerOrderId }),
  'POST /api/admin/payments/:id/refunds': (f) => ({ id: f.otherPaymentId }),
  'POST /api/partner/orders/:id/roasted': (f) => ({ id: f.partnerOrderId }),
  'POST /api/partner/orders/:id/ship': (f) => ({ id: f.partnerOrderId }),
  'POST /api/me/deliveries/:id/confirm': (f) => ({ id: f.partnerOrderId }),
  'POST /api/admin/settlements/:id/payout': (f) => ({ id: f.otherStatementId }),
  'PUT /api/admin/partners/:id/commission': (f) => ({ id: f.otherPartnerId }),
  // No such address of the caller's: a body that passes would be "not found", nothing written either way.
  'PUT /api/me/addresses/:id': () => ({ id: '00000000-0000-4000-8000-000000000000' }),
  'DELETE /api/me/addresses/:id': () => ({ id: '00000000-0000-4000-8000-000000000000' }),
  'POST /api/me/addresses/:id/default': () => ({ id: '00000000-0000-4000-8000-000000000000' }),
  'POST /api/subscriptions/:id/address': (f) => ({ id: f.ownSubscriptionId }),
  'POST /api/admin/partners/:id/suspend': (f) => ({ id: f.otherPartnerId }),
  'POST /api/admin/partners/:id/resume': (f) => ({ id: f.otherPartnerId }),
  'POST /api/admin/subscriptions/:id/pause': (f) => ({ id: f.otherSubscriptionId }),
  'POST /api/admin/subscriptions/:id/resume': (f) => ({ id: f.otherSubscriptionId }),
  'POST /api/admin/subscriptions/:id/cancel': (f) => ({ id: f.otherSubscriptionId }),
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
  // Invisible format characters (Unicode Cf): bidi overrides and isolates, marks, zero-width, BOM, soft hyphen.
  'Roastery \u202Eyrtsaor',
  '\u2066isolated\u2069',
  '\u200E\u200F\u061C',
  'zero\u200Bwidth\u200Djoin\u2060',
  '\uFEFFbom',
  'soft\u00ADhyphen',
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
      // A read of personal data (an export) is recorded in the audit log: that is the one write a read makes.
      .whereNot('table_name', 'audit_log')
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
  parts.push(`workflows:${(await stack.client.workflow.count("WorkflowType != 'recordAudit'")).count}`);
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

// Paging cursors and calendar dates, wherever a route's query or body schema has one: found through the JSON
// Schema of the route table (`format: cursor` / `format: date`), so a new list or date filter is covered unasked.

type JsonSchema = { format?: string; enum?: unknown[]; properties?: Record<string, JsonSchema> };

/** Every field of a schema (nested objects too) whose JSON Schema has this format, by path. */
function fieldsWithFormat(schema: z.ZodType | undefined, format: string): string[][] {
  if (!schema) return [];
  const found: string[][] = [];
  const walk = (node: JsonSchema, path: string[]) => {
    if (node.format === format && path.length) found.push(path);
    for (const [key, child] of Object.entries(node.properties ?? {})) walk(child, [...path, key]);
  };
  walk(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema, []);
  return found;
}

/** Top-level enum values of a query (sort, status, …), so crafted cursors meet every list's variants. */
function enumPairs(schema: z.ZodType): [string, string][] {
  const props =
    (z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema).properties ?? {};
  return Object.entries(props).flatMap(([key, p]) =>
    (p.enum ?? []).map((v): [string, string] => [key, String(v)]),
  );
}

/** A valid body for each mutating route with a date (or cursor) in its body: so the date is what gets refused. */
const validBodies: Record<string, (f: Fixtures) => Promise<unknown>> = {
  'POST /api/subscriptions': async (f) => ({
    productId: f.otherProductId,
    options: { grams: 200, grind: 'whole_bean', quantity: 1, cycleWeeks: 1 },
    shipTo: { name: '퍼즈', phone: '010-1111-2222', address: '서울특별시 중구 세종대로 110' },
    authKey: 'never-used',
    customerKey: customerKeyFor((await f.superuser.get<{ id: string }>('/api/auth/me')).body.id),
    consents: await checkoutConsents(f.superuser, f.otherProductId, { grams: 200, quantity: 1 }),
  }),
};

const b64 = (s: string) => Buffer.from(s).toString('base64url');
const pad = (n: number, width: number) => String(n).padStart(width, '0');
const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

const hugeNumber = fc.oneof(
  fc.bigInt({ min: 2n ** 31n, max: 2n ** 80n }).map(String),
  fc.bigInt({ min: -(2n ** 80n), max: -(2n ** 31n) - 1n }).map(String),
  fc.constantFrom('1e308', '-1e20', '9223372036854775808', '-9223372036854775809', 'Infinity', 'NaN', '-0'),
  fc.double().map(String),
);
const timestampLike = fc.oneof(
  fc.constantFrom(
    '99999-01-01',
    '+099999-01-01T00:00:00.000Z',
    '-271821-04-20T00:00:00.000Z',
    '0000-01-01T00:00:00.000Z',
    '2026-02-30T00:00:00.000Z',
    '2026-13-01T00:00:00.000Z',
    '1',
    '0',
    '-1e20',
    'Jan 1 99999',
  ),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), // any instant JS has, ±275,760 years
  fc.integer().map(String),
);
const cursorPart = fc.oneof(
  hugeNumber,
  fc.integer().map(String),
  timestampLike,
  fc.uuid(),
  fc.string({ maxLength: 30 }),
  fc.constantFrom(...hostileStrings.map((h) => h.slice(0, 60))),
);
/** Cursors at the edges of what the lists accept: each must reach SQL and answer 200. */
const edgeCursor = fc
  .tuple(
    fc.constantFrom(
      '2147483647',
      '-2147483648',
      '0',
      '1900-01-01T00:00:00.000Z',
      '9999-12-31T23:59:59.999Z',
      '2024-02-29T12:00:00.000Z',
    ),
    fc.oneof(fc.uuid(), fc.constantFrom('9223372036854775807', '-9223372036854775808', '1')),
  )
  .map(([value, id]) => b64(`${value}|${id}`));
/** Cursors no list handed out: random base64url of numbers, parts of the wrong kind or count, junk. */
const craftedCursor = fc.oneof(
  edgeCursor,
  fc.tuple(timestampLike, fc.uuid()).map(([at, id]) => b64(`${at}|${id}`)),
  fc.tuple(hugeNumber, fc.uuid()).map(([n, id]) => b64(`${n}|${id}`)),
  fc.tuple(fc.date({ noInvalidDate: true }), hugeNumber).map(([d, n]) => b64(`${d.toISOString()}|${n}`)),
  fc.array(cursorPart, { minLength: 1, maxLength: 4 }).map((parts) => b64(parts.join('|'))),
  fc.oneof(hugeNumber, fc.double().map(String)).map(b64),
  fc.string({ maxLength: 80 }),
  fc.base64String({ maxLength: 80 }),
);
/** YYYY-MM-DD-looking dates that do not exist (and a few that are not that shape at all). */
const impossibleDate = fc.oneof(
  fc.constantFrom(
    '2026-13-01',
    '0000-00-00',
    '2026-02-30',
    '2025-02-29',
    '1900-02-29',
    '99999-01-01',
    '-0001-01-01',
    '2026-1-1',
    '20260101',
    '2026-01-01T00:00:00Z',
  ),
  fc
    .tuple(
      fc.integer({ min: 1900, max: 9999 }),
      fc.oneof(fc.constant(0), fc.integer({ min: 13, max: 99 })),
      fc.integer({ min: 1, max: 28 }),
    )
    .map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`),
  fc
    .tuple(fc.integer({ min: 1900, max: 9999 }), fc.integer({ min: 1, max: 12 }))
    .chain(([y, m]) =>
      fc
        .oneof(fc.constant(0), fc.integer({ min: daysIn(y, m) + 1, max: 99 }))
        .map((d) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`),
    ),
  fc
    .tuple(fc.oneof(fc.constant(0), fc.integer({ min: 10000, max: 999999 })), fc.integer({ min: 1, max: 12 }))
    .map(([y, m]) => `${pad(y, 4)}-${pad(m, 2)}-01`),
);

function setPath(target: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(target);
  let node = copy;
  for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[path.at(-1)!] = value;
  return copy;
}

function assertRefusedField(res: Res, field: string, what: string): void {
  assertClientError(res, what);
  const error = (res.body as { error: { code: string; details?: { fields?: { path: string }[] } } }).error;
  assert.equal(res.status, 400, what);
  assert.equal(error.code, 'VALIDATION_FAILED', what);
  assert.ok(
    error.details?.fields?.some((i) => i.path === field),
    `${what}: no issue on ${field}`,
  );
}

describe('fuzz: every cursor and date parameter in the route table refuses crafted values', () => {
  const found = () =>
    allRoutes(stack.apiDeps).flatMap((def) =>
      (['query', 'body'] as const).flatMap((where) =>
        (['cursor', 'date'] as const).flatMap((format) =>
          fieldsWithFormat(def[where], format).map((path) => ({ def, where, format, path })),
        ),
      ),
    );

  it('finds them from the schemas (every paged list, every date filter, the checkout date)', () => {
    const names = found().map((x) => `${x.def.method} ${x.def.path} ${x.where}.${x.path.join('.')}`);
    for (const expected of [
      'GET /api/catalog/products query.cursor',
      'GET /api/admin/tasks query.cursor',
      'GET /api/admin/payments query.cursor',
      'GET /api/admin/payments query.from',
      'GET /api/admin/payments query.to',
      'GET /api/admin/settlements query.cursor',
      'GET /api/admin/settlements query.from',
      'GET /api/admin/settlements query.to',
      'GET /api/partner/orders query.cursor',
      'GET /api/admin/notifications/failures query.cursor',
      'GET /api/admin/audit query.cursor',
      'GET /api/admin/audit query.from',
      'GET /api/admin/audit query.to',
      'GET /api/notifications query.cursor',
      'POST /api/subscriptions body.firstChargeDate',
    ])
      assert.ok(names.includes(expected), `${expected} not found in ${names.join(', ')}`);
    // Every route with a date or cursor in its body has a valid body to carry it.
    const bodies = [
      ...new Set(
        found()
          .filter((x) => x.where === 'body')
          .map((x) => `${x.def.method} ${x.def.path}`),
      ),
    ];
    assert.deepEqual(bodies.sort(), Object.keys(validBodies).sort());
  });

  it('query strings: never a 5xx; what the schema refuses is a 400 on the field, what it takes answers 200', async () => {
    const before = await snapshot(stack);
    let accepted = 0;
    for (const { def, format, path } of found().filter((x) => x.where === 'query')) {
      const field = path.join('.');
      const key = `${def.method} ${def.path} ${field}`;
      const url = fillPath(def.path, pathParams[`${def.method} ${def.path}`]?.(fixtures));
      const variants = enumPairs(def.query!);
      const query = fc.tuple(
        format === 'cursor' ? craftedCursor : impossibleDate,
        variants.length ? fc.option(fc.constantFrom(...variants)) : fc.constant(null),
      );
      await fc.assert(
        fc.asyncProperty(query, async ([value, variant]) => {
          const q: Record<string, string> = {
            [field]: value,
            ...(variant ? { [variant[0]]: variant[1] } : {}),
          };
          const res = await caller(def).request('GET', `${url}?${new URLSearchParams(q).toString()}`);
          const what = `${key} ${JSON.stringify(q).slice(0, 200)}`;
          if (def.query!.safeParse(q).success) {
            assert.ok(format === 'cursor', `${what}: an impossible date was accepted by the schema`);
            assert.equal(res.status, 200, `${what}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
            accepted++;
          } else assertRefusedField(res, field, what);
        }),
        { numRuns: 80 },
      );
    }
    assert.ok(accepted > 0, 'some cursors were valid ones, and their SQL ran');
    assert.equal(await snapshot(stack), before, 'no table changed and no workflow started');
  });

  it('bodies: an impossible date in an otherwise valid body is a 400 on that field', async () => {
    const before = await snapshot(stack);
    for (const { def, format, path } of found().filter((x) => x.where === 'body')) {
      const key = `${def.method} ${def.path}`;
      const valid = (await validBodies[key]!(fixtures)) as Record<string, unknown>;
      assert.ok(def.body!.safeParse(valid).success, `${key}: the valid body is valid`);
      const url = fillPath(def.path, pathParams[key]?.(fixtures));
      await fc.assert(
        fc.asyncProperty(format === 'cursor' ? craftedCursor : impossibleDate, async (value) => {
          const body = setPath(valid, path, value);
          fc.pre(!def.body!.safeParse(body).success); // a crafted cursor can happen to be a valid one
          assertRefusedField(
            await caller(def).request(def.method, url, body),
            path.join('.'),
            `${key} ${value}`,
          );
        }),
        { numRuns: 60 },
      );
    }
    assert.equal(await snapshot(stack), before, 'no table changed and no workflow started');
  });
});
