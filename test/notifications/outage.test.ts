// The mail server down never delays a charge (docs/architecture.md#messages): a subscription keeps charging every
// cycle while SMTP refuses connections, and once it is back every receipt arrives, each once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { customerKeyFor } from '../../domain/subscription';
import { cancelSubscriptionUpdate, subscriptionHandle } from '../../domain/contracts/subscription';
import { notifierHandle } from '../../domain/contracts/notifier';
import { ensureNotifier } from '../../worker/notifier';
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
import { startMailDev, startSmtpRelay, type MailDev, type SmtpRelay } from './mail';

const shipTo = { name: '김고객', phone: '010-1234-5678', address: '서울특별시 마포구 와우산로 94' };

describe('SMTP down while subscriptions charge', () => {
  let stack: Stack;
  let mail: MailDev;
  let relay: SmtpRelay;
  let productId: string;
  before(async () => {
    mail = await startMailDev();
    relay = await startSmtpRelay(mail.smtpPort);
    stack = await startStack({
      SUBSCRIPTION_WEEK: '1s',
      SMTP_URL: relay.url,
      NOTIFY_POLL_INTERVAL: '100ms',
      NOTIFY_SEND_TIMEOUT: '1s',
      NOTIFY_LEASE: '3s',
      // Long enough a ladder that the outage is retried through, never given up on.
      NOTIFY_RETRY_LADDER: Array.from({ length: 40 }, () => '250ms').join(','),
      NOTIFY_ACTIVITY_SPAN: '5s',
      NOTIFY_HEARTBEAT_TIMEOUT: '2s',
    });
    const admin = await makeUser(stack, ['customer', 'admin']);
    const partner = await makePartner(stack, admin.me.id);
    productId = await publishProduct(stack, partner.browser, admin.me.id, {
      options: { weights: [{ grams: 200, priceKrw: 15000 }], grinds: ['whole_bean'], cycles: [1, 2] },
    });
    await ensureNotifier(stack.client, stack.config);
  });
  after(async () => {
    await notifierHandle(stack.client, stack.config.temporal).terminate('test done');
    await stack.stop();
    await relay.stop();
    await mail.stop();
    await stopTemporal();
  });

  it('charges go on, and every receipt arrives once the mail server is back', async () => {
    await relay.setMode('down');
    const customer = await makeUser(stack);
    const customerKey = customerKeyFor(customer.me.id);
    const res = await customer.browser.post<{ id: string }>('/api/subscriptions', {
      productId,
      options: { grams: 200, grind: 'whole_bean', quantity: 1, cycleWeeks: 1 },
      shipTo,
      authKey: await stack.sandbox.authKey(customerKey),
      customerKey,
      consents: await checkoutConsents(customer.browser, productId, { grams: 200, quantity: 1 }),
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const id = res.body.id;
    // Three cycles charged while no mail can go out.
    await eventually(
      async () => (await stack.db('payments').where({ subscriptionId: id })).length >= 3,
      30_000,
    );
    const waiting = await stack
      .db('notification_deliveries as d')
      .join('outbox as o', 'o.id', 'd.outbox_id')
      .where({ 'o.recipientUserId': customer.me.id, 'd.template': 'payment_receipt' })
      .select('d.status', 'd.attempts', 'd.lastError');
    assert.ok(waiting.length >= 2, 'receipts are waiting');
    assert.ok(
      waiting.some((d: { attempts: number; lastError: string | null }) => d.attempts > 1 && d.lastError),
      'and being retried',
    );
    assert.ok(waiting.every((d: { status: string }) => d.status !== 'sent' && d.status !== 'failed'));
    assert.equal((await mail.to(customer.email)).length, 0);

    await relay.setMode('pass');
    const row = await stack.db('subscriptions').where({ id }).first('customerId');
    await subscriptionHandle(stack.client, id).executeUpdate(cancelSubscriptionUpdate, {
      args: [{ actor: { userId: row.customerId, roles: ['customer'] }, args: { when: 'now' } }],
    });
    const payments = await stack.db('payments').where({ subscriptionId: id }).pluck('orderId');
    assert.ok(payments.length >= 3);
    const receiptsSent = async () =>
      (await stack
        .db('notification_deliveries as d')
        .join('outbox as o', 'o.id', 'd.outbox_id')
        .where({ 'o.recipientUserId': customer.me.id, 'd.template': 'payment_receipt', 'd.status': 'sent' })
        .count({ n: '*' })
        .first()) as { n: number };
    await eventually(async () => Number((await receiptsSent()).n) === payments.length, 30_000);
    const receipts = (await mail.to(customer.email)).filter((m) => /결제 완료/.test(m.subject));
    assert.equal(receipts.length, payments.length, 'every cycle’s receipt, each once');
    assert.equal(new Set(receipts.map((m) => m.messageId)).size, receipts.length);
  });
});
