// Demo data for `npm start`: the admin, a customer with two subscriptions, approved partners with their beans, and
// applications waiting in the inbox.
// Idempotent: whatever exists is left alone. Every write goes through a workflow, as in production.
import { Client, Connection } from '@temporalio/client';
import { TypedSearchAttributes, WorkflowIdReusePolicy } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Role } from '../domain/accounts';
import { demoHistoryWorkflowId, startDemoHistory } from '../domain/contracts/demoHistory';
import { startPartnerApplication } from '../domain/contracts/partnerApplication';
import {
  productPublicationHandle,
  startProductPublication,
  submitRevisionUpdate,
} from '../domain/contracts/productPublication';
import { decideUpdate, reviewDeskHandle } from '../domain/contracts/reviewDesk';
import { startSettlementRun } from '../domain/contracts/settlementRun';
import { startSignUp } from '../domain/contracts/signUp';
import type { PartnerApplicationForm, PartnerApplicationInput } from '../domain/partner';
import { ApplicantId, PartnerId, ReviewState } from '../domain/searchAttributes';
import { customerKeyFor } from '../domain/keys';
import { pastMondaysSeoul } from '../domain/demoHistory';
import { createDb } from '../db/knex';
import { PartnerApplication, Task, User } from '../db/models';
import type { Config } from '../infra/config';
import { loadConfig, loadDotEnv } from '../infra/config';
import { createImageStore, type ImageStore } from '../infra/imageStore';
import { hashPassword } from '../infra/passwords';
import { dataConverterFor } from '../infra/payloadCodec';
import { signUpStartContext } from '../infra/emailDigest';
import { bagArtwork, demoPartners, type DemoPartner } from './demoCatalog';
import type { LegalOverview } from '../domain/legal';
import { signUpConsentRecords } from '../api/consents';
import { legalLibrary } from '../infra/legal';

export const DEMO_PASSWORD = 'dalgona-demo';

interface Ctx {
  config: Readonly<Config>;
  db: Knex;
  client: Client;
}

async function ensureAccount(
  c: Ctx,
  email: string,
  name: string,
  password: string,
  roles: Role[],
): Promise<string> {
  const existing = await User.query(c.db).findOne({ email });
  if (existing) return existing.id;
  const userId = randomUUID();
  // Demo accounts agree to the documents in force, as the sign-up form has everyone do.
  const library = legalLibrary(c.config.legal.dir);
  const v = library.versions();
  const consents = signUpConsentRecords(
    library,
    {
      terms: true,
      privacy: true,
      age14: true,
      marketing: false,
      versions: { terms: v.terms, privacy: v.privacy },
    },
    new Date(),
  );
  const run = await startSignUp(
    c.client,
    signUpStartContext(c.config),
    {
      userId,
      email,
      name,
      passwordHash: await hashPassword(password),
      roles,
      consents,
      emailVerified: true,
    },
    { workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE },
  );
  const result = await run.result();
  if (!result.ok) throw new Error(`could not create ${email}: ${result.code}`);
  return userId;
}

async function ensureApplication(c: Ctx, applicantId: string, form: PartnerApplicationForm): Promise<string> {
  const existing = await PartnerApplication.query(c.db)
    .where({ applicantId })
    .whereNotIn('status', ['rejected', 'auto_rejected', 'expired'])
    .first();
  if (existing) return existing.id;
  const input: PartnerApplicationInput = {
    applicationId: randomUUID(),
    applicantId,
    form,
    reviewSlaMs: c.config.partner.reviewSlaMs,
    expiryMs: c.config.partner.expiryMs,
  };
  await startPartnerApplication(c.client, c.config.temporal, input, {
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    typedSearchAttributes: new TypedSearchAttributes([
      { key: ApplicantId, value: applicantId },
      { key: ReviewState, value: 'validating' },
    ]),
  });
  return input.applicationId;
}

