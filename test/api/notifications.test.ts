// The notification centre end to end: events made by the real workflows reach their recipient's centre (the outbox
// row, then GET /api/notifications) with the right subject and an absolute link, in the recipient's language; read
// marks and channel choices are written by the notificationSettings workflow; nobody reads or marks someone else's.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSettlementRun } from '../../domain/contracts/settlementRun';
import type { NotificationItem, NotificationPage } from '../../domain/notificationCentre';
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

const PUBLIC_URL = 'http://dalgona.test:8080';

let stack: Stack;
let admin: Awaited<ReturnType<typeof makeUser>>;
let partner: Awaited<ReturnType<typeof makePartner>>;
let productId: string;

before(async () => {
  stack = await startStack({ PUBLIC_URL, DUNNING_LADDER: '1500ms,3s,5s' });
  admin = await makeUser(stack, ['customer', 'admin']);
  partner = await makePartner(stack, admin.me.id);
  productId = await publishProduct(stack, partner.browser, admin.me.id, {
    name: `<b>예가체프</b> ${Date.now()}`,
  });
});
after(async () => {
  await stack.stop();
  await stopTemporal();
});

async function subscribe(browser: Browser, userId: string, cardNumber?: string): Promise<string> {
  const customerKey = customerKeyFor(userId);
  const res = await browser.post<{ id: string }>('/api/subscriptions', {
    productId,
    options: { grams: 200, grind: 'whole_bean', quantity: 1, cycleWeeks: 4 },
    shipTo: { name: '김고객', phone: '010-1234-5678', address: '서울특별시 마포구 와우산로 94' },
    authKey: await stack.sandbox.authKey(customerKey, cardNumber),
    customerKey,
    consents: await checkoutConsents(browser, productId, { grams: 200, quantity: 1 }),
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id;
}

/** Waits for the notification of `template` (matching `where`) in the browser's centre. */
async function received(
  browser: Browser,
  template: string,
  where: (n: NotificationItem) => boolean = () => true,
): Promise<NotificationItem> {
  return eventually(async () => {
    const page = await browser.get<NotificationPage>('/api/notifications?limit=100');
    assert.equal(page.status, 200, JSON.stringify(page.body));
    return page.body.items.find((n) => n.template === template && where(n));
  }, 15_000);
}

describe('notification centre: each event reaches its recipient', () => {
  it("a customer's subscription, payments and deliveries; the roaster's orders and statement", async () => {
    const customer = await makeUser(stack);
    const subscriptionId = await subscribe(customer.browser, customer.me.id);

    const started = await received(customer.browser, 'subscription_started');
    assert.match(started.subject, /^\[달고나\] .*예가체프.* 구독이 시작되었습니다$/);
    assert.equal(started.link, `${PUBLIC_URL}/me#subscription-${subscriptionId}`);
    assert.equal(started.category, 'subscription');

    const receipt = await received(customer.browser, 'payment_receipt');
    assert.match(receipt.subject, /결제 완료 16,000원$/);
    assert.equal(receipt.link, `${PUBLIC_URL}/me?tab=payments`);
    const payment = await stack.db('payments').where({ subscriptionId }).first('id', 'receiptUrl');
    assert.ok(payment.receiptUrl, 'the sandbox gives a receipt');
    assert.ok(receipt.text.includes(payment.receiptUrl), 'the card receipt link is in the message');

    // The roaster hears of the order (their digest by mail; the centre at once).
    const order = await eventually(() => stack.db('fulfilment_orders').where({ subscriptionId }).first());
    const newOrder = await received(partner.browser, 'order_new', (n) => n.text.includes(order.productName));
    assert.match(newOrder.subject, /^\[달고나\] 새 주문: /);
    assert.equal(newOrder.link, `${PUBLIC_URL}/partner/orders`);
    const row = await stack
      .db('outbox')
      .where({ dedupeKey: `order:${order.id}:new` })
      .first();
    assert.equal(row.recipientUserId, partner.me.id);

    // 발송: the carrier's tracking page is the link.
    const ship = await partner.browser.post(`/api/partner/orders/${order.id}/ship`, {
      carrier: 'cj',
      trackingNumber: '612345678901',
    });
    assert.equal(ship.status, 200, JSON.stringify(ship.body));
    const shipped = await received(customer.browser, 'order_shipped');
    assert.match(shipped.subject, /발송 완료$/);
    assert.equal(shipped.link, 'https://trace.cjlogistics.com/next/tracking.html?wblNo=612345678901');
    assert.ok(shipped.text.includes('CJ대한통운') && shipped.text.includes('612345678901'));

    // 배송 완료, confirmed by the customer.
    const confirm = await customer.browser.post(`/api/me/deliveries/${order.id}/confirm`);
    assert.equal(confirm.status, 200, JSON.stringify(confirm.body));
    const delivered = await received(customer.browser, 'order_delivered');
    assert.match(delivered.subject, /배송 완료$/);
    assert.ok(delivered.text.includes('수령을 확인해 주셔서 감사합니다'));
    assert.equal(delivered.link, `${PUBLIC_URL}/me?tab=deliveries`);

    // 환불 (partial: the order has shipped).
    const refund = await admin.browser.post(`/api/admin/payments/${payment.id}/refunds`, {
      amount: 3000,
      reason: '원두 일부 파손',
    });
    assert.ok(refund.status < 300, JSON.stringify(refund.body));
    const refunded = await received(customer.browser, 'payment_refunded');
    assert.match(refunded.subject, /^\[달고나\] 환불 완료 3,000원/);
    assert.ok(refunded.text.includes('원두 일부 파손'));

    // 일시정지 · 재개 · 해지.
    for (const [action, template, words] of [
      ['pause', 'subscription_paused', /구독 일시정지$/],
      ['resume', 'subscription_resumed', /구독 재개$/],
    ] as const) {
      const res = await customer.browser.post(`/api/subscriptions/${subscriptionId}/${action}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.match((await received(customer.browser, template)).subject, words);
    }
    const cancel = await customer.browser.post(`/api/subscriptions/${subscriptionId}/cancel`, {
      when: 'now',
    });
    assert.equal(cancel.status, 200, JSON.stringify(cancel.body));
    assert.match((await received(customer.browser, 'subscription_canceled')).subject, /구독 해지 완료$/);

    // The roaster's statement.
    const run = await startSettlementRun(
      stack.client,
      stack.config.temporal,
      `notifications-${subscriptionId}`,
      {
        periodEnd: new Date().toISOString(),
        periodMs: 7 * 24 * 3600_000,
        defaultCommissionBps: 1000,
      },
    );
    await run.result();
    const statement = await received(partner.browser, 'settlement_statement');
    assert.match(statement.subject, /^\[달고나\] 정산서 발행 \(/);
    assert.equal(statement.link, `${PUBLIC_URL}/partner/settlements`);

    // Nothing of the customer's is in the roaster's centre, and the other way round.
    const partnerPage = (await partner.browser.get<NotificationPage>('/api/notifications?limit=100')).body;
    assert.ok(!partnerPage.items.some((n) => n.template.startsWith('subscription_')));
    const customerPage = (await customer.browser.get<NotificationPage>('/api/notifications?limit=100')).body;
    assert.ok(!customerPage.items.some((n) => n.template === 'order_new'));
  });

  it('a declined charge: the reason in words and the change-card link, then the receipt of the retry', async () => {
    const customer = await makeUser(stack);
    // Declines the first charge of each order (한도 초과), approves the retry.
    const subscriptionId = await subscribe(customer.browser, customer.me.id, '4000000000000085');
    const failed = await received(customer.browser, 'payment_failed');
    assert.match(failed.subject, /결제 실패 안내$/);
    assert.equal(failed.category, 'payment');
    assert.equal(failed.link, `${PUBLIC_URL}/me#subscription-${subscriptionId}`);
    assert.ok(failed.text.includes('결제 카드 변경'), failed.text);
    assert.match(failed.text, /다시 결제를 시도합니다/);
    assert.doesNotMatch(failed.text, /REJECT_CARD/, 'the reason is in words, not a code');
    await received(customer.browser, 'payment_receipt');
  });

  it("the roaster's application and product decisions; the admins' new tasks", async () => {
    const approved = await received(partner.browser, 'partner_application_approved');
    assert.match(approved.subject, /^\[달고나\] 파트너 신청 승인: /);
    assert.equal(approved.link, `${PUBLIC_URL}/partner/products/new`);
    const published = await received(partner.browser, 'product_published');
    assert.ok(
      published.subject.includes('<b>예가체프</b>'),
      'the name as written (escaped in the HTML only)',
    );
    assert.equal(published.link, `${PUBLIC_URL}/partner/products/${productId}`);

    // Every task opened tells the admins (one row per admin once the notifier fans role rows out).
    const task = await stack
      .db('tasks')
      .where({ kind: 'product_review' })
      .orderBy('submittedAt', 'desc')
      .first();
    const rows = await stack.db('outbox').where('dedupeKey', 'like', `task:${task.id}:opened%`);
    assert.ok(rows.length >= 1, 'the admins are told of the new task');
    assert.ok(rows.every((r: { recipientRole: string }) => r.recipientRole === 'admin'));
    assert.equal(rows[0].template, 'task_opened');
    assert.equal(rows[0].payload.taskId, task.id);
    if (rows.some((r: { recipientUserId: string | null }) => r.recipientUserId === admin.me.id)) {
      const opened = await received(admin.browser, 'task_opened', (n) => n.link?.endsWith(task.id) ?? false);
      assert.match(opened.subject, /^\[달고나\] 새 상품 검토: /);
    }
  });
});

describe('notification centre: reading and marking', () => {
  it('counts unread, pages newest first, marks one and then all read; someone else cannot', async () => {
    const customer = await makeUser(stack);
    const other = await makeUser(stack);
    await subscribe(customer.browser, customer.me.id);
    await received(customer.browser, 'payment_receipt');
    const all = (await customer.browser.get<NotificationPage>('/api/notifications?limit=100')).body;
    assert.ok(all.items.length >= 2);
    const unread = (await customer.browser.get<{ count: number }>('/api/notifications/unread')).body.count;
    assert.equal(unread, all.items.length);
    assert.equal(all.unread, unread);
    const times = all.items.map((n) => Date.parse(n.createdAt));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
      'newest first',
    );

    // Paging: one at a time, the cursor walks the same list.
    const ids: number[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: NotificationPage } = await customer.browser.get<NotificationPage>(
        `/api/notifications?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      ids.push(...res.body.items.map((n) => n.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    assert.deepEqual(
      ids,
      all.items.map((n) => n.id),
    );

    // Someone else's ids change nothing.
    const foreign = await other.browser.post<{ marked: number }>('/api/notifications/read', {
      ids: [ids[0]],
    });
    assert.equal(foreign.status, 200, JSON.stringify(foreign.body));
    assert.equal(foreign.body.marked, 0);
    assert.equal(
      (await customer.browser.get<{ count: number }>('/api/notifications/unread')).body.count,
      unread,
    );

    const one = await customer.browser.post<{ marked: number; unread: number }>('/api/notifications/read', {
      ids: [ids[0]],
    });
    assert.equal(one.status, 200, JSON.stringify(one.body));
    assert.deepEqual(one.body, { marked: 1, unread: unread - 1 });
    const again = await customer.browser.post<{ marked: number }>('/api/notifications/read', {
      ids: [ids[0]],
    });
    assert.equal(again.body.marked, 0, 'marking twice changes nothing');
    const list = (await customer.browser.get<NotificationPage>('/api/notifications?limit=100')).body;
    assert.equal(list.items.find((n) => n.id === ids[0])?.read, true);

    // Two at once: the second waits for the first (one workflow per user at a time), neither fails.
    const [a, b] = await Promise.all([
      customer.browser.post('/api/notifications/read', { ids: [ids[1]] }),
      customer.browser.post('/api/notifications/read', { all: true }),
    ]);
    assert.equal(a.status, 200, JSON.stringify(a.body));
    assert.equal(b.status, 200, JSON.stringify(b.body));
    assert.equal((await customer.browser.get<{ count: number }>('/api/notifications/unread')).body.count, 0);
    const rows = await stack.db('outbox').where({ recipientUserId: customer.me.id }).whereNull('readAt');
    assert.equal(rows.length, 0);
  });

  it('refuses malformed marks and preferences with field errors', async () => {
    const customer = await makeUser(stack);
    for (const body of [{}, { ids: [] }, { ids: ['1'] }, { all: false }, { ids: [1], all: true }]) {
      const res = await customer.browser.post('/api/notifications/read', body);
      assert.equal(res.status, 400, JSON.stringify(body));
    }
    const bad = await customer.browser.request<{ error: { details: { fields: { path: string }[] } } }>(
      'PUT',
      '/api/notifications/preferences',
      {
        channels: {
          delivery: { email: true, kakao: true, sms: true },
          subscription: { email: true, kakao: true, sms: true },
        },
        locale: 'ko',
        phone: '02-123-4567',
      },
    );
    assert.equal(bad.status, 400);
    assert.ok(bad.body.error.details.fields.some((f) => f.path === 'phone'));
  });
});

describe('notification centre: preferences and language', () => {
  it('every switch on by default; choices, language and phone saved; the list follows the language', async () => {
    const customer = await makeUser(stack);
    const defaults = await customer.browser.get<{
      channels: Record<string, Record<string, boolean>>;
      locale: string;
      phone: string | null;
      alwaysOn: string[];
    }>('/api/notifications/preferences');
    assert.equal(defaults.status, 200);
    assert.deepEqual(defaults.body.channels.delivery, { email: true, kakao: true, sms: true });
    assert.equal(defaults.body.locale, 'ko');
    assert.equal(defaults.body.phone, null);
    assert.deepEqual(defaults.body.alwaysOn, ['payment', 'legal']);

    await subscribe(customer.browser, customer.me.id);
    const ko = await received(customer.browser, 'subscription_started');
    assert.match(ko.subject, /^\[달고나\]/);

    const saved = await customer.browser.request<typeof defaults.body>(
      'PUT',
      '/api/notifications/preferences',
      {
        channels: {
          delivery: { email: false, kakao: true, sms: false },
          subscription: { email: true, kakao: false, sms: false },
        },
        locale: 'en',
        phone: '010-9876-5432',
      },
    );
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.equal(saved.body.phone, '01098765432');
    assert.equal(saved.body.locale, 'en');
    assert.deepEqual(saved.body.channels.delivery, { email: false, kakao: true, sms: false });
    const rows = await stack
      .db('notification_preferences')
      .where({ userId: customer.me.id, category: 'delivery', channel: 'email' })
      .first();
    assert.equal(rows.enabled, false);
    const user = await stack.db('users').where({ id: customer.me.id }).first('locale', 'phone');
    assert.deepEqual({ ...user }, { locale: 'en', phone: '01098765432' });

    const en = (await customer.browser.get<NotificationPage>('/api/notifications')).body.items.find(
      (n) => n.id === ko.id,
    );
    assert.match(en!.subject, /^\[Dalgona\] Your .* subscription has started$/);
  });
});
