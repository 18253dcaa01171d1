// The legal basics end to end (docs/architecture.md#terms-and-consents), against the real Temporal dev server,
// PostgreSQL and Redis: the documents and business information the footer reads, the consents written with the
// account at sign-up and with the subscription at checkout, refusals that write nothing, the roaster on the product
// page, and the partner application's 통신판매업 신고번호 and 예금주.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { randomUUID } from 'node:crypto';
import { TypedSearchAttributes, WorkflowIdReusePolicy } from '@temporalio/common';
import { seoulDate } from '../../domain/calendar';
import { legalDocSlugs, type LegalDocument, type LegalOverview, type SellerInfo } from '../../domain/legal';
import type { CatalogProduct } from '../../domain/product';
import { customerKeyFor } from '../../domain/subscription';
import { startPartnerApplication } from '../../domain/contracts/partnerApplication';
import { signUpWorkflowType } from '../../domain/contracts/signUp';
import { subscriptionWorkflowType } from '../../domain/contracts/subscription';
import { decideUpdate, reviewDeskHandle } from '../../domain/contracts/reviewDesk';
import { ApplicantId, ReviewState } from '../../domain/searchAttributes';
import type { PartnerApplicationFormV1 } from '../../domain/partner';
import { Task } from '../../db/models';
import { Browser, type Res } from '../browser';
import { checkoutConsents, legalVersions, signUpConsents } from '../consents';
import {
  applicationForm,
  eventually,
  makePartner,
  makeUser,
  publishProduct,
  startStack,
  stopTemporal,
  uniq,
  type Stack,
} from '../harness';

interface ErrorRes {
  error: { code: string; message: string; details?: { fields?: { path: string; key: string }[] } };
}

// A LEGAL_DIR of its own (a copy of the shipped documents), so a test can edit one as an operator would.
const legalDir = mkdtempSync(join(tmpdir(), 'dalgona-legal-'));
for (const slug of legalDocSlugs)
  writeFileSync(join(legalDir, `${slug}.ko.md`), readFileSync(join('legal', `${slug}.ko.md`)));

let stack: Stack;
let adminId: string;
let partner: Awaited<ReturnType<typeof makePartner>>;
let productId: string;
before(async () => {
  stack = await startStack({
    LEGAL_DIR: legalDir,
    BUSINESS_NAME: '주식회사 달고나',
    BUSINESS_REPRESENTATIVE: '김대표',
    BUSINESS_REGISTRATION_NUMBER: '1248100998',
    MAIL_ORDER_REPORT_NUMBER: '제2026-서울마포-01234호',
    BUSINESS_ADDRESS: '서울특별시 마포구 와우산로 94',
    BUSINESS_PHONE: '02-1234-5678',
    BUSINESS_EMAIL: 'help@dalgona.example',
    PRIVACY_OFFICER: '이보호 (privacy@dalgona.example)',
  });
  const admin = await makeUser(stack, ['customer', 'admin']);
  adminId = admin.me.id;
  partner = await makePartner(stack, adminId);
  productId = await publishProduct(stack, partner.browser, adminId);
});
after(async () => {
  await stack.stop();
  await stopTemporal();
});

const consentsOf = (sourceId: string) =>
  stack.db('consents').where({ sourceId }).orderBy('kind') as Promise<Record<string, unknown>[]>;

function assertRefused(res: Res<unknown>, status: number, code: string, path?: string, key?: string) {
  const body = res.body as ErrorRes;
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(body.error.code, code);
  if (path) {
    const issue = body.error.details?.fields?.find((f) => f.path === path);
    assert.ok(issue, `no issue at ${path}: ${JSON.stringify(body.error.details)}`);
    if (key) assert.equal(issue.key, key);
  }
}

describe('business information and legal documents', () => {
  it('GET /api/legal: the business settings for the footer and each document with its version', async () => {
    const res = await new Browser(stack.baseUrl).get<LegalOverview>('/api/legal');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.business, {
      name: '주식회사 달고나',
      representative: '김대표',
      registrationNumber: '124-81-00998',
      mailOrderReportNumber: '2026-서울마포-01234',
      address: '서울특별시 마포구 와우산로 94',
      phone: '02-1234-5678',
      email: 'help@dalgona.example',
      privacyOfficer: '이보호 (privacy@dalgona.example)',
    });
    assert.deepEqual(
      res.body.documents.map((d) => [d.slug, d.title, d.template]),
      [
        ['terms', '이용약관', true],
        ['privacy', '개인정보처리방침', true],
        ['refund', '취소·환불 정책', true],
      ],
    );
    for (const d of res.body.documents) assert.match(d.version, /^2026-12-07\+[0-9a-f]{10}$/);
  });

  it('GET /api/legal/documents/:slug: rendered HTML with the template banner; an unknown one is 404', async () => {
    const b = new Browser(stack.baseUrl);
    const terms = await b.get<LegalDocument>('/api/legal/documents/terms');
    assert.equal(terms.status, 200);
    assert.match(terms.body.html, /<blockquote>[\s\S]*템플릿 — 운영자가 수정해야 합니다/);
    assert.match(terms.body.html, /통신판매중개자/);
    assert.match(terms.body.html, /<a href="\/refund-policy">/);
    assert.equal((await b.get('/api/legal/documents/secret')).status, 404);
    assert.equal((await b.get('/api/legal/documents/..%2F..%2Fpackage.json')).status, 404);
  });
});