async function openTaskFor(c: Ctx, subjectId: string): Promise<Task> {
  for (let i = 0; i < 100; i++) {
    const task = await Task.query(c.db).findOne({ subjectId, state: 'open' });
    if (task) return task;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no inbox task appeared for ${subjectId}`);
}

async function ensureApproved(c: Ctx, applicationId: string, adminId: string): Promise<void> {
  const app = await PartnerApplication.query(c.db).findById(applicationId);
  if (app?.status === 'approved') return;
  const task = await openTaskFor(c, applicationId);
  await reviewDeskHandle(c.client, task).executeUpdate(decideUpdate, {
    args: [
      {
        taskId: task.id,
        decision: 'approve',
        reason: 'Demo partner',
        actor: { userId: adminId, roles: ['admin'] },
      },
    ],
  });
}

const demoForm = (over: Partial<PartnerApplicationForm>): PartnerApplicationForm => ({
  companyName: 'Demo Roasters',
  businessNumber: '1248100998',
  representative: '김대표',
  phone: '010-1234-5678',
  email: 'hello@example.com',
  address: '서울특별시 마포구 와우산로 94',
  mailOrderNumber: '2024-서울마포-01234',
  bankName: '국민은행',
  bankAccount: '123456-01-234567',
  bankAccountHolder: '김대표',
  introduction: '매주 소량으로 로스팅하는 스페셜티 커피 로스터리입니다.',
  ...over,
});

/** Publishes a demo product through its productPublication workflow, approved by the admin; skips it if present. */
async function ensureProduct(
  c: Ctx,
  p: {
    partnerId: string;
    ownerUserId: string;
    product: DemoPartner['products'][number];
    index: number;
    adminId: string;
    images: ImageStore;
  },
): Promise<void> {
  const exists = await c
    .db('product_revisions')
    .where({ partnerId: p.partnerId, name: p.product.name })
    .first('id');
  if (exists) return;
  const image = await p.images.save(await bagArtwork(p.product, p.index + p.partnerId.charCodeAt(0)));
  const productId = randomUUID();
  const revisionId = randomUUID();
  await startProductPublication(
    c.client,
    c.config.temporal,
    {
      productId,
      partnerId: p.partnerId,
      ownerUserId: p.ownerUserId,
      reviewSlaMs: c.config.product.reviewSlaMs,
      first: { revisionId, form: { ...p.product, imageId: image.id } },
    },
    {
      typedSearchAttributes: new TypedSearchAttributes([
        { key: PartnerId, value: p.partnerId },
        { key: ReviewState, value: 'validating' },
      ]),
    },
  );
  const task = await openTaskFor(c, revisionId);
  await reviewDeskHandle(c.client, task).executeUpdate(decideUpdate, {
    args: [{ taskId: task.id, decision: 'approve', actor: { userId: p.adminId, roles: ['admin'] } }],
  });
}

/** Leaves an edit of a live demo product waiting in the inbox (a price change and a new note), once. */
async function ensurePendingEdit(c: Ctx, ownerUserId: string, productName: string): Promise<void> {
  const live = await c
    .db('product_revisions as r')
    .join('products as p', 'p.live_revision_id', 'r.id')
    .where('r.name', productName)
    .first('r.*');
  if (!live) return;
  const revisions = await c
    .db('product_revisions')
    .where({ productId: live.productId })
    .count('* as n')
    .first();
  if (Number(revisions?.n) > 1) return;
  const form = {
    name: live.name,
    description: `${live.description} 올해 새로 들어온 생두로 바꾸었습니다.`,
    origin: {
      country: live.originCountry,
      region: live.originRegion ?? undefined,
      farm: live.originFarm ?? undefined,
    },
    process: live.process,
    roastLevel: live.roastLevel,
    tastingNotes: [...live.tastingNotes, '오렌지'],
    options: {
      ...live.options,
      weights: live.options.weights.map((w: { grams: number; priceKrw: number }) => ({
        ...w,
        priceKrw: w.priceKrw + 1000,
      })),
    },
    capacityPerCycle: live.capacityPerCycle,
    imageId: live.imageId,
  };
  await productPublicationHandle(c.client, live.productId).executeUpdate(submitRevisionUpdate, {
    args: [
      { revisionId: randomUUID(), form, actor: { userId: ownerUserId, roles: ['customer', 'partner'] } },
    ],
  });
}

/** A signed-in session against the running API, as a browser would hold it (cookies + the CSRF header). */
async function apiSession(base: string, email: string, password: string) {
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      jar.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
    return res;
  };
  const call = async (method: string, path: string, body?: unknown) => {
    const res = keep(
      await fetch(base + path, {
        method,
        headers: {
          cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
          'content-type': 'application/json',
          'x-csrf-token': jar.get('dalgona_csrf') ?? '',
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
    const json = (await res.json().catch(() => null)) as Record<string, unknown> | null;
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  await call('GET', '/api/auth/csrf');
  await call('POST', '/api/auth/login', { email, password });
  return call;
}

/** A card the sandbox turns into a billing key for `customerKey` (the card window's step, without a browser). */
async function sandboxAuthKey(c: Ctx, customerKey: string, cardNumber: string): Promise<string> {
  const res = await fetch(`${c.config.toss.apiUrl}/sandbox/auth-keys`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${c.config.toss.secretKey}:`).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ customerKey, cardNumber }),
  });
  if (!res.ok) throw new Error(`sandbox auth key: ${res.status}`);
  return ((await res.json()) as { authKey: string }).authKey;
}

