// The notifier end to end (docs/architecture.md#messages): outbox rows written as activities write them, delivered by
// the real notifier workflow on the notifications queue through nodemailer to a real MailDev (read through its REST
// API), on the real Temporal dev server, PostgreSQL and Redis.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { enqueueNotification, type Notification } from '../../activities/outbox';
import { executeNotificationDigest } from '../../domain/contracts/notificationDigest';
import { notifierHandle } from '../../domain/contracts/notifier';
import { digestDedupeKey, type NotificationFailurePage } from '../../domain/notifications';
import { renderNotification, templates } from '../../notifications/catalog';
import { digestScheduleOptions, ensureDigestSchedule, ensureNotifier } from '../../worker/notifier';
import { eventually, makeUser, startStack, stopTemporal, uniq, type Stack } from '../harness';
import { startMailDev, startSmtpRelay, type MailDev, type SmtpRelay } from './mail';

const PUBLIC_URL = 'https://dalgona.example';

/** Writes notifications in one transaction, as an activity does. */
async function enqueue(stack: Stack, ...ns: Notification[]): Promise<void> {
  await stack.db.transaction(async (trx) => {
    for (const n of ns) await enqueueNotification(trx, n);
  });
}

const receipt = (userId: string, productName = '에티오피아 구지') => ({
  dedupeKey: `test:receipt:${uniq()}`,
  recipientUserId: userId,
  template: 'payment_receipt',
  payload: { productName, amount: 16000 },
});

