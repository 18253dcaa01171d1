// A roaster looking after itself (issue 15, part 5): profile and settlement-account changes reviewed by an admin,
// account numbers masked, origins from the fixed list (existing rows migrated, one facet per country), facet counts
// that respect the other filters, and capacityPerCycle enforced at checkout.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { customerKeyFor } from '../../domain/keys';
import { Task } from '../../db/models';
import { up as migrateOrigins } from '../../db/migrations/20261208000050_origin_codes';
import type { Browser } from '../browser';
import { checkoutConsents } from '../consents';
import {
  eventually,
  makePartner,
  makeUser,
  publishProduct,
  startStack,
  stopTemporal,
  uniq,
  type Stack,
} from '../harness';

let stack: Stack;
let adminId: string;
let admin: Browser;

before(async () => {
  stack = await startStack();
  const a = await makeUser(stack, ['customer', 'admin']);
  adminId = a.me.id;
  admin = a.browser;
});
after(async () => {
  await stack.stop();
  await stopTemporal();
});

interface Facets {
  origins: { value: string; label: string; count: number | string }[];
  processes: { value: string; count: number | string }[];
  total: number;
}

async function checkout(browser: Browser, productId: string, quantity = 1) {
  const me = (await browser.get<{ id: string }>('/api/auth/me')).body;
  const customerKey = customerKeyFor(me.id);
  return browser.post<{ id: string; error?: { code: string; details?: { reason?: string } } }>(
    '/api/subscriptions',
    {
      consents: await checkoutConsents(browser, productId, { grams: 200, quantity }),
      productId,
      options: { grams: 200, grind: 'whole_bean', quantity, cycleWeeks: 1 },
      shipTo: { name: '테스트', phone: '010-1111-2222', address: '서울특별시 중구 세종대로 110' },
      authKey: await stack.sandbox.authKey(customerKey),
      customerKey,
    },
  );
}

async function decideTask(subjectId: string, decision: 'approve' | 'reject', reason?: string) {
  const task = await eventually(() => Task.query(stack.db).findOne({ subjectId, state: 'open' }));
  const res = await admin.post(`/api/admin/tasks/${task.id}/decision`, { decision, reason });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return task;
}