/** A partner's live products, oldest first. */
function liveProductsOf(c: Ctx, partnerEmail: string) {
  return c
    .db('catalog_products as c')
    .join('partners as p', 'p.id', 'c.partnerId')
    .join('users as u', 'u.id', 'p.userId')
    .where({ 'c.status': 'live', 'u.email': partnerEmail })
    .orderBy('c.publishedAt')
    .select('c.productId', 'c.options');
}

/** Subscribes a demo customer the way a customer does (the API, a card through the sandbox); once per product. */
async function ensureLiveSubscription(
  c: Ctx,
  who: { id: string; email: string; name: string },
  productId: string,
  options: unknown,
  cardNumber: string,
): Promise<void> {
  const existing = await c
    .db('subscriptions')
    .where({ customerId: who.id, productId })
    .whereNot({ status: 'canceled' })
    .first('id');
  if (existing) return;
  const api = await apiSession(`http://${c.config.api.host}:${c.config.api.port}`, who.email, DEMO_PASSWORD);
  const customerKey = customerKeyFor(who.id);
  const o = options as { weights: { grams: number; priceKrw: number }[]; grinds: string[]; cycles: number[] };
  // The consents checkout asks for, with the versions of the documents in force and the amount it shows.
  const legal = (await api('GET', '/api/legal')) as unknown as LegalOverview;
  const version = (slug: string) => legal.documents.find((d) => d.slug === slug)!.version;
  await api('POST', '/api/subscriptions', {
    consents: {
      recurringPayment: true,
      thirdPartyProvision: true,
      amount: o.weights[0]!.priceKrw,
      versions: { refund: version('refund'), privacy: version('privacy') },
    },
    productId,
    options: { grams: o.weights[0]!.grams, grind: o.grinds[0], quantity: 1, cycleWeeks: o.cycles[0] },
    shipTo: await homeAddress(api, who.name),
    authKey: await sandboxAuthKey(c, customerKey, cardNumber),
    customerKey,
  });
}

/** The customer's default address from their book, saved there first if the book is empty (as checkout does). */
async function homeAddress(api: Awaited<ReturnType<typeof apiSession>>, name: string) {
  const book = (await api('GET', '/api/me/addresses')) as { items: Record<string, unknown>[] };
  const home =
    book.items[0] ??
    ((await api('POST', '/api/me/addresses', {
      name,
      phone: '010-1234-5678',
      postcode: '04524',
      address1: '서울특별시 중구 세종대로 110',
      address2: '101동 1001호',
      memo: '문 앞에 놓아 주세요',
    })) as Record<string, unknown>);
  const { id: _id, isDefault: _default, createdAt: _created, ...shipTo } = home;
  return shipTo;
}

/**
 * Two subscriptions for the demo customer, made the way a customer makes them (the sandbox's card window stands in
 * for the browser step): one on a card that approves, charging every demo week, and one on a card that declines,
 * so that my page shows a past-due subscription, the admin's payment history shows declined attempts, and
 * `PaymentState="retrying"` finds it in the Temporal UI. Only against the sandbox (a test secret key).
 */
