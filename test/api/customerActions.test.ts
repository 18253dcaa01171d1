// Customer actions as people expect (issue 15 §3), against the real stack: a scheduled cancel and a skip taken back,
// a cancel with its reason, 청약철회 of a paid cycle not yet shipped (refunded in full, the roaster sees 취소됨), refused
// once it shipped, and an admin's full refund ending the order while a partial one keeps it shipping.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { customerKeyFor } from '../../domain/subscription';
import type { Browser } from '../browser';
import {
  eventually,
  makePartner,
  makeUser,
  publishProduct,
  startStack,
  stopTemporal,
  type Stack,
} from '../harness';
import { checkoutConsents } from '../consents';

let stack: Stack;
let admin: Awaited<ReturnType<typeof makeUser>>;
let roaster: Awaited<ReturnType<typeof makePartner>>;
let productId: string;

before(async () => {
  // One charge per subscription (a long "week"); orders are not escalated while the tests run.
  stack = await startStack({ SUBSCRIPTION_WEEK: '7d', SHIP_WITHIN: '1h' });
  admin = await makeUser(stack, ['customer', 'admin']);
  roaster = await makePartner(stack, admin.me.id);
  productId = await publishProduct(stack, roaster.browser, admin.me.id);
});
after(async () => {
  await stack.stop();
  await stopTemporal();
});

interface ErrorBody {
  error: { code: string; details?: { reason?: string } };
}