describe('roaster profile and settlement account', () => {
  it('a change waits for review, is masked to the roaster, shown in full to the reviewing admin, then applied', async () => {
    const p = await makePartner(stack, adminId);
    const before = await p.browser.get<{
      profile: { companyName: string; bankAccountMasked: string; bankCode: string | null };
    }>('/api/partner/profile');
    assert.equal(before.status, 200);
    assert.match(before.body.profile.bankAccountMasked, /^\d{3}[-*]*\*+.*\d{3}$/);
    assert.equal(before.body.profile.bankAccountMasked, '123***-**-***567');

    const name = `새이름 로스터리 ${uniq()}`;
    const sent = await p.browser.post<{ id: string }>('/api/partner/profile/changes', {
      profile: { ...applicationProfile(), companyName: name },
      account: { bankCode: '088', bankAccount: '110-456-789012', bankAccountHolder: '홍길동' },
    });
    assert.equal(sent.status, 202, JSON.stringify(sent.body));

    // Pending: the live values stay, the request shows masked, a second request is refused.
    const pending = await eventually(async () => {
      const res = await p.browser.get<{
        profile: { companyName: string };
        pending: { account: { bankAccount: string; bankName: string } } | null;
      }>('/api/partner/profile');
      return res.body.pending ? res : null;
    });
    assert.notEqual(pending.body.profile.companyName, name);
    assert.equal(pending.body.pending?.account.bankAccount, '110-***-***012');
    assert.equal(pending.body.pending?.account.bankName, '신한은행');
    assert.ok(!JSON.stringify(pending.body).includes('456-789'));
    const again = await p.browser.post<{ error: { code: string; details: { reason: string } } }>(
      '/api/partner/profile/changes',
      { account: { bankCode: '004', bankAccount: '123-45-678901', bankAccountHolder: '홍길동' } },
    );
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'PROFILE_CHANGE_PENDING');
    assert.equal(again.body.error.details.reason, 'profile_change_pending');

    // The admin's review shows the number in full.
    const task = await eventually(() =>
      Task.query(stack.db).findOne({ subjectId: sent.body.id, state: 'open' }),
    );
    assert.equal(task.kind, 'partner_profile_change');
    const detail = await admin.get<{ subject: { change: { account: { bankAccount: string } } } }>(
      `/api/admin/tasks/${task.id}`,
    );
    assert.equal(detail.body.subject.change.account.bankAccount, '110-456-789012');
    await decideTask(sent.body.id, 'approve');

    const row = await stack.db('partners').where({ id: p.me.partnerId }).first();
    assert.equal(row.companyName, name);
    assert.equal(row.bankCode, '088');
    assert.equal(row.bankAccount, '110-456-789012');
    assert.equal(row.bankAccountHolder, '홍길동');
    // The approval is in the audit log with what changed, the account number masked there too.
    const line = await stack
      .db('audit_log')
      .where({ action: 'partner.profile_change', targetId: p.me.partnerId })
      .first();
    assert.ok(line, 'audited');
    assert.equal(line.after.bankAccount, '110-***-***012');
    assert.equal(line.after.companyName, name);
    assert.notEqual(line.before.companyName, name);
    const afterRes = await p.browser.get<{
      profile: { companyName: string; bankAccountMasked: string; bankName: string };
      pending: unknown;
      lastDecision: { status: string };
    }>('/api/partner/profile');
    assert.equal(afterRes.body.profile.companyName, name);
    assert.equal(afterRes.body.profile.bankAccountMasked, '110-***-***012');
    assert.equal(afterRes.body.profile.bankName, '신한은행');
    assert.equal(afterRes.body.pending, null);
    assert.equal(afterRes.body.lastDecision.status, 'approved');
    await eventually(() =>
      stack.db('outbox').where({ template: 'partner_profile_approved', recipientUserId: p.me.id }).first(),
    );
  });

  it('a rejected change leaves the live values and shows the reason to the roaster', async () => {
    const p = await makePartner(stack, adminId);
    const live = await stack.db('partners').where({ id: p.me.partnerId }).first();
    const sent = await p.browser.post<{ id: string }>('/api/partner/profile/changes', {
      account: { bankCode: '090', bankAccount: '3333-01-2345678', bankAccountHolder: '다른사람' },
    });
    assert.equal(sent.status, 202);
    await decideTask(sent.body.id, 'reject', '예금주가 상호·대표자와 다릅니다');
    const row = await stack.db('partners').where({ id: p.me.partnerId }).first();
    assert.equal(row.bankAccount, live.bankAccount);
    const res = await p.browser.get<{
      lastDecision: { status: string; decisionReason: string };
      pending: unknown;
    }>('/api/partner/profile');
    assert.equal(res.body.pending, null);
    assert.equal(res.body.lastDecision.status, 'rejected');
    assert.equal(res.body.lastDecision.decisionReason, '예금주가 상호·대표자와 다릅니다');
    // Rejected, a new request may be sent.
    const next = await p.browser.post('/api/partner/profile/changes', {
      account: { bankCode: '090', bankAccount: '3333-01-2345678', bankAccountHolder: '홍길동' },
    });
    assert.equal(next.status, 202);
  });

  it('refuses a bank off the list, a bad account number and an empty request, and non-partners', async () => {
    const p = await makePartner(stack, adminId);
    const bad = await p.browser.post<{
      error: { code: string; details: { fields: { path: string; key: string }[] } };
    }>('/api/partner/profile/changes', {
      account: { bankCode: '999', bankAccount: 'abc', bankAccountHolder: '' },
    });
    assert.equal(bad.status, 400);
    const keys = Object.fromEntries(bad.body.error.details.fields.map((f) => [f.path, f.key]));
    assert.equal(keys['account.bankCode'], 'unknown_bank');
    assert.equal(keys['account.bankAccount'], 'invalid_bank_account');
    assert.equal((await p.browser.post('/api/partner/profile/changes', {})).status, 400);
    const customer = await makeUser(stack);
    assert.equal((await customer.browser.get('/api/partner/profile')).status, 403);
    const rows = await stack.db('partner_profile_changes').where({ partnerId: p.me.partnerId });
    assert.equal(rows.length, 0);
  });

  it('masks the account on statements except the admin payout view', async () => {
    const p = await makePartner(stack, adminId);
    const row = await stack.db('partners').where({ id: p.me.partnerId }).first();
    const statementId = randomUUID();
    await stack.db('settlement_statements').insert({
      id: statementId,
      partnerId: p.me.partnerId,
      periodStart: new Date(Date.now() - 14 * 86400_000),
      periodEnd: new Date(Date.now() - 7 * 86400_000),
      grossSales: 10000,
      refunds: 0,
      netSales: 10000,
      commissionRateBps: 1000,
      commission: 1000,
      carriedIn: 0,
      payoutAmount: 9000,
      lineCount: 0,
      status: 'open',
    });
    const mine = await p.browser.get<{ partner: { bankAccount: string } }>(
      `/api/partner/settlements/${statementId}`,
    );
    assert.equal(mine.status, 200, JSON.stringify(mine.body));
    assert.notEqual(mine.body.partner.bankAccount, row.bankAccount);
    assert.match(mine.body.partner.bankAccount, /\*/);
    const list = await admin.get<{ items: { id: string; partner: { bankAccount: string } }[] }>(
      '/api/admin/settlements',
    );
    const listed = list.body.items.find((s) => s.id === statementId);
    if (listed) assert.match(listed.partner.bankAccount, /\*/);
    const payout = await admin.get<{ partner: { bankAccount: string } }>(
      `/api/admin/settlements/${statementId}`,
    );
    assert.equal(payout.body.partner.bankAccount, row.bankAccount);
  });
});