async function ensureDemoSubscriptions(c: Ctx, customerId: string): Promise<void> {
  if (!c.config.toss.secretKey.startsWith('test_')) return;
  // The demo roaster's beans, so that roaster@dalgona.local finds the paid cycles waiting on 주문 · 발송.
  const products = (await liveProductsOf(c, 'roaster@dalgona.local')).slice(0, 2);
  const cards = ['4330123412341234', '4000000000000002'];
  const customer = { id: customerId, email: 'customer@dalgona.local', name: '김고객' };
  for (const [i, product] of products.entries()) {
    await ensureLiveSubscription(c, customer, product.productId, product.options, cards[i]!);
  }
}

/** The members whose past subscriptions make the demo's history, and whom those who subscribe today subscribe to. */
const demoMembers = [
  { email: 'member01@dalgona.local', name: '박서연', subscribesTo: 'roaster@dalgona.local' },
  { email: 'member02@dalgona.local', name: '정민준', subscribesTo: 'roaster@dalgona.local' },
  { email: 'member03@dalgona.local', name: '강하은', subscribesTo: 'seongsu@dalgona.local' },
  { email: 'member04@dalgona.local', name: '조예준', subscribesTo: 'jeju@dalgona.local' },
  { email: 'member05@dalgona.local', name: '윤지우', subscribesTo: null },
  { email: 'member06@dalgona.local', name: '장도윤', subscribesTo: null },
  { email: 'member07@dalgona.local', name: '임수아', subscribesTo: null },
  { email: 'member08@dalgona.local', name: '한시우', subscribesTo: null },
];

const WEEK = 7 * 24 * 3600_000;
const HISTORY_WEEKS = 6;

/**
 * A few weeks of history, as if Dalgona had been running (sandbox deployments only): each demo partner's past
 * subscriptions, paid cycles and delivered orders (the `demoHistory` workflow per partner), the weekly settlement
 * runs of those weeks (`settlementRun` workflows naming the period they settle; the admin marks the older statements
 * paid through the API and leaves the last one open), and some members subscribing today — so the dashboards have
 * weeks of data, orders wait to ship and 정산 관리 has a payout to make.
 */
async function ensureDemoHistory(c: Ctx, partnerUserIds: Map<string, string>): Promise<void> {
  if (!c.config.toss.secretKey.startsWith('test_')) return;
  const members: { id: string; email: string; name: string; subscribesTo: string | null }[] = [];
  for (const m of demoMembers) {
    members.push({ ...m, id: await ensureAccount(c, m.email, m.name, DEMO_PASSWORD, ['customer']) });
  }
  const asOf = new Date();
  for (const userId of partnerUserIds.values()) {
    const partnerId = (await c.db('partners').where({ userId }).first('id')).id as string;
    // The imported subscriptions name the import's workflow: there already, nothing to do.
    if (
      await c
        .db('subscriptions')
        .where({ workflowId: demoHistoryWorkflowId(partnerId) })
        .first('id')
    )
      continue;
    const run = await startDemoHistory(c.client, c.config.temporal, {
      partnerId,
      customerIds: members.map((m) => m.id),
      weeks: HISTORY_WEEKS,
      asOf: asOf.toISOString(),
    });
    await run.result();
  }

  // The weekly settlements of the past weeks, oldest first, as the Schedule would have run them.
  const mondays = pastMondaysSeoul(asOf, HISTORY_WEEKS);
  const lastMonday = mondays.at(-1)!;
  if (!(await c.db('settlement_statements').where({ periodEnd: lastMonday }).first('id'))) {
    for (const periodEnd of mondays) {
      const run = await startSettlementRun(c.client, c.config.temporal, `demo-${periodEnd.toISOString()}`, {
        periodEnd: periodEnd.toISOString(),
        periodMs: WEEK,
        defaultCommissionBps: c.config.settlement.commissionBps,
      });
      await run.result();
    }
    // The admin has paid out every week but the last (정산 관리 shows it waiting).
    const admin = await apiSession(
      `http://${c.config.api.host}:${c.config.api.port}`,
      c.config.admin.email,
      c.config.admin.password,
    );
    const older = await c
      .db('settlement_statements')
      .where({ status: 'open' })
      .where('periodEnd', '<', lastMonday)
      .select('id', 'periodEnd');
    for (const s of older) {
      const paidOn = new Date(new Date(s.periodEnd).getTime() + 2 * 24 * 3600_000).toISOString().slice(0, 10);
      await admin('POST', `/api/admin/settlements/${s.id}/payout`, {
        reference: `KB-${paidOn.replaceAll('-', '')}`,
      });
    }
  }

  for (const m of members) {
    if (!m.subscribesTo) continue;
    const [product] = await liveProductsOf(c, m.subscribesTo);
    if (product) await ensureLiveSubscription(c, m, product.productId, product.options, '4330123412341234');
  }
}

