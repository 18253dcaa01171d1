// Crafted input at the edge: paging cursors, impossible calendar dates and invisible format characters are
// refused with 400 VALIDATION_FAILED (the field named, a stable key), never a 5xx, and nothing is written.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { customerKeyFor } from '../../domain/subscription';
import type { Browser, Res } from '../browser';
import {
  applicationForm,
  makeUser,
  productForm,
  startStack,
  stopTemporal,
  uniq,
  type Stack,
} from '../harness';
import { buildFixtures, type Fixtures } from './fixtures';
import { signUpConsents } from '../consents';

interface ErrorRes {
  error: { code: string; message: string; details?: { fields?: { path: string; key: string }[] } };
}

const b64 = (s: string) => Buffer.from(s).toString('base64url');
const someId = '7d0f3c1e-2b4a-4c6d-8e9f-0a1b2c3d4e5f';

/** Cursors no list hands out, with parts no column holds (several answered 500 before the cursor module). */
const craftedCursors = [
  b64(`99999999999|${someId}`), // past int4 (and no timestamp)
  b64(`99999-01-01|${someId}`), // a five-digit year
  b64(`+099999-01-01T00:00:00.000Z|${someId}`),
  b64(`-1e20|${someId}`),
  b64(`2026-12-01T00:00:00.000Z|99999999999999999999999`), // past int8
  b64(`2026-12-01T00:00:00.000Z|${someId}|extra`),
  b64('2026-12-01T00:00:00.000Z'),
  'not base64 at all!',
];

let stack: Stack;
let f: Fixtures;
before(async () => {
  stack = await startStack();
  f = await buildFixtures(stack);
});
after(async () => {
  await stack.stop();
  await stopTemporal();
});

