// Demo data for `npm start`: the admin, a customer with two subscriptions, approved partners with their beans, and
// applications waiting in the inbox.
// Idempotent: whatever exists is left alone. Every write goes through a workflow, as in production.
import { Client, Connection } from '@temporalio/client';
import { TypedSearchAttributes, WorkflowIdReusePolicy } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Role } from '../domain/accounts';
import type { PartnerApplicationForm, PartnerApplicationInput } from '../domain/partner';
import { ApplicantId, PartnerId, ReviewState } from '../domain/searchAttributes';
import { customerKeyFor } from '../domain/keys';
import { taskQueue } from '../domain/taskQueues';
import { createDb } from '../db/knex';
import { PartnerApplication, Task, User } from '../db/models';
import type { Config } from '../infra/config';
import { loadConfig, loadDotEnv } from '../infra/config';
import { createImageStore, type ImageStore } from '../infra/imageStore';
import { hashPassword } from '../infra/passwords';
import { dataConverterFor } from '../infra/payloadCodec';
import { bagArtwork, demoPartners, type DemoPartner } from './demoCatalog';
import { decideUpdate, submitRevisionUpdate } from '../workflows/messages';
import { ensureSettlementSchedule, SETTLEMENT_SCHEDULE_ID } from '../worker/settlementSchedule';
import { signUpWorkflowId } from '../infra/workflowIds';

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
  const result = await c.client.workflow.execute('signUp', {
    workflowId: signUpWorkflowId(c.config.workflowIdSecret, email),
    taskQueue: taskQueue(c.config.temporal.taskQueuePrefix, 'accounts'),
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    args: [{ userId, email, name, passwordHash: await hashPassword(password), roles }],
  });
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
  await c.client.workflow.start('partnerApplication', {
    workflowId: `partnerApplication:${applicantId}`,
    taskQueue: taskQueue(c.config.temporal.taskQueuePrefix, 'accounts'),
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    typedSearchAttributes: new TypedSearchAttributes([
      { key: ApplicantId, value: applicantId },
      { key: ReviewState, value: 'validating' },
    ]),
    args: [input],
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
  await c.client.workflow
    .getHandle(task.workflowId, undefined, { firstExecutionRunId: task.workflowRunId })
    .executeUpdate(decideUpdate, {
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
  bankName: '국민은행',
  bankAccount: '123456-01-234567',
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
  await c.client.workflow.start('productPublication', {
    workflowId: `productPublication:${productId}`,
    taskQueue: taskQueue(c.config.temporal.taskQueuePrefix, 'catalog'),
    typedSearchAttributes: new TypedSearchAttributes([
      { key: PartnerId, value: p.partnerId },
      { key: ReviewState, value: 'validating' },
    ]),
    args: [
      {
        productId,
        partnerId: p.partnerId,
        ownerUserId: p.ownerUserId,
        reviewSlaMs: c.config.product.reviewSlaMs,
        first: { revisionId, form: { ...p.product, imageId: image.id } },
      },
    ],
  });
  const task = await openTaskFor(c, revisionId);
  await c.client.workflow
    .getHandle(task.workflowId, undefined, { firstExecutionRunId: task.workflowRunId })
    .executeUpdate(decideUpdate, {
      args: [{ taskId: task.id, decision: 'approve', actor: { userId: p.adminId, roles: ['admin'] } }],
    });
}

/** Leaves an edit of a live demo product waiting in the inbox (a price change and a new note), once. */
async function ensurePendingEdit(c: Ctx, ownerUserId: string, productName: string): Promise<void> {
  const live = await c
    .db('product_revisions as r')
    .join('products as p', 'p.live_revision_id', 'r.id')
    .where('r.name', productName)
    .first('r.*', 'p.workflow_id');
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
  await c.client.workflow.getHandle(live.workflowId).executeUpdate(submitRevisionUpdate, {
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

/**
 * Two subscriptions for the demo customer, made the way a customer makes them (the sandbox's card window stands in
 * for the browser step): one on a card that approves, charging every demo week, and one on a card that declines,
 * so that my page shows a past-due subscription, the admin's payment history shows declined attempts, and
 * `PaymentState="retrying"` finds it in the Temporal UI. Only against the sandbox (a test secret key).
 */
async function ensureDemoSubscriptions(c: Ctx, customerId: string): Promise<void> {
  if (!c.config.toss.secretKey.startsWith('test_')) return;
  if (await c.db('subscriptions').where({ customerId }).first()) return;
  // The demo roaster's beans, so that roaster@dalgona.local finds the paid cycles waiting on 주문 · 발송.
  const products = await c
    .db('catalog_products as c')
    .join('partners as p', 'p.id', 'c.partnerId')
    .join('users as u', 'u.id', 'p.userId')
    .where({ 'c.status': 'live', 'u.email': 'roaster@dalgona.local' })
    .orderBy('c.publishedAt')
    .limit(2)
    .select('c.productId', 'c.options');
  if (products.length < 2) return;
  const api = await apiSession(
    `http://${c.config.api.host}:${c.config.api.port}`,
    'customer@dalgona.local',
    DEMO_PASSWORD,
  );
  const customerKey = customerKeyFor(customerId);
  const cards = ['4330123412341234', '4000000000000002'];
  for (const [i, product] of products.entries()) {
    const res = await fetch(`${c.config.toss.apiUrl}/sandbox/auth-keys`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${c.config.toss.secretKey}:`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ customerKey, cardNumber: cards[i] }),
    });
    if (!res.ok) throw new Error(`sandbox auth key: ${res.status}`);
    const { authKey } = (await res.json()) as { authKey: string };
    const options = product.options as { weights: { grams: number }[]; grinds: string[]; cycles: number[] };
    await api('POST', '/api/subscriptions', {
      productId: product.productId,
      options: {
        grams: options.weights[0]!.grams,
        grind: options.grinds[0],
        quantity: 1,
        cycleWeeks: options.cycles[0],
      },
      shipTo: {
        name: '김고객',
        phone: '010-1234-5678',
        address: '서울특별시 중구 세종대로 110, 101동 1001호',
      },
      authKey,
      customerKey,
    });
  }
}

/**
 * A first settlement statement, so 정산 내역 and 정산 관리 have something to show: once the demo payments are
 * recorded, the settlement Schedule is triggered once (Temporal UI → Schedules → `settlement` shows the run).
 */
async function ensureDemoSettlement(c: Ctx): Promise<void> {
  if (await c.db('settlement_statements').first('id')) return;
  for (let i = 0; i < 100 && !(await c.db('partner_ledger').first('id')); i++) {
    await new Promise((r) => setTimeout(r, 200));
  }
  if (!(await c.db('partner_ledger').first('id'))) return;
  // A scheduled time has whole seconds, as has the provider's approvedAt: trigger in the next second.
  await new Promise((r) => setTimeout(r, 1100));
  await ensureSettlementSchedule(c.client, c.config);
  await c.client.schedule.getHandle(SETTLEMENT_SCHEDULE_ID).trigger();
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
    for (const partner of demoPartners) {
      const userId = await ensureAccount(c, partner.email, partner.name, DEMO_PASSWORD, ['customer']);
      const applicationId = await ensureApplication(
        c,
        userId,
        demoForm({
          companyName: partner.company,
          businessNumber: partner.businessNumber,
          representative: partner.name,
          email: partner.email,
          address: partner.address,
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
        address: '부산광역시 중구 중앙대로 26',
        introduction: '항구 도시의 진한 다크 로스트 블렌드를 소개합니다.',
      }),
    );
    await ensureDemoSubscriptions(c, customerId);
    await ensureDemoSettlement(c);
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