/** The demo accounts printed by `npm start`. */
export const demoLogins = (config: Readonly<Config>) => [
  { role: 'admin', email: config.admin.email, password: config.admin.password },
  { role: 'customer', email: 'customer@dalgona.local', password: DEMO_PASSWORD },
  { role: 'partner', email: 'roaster@dalgona.local', password: DEMO_PASSWORD },
  { role: 'applicant', email: 'applicant@dalgona.local', password: DEMO_PASSWORD },
];

/** Seeds the demo data through the running worker. */
export async function seed(config: Readonly<Config>): Promise<void> {
  const db = createDb(config.databaseUrl, { pool: { max: 2 } });
  const connection = await Connection.connect({ address: config.temporal.address });
  const client = new Client({
    connection,
    namespace: config.temporal.namespace,
    dataConverter: dataConverterFor(config.payloadKeys),
  });
  const c: Ctx = { config, db, client };
  const images = createImageStore(config.images.dir);
  try {
    const adminId = await ensureAccount(c, config.admin.email, '관리자', config.admin.password, [
      'customer',
      'admin',
    ]);
    const customerId = await ensureAccount(c, 'customer@dalgona.local', '김고객', DEMO_PASSWORD, [
      'customer',
    ]);
    const partnerUserIds = new Map<string, string>();
    for (const partner of demoPartners) {
      const userId = await ensureAccount(c, partner.email, partner.name, DEMO_PASSWORD, ['customer']);
      partnerUserIds.set(partner.email, userId);
      const applicationId = await ensureApplication(
        c,
        userId,
        demoForm({
          companyName: partner.company,
          businessNumber: partner.businessNumber,
          representative: partner.name,
          email: partner.email,
          address: partner.address,
          mailOrderNumber: partner.mailOrderNumber,
          bankAccountHolder: partner.name,
          introduction: partner.intro,
        }),
      );
      await ensureApproved(c, applicationId, adminId);
      const partnerId = (await c.db('partners').where({ userId }).first('id')).id as string;
      for (const [i, product] of partner.products.entries()) {
        await ensureProduct(c, { partnerId, ownerUserId: userId, product, index: i, adminId, images });
      }
      if (partner.pendingEdit) await ensurePendingEdit(c, userId, partner.pendingEdit);
    }
    const applicant = await ensureAccount(c, 'applicant@dalgona.local', '이지원', DEMO_PASSWORD, [
      'customer',
    ]);
    const busan = await ensureAccount(c, 'busan@dalgona.local', '최항구', DEMO_PASSWORD, ['customer']);

    await ensureApplication(
      c,
      applicant,
      demoForm({
        companyName: '서울 빈 랩',
        businessNumber: '1208147521',
        representative: '이지원',
        email: 'applicant@dalgona.local',
        mailOrderNumber: '2025-서울성동-01502',
        bankAccountHolder: '이지원',
        introduction: '성수동에서 에티오피아와 케냐 원두를 중심으로 라이트 로스팅을 합니다.',
      }),
    );
    await ensureApplication(
      c,
      busan,
      demoForm({
        companyName: '부산 하버 커피',
        businessNumber: '1208800767',
        representative: '최항구',
        email: 'busan@dalgona.local',
        mailOrderNumber: '2024-부산중구-00321',
        bankAccountHolder: '최항구',
        address: '부산광역시 중구 중앙대로 26',
        introduction: '항구 도시의 진한 다크 로스트 블렌드를 소개합니다.',
      }),
    );
    await ensureDemoHistory(c, partnerUserIds);
    await ensureDemoSubscriptions(c, customerId);
  } finally {
    await connection.close();
    await db.destroy();
  }
}

if (process.argv[1]?.endsWith('seed.ts')) {
  loadDotEnv();
  await seed(loadConfig());
  console.log('seeded');
}
