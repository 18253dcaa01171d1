// The sales dashboard's read models stay exact: payments, refunds and subscription changes go through the real
// workflows and activities, and every figure the dashboard shows is compared with a direct aggregate over the raw
// tables (payments, refunds, subscriptions, fulfilment orders, the partner ledger). A partner sees only their own.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createActivities } from '../../activities';
import { createDemoHistoryActivities } from '../../activities/demoHistory';
import { startDemoHistory } from '../../domain/contracts/demoHistory';
import { startSettlementRun } from '../../domain/contracts/settlementRun';
import { pastMondaysSeoul, type DemoHistoryInput } from '../../domain/demoHistory';
import { buildDashboardReadModels } from '../../db/migrations/20261125000003_dashboard';
import { customerKeyFor } from '../../domain/subscription';
import { mondayOf, type Dashboard, type DashboardRange } from '../../domain/dashboard';
import { seoulDate } from '../../domain/calendar';
import { createLogger } from '../../infra/logger';
import { createActivityDeps } from '../../worker/deps';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiHandler, createApp } from '../../api/app';
import { Browser } from '../browser';
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
import { checkoutConsents } from '../consents';

// A "week" is 1.5 s: weekly subscriptions charge every 1.5 s while the test runs.
let stack: Stack;
let admin: Awaited<ReturnType<typeof makeUser>>;
let partnerA: Awaited<ReturnType<typeof makePartner>>;
let partnerB: Awaited<ReturnType<typeof makePartner>>;
let productA1: string;
let productA2: string;
let productB: string;
before(async () => {
  // The Redis cache off: every request reads the read models (the cache has its own test below).
  stack = await startStack({
    SUBSCRIPTION_WEEK: '1500ms',
    CHARGE_ERROR_BACKOFF: '300ms',
    DASHBOARD_CACHE_TTL: '0',
  });
  admin = await makeUser(stack, ['customer', 'admin']);
  partnerA = await makePartner(stack, admin.me.id);
  partnerB = await makePartner(stack, admin.me.id);
  productA1 = await publishProduct(stack, partnerA.browser, admin.me.id);
  productA2 = await publishProduct(stack, partnerA.browser, admin.me.id);
  productB = await publishProduct(stack, partnerB.browser, admin.me.id);
});
after(async () => {
  await stack.stop();
  await stopTemporal();
});

const shipTo = { name: '김고객', phone: '010-1234-5678', address: '서울특별시 마포구 와우산로 94, 3층' };