describe('the notifier delivers the outbox by e-mail', () => {
  let stack: Stack;
  let mail: MailDev;
  let relay: SmtpRelay;
  before(async () => {
    mail = await startMailDev();
    relay = await startSmtpRelay(mail.smtpPort);
    stack = await startStack({
      SMTP_URL: relay.url,
      MAIL_FROM: '달고나 <no-reply@dalgona.example>',
      PUBLIC_URL,
      NOTIFY_POLL_INTERVAL: '100ms',
      NOTIFY_SEND_TIMEOUT: '2s',
      NOTIFY_LEASE: '5s',
      NOTIFY_RETRY_LADDER: '200ms,200ms',
      NOTIFY_ACTIVITY_SPAN: '3s',
      NOTIFY_HEARTBEAT_TIMEOUT: '2s',
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

  it('reaches MailDev: the recipient, the subject and the absolute link, in the recipient’s language', async () => {
    const ko = await makeUser(stack);
    const en = await makeUser(stack);
    await stack.db('users').where({ id: en.me.id }).update({ locale: 'en' });
    const a = receipt(ko.me.id);
    const b = receipt(en.me.id, 'Ethiopia Guji');
    await enqueue(stack, a, b);
    const [toKo] = await eventually(async () => {
      const m = await mail.to(ko.email);
      return m.length > 0 ? m : null;
    });
    const [toEn] = await eventually(async () => {
      const m = await mail.to(en.email);
      return m.length > 0 ? m : null;
    });
    assert.equal(toKo!.to[0]!.name, ko.me.name);
    assert.equal(toKo!.from[0]!.address, 'no-reply@dalgona.example');
    // What the catalog renders for each recipient, in their language, on PUBLIC_URL.
    for (const [m, n, user, locale] of [
      [toKo!, a, ko, 'ko'],
      [toEn!, b, en, 'en'],
    ] as const) {
      const expected = renderNotification(n.template, n.payload, {
        locale,
        publicUrl: PUBLIC_URL,
        name: user.me.name,
      });
      assert.equal(m.subject, expected.subject);
      assert.ok(m.subject.includes(n.payload.productName), m.subject);
      assert.ok(expected.link?.startsWith(`${PUBLIC_URL}/`), `an absolute link: ${expected.link}`);
      assert.ok(m.text.includes(expected.link!), `the link in the text: ${m.text}`);
      assert.ok(m.html.includes(`href="${expected.link!}"`), 'the link in the HTML');
    }
    assert.notEqual(toKo!.subject, toEn!.subject);
    assert.match(toKo!.subject, /결제 완료/);
    assert.match(toEn!.subject, /Payment received/);
    const row = await stack.db('outbox').where({ dedupeKey: a.dedupeKey }).first();
    assert.equal(
      toKo!.messageId.replace(/^<|>$/g, ''),
      `${row.id}.email@dalgona.example`,
      'the Message-ID is the idempotency key',
    );
    const delivery = await eventually(() =>
      stack.db('notification_deliveries').where({ outboxId: row.id, status: 'sent' }).first(),
    );
    assert.equal(delivery.channel, 'email');
    assert.equal(delivery.attempts, 1);
    await eventually(async () => (await stack.db('outbox').where({ id: row.id }).first()).sentAt);
  });

  it('fans a role-addressed notification out to each admin, once each however often it is written', async () => {
    const admins = [
      await makeUser(stack, ['customer', 'admin']),
      await makeUser(stack, ['customer', 'admin']),
    ];
    const customer = await makeUser(stack);
    const key = `test:task:${uniq()}`;
    // A kind mailed one by one (the catalog's task_opened waits for the digest).
    const note = { dedupeKey: key, recipientRole: 'admin', template: 'test_admin_notice', payload: {} };
    await enqueue(stack, note);
    await enqueue(stack, note); // a retried activity
    const rows = await stack.db('outbox').whereLike('dedupeKey', `${key}:%`);
    const everyAdmin = (await stack.db('users').whereRaw(`'admin' = ANY(roles)`).pluck('id')) as string[];
    assert.deepEqual(
      rows.map((r: { recipientUserId: string }) => r.recipientUserId).sort(),
      everyAdmin.sort(),
    );
    for (const r of rows) assert.equal(r.dedupeKey, `${key}:${r.recipientUserId}`);
    for (const admin of admins) {
      await eventually(async () => (await mail.to(admin.email)).length === 1);
    }
    assert.equal((await mail.to(customer.email)).length, 0, 'nobody else');
  });

  it('honours preferences for optional kinds, never for payments', async () => {
    const user = await makeUser(stack);
    await stack.db('notification_preferences').insert([
      { userId: user.me.id, category: 'subscription', channel: 'email', enabled: false },
      { userId: user.me.id, category: 'payment', channel: 'email', enabled: false },
    ]);
    const optional = {
      dedupeKey: `test:paused:${uniq()}`,
      recipientUserId: user.me.id,
      template: 'subscription_paused', // a subscription message: the customer switched its e-mail off
      payload: {},
    };
    const pay = receipt(user.me.id);
    await enqueue(stack, optional, pay);
    await eventually(async () => (await mail.to(user.email)).length === 1);
    const [only] = await mail.to(user.email);
    assert.match(only!.subject, /결제 완료/);
    const skipped = await stack.db('outbox').where({ dedupeKey: optional.dedupeKey }).first();
    assert.ok(skipped.plannedAt, 'planned');
    assert.equal(
      (await stack.db('notification_deliveries').where({ outboxId: skipped.id })).length,
      0,
      'no channel for it',
    );
  });

  it('records a permanent failure at once and lists it for admins only', async () => {
    const user = await makeUser(stack);
    const admin = await makeUser(stack, ['customer', 'admin']);
    relay.rejected.add(user.email);
    const n = receipt(user.me.id);
    await enqueue(stack, n);
    const row = await stack.db('outbox').where({ dedupeKey: n.dedupeKey }).first();
    const failed = await eventually(() =>
      stack.db('notification_deliveries').where({ outboxId: row.id, status: 'failed' }).first(),
    );
    assert.equal(failed.attempts, 1, 'a 550 is not retried');
    assert.match(failed.lastError, /^SMTP 550/);
    const page = await admin.browser.get<NotificationFailurePage>(
      '/api/admin/notifications/failures?limit=100',
    );
    assert.equal(page.status, 200);
    const listed = page.body.failures.find((f) => f.id === failed.id);
    assert.ok(listed, 'the failure is listed');
    assert.equal(listed.recipient.email, user.email);
    assert.equal(listed.channel, 'email');
    assert.equal(listed.template, 'payment_receipt');
    assert.equal(typeof page.body.backlog, 'number');
    assert.equal((await user.browser.get('/api/admin/notifications/failures')).status, 403);
    assert.equal((await mail.to(user.email)).length, 0);
  });

  it('retries a transient failure with backoff, then fails for good after the ladder', async () => {
    const user = await makeUser(stack);
    const n = receipt(user.me.id);
    await relay.setMode('down');
    try {
      await enqueue(stack, n);
      const row = await eventually(() => stack.db('outbox').where({ dedupeKey: n.dedupeKey }).first());
      // Two steps on the ladder: three attempts, then failed.
      const failed = await eventually(
        () => stack.db('notification_deliveries').where({ outboxId: row.id, status: 'failed' }).first(),
        15_000,
      );
      assert.equal(failed.attempts, 3);
      assert.match(failed.lastError, /ECONNREFUSED|ECONNECTION/);
    } finally {
      await relay.setMode('pass');
    }
  });

  it('collects digest kinds into one digest per recipient and day, delivered like any other', async () => {
    // A kind marked for the digest (the catalog marks its own: a roaster's new order, admins' tasks).
    const kind = `test_digest_${uniq()}`;
    templates[kind] = {
      category: 'partner',
      digest: true,
      render: (p, ctx) => {
        const subject = ctx.locale === 'ko' ? `새 주문 ${String(p.n)}` : `New order ${String(p.n)}`;
        const link = `${ctx.publicUrl}/partner/orders`;
        return { subject, text: subject, html: subject, short: subject, link };
      },
    };
    const roaster = await makeUser(stack, ['customer', 'partner']);
    const other = await makeUser(stack, ['customer', 'partner']);
    await enqueue(
      stack,
      ...[1, 2, 3].map((n) => ({
        dedupeKey: `test:order:${uniq()}`,
        recipientUserId: roaster.me.id,
        template: kind,
        payload: { n },
      })),
      { dedupeKey: `test:order:${uniq()}`, recipientUserId: other.me.id, template: kind, payload: { n: 9 } },
    );
    // Planned, but not mailed one by one.
    await eventually(async () =>
      (await stack.db('outbox').where({ template: kind })).every(
        (r: { plannedAt: Date | null }) => r.plannedAt,
      ),
    );
    const rows = await stack.db('outbox').where({ template: kind });
    assert.ok(rows.every((r: { digest: boolean }) => r.digest));
    assert.equal(
      (
        await stack.db('notification_deliveries').whereIn(
          'outboxId',
          rows.map((r: { id: number }) => r.id),
        )
      ).length,
      0,
    );
    const asOf = new Date();
    const first = await executeNotificationDigest(stack.client, stack.config.temporal, `t-${uniq()}`, {
      timezone: 'Asia/Seoul',
      asOf: asOf.toISOString(),
    });
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul' }).format(asOf);
    assert.equal(first.day, day);
    assert.ok(first.digests >= 2 && first.items >= 4);
    const digest = await stack
      .db('outbox')
      .where({ dedupeKey: digestDedupeKey(roaster.me.id, day) })
      .first();
    assert.equal(digest.template, 'digest');
    assert.equal(digest.payload.items.length, 3);
    assert.equal(digest.payload.category, 'partner');
    assert.deepEqual(
      digest.payload.items.map((i: { subject: string }) => i.subject),
      ['새 주문 1', '새 주문 2', '새 주문 3'],
    );
    const [mailed] = await eventually(async () => {
      const m = await mail.to(roaster.email);
      return m.length > 0 ? m : null;
    });
    const expected = renderNotification('digest', digest.payload, {
      locale: 'ko',
      publicUrl: PUBLIC_URL,
      name: roaster.me.name,
    });
    assert.equal(mailed!.subject, expected.subject);
    assert.match(mailed!.subject, /3건/);
    assert.ok(mailed!.text.includes(`${PUBLIC_URL}/partner/orders`));
    for (const n of [1, 2, 3]) assert.ok(mailed!.text.includes(`새 주문 ${n}`), mailed!.text);
    await eventually(async () => (await mail.to(other.email)).length === 1);

    // Fired again the same day: nothing new; a row arriving later waits for the next day's digest.
    await enqueue(stack, {
      dedupeKey: `test:order:${uniq()}`,
      recipientUserId: roaster.me.id,
      template: kind,
      payload: { n: 4 },
    });
    const again = await executeNotificationDigest(stack.client, stack.config.temporal, `t-${uniq()}`, {
      timezone: 'Asia/Seoul',
    });
    assert.equal(
      (await stack.db('outbox').where({ template: 'digest', recipientUserId: roaster.me.id })).length,
      1,
      'one digest a day',
    );
    assert.equal(
      (
        await stack
          .db('outbox')
          .where({ template: kind, recipientUserId: roaster.me.id })
          .whereNull('digestedInto')
      ).length,
      1,
      'the late row waits for tomorrow',
    );
    assert.equal(again.day, day);
    const tomorrow = await executeNotificationDigest(stack.client, stack.config.temporal, `t-${uniq()}`, {
      timezone: 'Asia/Seoul',
      asOf: new Date(asOf.getTime() + 24 * 3600_000).toISOString(),
    });
    assert.notEqual(tomorrow.day, day);
    await eventually(async () => (await mail.to(roaster.email)).length === 2);
    delete templates[kind];
  });

  it('the digest Schedule fires daily at the configured Seoul time', async () => {
    await ensureDigestSchedule(stack.client, stack.config);
    const options = digestScheduleOptions(stack.config);
    const described = await stack.client.schedule.getHandle(options.scheduleId).describe();
    assert.equal(described.spec.timezone, 'Asia/Seoul');
    const next = described.info.nextActionTimes[0]!;
    const seoul = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Asia/Seoul',
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
    }).format(next);
    assert.equal(seoul, '08:00');
    await stack.client.schedule.getHandle(options.scheduleId).delete();
  });
});