/** A new customer subscribed today (the first cycle is charged at once; `later`: first charge in a week). */
async function subscribe(later = false): Promise<{ id: string; customer: Browser; customerId: string }> {
  const customer = await makeUser(stack);
  const customerKey = customerKeyFor(customer.me.id);
  const firstChargeDate = later
    ? new Date(Date.now() + 7 * 86_400_000 + 9 * 3600_000).toISOString().slice(0, 10)
    : undefined;
  const res = await customer.browser.post<{ id: string }>('/api/subscriptions', {
    consents: await checkoutConsents(customer.browser, productId, { grams: 200, quantity: 2 }),
    productId,
    options: { grams: 200, grind: 'whole_bean', quantity: 2, cycleWeeks: 2 },
    shipTo: { name: '김고객', phone: '010-1234-5678', address: '서울특별시 마포구 와우산로 94, 3층' },
    ...(firstChargeDate ? { firstChargeDate } : {}),
    authKey: await stack.sandbox.authKey(customerKey),
    customerKey,
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return { id: res.body.id, customer: customer.browser, customerId: customer.me.id };
}

/** A subscription whose first cycle is paid, and that cycle's order. */
async function paidOrder() {
  const sub = await subscribe();
  const order = await eventually(
    () => stack.db('fulfilment_orders').where({ subscriptionId: sub.id }).first(),
    20_000,
  );
  const payment = await stack.db('payments').where({ id: order.paymentId }).first();
  return { ...sub, order, payment };
}

const row = (id: string) => stack.db('subscriptions').where({ id }).first();
const orderRow = (id: string) => stack.db('fulfilment_orders').where({ id }).first();

describe('customer actions (real stack)', () => {
  it('a scheduled cancel is taken back (해지 취소): the row, the state and a notice say the subscription goes on', async () => {
    const { id, customer, customerId } = await subscribe(true);
    const scheduled = await customer.post<{ cancelAtPeriodEnd: boolean }>(`/api/subscriptions/${id}/cancel`, {
      when: 'period_end',
      reasonCode: 'beans_left',
      reason: '원두가 아직 한 봉 남았어요',
    });
    assert.equal(scheduled.status, 200, JSON.stringify(scheduled.body));
    assert.equal(scheduled.body.cancelAtPeriodEnd, true);
    const stored = await row(id);
    assert.deepEqual(
      [stored.cancelAtPeriodEnd, stored.cancelReasonCode, stored.cancelReasonNote],
      [true, 'beans_left', '원두가 아직 한 봉 남았어요'],
    );
    const mine = await customer.get<{ items: { id: string; cancelReason: { code: string } | null }[] }>(
      '/api/subscriptions/mine',
    );
    assert.equal(mine.body.items.find((s) => s.id === id)?.cancelReason?.code, 'beans_left');

    const undone = await customer.post<{ cancelAtPeriodEnd: boolean; status: string }>(
      `/api/subscriptions/${id}/undo-cancel`,
    );
    assert.equal(undone.status, 200, JSON.stringify(undone.body));
    assert.deepEqual([undone.body.status, undone.body.cancelAtPeriodEnd], ['active', false]);
    const after = await row(id);
    assert.deepEqual(
      [after.cancelAtPeriodEnd, after.cancelReasonCode, after.cancelReasonNote],
      [false, null, null],
    );
    const notice = await eventually(() =>
      stack
        .db('outbox')
        .where({ recipientUserId: customerId, template: 'subscription_cancel_undone' })
        .first(),
    );
    assert.equal(notice.payload.subscriptionId, id);

    const again = await customer.post<ErrorBody>(`/api/subscriptions/${id}/undo-cancel`);
    assert.equal(again.status, 409);
    assert.deepEqual(
      [again.body.error.code, again.body.error.details?.reason],
      ['CONFLICT', 'no_cancel_scheduled'],
    );
    // Scheduled once more, it is told once more (each scheduling its own notice).
    await customer.post(`/api/subscriptions/${id}/cancel`, { when: 'period_end', reasonCode: 'price' });
    await eventually(async () => {
      const n = await stack
        .db('outbox')
        .where({ recipientUserId: customerId, template: 'subscription_cancel_scheduled' })
        .count<{ count: string }[]>('* as count');
      return Number(n[0]!.count) === 2;
    });
    await customer.post(`/api/subscriptions/${id}/cancel`, { when: 'now', reasonCode: 'price' });
  });

  it('a skip is taken back before its date: the next cycle is charged and shipped after all', async () => {
    const { id, customer } = await subscribe(true);
    const skipped = await customer.post<{ skipNext: boolean }>(`/api/subscriptions/${id}/skip`);
    assert.equal(skipped.body.skipNext, true);
    const twice = await customer.post<ErrorBody>(`/api/subscriptions/${id}/skip`);
    assert.deepEqual([twice.status, twice.body.error.details?.reason], [409, 'already_skipped']);
    const undone = await customer.post<{ skipNext: boolean }>(`/api/subscriptions/${id}/undo-skip`);
    assert.equal(undone.status, 200, JSON.stringify(undone.body));
    assert.equal(undone.body.skipNext, false);
    assert.equal((await row(id)).skipNext, false);
    const again = await customer.post<ErrorBody>(`/api/subscriptions/${id}/undo-skip`);
    assert.deepEqual([again.status, again.body.error.details?.reason], [409, 'no_skip_scheduled']);
    // Someone else cannot take it back (nor see it).
    const other = await makeUser(stack);
    assert.equal((await other.browser.post(`/api/subscriptions/${id}/undo-skip`)).status, 404);
    await customer.post(`/api/subscriptions/${id}/cancel`, { when: 'now' });
  });

  it('a cancel now keeps its reason; a reason that is not one of the choices is refused and nothing changes', async () => {
    const { id, customer } = await subscribe(true);
    const bad = await customer.post<ErrorBody>(`/api/subscriptions/${id}/cancel`, {
      when: 'now',
      reasonCode: 'bored',
    });
    assert.equal(bad.status, 400);
    assert.equal((await row(id)).status, 'active');
    const done = await customer.post<{ status: string }>(`/api/subscriptions/${id}/cancel`, {
      when: 'now',
      reasonCode: 'other',
      reason: '해외로 이사 갑니다',
    });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    const stored = await eventually(async () => {
      const r = await row(id);
      return r.status === 'canceled' ? r : undefined;
    });
    assert.deepEqual([stored.cancelReasonCode, stored.cancelReasonNote], ['other', '해외로 이사 갑니다']);
  });

  it('청약철회: a roasted cycle not yet shipped is cancelled and refunded in full; the roaster sees 취소됨; asked again, the same answer', async () => {
    const { id, customer, order, payment } = await paidOrder();
    const roasted = await roaster.browser.post(`/api/partner/orders/${order.id}/roasted`);
    assert.equal(roasted.status, 200, JSON.stringify(roasted.body));
    const quote = await customer.get<{ allowed: boolean; refundAmount: number; reason: string | null }>(
      `/api/me/deliveries/${order.id}/withdrawal`,
    );
    assert.equal(quote.status, 200, JSON.stringify(quote.body));
    assert.deepEqual(
      [quote.body.allowed, quote.body.refundAmount, quote.body.reason],
      [true, payment.amount, null],
    );

    const done = await customer.post<{ status: string; refund: { ok: boolean; amount: number } }>(
      `/api/me/deliveries/${order.id}/withdraw`,
    );
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.deepEqual(
      [done.body.status, done.body.refund],
      ['canceled', { ok: true, amount: payment.amount }],
    );
    const paid = await stack.db('payments').where({ id: payment.id }).first();
    assert.deepEqual([paid.status, paid.refundedAmount], ['refunded', payment.amount]);
    const provider = await stack.sandbox.charges({ orderId: payment.orderId });
    assert.equal(provider.payments[0]!.status, 'CANCELED');
    const stored = await orderRow(order.id);
    assert.deepEqual([stored.status, stored.cancelCause], ['canceled', 'withdrawn']);
    // The roaster: out of the orders to ship, 취소됨 among the canceled, cannot ship it, told not to.
    const open = await roaster.browser.get<{ items: { id: string }[] }>('/api/partner/orders');
    assert.ok(!open.body.items.some((o) => o.id === order.id));
    const canceled = await roaster.browser.get<{
      items: { id: string; status: string; cancelCause: string }[];
    }>('/api/partner/orders?status=canceled');
    const seen = canceled.body.items.find((o) => o.id === order.id);
    assert.deepEqual([seen?.status, seen?.cancelCause], ['canceled', 'withdrawn']);
    const ship = await roaster.browser.post(`/api/partner/orders/${order.id}/ship`, {
      carrier: 'cj',
      trackingNumber: '612345678901',
    });
    assert.equal(ship.status, 409);
    assert.ok(
      await stack
        .db('outbox')
        .where({ dedupeKey: `order:${order.id}:canceled` })
        .first(),
    );
    // Asked again: the same answer, one refund (its key derived from the payment).
    const again = await customer.post<{ refund: { amount: number } }>(
      `/api/me/deliveries/${order.id}/withdraw`,
    );
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(again.body.refund.amount, payment.amount);
    const refunds = await stack.db('refunds').where({ paymentId: payment.id });
    assert.equal(refunds.length, 1);
    const attempts = await stack.sandbox.charges({ orderId: payment.orderId });
    assert.equal(attempts.payments.length, 1);
    // The subscription goes on: only this cycle was withdrawn.
    assert.equal((await row(id)).status, 'active');
    assert.equal(
      (await customer.get<{ allowed: boolean }>(`/api/me/deliveries/${order.id}/withdrawal`)).body.allowed,
      false,
    );
    await customer.post(`/api/subscriptions/${id}/cancel`, { when: 'now' });
  });

  it('청약철회 is refused once the order shipped (order_shipped), and nothing is refunded; nobody else can withdraw it', async () => {
    const { id, customer, order, payment } = await paidOrder();
    const stranger = await makeUser(stack);
    assert.equal((await stranger.browser.post(`/api/me/deliveries/${order.id}/withdraw`)).status, 404);
    assert.equal((await stranger.browser.get(`/api/me/deliveries/${order.id}/withdrawal`)).status, 404);
    const shipped = await roaster.browser.post(`/api/partner/orders/${order.id}/ship`, {
      carrier: 'cj',
      trackingNumber: '612345678902',
    });
    assert.equal(shipped.status, 200, JSON.stringify(shipped.body));
    const quote = await customer.get<{ allowed: boolean; reason: string }>(
      `/api/me/deliveries/${order.id}/withdrawal`,
    );
    assert.deepEqual([quote.body.allowed, quote.body.reason], [false, 'order_shipped']);
    const refused = await customer.post<ErrorBody>(`/api/me/deliveries/${order.id}/withdraw`);
    assert.equal(refused.status, 409);
    assert.deepEqual(
      [refused.body.error.code, refused.body.error.details?.reason],
      ['CONFLICT', 'order_shipped'],
    );
    assert.equal((await stack.db('payments').where({ id: payment.id }).first()).refundedAmount, 0);
    assert.equal((await orderRow(order.id)).status, 'shipped');
    await customer.post(`/api/subscriptions/${id}/cancel`, { when: 'now' });
  });

  it("an admin's full refund of a cycle not yet shipped ends its fulfilment; a partial one keeps it shipping", async () => {
    const { id, customer, order, payment } = await paidOrder();
    const partial = await admin.browser.post(`/api/admin/payments/${payment.id}/refunds`, {
      amount: 1000,
      reason: '일부 파손',
    });
    assert.equal(partial.status, 201, JSON.stringify(partial.body));
    await new Promise((r) => setTimeout(r, 800));
    assert.equal((await orderRow(order.id)).status, 'to_roast', 'a partial refund keeps it shipping');
    const full = await admin.browser.post(`/api/admin/payments/${payment.id}/refunds`, { reason: '품절' });
    assert.equal(full.status, 201, JSON.stringify(full.body));
    const ended = await eventually(async () => {
      const r = await orderRow(order.id);
      return r.status === 'canceled' ? r : undefined;
    });
    assert.equal(ended.cancelCause, 'refunded');
    const canceled = await roaster.browser.get<{ items: { id: string; status: string }[] }>(
      '/api/partner/orders?status=canceled',
    );
    assert.equal(canceled.body.items.find((o) => o.id === order.id)?.status, 'canceled');
    // Nothing is left for the customer to withdraw.
    const refused = await customer.post<ErrorBody>(`/api/me/deliveries/${order.id}/withdraw`);
    assert.deepEqual([refused.status, refused.body.error.details?.reason], [409, 'order_canceled']);
    await customer.post(`/api/subscriptions/${id}/cancel`, { when: 'now' });
  });
});