describe('sign-up consents (written by the signUp workflow with the account)', () => {
  it('records terms, privacy, 14 or older and the marketing answer, each with its version and time', async () => {
    const b = new Browser(stack.baseUrl);
    const v = await legalVersions(b);
    const before = Date.now();
    const res = await b.post<{ id: string }>('/api/auth/signup', {
      email: `consent-${uniq()}@example.com`,
      password: 'correct-horse-1',
      name: '동의 고객',
      consents: await signUpConsents(b, { marketing: true }),
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const rows = await consentsOf(res.body.id);
    assert.deepEqual(
      rows.map((r) => [r.kind, r.granted, r.document, r.documentVersion, r.source, r.userId]),
      [
        ['age_14', true, null, null, 'signup', res.body.id],
        ['marketing', true, 'privacy', v.privacy, 'signup', res.body.id],
        ['privacy', true, 'privacy', v.privacy, 'signup', res.body.id],
        ['terms', true, 'terms', v.terms, 'signup', res.body.id],
      ],
    );
    for (const r of rows) {
      const at = new Date(r.agreedAt as string).getTime();
      assert.ok(at >= before - 1000 && at <= Date.now() + 1000);
    }
  });

  it('records a declined marketing consent as declined', async () => {
    const b = new Browser(stack.baseUrl);
    const me = await b.signUp(`nomarketing-${uniq()}@example.com`);
    const marketing = (await consentsOf(me.id)).find((r) => r.kind === 'marketing');
    assert.equal(marketing?.granted, false);
  });

  it('missing or refused required consents, under 14, or a stale version: a clear 4xx and nothing written', async () => {
    const b = new Browser(stack.baseUrl);
    const good = await signUpConsents(b);
    const workflowsBefore = (await stack.client.workflow.count(`WorkflowType="${signUpWorkflowType}"`)).count;
    const cases: [string, unknown, number, string, string, string][] = [
      ['no consents', undefined, 400, 'VALIDATION_FAILED', 'consents', 'consent_required'],
      [
        'terms refused',
        { ...good, terms: false },
        400,
        'VALIDATION_FAILED',
        'consents.terms',
        'consent_required',
      ],
      [
        'privacy missing',
        { ...good, privacy: undefined },
        400,
        'VALIDATION_FAILED',
        'consents.privacy',
        'consent_required',
      ],
      ['under 14', { ...good, age14: false }, 400, 'VALIDATION_FAILED', 'consents.age14', 'under_14'],
      [
        'no versions',
        { ...good, versions: undefined },
        400,
        'VALIDATION_FAILED',
        'consents.versions',
        'required',
      ],
      [
        'stale terms',
        { ...good, versions: { ...good.versions, terms: '2020-01-01+0000000000' } },
        409,
        'CONSENT_OUTDATED',
        'consents.versions.terms',
        'consent_outdated',
      ],
    ];
    for (const [what, consents, status, code, path, key] of cases) {
      const email = `refused-${uniq()}@example.com`;
      const res = await b.post('/api/auth/signup', {
        email,
        password: 'correct-horse-1',
        name: '거절',
        ...(consents === undefined ? {} : { consents }),
      });
      assertRefused(res, status, code, path, key);
      assert.equal(await stack.db('users').where({ email }).first(), undefined, `${what}: no account`);
    }
    assert.equal(
      (await stack.client.workflow.count(`WorkflowType="${signUpWorkflowType}"`)).count,
      workflowsBefore,
    );
  });

  it('an operator edit makes the version a form showed stale: refused until the new one is agreed to', async () => {
    const b = new Browser(stack.baseUrl);
    const old = await signUpConsents(b);
    const file = join(legalDir, 'terms.ko.md');
    const text = readFileSync(file, 'utf8');
    try {
      writeFileSync(file, `${text}\n\n## 제7조 (추가)\n\n새 조항입니다.\n`);
      const email = `edited-${uniq()}@example.com`;
      const stale = await b.post('/api/auth/signup', {
        email,
        password: 'correct-horse-1',
        name: '편집',
        consents: old,
      });
      assertRefused(stale, 409, 'CONSENT_OUTDATED', 'consents.versions.terms');
      const fresh = await signUpConsents(b);
      assert.notEqual(fresh.versions.terms, old.versions.terms);
      assert.equal(fresh.versions.privacy, old.versions.privacy);
      const ok = await b.post<{ id: string }>('/api/auth/signup', {
        email,
        password: 'correct-horse-1',
        name: '편집',
        consents: fresh,
      });
      assert.equal(ok.status, 201, JSON.stringify(ok.body));
      const terms = (await consentsOf(ok.body.id)).find((r) => r.kind === 'terms');
      assert.equal(terms?.documentVersion, fresh.versions.terms);
    } finally {
      writeFileSync(file, text);
    }
  });
});

describe('checkout consents (written by createSubscription with the subscription row)', () => {
  const shipTo = { name: '김고객', phone: '010-1234-5678', address: '서울특별시 마포구 와우산로 94' };
  const options = { grams: 500, grind: 'whole_bean', quantity: 2, cycleWeeks: 2 };

  it('records 정기결제 (amount, cycle, first and next charge, how to cancel) and 제3자 제공 to the roaster', async () => {
    const customer = await makeUser(stack);
    const customerKey = customerKeyFor(customer.me.id);
    const v = await legalVersions(customer.browser);
    const res = await customer.browser.post<{ id: string }>('/api/subscriptions', {
      productId,
      options,
      shipTo,
      firstChargeDate: seoulDate(Date.now() + 3 * 24 * 3600_000),
      authKey: await stack.sandbox.authKey(customerKey),
      customerKey,
      consents: await checkoutConsents(customer.browser, productId, options),
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const sub = await stack.db('subscriptions').where({ id: res.body.id }).first();
    const rows = await consentsOf(res.body.id);
    assert.deepEqual(
      rows.map((r) => [
        r.kind,
        r.granted,
        r.document,
        r.documentVersion,
        r.source,
        r.subscriptionId,
        r.userId,
      ]),
      [
        ['recurring_payment', true, 'refund', v.refund, 'checkout', sub.id, customer.me.id],
        ['third_party_provision', true, 'privacy', v.privacy, 'checkout', sub.id, customer.me.id],
      ],
    );
    const recurring = rows[0]!.details as Record<string, unknown>;
    assert.equal(recurring.amountKrw, 72000); // 36,000원 × 2, what the page showed
    assert.equal(recurring.amountKrw, sub.amount);
    assert.equal(recurring.cycleWeeks, 2);
    assert.equal(recurring.firstChargeAt, new Date(sub.nextChargeAt).toISOString()); // nothing charged yet
    assert.equal(
      new Date(recurring.nextChargeAt as string).getTime() -
        new Date(recurring.firstChargeAt as string).getTime(),
      14 * 24 * 3600_000,
    );
    assert.match(recurring.howToCancel as string, /마이페이지/);
    const provision = rows[1]!.details as Record<string, unknown>;
    const product = (await customer.browser.get<CatalogProduct>(`/api/catalog/products/${productId}`)).body;
    assert.equal(provision.recipient, product.partner.name);
    assert.equal(provision.recipientPartnerId, partner.me.partnerId);
    assert.ok((provision.items as string[]).includes('배송 주소'));
    assert.ok(provision.purpose && provision.retention);
  });

  it('a missing consent, another amount or a stale version: a clear 4xx, no subscription, no workflow', async () => {
    const customer = await makeUser(stack);
    const customerKey = customerKeyFor(customer.me.id);
    const good = await checkoutConsents(customer.browser, productId, options);
    const before = (await stack.client.workflow.count(`WorkflowType="${subscriptionWorkflowType}"`)).count;
    const cases: [unknown, number, string, string][] = [
      [undefined, 400, 'VALIDATION_FAILED', 'consents'],
      [{ ...good, recurringPayment: false }, 400, 'VALIDATION_FAILED', 'consents.recurringPayment'],
      [{ ...good, thirdPartyProvision: undefined }, 400, 'VALIDATION_FAILED', 'consents.thirdPartyProvision'],
      [{ ...good, amount: good.amount - 1000 }, 409, 'CONSENT_OUTDATED', 'consents.amount'],
      [
        { ...good, versions: { ...good.versions, privacy: '2026-12-07+ffffffffff' } },
        409,
        'CONSENT_OUTDATED',
        'consents.versions.privacy',
      ],
    ];
    for (const [consents, status, code, path] of cases) {
      const res = await customer.browser.post('/api/subscriptions', {
        productId,
        options,
        shipTo,
        authKey: await stack.sandbox.authKey(customerKey),
        customerKey,
        ...(consents === undefined ? {} : { consents }),
      });
      assertRefused(res, status, code, path);
    }
    assert.equal(await stack.db('subscriptions').where({ customerId: customer.me.id }).first(), undefined);
    assert.equal(await stack.db('consents').where({ userId: customer.me.id }).first(), undefined);
    assert.equal(
      (await stack.client.workflow.count(`WorkflowType="${subscriptionWorkflowType}"`)).count,
      before,
    );
  });
});

describe('the seller on the product page, and the application that supplies it', () => {
  it("shows the roaster's 상호, 대표자, 사업자등록번호, 통신판매업 신고번호, 주소 and 연락처", async () => {
    const anon = new Browser(stack.baseUrl);
    const product = (await anon.get<CatalogProduct>(`/api/catalog/products/${productId}`)).body;
    const seller = await anon.get<SellerInfo>(`/api/sellers/${product.partner.id}`);
    assert.equal(seller.status, 200);
    assert.equal(seller.headers.get('cache-control'), 'no-cache');
    const app = await stack.db('partner_applications').where({ id: partner.applicationId }).first();
    assert.deepEqual(seller.body, {
      companyName: app.companyName,
      representative: app.representative,
      businessNumber: `${app.businessNumber.slice(0, 3)}-${app.businessNumber.slice(3, 5)}-${app.businessNumber.slice(5)}`,
      mailOrderNumber: '2024-서울성동-01234',
      address: app.address,
      phone: app.phone,
      email: app.email,
    });
    const row = await stack.db('partners').where({ id: partner.me.partnerId }).first();
    assert.equal(row.mailOrderNumber, '2024-서울성동-01234');
    assert.equal(row.bankAccountHolder, '홍길동');
    // Not in the product's cached answer: the contact details are read per request, never kept in Redis.
    assert.equal(JSON.stringify(product).includes(app.phone), false);
    // Only a partner with a catalog entry is a seller to show; anything else is 404.
    const bare = await makePartner(stack, adminId);
    assert.equal((await anon.get(`/api/sellers/${bare.me.partnerId}`)).status, 404);
    assert.equal((await anon.get(`/api/sellers/${randomUUID()}`)).status, 404);
    assert.equal((await anon.get('/api/sellers/not-a-uuid')).status, 404);
  });

  it('the application refuses a missing or malformed 통신판매업 신고번호 and a missing 예금주', async () => {
    const { browser } = await makeUser(stack);
    const { mailOrderNumber: _m, bankAccountHolder: _h, ...old } = applicationForm();
    const missing = await browser.post('/api/partner-applications', old);
    assertRefused(missing, 400, 'VALIDATION_FAILED', 'mailOrderNumber', 'required');
    assert.ok(
      ((missing.body as ErrorRes).error.details?.fields ?? []).some((f) => f.path === 'bankAccountHolder'),
    );
    const bad = await browser.post(
      '/api/partner-applications',
      applicationForm({ mailOrderNumber: '01234' }),
    );
    assertRefused(bad, 400, 'VALIDATION_FAILED', 'mailOrderNumber', 'invalid_mail_order_number');
    const mine = await browser.get<{ items: unknown[] }>('/api/partner-applications/mine');
    assert.deepEqual(mine.body.items, []);
  });

  it('an application started before the fields existed (a running workflow) still validates and is approved', async () => {
    const { me } = await makeUser(stack);
    const { mailOrderNumber: _m, bankAccountHolder: _h, ...v1 } = applicationForm();
    const form: PartnerApplicationFormV1 = v1;
    const applicationId = randomUUID();
    await startPartnerApplication(
      stack.client,
      stack.config.temporal,
      {
        applicationId,
        applicantId: me.id,
        form,
        reviewSlaMs: stack.config.partner.reviewSlaMs,
        expiryMs: stack.config.partner.expiryMs,
      },
      {
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
        typedSearchAttributes: new TypedSearchAttributes([
          { key: ApplicantId, value: me.id },
          { key: ReviewState, value: 'validating' },
        ]),
      },
    );
    const task = await eventually(() =>
      Task.query(stack.db).findOne({ subjectId: applicationId, state: 'open' }),
    );
    await reviewDeskHandle(stack.client, task).executeUpdate(decideUpdate, {
      args: [{ taskId: task.id, decision: 'approve', actor: { userId: adminId, roles: ['admin'] } }],
    });
    const row = await eventually(() => stack.db('partners').where({ applicationId }).first());
    assert.equal(row.mailOrderNumber, null);
    assert.equal(row.bankAccountHolder, null);
  });
});