function assertRefused(res: Res<unknown>, field: string, what: string, key?: string): void {
  const body = res.body as ErrorRes;
  assert.equal(res.status, 400, `${what}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  assert.equal(body.error.code, 'VALIDATION_FAILED', what);
  const issue = body.error.details?.fields?.find((i) => i.path === field);
  assert.ok(issue, `${what}: no issue for ${field} in ${JSON.stringify(body.error.details)}`);
  if (key) assert.equal(issue.key, key, what);
}

describe('crafted paging cursors are refused at the edge', () => {
  // Sorted by a timestamp, a cursor of `1` passes Date.parse (2001 to V8) and fails PostgreSQL; by an int4, 2^31.
  const byTime = b64(`1|${someId}`);
  const byInt = b64(`2147483648|${someId}`);
  const routes: [string, (f: Fixtures) => Browser, string, string][] = [
    ['/api/catalog/products', (x) => x.as.anon, '', byTime],
    ['/api/catalog/products', (x) => x.as.anon, 'sort=price_asc&', byInt],
    ['/api/catalog/products', (x) => x.as.anon, 'sort=popular&', byInt],
    ['/api/admin/tasks', (x) => x.as.admin, '', byTime],
    ['/api/admin/settlements', (x) => x.as.admin, '', byTime],
    ['/api/admin/payments', (x) => x.as.admin, '', b64('1|42')], // its ids are bigserial
    ['/api/admin/audit', (x) => x.as.admin, '', b64('1|42')], // its ids are bigserial
    ['/api/partner/orders', (x) => x.as.partner, '', byTime],
    ['/api/partner/orders', (x) => x.as.partner, 'status=all&', byTime],
  ];
  for (const [path, who, extra, ofKind] of routes) {
    it(`${path}?${extra}cursor=…: 400 VALIDATION_FAILED on the cursor field`, async () => {
      // Every cursor is tried before failing, so a failure lists each one's answer (the 500s among them).
      const wrong: string[] = [];
      for (const cursor of [ofKind, ...craftedCursors]) {
        const url = `${path}?${extra}cursor=${encodeURIComponent(cursor)}`;
        const res = await who(f).get<ErrorRes>(url);
        const key = res.body.error?.details?.fields?.find((i) => i.path === 'cursor')?.key;
        if (res.status !== 400 || res.body.error.code !== 'VALIDATION_FAILED' || key !== 'invalid_cursor')
          wrong.push(
            `${res.status} ${key ?? res.body.error?.code} ${Buffer.from(cursor, 'base64url').toString()}`,
          );
      }
      assert.deepEqual(wrong, []);
    });
  }

  it('a cursor from one sort is refused by another', async () => {
    const page = await f.as.anon.get<{ nextCursor: string | null }>(
      '/api/catalog/products?sort=newest&limit=1',
    );
    assert.equal(page.status, 200);
    assert.ok(page.body.nextCursor, 'the fixtures publish two products');
    const url = `/api/catalog/products?sort=price_asc&cursor=${page.body.nextCursor}`;
    assertRefused(await f.as.anon.get(url), 'cursor', url, 'invalid_cursor');
  });
});

describe('the cursors the lists hand out still page', () => {
  const lists: [string, (f: Fixtures) => Browser][] = [
    ['/api/catalog/products?sort=newest', (x) => x.as.anon],
    ['/api/catalog/products?sort=price_asc', (x) => x.as.anon],
    ['/api/catalog/products?sort=popular', (x) => x.as.anon],
    ['/api/admin/tasks?state=all', (x) => x.as.admin],
    ['/api/admin/payments?', (x) => x.as.admin],
    ['/api/admin/audit?', (x) => x.as.admin],
    ['/api/admin/settlements?', (x) => x.as.admin],
    ['/api/partner/orders?status=all', (x) => x.as.partner],
    ['/api/partner/orders?status=open', (x) => x.as.partner],
  ];
  for (const [list, who] of lists) {
    it(`${list}: one row a page, each row once, to the end`, async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `${list}&limit=1${cursor ? `&cursor=${cursor}` : ''}`;
        const page: Res<{ items: { id: string }[]; nextCursor: string | null }> = await who(f).get(url);
        assert.equal(page.status, 200, `${url}: ${JSON.stringify(page.body).slice(0, 300)}`);
        seen.push(...page.body.items.map((i) => String(i.id)));
        cursor = page.body.nextCursor;
      } while (cursor && seen.length < 200);
      assert.ok(seen.length >= 1, list);
      assert.equal(new Set(seen).size, seen.length, `${list}: a row came twice`);
    });
  }
});

describe('impossible calendar dates are refused', () => {
  it('checkout with 2026-13-01, 0000-00-00 or 2026-02-30 as the first charge date: 400, nothing started', async () => {
    const buyer = await makeUser(stack);
    const customerKey = customerKeyFor(buyer.me.id);
    const before = (await stack.client.workflow.count()).count;
    for (const firstChargeDate of ['2026-13-01', '0000-00-00', '2026-02-30', '2026-00-10', '2026-04-31']) {
      const res = await buyer.browser.post('/api/subscriptions', {
        productId: f.otherProductId,
        options: { grams: 200, grind: 'whole_bean', quantity: 1, cycleWeeks: 1 },
        shipTo: { name: '테스트', phone: '010-1111-2222', address: '서울특별시 중구 세종대로 110' },
        firstChargeDate,
        authKey: 'never-used',
        customerKey,
      });
      assertRefused(res, 'firstChargeDate', firstChargeDate, 'invalid_date');
    }
    assert.equal((await stack.client.workflow.count()).count, before);
  });

  it('date filters on payments and settlements: 400 on an impossible date', async () => {
    for (const path of ['/api/admin/payments', '/api/admin/settlements', '/api/admin/audit'])
      for (const [field, value] of [
        ['from', '2026-13-01'],
        ['to', '0000-00-00'],
        ['from', '2026-02-30'],
        ['to', '99999-01-01'],
      ] as const) {
        const url = `${path}?${field}=${value}`;
        assertRefused(await f.as.admin.get(url), field, url, 'invalid_date');
      }
  });
});

describe('invisible format characters (bidi controls, zero-width) are refused in names and free text', () => {
  const rlo = 'Roastery \u202Eyrtsaor'; // reads backwards after the override
  const hidden = ['\u202E', '\u202A', '\u2066', '\u2069', '\u200E', '\u200F', '\u200B', '\u2060', '\uFEFF'];

  it('sign-up name: 400 invisible_characters, no account', async () => {
    const email = `bidi-${uniq()}@example.com`;
    const res = await f.as.anon.post('/api/auth/signup', { email, password: 'correct-horse-1', name: rlo });
    assertRefused(res, 'name', 'signup', 'invisible_characters');
    assert.match((res.body as ErrorRes).error.message, /text-direction/i);
    assert.equal(await stack.db('users').where({ email }).first(), undefined);
  });

  it('partner application: every Cf character in the company name, and the other text fields', async () => {
    const { browser } = await makeUser(stack);
    for (const ch of hidden) {
      const res = await browser.post(
        '/api/partner-applications',
        applicationForm({ companyName: `Roast${ch}ery` }),
      );
      assertRefused(res, 'companyName', `U+${ch.codePointAt(0)!.toString(16)}`, 'invisible_characters');
    }
    for (const field of ['representative', 'address', 'bankName', 'introduction'] as const) {
      const res = await browser.post(
        '/api/partner-applications',
        applicationForm({ [field]: `${applicationForm()[field]}\u202E` }),
      );
      assertRefused(res, field, field, 'invisible_characters');
    }
  });

  it('profile change: every text field, the bank code and the account number', async () => {
    const p = f.as.partner;
    const profile = {
      companyName: '달고나 로스터스',
      representative: '홍길동',
      phone: '02-123-4567',
      email: 'roaster@example.com',
      address: '서울특별시 마포구 와우산로 94',
      mailOrderNumber: '2024-서울마포-01234',
      introduction: '매주 소량으로 로스팅하는 스페셜티 커피 로스터리입니다.',
    };
    for (const field of ['companyName', 'representative', 'address', 'introduction'] as const) {
      const res = await p.post('/api/partner/profile/changes', {
        profile: { ...profile, [field]: `${profile[field]}\u202E` },
      });
      assertRefused(res, `profile.${field}`, `profile.${field}`, 'invisible_characters');
    }
    const account = { bankCode: '004', bankAccount: '123-45-678901', bankAccountHolder: '홍길동' };
    assertRefused(
      await p.post('/api/partner/profile/changes', { account: { ...account, bankCode: 'KB' } }),
      'account.bankCode',
      'bankCode',
      'unknown_bank',
    );
    assertRefused(
      await p.post('/api/partner/profile/changes', {
        account: { ...account, bankAccount: '12\u200B3-45-678901' },
      }),
      'account.bankAccount',
      'bankAccount',
      'invalid_bank_account',
    );
  });

  it('product form: name, description, origin and tasting notes', async () => {
    const p = f.as.partner;
    const cases: [string, Parameters<typeof productForm>[1]][] = [
      ['name', { name: rlo }],
      ['description', { description: `${productForm('x').description}\u2067` }],
      ['origin.country', { origin: { country: 'Ethi\u200Dopia' } }],
      ['origin.region', { origin: { country: 'Ethiopia', region: 'Gu\u202Eji' } }],
      ['tastingNotes.1', { tastingNotes: ['peach', 'jas\u200Bmine'] }],
    ];
    for (const [field, over] of cases) {
      const res = await p.post('/api/partner/products', productForm(f.imageId, over));
      assertRefused(res, field, field, 'invisible_characters');
    }
  });

  it('reasons, references and the delivery address', async () => {
    const admin = f.as.admin;
    assertRefused(
      await admin.post(`/api/admin/tasks/${f.otherTaskId}/decision`, {
        decision: 'reject',
        reason: 'no\u202E',
      }),
      'reason',
      'decision',
      'invisible_characters',
    );
    assertRefused(
      await admin.post(`/api/admin/payments/${f.otherPaymentId}/refunds`, { reason: 'broken \u2066bag' }),
      'reason',
      'refund',
      'invisible_characters',
    );
    assertRefused(
      await admin.post(`/api/admin/partners/${f.otherPartnerId}/suspend`, { reason: 'late \u202Eagain' }),
      'reason',
      'suspend',
      'invisible_characters',
    );
    assertRefused(
      await admin.post(`/api/admin/subscriptions/${f.otherSubscriptionId}/pause`, { reason: ' ' }),
      'reason',
      'pause on behalf',
      'required',
    );
    assertRefused(
      await admin.post(`/api/admin/settlements/${f.otherStatementId}/payout`, { reference: 'TX\u200B123' }),
      'reference',
      'payout',
      'invisible_characters',
    );
    assertRefused(
      await f.superuser.post(`/api/subscriptions/${f.ownSubscriptionId}/cancel`, {
        when: 'period_end',
        reason: 'too \u202Ebitter',
      }),
      'reason',
      'cancel',
      'invisible_characters',
    );
    // 해지 사유: a choice that is not offered, and the customer's own words with a hidden control.
    assertRefused(
      await f.superuser.post(`/api/subscriptions/${f.ownSubscriptionId}/cancel`, {
        when: 'period_end',
        reasonCode: 'bored',
      }),
      'reasonCode',
      'cancel reasonCode',
    );
    assertRefused(
      await f.superuser.post(`/api/subscriptions/${f.ownSubscriptionId}/cancel`, {
        when: 'period_end',
        reasonCode: 'other',
        reason: '이사​가요',
      }),
      'reason',
      'cancel reason',
      'invisible_characters',
    );
    assertRefused(
      await f.as.partner.post(`/api/partner/products/${f.ownProductId}/unpublish`, {
        reason: 'sold\u200F out',
      }),
      'reason',
      'unpublish',
      'invisible_characters',
    );
  });

  it('the address book and a subscription’s new address: invisible characters, a bad postcode, a crafted id', async () => {
    const me = f.superuser;
    const address = {
      name: '김고객',
      phone: '010-1234-5678',
      postcode: '04524',
      address1: '서울특별시 중구 세종대로 110',
      address2: '3층',
      memo: '문 앞',
    };
    const before = (await me.get<{ items: unknown[] }>('/api/me/addresses')).body.items.length;
    for (const field of ['name', 'address1', 'address2', 'memo'] as const) {
      assertRefused(
        await me.post('/api/me/addresses', { ...address, [field]: `서울\u202E${address[field]}` }),
        field,
        `address ${field}`,
        'invisible_characters',
      );
    }
    for (const postcode of ['4524', '045241', '０４５２４', '04-524', '']) {
      assertRefused(
        await me.post('/api/me/addresses', { ...address, postcode }),
        'postcode',
        `postcode ${postcode}`,
      );
    }
    assertRefused(
      await me.post('/api/me/addresses', { ...address, address: '자유 입력 주소' }),
      '(root)',
      'the free-text address is not a book entry',
    );
    assertRefused(
      await me.request('PUT', `/api/me/addresses/${someId}`, { ...address, memo: 'x'.repeat(101) }),
      'memo',
      'memo too long',
      'too_long',
    );
    assertRefused(
      await me.post(`/api/subscriptions/${f.ownSubscriptionId}/address`, { addressId: 'not-a-uuid' }),
      'addressId',
      'address id',
    );
    assert.equal((await me.get<{ items: unknown[] }>('/api/me/addresses')).body.items.length, before);
  });

  it('Korean, emoji and ordinary punctuation still pass the same fields', async () => {
    const email = `ok-${uniq()}@example.com`;
    const res = await f.as.anon.post('/api/auth/signup', {
      email,
      password: 'correct-horse-1',
      name: "김달고나 ☕️ (O'Brien-커피)",
      consents: await signUpConsents(f.as.anon),
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  });
});
