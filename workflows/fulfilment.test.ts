import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fulfilmentHandle, fulfilmentStateQuery } from '../domain/contracts/fulfilment';
import { subscriptionHandle } from '../domain/contracts/subscription';
import type { FulfilmentState } from '../domain/fulfilment';
import { customerKeyFor } from '../domain/subscription';
import type { Browser } from '../test/browser';
import {
  eventually,
  makePartner,
  makeUser,
  publishProduct,
  startStack,
  stopTemporal,
  type Stack,
} from '../test/harness';
import { checkoutConsents } from '../test/consents';

// One cycle per subscription (a long "week"); a paid cycle must ship within 6 s, counts as delivered 2 s after
// shipping, and an escalation is overdue in the inbox after 1 s.
let stack: Stack;
let admin: Awaited<ReturnType<typeof makeUser>>;
let roaster: Awaited<ReturnType<typeof makePartner>>;
let rival: Awaited<ReturnType<typeof makePartner>>;
let productId: string;
let rivalProductId: string;
before(async () => {
  stack = await startStack({
    SUBSCRIPTION_WEEK: '7d',
    SHIP_WITHIN: '6s',
    FULFILMENT_AUTO_DELIVER: '2s',
    FULFILMENT_ESCALATION_SLA: '1s',
  });
  admin = await makeUser(stack, ['customer', 'admin']);
  roaster = await makePartner(stack, admin.me.id);
  rival = await makePartner(stack, admin.me.id);
  productId = await publishProduct(stack, roaster.browser, admin.me.id);
  rivalProductId = await publishProduct(stack, rival.browser, admin.me.id);
});
after(async () => {
  await stack.stop();
  await stopTemporal();
});

interface Order {
  id: string;
  status: string;
  customerId?: string;
  carrier: string | null;
  carrierName: string | null;
  trackingNumber: string | null;
  overdue: boolean;
  deliveredBy: string | null;
}