describe('origins from the list', () => {
  it('takes names as codes, keeps one facet per country in Korean, and counts each facet with the other filters', async () => {
    const p = await makePartner(stack, adminId);
    const token = uniq();
    const q = `q=${token}&partner=${p.me.partnerId}`;
    await publishProduct(stack, p.browser, adminId, {
      name: `Guji ${token}`,
      origin: { country: 'Ethiopia', region: 'Guji' },
      process: 'washed',
    });
    await publishProduct(stack, p.browser, adminId, {
      name: `Yirga ${token}`,
      origin: { country: '에티오피아', region: 'Yirgacheffe' },
      process: 'natural',
    });
    await publishProduct(stack, p.browser, adminId, {
      name: `Nyeri ${token}`,
      origin: { country: 'KE', region: 'Nyeri' },
      process: 'washed',
    });
    const all = (await admin.get<Facets>(`/api/catalog/facets?${q}`)).body;
    assert.deepEqual(
      all.origins.map((o) => [o.value, o.label, Number(o.count)]),
      [
        ['ET', '에티오피아', 2],
        ['KE', '케냐', 1],
      ],
    );
    // With process=washed: the origin facet counts only washed beans; the process facet ignores its own filter.
    const washed = (await admin.get<Facets>(`/api/catalog/facets?${q}&process=washed`)).body;
    assert.deepEqual(
      washed.origins.map((o) => [o.value, Number(o.count)]),
      [
        ['ET', 1],
        ['KE', 1],
      ],
    );
    assert.deepEqual(Object.fromEntries(washed.processes.map((x) => [x.value, Number(x.count)])), {
      natural: 1,
      washed: 2,
    });
    assert.equal(washed.total, 2);
    // With origin=에티오피아 (a name, taken as ET): other origins stay on offer with their counts.
    const et = (
      await admin.get<Facets>(`/api/catalog/facets?${q}&origin=${encodeURIComponent('에티오피아')}`)
    ).body;
    assert.equal(et.origins.length, 2);
    assert.equal(et.total, 2);
    const list = await admin.get<{ items: { originCountry: string }[] }>(
      `/api/catalog/products?${q}&origin=ET`,
    );
    assert.deepEqual(
      list.body.items.map((i) => i.originCountry),
      ['ET', 'ET'],
    );
    // Korean search finds a product whose origin was given in English.
    const ko = await admin.get<{ items: unknown[] }>(
      `/api/catalog/products?partner=${p.me.partnerId}&q=${encodeURIComponent('케냐')}`,
    );
    assert.equal(ko.body.items.length, 1);
  });

  it('refuses an origin off the list in the product form', async () => {
    const p = await makePartner(stack, adminId);
    const res = await p.browser.post<{ error: { details: { fields: { path: string; key: string }[] } } }>(
      '/api/partner/products',
      {
        name: 'x',
        description: 'y'.repeat(30),
        origin: { country: 'Atlantis' },
        process: 'washed',
        roastLevel: 'light',
        tastingNotes: ['a'],
        options: { weights: [{ grams: 200, priceKrw: 16000 }], grinds: ['whole_bean'], cycles: [1] },
        capacityPerCycle: 5,
        imageId: 'a'.repeat(64),
      },
    );
    assert.equal(res.status, 400);
    assert.ok(
      res.body.error.details.fields.some((f) => f.path === 'origin.country' && f.key === 'unknown_origin'),
    );
  });

  it('the migration maps typed origins to codes and keeps unmappable text readable', async () => {
    const p = await makePartner(stack, adminId);
    const base = await stack.db('catalog_products').first();
    assert.ok(base, 'a catalog row to copy');
    const typed = ['Ethiopia', ' 에티오피아 ', 'ethiopian', 'Colombia', 'Blendz Mystery'];
    for (const [i, country] of typed.entries()) {
      const productId = randomUUID();
      const revisionId = randomUUID();
      await stack.db('products').insert({
        id: productId,
        partnerId: p.me.partnerId,
        workflowId: `legacy:${productId}`,
        status: 'published',
        liveRevisionId: revisionId,
        latestRevisionId: revisionId,
        publishedAt: new Date(),
      });
      const rev = {
        name: `Legacy ${i}`,
        description: base.description,
        originCountry: country,
        originRegion: null,
        process: 'washed',
        roastLevel: 'light',
        tastingNotes: ['a'],
        capacityPerCycle: 10,
        imageId: base.imageId,
      };
      await stack.db('product_revisions').insert({
        id: revisionId,
        productId,
        partnerId: p.me.partnerId,
        number: 1,
        status: 'approved',
        ...rev,
        options: JSON.stringify(base.options),
      });
      await stack.db('catalog_products').insert({
        productId,
        revisionId,
        partnerId: p.me.partnerId,
        partnerName: 'Legacy',
        status: 'live',
        ...rev,
        options: JSON.stringify(base.options),
        minPrice: base.minPrice,
        maxPrice: base.maxPrice,
        searchText: `legacy ${country}`.toLowerCase(),
        publishedAt: new Date(),
      });
    }
    await migrateOrigins(stack.db);
    const rows = (await stack
      .db('catalog_products')
      .where({ partnerId: p.me.partnerId })
      .orderBy('name')
      .select('originCountry', 'searchText')) as { originCountry: string; searchText: string }[];
    assert.deepEqual(
      rows.map((r) => r.originCountry),
      ['ET', 'ET', 'ET', 'CO', 'Blendz Mystery'],
    );
    assert.ok(rows[0]!.searchText.includes('에티오피아'));
    const revs = (await stack
      .db('product_revisions')
      .where({ partnerId: p.me.partnerId })
      .select('originCountry')) as { originCountry: string }[];
    assert.deepEqual(revs.map((r) => r.originCountry).sort(), ['Blendz Mystery', 'CO', 'ET', 'ET', 'ET']);
    const facets = (await admin.get<Facets>(`/api/catalog/facets?partner=${p.me.partnerId}`)).body;
    assert.deepEqual(
      facets.origins.map((o) => [o.value, o.label, Number(o.count)]),
      // In Korean order of the names; the unmapped text keeps its own line, shown as typed.
      [
        ['ET', '에티오피아', 3],
        ['CO', '콜롬비아', 1],
        ['Blendz Mystery', 'Blendz Mystery', 1],
      ],
    );
  });
});