async function subscribe(productId: string, quantity = 1) {
  const customer = await makeUser(stack);
  const customerKey = customerKeyFor(customer.me.id);
  const product = (
    await customer.browser.get<{ options: { weights: { grams: number }[]; grinds: string[] } }>(
      `/api/catalog/products/${productId}`,
    )
  ).body;
  const res = await customer.browser.post<{ id: string }>('/api/subscriptions', {
    consents: await checkoutConsents(customer.browser, productId, {
      grams: product.options.weights[0]!.grams,
      quantity: quantity,
    }),
    productId,
    options: {
      grams: product.options.weights[0]!.grams,
      grind: product.options.grinds[0],
      quantity,
      cycleWeeks: 1,
    },
    shipTo,
    authKey: await stack.sandbox.authKey(customerKey),
    customerKey,
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return { browser: customer.browser, id: res.body.id };
}

const paymentsOf = (subscriptionId: string) =>
  stack.db('payments').where({ subscriptionId }).orderBy('cycle') as Promise<
    { id: string; amount: number }[]
  >;

const UNIT: Record<DashboardRange, string> = { '30d': 'day', '12w': 'week', '12m': 'month' };

/** The same figures, straight from the raw tables (what the read models must always equal). */
async function direct(partnerId: string | null, range: DashboardRange, from: string) {
  const db = stack.db;
  const to = seoulDate(Date.now());
  const scope = partnerId ? 'partner_id = ?' : 'TRUE';
  const p = partnerId ? [partnerId] : [];
  const series = (
    await db.raw(
      `SELECT to_char(date_trunc(?, d)::date, 'YYYY-MM-DD') AS start, sum(gross)::int AS gross,
              sum(refunds)::int AS refunds, sum(orders)::int AS orders
         FROM (SELECT (approved_at AT TIME ZONE 'Asia/Seoul')::date AS d, amount AS gross, 0 AS refunds, 1 AS orders
                 FROM payments WHERE ${scope}
               UNION ALL
               SELECT (r.done_at AT TIME ZONE 'Asia/Seoul')::date, 0, r.amount, 0
                 FROM refunds r JOIN payments pay ON pay.id = r.payment_id
                WHERE r.status = 'done' AND ${partnerId ? 'pay.partner_id = ?' : 'TRUE'}) e
        WHERE d BETWEEN ?::date AND ?::date GROUP BY 1 ORDER BY 1`,
      [UNIT[range], ...p, ...p, from, to],
    )
  ).rows as { start: string; gross: number; refunds: number; orders: number }[];
  const statuses = Object.fromEntries(
    (
      await db.raw(`SELECT status, count(*)::int AS n FROM subscriptions WHERE ${scope} GROUP BY status`, p)
    ).rows.map((r: { status: string; n: number }) => [r.status, r.n]),
  ) as Record<string, number>;
  const churn = (
    await db.raw(
      `SELECT count(*) FILTER (WHERE status NOT IN ('connecting', 'card_failed')
                AND (started_at AT TIME ZONE 'Asia/Seoul')::date BETWEEN ?::date AND ?::date)::int AS started,
              count(*) FILTER (WHERE status = 'canceled'
                AND (canceled_at AT TIME ZONE 'Asia/Seoul')::date BETWEEN ?::date AND ?::date)::int AS canceled
         FROM subscriptions WHERE ${scope}`,
      [from, to, from, to, ...p],
    )
  ).rows[0] as { started: number; canceled: number };
  const top = (
    await db.raw(
      `SELECT pay.product_id AS "productId", sum(pay.amount)::int - coalesce(sum(rf.refunded), 0)::int AS net,
              count(*)::int AS orders
         FROM payments pay
         LEFT JOIN (SELECT payment_id, sum(amount) AS refunded FROM refunds WHERE status = 'done' GROUP BY 1) rf
           ON rf.payment_id = pay.id
        WHERE ${partnerId ? 'pay.partner_id = ?' : 'TRUE'}
        GROUP BY 1 ORDER BY net DESC, orders DESC, 1 LIMIT 5`,
      p,
    )
  ).rows as { productId: string; net: number; orders: number }[];
  const toShip = (
    await db.raw(
      `SELECT count(*)::int AS count, count(*) FILTER (WHERE ship_by < now())::int AS overdue
         FROM fulfilment_orders WHERE ${scope} AND status IN ('to_roast', 'roasted')`,
      p,
    )
  ).rows[0] as { count: number; overdue: number };
  // The partner ledger (what settlement will read) since Monday 00:00 Seoul.
  const settlement = (
    await db.raw(
      `SELECT coalesce(sum(amount), 0)::int AS expected FROM partner_ledger
        WHERE ${scope} AND at >= (?::date)::timestamp AT TIME ZONE 'Asia/Seoul'`,
      [...p, mondayOf(to)],
    )
  ).rows[0] as { expected: number };
  const active = (statuses.active ?? 0) + (statuses.past_due ?? 0);
  return {
    series,
    totals: {
      gross: series.reduce((s, r) => s + r.gross, 0),
      refunds: series.reduce((s, r) => s + r.refunds, 0),
      orders: series.reduce((s, r) => s + r.orders, 0),
    },
    subscribers: {
      active,
      pastDue: statuses.past_due ?? 0,
      paused: statuses.paused ?? 0,
      suspended: statuses.suspended ?? 0,
    },
    churn,
    top,
    toShip,
    settlement: settlement.expected,
  };
}

/** The dashboard's figures in the shape of `direct` (only buckets with something in them). */
function figures(d: Dashboard) {
  return {
    series: d.series
      .filter((b) => b.gross || b.refunds || b.orders)
      .map(({ start, gross, refunds, orders }) => ({ start, gross, refunds, orders })),
    totals: { gross: d.totals.gross, refunds: d.totals.refunds, orders: d.totals.orders },
    subscribers: d.subscribers,
    churn: { started: d.churn.started, canceled: d.churn.canceled },
    top: d.topProducts.map(({ productId, net, orders }) => ({ productId, net, orders })),
    toShip: d.toShip,
    settlement: d.settlement.expected,
  };
}

async function dashboardOf(browser: Browser, path: string): Promise<Dashboard> {
  const res = await browser.get<Dashboard>(path);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

/** Upcoming charges straight from the subscriptions (the next charge of each active one within 7 / 30 days). */
async function upcomingDirect(partnerId: string) {
  const subs = (await stack
    .db('subscriptions')
    .where({ partnerId, status: 'active', cancelAtPeriodEnd: false })
    .select('nextChargeAt', 'amount')) as { nextChargeAt: Date; amount: number }[];
  const within = (days: number) => {
    const hits = subs.filter((s) => {
      const t = new Date(s.nextChargeAt).getTime();
      return t >= Date.now() && t < Date.now() + days * 86_400_000;
    });
    return { count: hits.length, amount: hits.reduce((a, s) => a + s.amount, 0) };
  };
  return { days7: within(7), days30: within(30) };
}

/** Compares a dashboard with the raw tables, retrying while charges land between the two reads. */
async function assertExact(browser: Browser, path: string, partnerId: string | null, range: DashboardRange) {
  let last: { dashboard: unknown; direct: unknown } | undefined;
  for (let i = 0; i < 20; i++) {
    const d = await dashboardOf(browser, path);
    const got = figures(d);
    const want = await direct(partnerId, range, d.from);
    if (JSON.stringify(got) === JSON.stringify(want)) return d;
    last = { dashboard: got, direct: want };
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(last!.dashboard, last!.direct, `${path}: the read models drifted from the raw tables`);
  throw new Error('unreachable');
}

describe('sales dashboard (매출 관리)', () => {
  const subs: Record<string, { browser: Browser; id: string }> = {};

  it('follows payments, refunds, pauses and cancellations exactly, for every range', async () => {
    subs.a1 = await subscribe(productA1);
    subs.a2 = await subscribe(productA1, 2);
    subs.a3 = await subscribe(productA2);
    subs.a4 = await subscribe(productA2);
    subs.b1 = await subscribe(productB);
    await eventually(async () => {
      for (const s of Object.values(subs)) if ((await paymentsOf(s.id)).length < 2) return false;
      return true;
    }, 20_000);

    // Refunds: part of one payment, all of another (two refunds of one payment count twice, on the day made).
    const [p1] = await paymentsOf(subs.a1.id);
    const [p2] = await paymentsOf(subs.a2.id);
    for (const [payment, body] of [
      [p1!, { amount: 3000, reason: '원두 일부 파손' }],
      [p1!, { amount: 1000, reason: '배송 지연' }],
      [p2!, { reason: '전액 환불' }],
    ] as const) {
      const res = await admin.browser.post(`/api/admin/payments/${payment.id}/refunds`, body);
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
    // Subscription changes: a pause, a cancellation now, one at the end of the cycle.
    assert.equal((await subs.a3.browser.post(`/api/subscriptions/${subs.a3.id}/pause`)).status, 200);
    assert.equal(
      (await subs.a4.browser.post(`/api/subscriptions/${subs.a4.id}/cancel`, { when: 'now' })).status,
      200,
    );
    assert.equal(
      (await subs.a2.browser.post(`/api/subscriptions/${subs.a2.id}/cancel`, { when: 'period_end' })).status,
      200,
    );

    // Cancelled at once: a4's paid cycles, none shipped, are refunded in full by their fulfilments.
    const a4Refunded = await eventually(async () => {
      await new Promise((r) => setTimeout(r, 300));
      const paid = await stack.db('payments').where({ subscriptionId: subs.a4!.id });
      const done = paid.length > 0 && paid.every((p: { status: string }) => p.status === 'refunded');
      const ended =
        (await stack.db('subscriptions').where({ id: subs.a4!.id }).first()).status === 'canceled';
      return done && ended && paid.reduce((sum: number, p: { amount: number }) => sum + p.amount, 0);
    }, 15_000);

    for (const range of ['30d', '12w', '12m'] as const) {
      const d = await assertExact(
        partnerA.browser,
        `/api/partner/dashboard?range=${range}`,
        partnerA.me.partnerId!,
        range,
      );
      assert.equal(d.series.length, range === '30d' ? 30 : 12);
      assert.ok(d.totals.gross > 0);
      assert.equal(d.totals.refunds, 4000 + p2!.amount + a4Refunded);
    }
    const d = await dashboardOf(partnerA.browser, '/api/partner/dashboard');
    assert.equal(d.range, '30d');
    assert.ok(d.churn.started === 4 && d.churn.canceled >= 1, JSON.stringify(d.churn));
    assert.ok(d.toShip.count > 0);
    assert.ok(d.topProducts.every((p) => p.productId === productA1 || p.productId === productA2));
  });

  it('keeps up once everything has settled: every figure equal, upcoming charges included', async () => {
    // Let the end-of-cycle cancellation happen, then stop charging: the last subscription active on A is paused.
    await eventually(
      async () => (await stack.db('subscriptions').where({ id: subs.a2!.id }).first()).status === 'canceled',
      10_000,
    );
    const upcoming = await dashboardOf(partnerA.browser, '/api/partner/dashboard');
    assert.ok(upcoming.upcoming.days7.count <= 1);
    assert.equal((await subs.a1!.browser.post(`/api/subscriptions/${subs.a1!.id}/pause`)).status, 200);
    await new Promise((r) => setTimeout(r, 500)); // a charge in flight lands
    const d = await assertExact(
      partnerA.browser,
      '/api/partner/dashboard?range=30d',
      partnerA.me.partnerId!,
      '30d',
    );
    assert.deepEqual(d.upcoming, await upcomingDirect(partnerA.me.partnerId!));
    assert.deepEqual(d.subscribers, { active: 0, pastDue: 0, paused: 2, suspended: 0 });
    assert.equal(d.churn.canceled, 2);
    // B's only subscription is still charging: its next charge is within 7 days (once the one due now is made).
    const b = await assertExact(
      partnerB.browser,
      '/api/partner/dashboard?range=12m',
      partnerB.me.partnerId!,
      '12m',
    );
    assert.equal(b.subscribers.active, 1);
    await eventually(
      async () => (await dashboardOf(partnerB.browser, '/api/partner/dashboard')).upcoming.days7.count === 1,
    );
  });

  it('is idempotent: activities run again change nothing', async () => {
    const deps = createActivityDeps(stack.config, {
      db: stack.db,
      log: createLogger('test', 'silent'),
      redis: stack.redis,
      client: stack.client,
    });
    const acts = createActivities(deps);
    const before = await dashboardOf(partnerA.browser, '/api/partner/dashboard?range=12w');
    const a4 = await stack.db('subscriptions').where({ id: subs.a4!.id }).first();
    // A cancellation saved again, and a subscription row created again.
    await acts.saveSubscription({
      subscriptionId: a4.id,
      patch: { status: 'canceled', canceledAt: new Date(a4.canceledAt).toISOString() },
    });
    await acts.createSubscription({
      subscriptionId: a4.id,
      customerId: a4.customerId,
      productId: a4.productId,
      partnerId: a4.partnerId,
      workflowId: a4.workflowId,
      productName: a4.productName,
      options: { grams: a4.grams, grind: a4.grind, quantity: a4.quantity, cycleWeeks: a4.cycleWeeks },
      unitPrice: a4.unitPrice,
      shipTo: a4.shipTo,
      nextChargeAt: new Date().toISOString(),
    });
    // A refund carried out again (its workflow retried after the provider answered).
    const refund = await stack.db('refunds').where({ status: 'done' }).first();
    const again = await acts.executeRefund({
      refundId: refund.id,
      paymentId: refund.paymentId,
      amount: refund.amount,
      reason: refund.reason,
      requestedBy: refund.requestedBy,
    });
    assert.equal(again.ok, true);
    const after = await dashboardOf(partnerA.browser, '/api/partner/dashboard?range=12w');
    assert.deepEqual({ ...after, generatedAt: '' }, { ...before, generatedAt: '' });
    await assertExact(partnerA.browser, '/api/partner/dashboard?range=12w', partnerA.me.partnerId!, '12w');
  });

  it('shows a partner only their own figures; the admin sees every partner, or one', async () => {
    const a = await dashboardOf(partnerA.browser, '/api/partner/dashboard?range=12m');
    const b = await dashboardOf(partnerB.browser, '/api/partner/dashboard?range=12m');
    assert.ok(b.topProducts.every((p) => p.productId === productB));
    assert.ok(a.topProducts.every((p) => p.productId !== productB));
    // There is no way to name another partner.
    const named = await partnerA.browser.get<{ error: { code: string } }>(
      `/api/partner/dashboard?partnerId=${partnerB.me.partnerId}`,
    );
    assert.equal(named.status, 400);
    assert.equal(named.body.error.code, 'VALIDATION_FAILED');
    const bad = await partnerA.browser.get('/api/partner/dashboard?range=7y');
    assert.equal(bad.status, 400);
    // The admin: one partner is that partner's dashboard; every partner is the sum, with a ranking.
    const oneA = await dashboardOf(
      admin.browser,
      `/api/admin/dashboard?range=12m&partnerId=${partnerA.me.partnerId}`,
    );
    assert.deepEqual(figures(oneA), figures(a));
    assert.equal(oneA.partners, undefined);
    const all = await assertExact(admin.browser, '/api/admin/dashboard?range=12m', null, '12m');
    assert.ok(all.totals.gross >= a.totals.gross + b.totals.gross);
    const ranked = all.partners!.map((p) => p.partnerId);
    assert.ok(ranked.includes(partnerA.me.partnerId!) && ranked.includes(partnerB.me.partnerId!));
    await subs.b1!.browser.post(`/api/subscriptions/${subs.b1!.id}/cancel`, { when: 'now' });
  });

  it('reuses an answer from Redis for DASHBOARD_CACHE_TTL, then reads the read models again', async () => {
    const config = Object.freeze({ ...stack.config, dashboard: Object.freeze({ cacheTtlMs: 1000 }) });
    const server = http
      .createServer(apiHandler(createApp({ ...stack.apiDeps, config })))
      .listen(0, '127.0.0.1');
    await new Promise<void>((r) => server.once('listening', () => r()));
    try {
      // A partner of its own: the other partners' subscriptions still settle (the last test cancelled one), and
      // each settling clears that partner's cached answers, which would race with the hit asserted here.
      const quiet = await makePartner(stack, admin.me.id);
      const b = new Browser(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      for (const [k, v] of quiet.browser.cookies) b.cookies.set(k, v); // the same session (same Redis)
      const first = await b.get<Dashboard>('/api/partner/dashboard?range=12w');
      const second = await b.get<Dashboard>('/api/partner/dashboard?range=12w');
      assert.deepEqual([first.headers.get('x-cache'), second.headers.get('x-cache')], ['miss', 'hit']);
      assert.equal(second.body.generatedAt, first.body.generatedAt);
      // Another partner's key is another entry: nobody is served someone else's cached figures.
      const a = new Browser(b.baseUrl);
      for (const [k, v] of partnerA.browser.cookies) a.cookies.set(k, v);
      const theirs = await a.get<Dashboard>('/api/partner/dashboard?range=12w');
      assert.equal(theirs.headers.get('x-cache'), 'miss');
      assert.notDeepEqual(figures(theirs.body), figures(second.body));
      await new Promise((r) => setTimeout(r, 1100));
      const later = await b.get<Dashboard>('/api/partner/dashboard?range=12w');
      assert.equal(later.headers.get('x-cache'), 'miss');
      assert.notEqual(later.body.generatedAt, first.body.generatedAt);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('the one-pass build of the migration (existing data) gives exactly the rows the activities kept', async () => {
    const tables = [
      'partner_daily_sales',
      'partner_product_sales',
      'partner_daily_subscriptions',
      'partner_subscription_counts',
    ];
    const dump = async (db: typeof stack.db) => {
      const out: Record<string, unknown[]> = {};
      for (const t of tables) {
        out[t] = (await db.raw(`SELECT * FROM ?? ORDER BY 1, 2`, [t])).rows.map(
          (r: Record<string, unknown>) =>
            // A status whose count went back to zero is a row the build never makes.
            t === 'partner_subscription_counts' && r.count === 0 ? null : JSON.stringify(r),
        );
        out[t] = out[t]!.filter(Boolean);
      }
      return out;
    };
    const kept = await dump(stack.db);
    assert.ok(kept.partner_daily_sales!.length > 0);
    await stack.db
      .transaction(async (trx) => {
        for (const t of tables) await trx.raw('DELETE FROM ??', [t]);
        await buildDashboardReadModels(trx);
        assert.deepEqual(await dump(trx as unknown as typeof stack.db), kept);
        throw new Error('rollback');
      })
      .catch((err: Error) => {
        if (err.message !== 'rollback') throw err;
      });
  });
});

describe('demo history (npm start)', () => {
  it('imports weeks of a partner’s sales that the dashboard shows exactly, once; weekly settlements take them', async () => {
    const partnerC = await makePartner(stack, admin.me.id);
    await publishProduct(stack, partnerC.browser, admin.me.id);
    const members = [await makeUser(stack), await makeUser(stack)];
    const partnerId = partnerC.me.partnerId!;
    const asOf = new Date();
    const input: DemoHistoryInput = {
      partnerId,
      customerIds: members.map((m) => m.me.id),
      weeks: 6,
      asOf: asOf.toISOString(),
    };
    const importHistory = async () =>
      (await startDemoHistory(stack.client, stack.config.temporal, input)).result();
    const first = await importHistory();
    assert.equal(first.imported, true);
    assert.ok(first.payments > first.subscriptions && first.subscriptions >= 10, JSON.stringify(first));
    assert.equal(
      Number((await stack.db('payments').where({ partnerId }).count('* as n'))[0]!.n),
      first.payments,
    );

    // Weeks of data in the read models, equal to the raw tables; nothing waits to ship (all delivered).
    const d = await assertExact(partnerC.browser, '/api/partner/dashboard?range=12w', partnerId, '12w');
    assert.ok(d.series.filter((b) => b.orders > 0).length >= 4, JSON.stringify(d.series));
    assert.equal(d.churn.started, first.subscriptions);
    assert.equal(d.toShip.count, 0);
    await assertExact(partnerC.browser, '/api/partner/dashboard?range=30d', partnerId, '30d');
    // A member sees their delivered orders on my page.
    const mine = await members[0]!.browser.get<{ items: { status: string }[] }>('/api/me/deliveries');
    assert.equal(mine.status, 200);
    assert.ok(mine.body.items.length > 0 && mine.body.items.every((o) => o.status === 'delivered'));

    // Imported again (the seed run twice): nothing changes.
    const again = await importHistory();
    assert.deepEqual(again, { subscriptions: 0, payments: 0, imported: false });
    const d2 = await dashboardOf(partnerC.browser, '/api/partner/dashboard?range=12w');
    assert.deepEqual(figures(d2), figures(d));

    // The weekly settlements of those weeks, as the seed runs them: every sale before the last Monday in exactly one
    // statement, and the statements add up to the ledger.
    const mondays = pastMondaysSeoul(asOf, 6);
    for (const periodEnd of mondays) {
      const run = await startSettlementRun(stack.client, stack.config.temporal, `demo-${uniq()}`, {
        periodEnd: periodEnd.toISOString(),
        periodMs: 7 * 86_400_000,
        defaultCommissionBps: 1000,
      });
      await run.result();
    }
    const statements = await stack.db('settlement_statements').where({ partnerId });
    assert.ok(statements.length >= 3, `${statements.length} statements`);
    const ledger = await stack.db('partner_ledger').where({ partnerId }).where('at', '<', mondays.at(-1)!);
    const lines = await stack.db('settlement_lines').where({ partnerId });
    assert.equal(lines.length, ledger.length);
    assert.equal(
      statements.reduce((s, r) => s + Number(r.grossSales), 0),
      ledger.reduce((s, l) => s + l.amount, 0),
    );
    for (const s of statements) {
      assert.equal(s.lineCount, lines.filter((l) => l.statementId === s.id).length);
      assert.equal(Number(s.commission), Math.round(Number(s.netSales) / 10));
    }
  });

  it('is refused by a production worker (no Toss test key)', async () => {
    const acts = createDemoHistoryActivities({ db: stack.db, demoData: false });
    await assert.rejects(
      acts.importDemoHistory({
        partnerId: partnerA.me.partnerId!,
        customerIds: [admin.me.id],
        weeks: 2,
        asOf: new Date().toISOString(),
      }),
      (err: Error & { type?: string }) => err.type === 'DEMO_DATA_DISABLED',
    );
  });
});