/** A new customer subscribes to a product; resolves with the paid cycle's order once it exists. */
async function paidOrder(
  product = productId,
): Promise<{ customer: Browser; customerId: string; order: Order }> {
  const customer = await makeUser(stack);
  const customerKey = customerKeyFor(customer.me.id);
  const res = await customer.browser.post<{ id: string }>('/api/subscriptions', {
    consents: await checkoutConsents(customer.browser, product, { grams: 200, quantity: 2 }),
    productId: product,
    options: { grams: 200, grind: 'whole_bean', quantity: 2, cycleWeeks: 2 },
    shipTo: { name: '김고객', phone: '010-1234-5678', address: '서울특별시 마포구 와우산로 94, 3층' },
    authKey: await stack.sandbox.authKey(customerKey),
    customerKey,
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const order = await eventually<Order>(() =>
    stack.db('fulfilment_orders').where({ subscriptionId: res.body.id }).first(),
  );
  return { customer: customer.browser, customerId: customer.me.id, order };
}

const row = (id: string) => stack.db('fulfilment_orders').where({ id }).first();
const handle = (orderId: string) => fulfilmentHandle(stack.client, orderId);
const waitFor = <T>(fn: () => Promise<T | undefined | null | false>, ms = 15_000) => eventually(fn, ms);

describe('fulfilment workflow (real dev server, PostgreSQL)', () => {
  it('a paid cycle starts its fulfilment; the roaster roasts and ships, the customer is told and confirms', async () => {
    const { customer, customerId, order } = await paidOrder();
    const h = handle(order.id);
    const first = await waitFor(async () => {
      try {
        return await h.query(fulfilmentStateQuery);
      } catch {
        return undefined;
      }
    });
    assert.equal(first.status, 'to_roast');

    const list = await roaster.browser.get<{ items: Order[]; counts: { open: number } }>(
      '/api/partner/orders',
    );
    assert.equal(list.status, 200);
    assert.ok(list.body.items.some((o) => o.id === order.id));
    assert.ok(list.body.counts.open >= 1);

    const roasted = await roaster.browser.post<FulfilmentState>(`/api/partner/orders/${order.id}/roasted`);
    assert.equal(roasted.status, 200, JSON.stringify(roasted.body));
    assert.equal(roasted.body.status, 'roasted');
    const again = await roaster.browser.post<{ error: { code: string } }>(
      `/api/partner/orders/${order.id}/roasted`,
    );
    assert.equal(again.status, 409, 'roasted twice is refused');

    const bad = await roaster.browser.post<{ error: { code: string } }>(
      `/api/partner/orders/${order.id}/ship`,
      {
        carrier: 'cj',
        trackingNumber: 'abc',
      },
    );
    assert.equal(bad.status, 400);
    assert.equal((await row(order.id)).status, 'roasted', 'a refused request changes nothing');
    const byRival = await rival.browser.post(`/api/partner/orders/${order.id}/ship`, {
      carrier: 'cj',
      trackingNumber: '612345678901',
    });
    assert.equal(byRival.status, 404, "another roaster's order does not exist for them");

    const shipped = await roaster.browser.post<FulfilmentState>(`/api/partner/orders/${order.id}/ship`, {
      carrier: 'cj',
      trackingNumber: '6123-4567-8901',
    });
    assert.equal(shipped.status, 200, JSON.stringify(shipped.body));
    assert.equal(shipped.body.status, 'shipped');
    assert.equal(shipped.body.trackingNumber, '612345678901');
    const twice = await roaster.browser.post(`/api/partner/orders/${order.id}/ship`, {
      carrier: 'cj',
      trackingNumber: '612345678901',
    });
    assert.equal(twice.status, 409);

    const stored = await row(order.id);
    assert.equal(stored.status, 'shipped');
    assert.equal(stored.carrier, 'cj');
    assert.ok(stored.roastedAt && stored.shippedAt);
    const notice = await stack
      .db('outbox')
      .where({ template: 'order_shipped', recipientUserId: customerId })
      .first();
    assert.equal(notice?.payload.trackingNumber, '612345678901', 'the customer is told the tracking number');

    const mine = await customer.get<{ items: Order[] }>('/api/me/deliveries');
    assert.equal(mine.body.items.find((d) => d.id === order.id)?.status, 'shipped');
    const notMine = await admin.browser.post(`/api/me/deliveries/${order.id}/confirm`);
    assert.equal(notMine.status, 404, "nobody confirms someone else's delivery");
    const confirmed = await customer.post<FulfilmentState>(`/api/me/deliveries/${order.id}/confirm`);
    assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
    assert.equal(confirmed.body.deliveredBy, 'customer');
    assert.equal(await h.result().then((s) => s.status), 'delivered');
    const done = await row(order.id);
    assert.equal(done.deliveredBy, 'customer');
    const described = await h.describe();
    assert.deepEqual(described.searchAttributes.FulfilmentStatus, ['delivered']);
  });

  it('bulk ship answers each order; a shipped order counts as delivered after the configured time', async () => {
    const a = await paidOrder();
    const b = await paidOrder();
    const theirs = await paidOrder(rivalProductId);
    const res = await roaster.browser.post<{
      results: { orderId: string; ok: boolean; error?: { code: string } }[];
      shipped: number;
    }>('/api/partner/orders/ship', {
      items: [
        { orderId: a.order.id, carrier: 'hanjin', trackingNumber: '412345678901' },
        { orderId: b.order.id, carrier: 'post', trackingNumber: '6012345678901' },
        { orderId: theirs.order.id, carrier: 'cj', trackingNumber: '612345678901' },
      ],
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.shipped, 2);
    assert.deepEqual(
      res.body.results.map((r) => [r.orderId, r.ok, r.error?.code]),
      [
        [a.order.id, true, undefined],
        [b.order.id, true, undefined],
        [theirs.order.id, false, 'NOT_FOUND'],
      ],
    );
    assert.equal((await row(theirs.order.id)).status, 'to_roast', "another roaster's order is untouched");
    const auto = await waitFor(async () => {
      const r = await row(a.order.id);
      return r.status === 'delivered' ? r : undefined;
    });
    assert.equal(auto.deliveredBy, 'auto');
    const dup = await roaster.browser.post('/api/partner/orders/ship', {
      items: [
        { orderId: a.order.id, carrier: 'cj', trackingNumber: '612345678901' },
        { orderId: a.order.id, carrier: 'cj', trackingNumber: '612345678902' },
      ],
    });
    assert.equal(dup.status, 400, 'the same order twice in one upload is refused');
  });

  it('lists and exports only the roaster’s own orders, as CSV that opens in Excel', async () => {
    const mine = await paidOrder();
    const theirs = await paidOrder(rivalProductId);
    const list = await roaster.browser.get<{ items: Order[] }>('/api/partner/orders?status=all&limit=200');
    const ids = list.body.items.map((o) => o.id);
    assert.ok(ids.includes(mine.order.id));
    assert.ok(!ids.includes(theirs.order.id));
    const res = await fetch(`${stack.baseUrl}/api/partner/orders/export.csv?status=open`, {
      headers: { cookie: [...roaster.browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/csv/);
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.deepEqual(
      [...bytes.subarray(0, 3)],
      [0xef, 0xbb, 0xbf],
      'a BOM, so Excel reads UTF-8 (Korean addresses)',
    );
    const text = bytes.subarray(3).toString('utf8');
    const lines = text.trim().split('\n');
    // Korean headers and values (domain/orderExport.ts; test/api/addresses.test.ts checks them cell by cell).
    assert.match(
      lines[0]!,
      /^주문번호,주문일시,상품명,용량\(g\),분쇄,수량,받는 분,연락처,우편번호,주소,배송 메모,발송 기한/,
    );
    assert.ok(lines.some((l) => l.startsWith(mine.order.id)));
    assert.ok(!text.includes(theirs.order.id));
    assert.ok(text.includes('서울특별시 마포구 와우산로 94'));
    const bad = await roaster.browser.get('/api/partner/orders?status=lost');
    assert.equal(bad.status, 400);
  });

  it('not shipped by its deadline: an inbox task for the admins, overdue after its SLA; shipping closes it', async () => {
    const late = await paidOrder();
    const task = await waitFor(
      () => stack.db('tasks').where({ kind: 'fulfilment_escalation', subjectId: late.order.id }).first(),
      20_000,
    );
    assert.equal(task.state, 'open');
    await waitFor(async () => (await row(late.order.id)).escalatedAt);
    const detail = await admin.browser.get<{ subject: { id: string; partnerName: string } }>(
      `/api/admin/tasks/${task.id}`,
    );
    assert.equal(detail.status, 200);
    assert.equal(detail.body.subject.id, late.order.id);
    const partnerNotice = await stack
      .db('outbox')
      .where({ template: 'order_overdue', recipientUserId: roaster.me.id })
      .first();
    assert.ok(partnerNotice, 'the roaster is told the order is late');
    await waitFor(async () => (await stack.db('tasks').where({ id: task.id }).first()).overdueAt);
    const listed = await roaster.browser.get<{ items: Order[] }>('/api/partner/orders?status=overdue');
    assert.ok(listed.body.items.find((o) => o.id === late.order.id)?.overdue);

    const shipped = await roaster.browser.post<FulfilmentState>(`/api/partner/orders/${late.order.id}/ship`, {
      carrier: 'lotte',
      trackingNumber: '312345678901',
    });
    assert.equal(shipped.status, 200, JSON.stringify(shipped.body));
    const closed = await stack.db('tasks').where({ id: task.id }).first();
    assert.equal(closed.state, 'done');
    assert.equal(closed.outcome, 'shipped');
    assert.deepEqual((await handle(late.order.id).describe()).searchAttributes.ReviewState, ['done']);
  });

  it('an admin can resolve an escalation (e.g. after calling the roaster); the order still ships', async () => {
    const late = await paidOrder();
    const task = await waitFor(
      () =>
        stack
          .db('tasks')
          .where({ kind: 'fulfilment_escalation', subjectId: late.order.id, state: 'open' })
          .first(),
      20_000,
    );
    const decided = await admin.browser.post<{ status: string }>(`/api/admin/tasks/${task.id}/decision`, {
      decision: 'approve',
      reason: '로스터와 통화: 내일 발송 예정',
    });
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
    assert.equal(decided.body.status, 'resolved');
    const closed = await stack.db('tasks').where({ id: task.id }).first();
    assert.equal(closed.state, 'done');
    assert.match(closed.outcome, /^resolved: 로스터와 통화/);
    assert.equal((await row(late.order.id)).status, 'to_roast');
    const shipped = await roaster.browser.post<FulfilmentState>(`/api/partner/orders/${late.order.id}/ship`, {
      carrier: 'cj',
      trackingNumber: '612345678909',
    });
    assert.equal(shipped.status, 200);
  });
  it('a full refund before shipping ends the order: 취소됨 for the roaster, out of the orders to ship; a partial one does not', async () => {
    const { order } = await paidOrder();
    const payment = await stack
      .db('payments')
      .where({ id: (await row(order.id)).paymentId })
      .first();
    const partial = await admin.browser.post(`/api/admin/payments/${payment.id}/refunds`, {
      amount: 4000,
      reason: '일부 파손',
    });
    assert.equal(partial.status, 201, JSON.stringify(partial.body));
    await new Promise((r) => setTimeout(r, 800));
    assert.equal((await row(order.id)).status, 'to_roast', 'a partial refund leaves the order to ship');
    const rest = await admin.browser.post(`/api/admin/payments/${payment.id}/refunds`, { reason: '품절' });
    assert.equal(rest.status, 201, JSON.stringify(rest.body));
    const ended = await handle(order.id).result();
    assert.deepEqual([ended.status, ended.canceledBy], ['canceled', 'refunded']);
    const stored = await row(order.id);
    assert.deepEqual([stored.status, stored.cancelCause], ['canceled', 'refunded']);
    assert.ok(stored.canceledAt);
    const open = await roaster.browser.get<{ items: Order[] }>('/api/partner/orders');
    assert.ok(!open.body.items.some((o) => o.id === order.id), 'no longer among the orders to ship');
    const canceled = await roaster.browser.get<{ items: Order[] }>('/api/partner/orders?status=canceled');
    assert.equal(canceled.body.items.find((o) => o.id === order.id)?.status, 'canceled');
    const ship = await roaster.browser.post<{ error: { code: string } }>(
      `/api/partner/orders/${order.id}/ship`,
      {
        carrier: 'cj',
        trackingNumber: '612345678901',
      },
    );
    assert.equal(ship.status, 409, 'a canceled order cannot be shipped');
    const told = await stack
      .db('outbox')
      .where({ dedupeKey: `order:${order.id}:canceled` })
      .first();
    assert.equal(told?.template, 'order_canceled');
    assert.equal(
      (await stack.db('payments').where({ id: payment.id }).first()).refundedAmount,
      payment.amount,
    );
  });

  it('the subscription cancelled at once: a paid cycle not yet shipped ends and is refunded in full; a shipped one is not', async () => {
    const a = await paidOrder();
    const paymentA = await stack
      .db('payments')
      .where({ id: (await row(a.order.id)).paymentId })
      .first();
    const subA = (await row(a.order.id)).subscriptionId;
    const cancelA = await a.customer.post(`/api/subscriptions/${subA}/cancel`, { when: 'now' });
    assert.equal(cancelA.status, 200, JSON.stringify(cancelA.body));
    const endedA = await handle(a.order.id).result();
    assert.deepEqual([endedA.status, endedA.canceledBy], ['canceled', 'subscription_canceled']);
    assert.deepEqual(endedA.refund, { ok: true, amount: paymentA.amount });
    const refundedA = await stack.db('payments').where({ id: paymentA.id }).first();
    assert.deepEqual([refundedA.status, refundedA.refundedAmount], ['refunded', paymentA.amount]);
    const provider = await stack.sandbox.charges({ orderId: paymentA.orderId });
    assert.equal(provider.payments[0]!.status, 'CANCELED');
    const ledger = await stack.db('partner_ledger').where({ paymentId: paymentA.id }).orderBy('id');
    assert.deepEqual(
      ledger.map((l: { kind: string; amount: number }) => [l.kind, l.amount]),
      [
        ['sale', paymentA.amount],
        ['refund', -paymentA.amount],
      ],
    );
    const mine = await a.customer.get<{ items: { id: string; status: string }[] }>('/api/me/deliveries');
    assert.equal(mine.body.items.find((d) => d.id === a.order.id)?.status, 'canceled');

    const b = await paidOrder();
    const shipped = await roaster.browser.post(`/api/partner/orders/${b.order.id}/ship`, {
      carrier: 'cj',
      trackingNumber: '612345678902',
    });
    assert.equal(shipped.status, 200);
    const subB = (await row(b.order.id)).subscriptionId;
    await b.customer.post(`/api/subscriptions/${subB}/cancel`, { when: 'now' });
    await eventually(
      async () => (await stack.db('subscriptions').where({ id: subB }).first()).status === 'canceled',
    );
    await subscriptionHandle(stack.client, subB).result();
    assert.equal((await row(b.order.id)).status, 'shipped');
    const paymentB = await stack
      .db('payments')
      .where({ id: (await row(b.order.id)).paymentId })
      .first();
    assert.equal(paymentB.refundedAmount, 0, 'a shipped cycle is not refunded by the cancellation');
  });

  it('an escalated order that is refunded in full closes its inbox task', async () => {
    const late = await paidOrder();
    await waitFor(async () => (await row(late.order.id)).escalatedAt);
    const task = await waitFor(() =>
      stack
        .db('tasks')
        .where({ kind: 'fulfilment_escalation', subjectId: late.order.id, state: 'open' })
        .first(),
    );
    const paymentId = (await row(late.order.id)).paymentId;
    const refund = await admin.browser.post(`/api/admin/payments/${paymentId}/refunds`, {
      reason: '발송 지연',
    });
    assert.equal(refund.status, 201, JSON.stringify(refund.body));
    await handle(late.order.id).result();
    const closed = await stack.db('tasks').where({ id: task.id }).first();
    assert.deepEqual([closed.state, closed.outcome], ['done', 'canceled']);
  });
});