describe('capacityPerCycle', () => {
  it('counts bags: shows 품절 and refuses checkout once they are taken, and two racing checkouts cannot both take the last one', async () => {
    const p = await makePartner(stack, adminId);
    const productId = await publishProduct(stack, p.browser, adminId, { capacityPerCycle: 3 });
    const first = await makeUser(stack);
    assert.equal((await checkout(first.browser, productId, 2)).status, 201);
    assert.deepEqual((await first.browser.get(`/api/catalog/products/${productId}/availability`)).body, {
      soldOut: false,
    });
    // One bag left: two are refused, saying how many are left, and nothing starts.
    const greedy = await makeUser(stack);
    const tooMany = await checkout(greedy.browser, productId, 2);
    assert.equal(tooMany.status, 409);
    assert.deepEqual(tooMany.body.error?.details, { reason: 'not_enough_left', left: 1 });
    assert.equal(await stack.db('subscriptions').where({ customerId: greedy.me.id }).first('id'), undefined);
    // One bag left, two customers at once: exactly one gets it, decided in the workflow's first transaction.
    const [a, b] = await Promise.all([makeUser(stack), makeUser(stack)]);
    const results = await Promise.all([checkout(a.browser, productId), checkout(b.browser, productId)]);
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [201, 409], JSON.stringify(results.map((r) => r.body)));
    const refused = results.find((r) => r.status === 409)!;
    assert.equal(refused.body.error?.code, 'SOLD_OUT');
    assert.equal(refused.body.error?.details?.reason, 'sold_out');
    const holding = await stack
      .db('subscriptions')
      .where({ productId })
      .whereNotIn('status', ['card_failed', 'canceled'])
      .sum({ n: 'quantity' })
      .first();
    assert.equal(Number(holding?.n), 3);
    // Sold out: the page says so, a later checkout is refused before anything starts.
    assert.deepEqual((await first.browser.get(`/api/catalog/products/${productId}/availability`)).body, {
      soldOut: true,
    });
    const late = await makeUser(stack);
    const res = await checkout(late.browser, productId);
    assert.equal(res.status, 409);
    assert.equal(res.body.error?.code, 'SOLD_OUT');
  });
});

function applicationProfile() {
  return {
    companyName: '달고나 로스터스',
    representative: '홍길동',
    phone: '02-123-4567',
    email: 'roaster@example.com',
    address: '서울특별시 마포구 와우산로 94',
    mailOrderNumber: '2024-서울마포-01234',
    introduction: '매주 소량으로 로스팅하는 스페셜티 커피 로스터리입니다.',
  };
}
