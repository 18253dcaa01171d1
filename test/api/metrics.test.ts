// Prometheus metrics: the API's /metrics (route patterns, the edge cache, who may read it) and the worker's business
// counters, each counted once per real event however often an activity runs.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createActivities } from '../../activities';
import { apiHandler, createApp } from '../../api/app';
import { customerKeyFor } from '../../domain/subscription';
import { startSettlementRun } from '../../domain/contracts/settlementRun';
import { createLogger } from '../../infra/logger';
import { counterValue } from '../../infra/metrics';
import { createActivityDeps } from '../../worker/deps';
import { Browser } from '../browser';
import {
  eventually,
  makePartner,
  makeUser,
  publishProduct,
  startStack,
  stopTemporal,
  testConfig,
  type Stack,
} from '../harness';
import { checkoutConsents } from '../consents';

let stack: Stack;
before(async () => {
  stack = await startStack({ DUNNING_LADDER: '1s,2s,3s' });
});
after(async () => {
  await stack.stop();
  await stopTemporal();
});

const scrape = async (base = stack.baseUrl, headers: Record<string, string> = {}) => {
  const res = await fetch(`${base}/metrics`, { headers });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
};

/** The value of one series in a scrape (0 when absent). */
function series(text: string, name: string, labels: Record<string, string>): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const inner = line.slice(name.length + 1, line.lastIndexOf('}'));
    if (want.every((w) => inner.split(',').includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

describe('API /metrics', () => {
  it('counts requests by route pattern and status, edge-cache answers included, never by raw path', async () => {
    const b = new Browser(stack.baseUrl);
    await b.get('/healthz');
    const first = await fetch(`${stack.baseUrl}/api/catalog/products?sort=newest`);
    const second = await fetch(`${stack.baseUrl}/api/catalog/products?sort=newest`);
    assert.equal(second.headers.get('x-cache'), 'memory', 'the second answer came from the edge cache');
    assert.deepEqual([first.status, second.status], [200, 200]);
    const id = randomUUID();
    await b.get(`/api/catalog/products/${id}`);
    // Not a route: the UI's page when it is built (200), else 404 — either way counted as `unmatched`.
    const page = await fetch(`${stack.baseUrl}/no/such/page/ever`);
    await page.text();
    const { status, type, text } = await scrape();
    assert.equal(status, 200);
    assert.match(type!, /^text\/plain; version=0\.0\.4/);
    assert.equal(series(text, 'http_requests_total', { method: 'GET', route: '/healthz', status: '200' }), 1);
    const catalog = { method: 'GET', route: '/api/catalog/products', status: '200' };
    assert.equal(series(text, 'http_requests_total', catalog), 2);
    assert.equal(series(text, 'http_request_duration_seconds_count', catalog), 2);
    assert.equal(
      series(text, 'http_requests_total', { route: '/api/catalog/products/:id', status: '404' }),
      1,
    );
    assert.ok(series(text, 'http_requests_total', { route: 'unmatched', status: String(page.status) }) >= 1);
    assert.ok(!text.includes(id) && !text.includes('/no/such/page'), 'raw paths never become labels');
  });

  it('without METRICS_TOKEN: hidden from a request a proxy relayed', async () => {
    const relayed = await scrape(stack.baseUrl, { 'x-forwarded-for': '203.0.113.9' });
    assert.equal(relayed.status, 404);
    assert.ok(!relayed.text.includes('http_requests_total'));
  });

  it('with METRICS_TOKEN: 401 without the bearer token, 200 with it', async () => {
    const token = 'test-metrics-token-0123456789';
    const app = createApp({
      ...stack.apiDeps,
      config: testConfig({ METRICS_TOKEN: token }),
      metrics: undefined,
      log: createLogger('t', 'silent'),
    });
    const server = http.createServer(apiHandler(app)).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const none = await scrape(base);
      assert.equal(none.status, 401);
      assert.equal((JSON.parse(none.text) as { error: { code: string } }).error.code, 'UNAUTHENTICATED');
      assert.equal((await scrape(base, { authorization: 'Bearer wrong-token-0123456789xx' })).status, 401);
      const ok = await scrape(base, { authorization: `Bearer ${token}` });
      assert.equal(ok.status, 200);
      assert.match(ok.text, /http_requests_total\{method="GET",route="\/metrics",status="401"\} 2/);
    } finally {
      server.close();
    }
  });
});

describe('worker business metrics', () => {
  it('count each charge, decline, retry, dunning entry, refund, statement and escalation once', async () => {
    const m = stack.workerMetrics;
    const admin = await makeUser(stack, ['customer', 'admin']);
    const partner = await makePartner(stack, admin.me.id);
    const productId = await publishProduct(stack, partner.browser, admin.me.id);
    const product = (
      await partner.browser.get<{ options: { weights: { grams: number }[]; grinds: string[] } }>(
        `/api/catalog/products/${productId}`,
      )
    ).body;

    // A card that declines the first charge of each order: declined → dunning → retried on the ladder → approved.
    const customer = await makeUser(stack);
    const customerKey = customerKeyFor(customer.me.id);
    const res = await customer.browser.post<{ id: string }>('/api/subscriptions', {
      consents: await checkoutConsents(customer.browser, productId, {
        grams: product.options.weights[0]!.grams,
        quantity: 1,
      }),
      productId,
      options: {
        grams: product.options.weights[0]!.grams,
        grind: product.options.grinds[0],
        quantity: 1,
        cycleWeeks: 4,
      },
      shipTo: { name: '김고객', phone: '010-1234-5678', address: '서울특별시 마포구 와우산로 94' },
      authKey: await stack.sandbox.authKey(customerKey, '4000000000000085'),
      customerKey,
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const subscriptionId = res.body.id;
    const payment = await eventually(() => stack.db('payments').where({ subscriptionId }).first(), 20_000);
    await eventually(
      async () => (await stack.db('subscriptions').where({ id: subscriptionId }).first()).status === 'active',
    );
    assert.equal(await counterValue(m.charges, { outcome: 'declined' }), 1);
    assert.equal(await counterValue(m.charges, { outcome: 'approved' }), 1);
    assert.equal(await counterValue(m.chargedKrw), payment.amount);
    assert.equal(await counterValue(m.chargeRetries), 1, 'the approval came on a retry');
    assert.equal(await counterValue(m.dunningEntries), 1);

    // Activities run again (a retry after a crash, a replay): the same effects, nothing counted twice.
    const acts = createActivities(
      createActivityDeps(stack.config, {
        db: stack.db,
        log: createLogger('t', 'silent'),
        redis: stack.redis,
        client: stack.client,
        metrics: m,
      }),
    );
    const sub = await stack.db('subscriptions').where({ id: subscriptionId }).first();
    await acts.chargeCycle({
      subscriptionId,
      cycle: 1,
      attempt: 2,
      lookupFirst: true,
      customerKey,
      cardId: sub.cardId,
      nextChargeAtIfApproved: new Date(sub.nextChargeAt).toISOString(),
    });
    await acts.saveSubscription({ subscriptionId, patch: { status: 'active' } });
    assert.equal(await counterValue(m.charges), 2);
    assert.equal(await counterValue(m.chargeRetries), 1);
    assert.equal(await counterValue(m.dunningEntries), 1);

    // A refund through the API, then its activity run again.
    const refund = await admin.browser.post(`/api/admin/payments/${payment.id}/refunds`, {
      amount: 1000,
      reason: '원두 파손',
    });
    assert.equal(refund.status, 201, JSON.stringify(refund.body));
    const done = await eventually(() =>
      stack.db('refunds').where({ paymentId: payment.id, status: 'done' }).first(),
    );
    await acts.executeRefund({
      refundId: done.id,
      paymentId: payment.id,
      amount: 1000,
      reason: '원두 파손',
      requestedBy: admin.me.id,
    });
    assert.equal(await counterValue(m.refunds), 1);
    assert.equal(await counterValue(m.refundedKrw), 1000);

    // Settlement: a second run over the same period makes no statement, so counts none.
    const run = async (periodEnd: string) =>
      (
        await startSettlementRun(stack.client, stack.config.temporal, `metrics-${randomUUID()}`, {
          periodEnd,
          periodMs: 7 * 24 * 3600_000,
          defaultCommissionBps: 1000,
        })
      ).result();
    const periodEnd = new Date().toISOString();
    await run(periodEnd);
    const statements = await counterValue(m.settlementStatements);
    assert.ok(statements >= 1, 'this partner’s statement at least');
    await run(periodEnd);
    assert.equal(await counterValue(m.settlementStatements), statements);

    // An escalation recorded twice (a retried activity) is one escalation.
    const order = await stack.db('fulfilment_orders').where({ paymentId: payment.id }).first();
    const escalation = { orderId: order.id, taskId: randomUUID(), partnerId: order.partnerId };
    await acts.escalateFulfilmentOrder(escalation);
    await acts.escalateFulfilmentOrder(escalation);
    assert.equal(await counterValue(m.fulfilmentEscalations), 1);
    assert.match(await m.registry.metrics(), /dalgona_fulfilment_escalations_total 1/);
  });
});
