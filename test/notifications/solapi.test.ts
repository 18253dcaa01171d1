// 알림톡 / SMS through SOLAPI's official SDK against a local stand-in of the endpoints it calls, on only when the keys
// are set (docs/architecture.md#messages).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { enqueueNotification, type Notification } from '../../activities/outbox';
import { notifierHandle } from '../../domain/contracts/notifier';
import { ensureNotifier } from '../../worker/notifier';
import { eventually, makeUser, startStack, stopTemporal, uniq, type Stack } from '../harness';
import { startMailDev, startSolapiStandIn, type MailDev, type SolapiStandIn } from './mail';

const API_KEY = 'NCSTESTKEY0000001';
const API_SECRET = 'TESTSECRET0000000000000000000001';

async function enqueue(stack: Stack, n: Notification): Promise<number> {
  await stack.db.transaction((trx) => enqueueNotification(trx, n));
  return (await stack.db('outbox').where({ dedupeKey: n.dedupeKey }).first()).id as number;
}

const note = (userId: string, template = 'payment_receipt') => ({
  dedupeKey: `test:sms:${uniq()}`,
  recipientUserId: userId,
  template,
  payload: { productName: '콜롬비아 수프리모', amount: 17000 },
});

describe('알림톡 / SMS through SOLAPI', () => {
  let stack: Stack;
  let mail: MailDev;
  let solapi: SolapiStandIn;
  before(async () => {
    mail = await startMailDev();
    solapi = await startSolapiStandIn(API_KEY, API_SECRET);
    stack = await startStack({
      SMTP_URL: `smtp://127.0.0.1:${mail.smtpPort}`,
      SOLAPI_API_KEY: API_KEY,
      SOLAPI_API_SECRET: API_SECRET,
      SOLAPI_SENDER: '0212345678',
      SOLAPI_KAKAO_PF_ID: 'KA01PF_TEST',
      SOLAPI_KAKAO_TEMPLATES: 'payment_receipt:KA01TP_RECEIPT',
      SOLAPI_BASE_URL: solapi.url,
      NOTIFY_POLL_INTERVAL: '100ms',
      NOTIFY_SEND_TIMEOUT: '2s',
      NOTIFY_LEASE: '5s',
      NOTIFY_RETRY_LADDER: '200ms,200ms,200ms',
      NOTIFY_ACTIVITY_SPAN: '3s',
      NOTIFY_HEARTBEAT_TIMEOUT: '2s',
    });
    await ensureNotifier(stack.client, stack.config);
  });
  after(async () => {
    await notifierHandle(stack.client, stack.config.temporal).terminate('test done');
    await stack.stop();
    await solapi.stop();
    await mail.stop();
    await stopTemporal();
  });

  const withPhone = async (phone: string | null) => {
    const user = await makeUser(stack);
    await stack.db('users').where({ id: user.me.id }).update({ phone });
    return user;
  };

  it('sends 알림톡 for an approved template and SMS otherwise, with the key in customFields, besides the e-mail', async () => {
    const user = await withPhone('010-2222-3333');
    const receiptId = await enqueue(stack, note(user.me.id));
    const pausedId = await enqueue(stack, note(user.me.id, 'subscription_paused'));
    await eventually(() =>
      Promise.resolve(solapi.messages.filter((m) => m.to === '01022223333').length === 2),
    );
    const ata = solapi.messages.find((m) => m.customFields.dalgonaKey === `${receiptId}.kakao`)!;
    assert.equal(ata.type, 'ATA');
    assert.deepEqual(ata.kakaoOptions && { ...ata.kakaoOptions }, {
      pfId: 'KA01PF_TEST',
      templateId: 'KA01TP_RECEIPT',
    });
    assert.equal(ata.from, '0212345678');
    assert.match(ata.text, /콜롬비아 수프리모/);
    const sms = solapi.messages.find((m) => m.customFields.dalgonaKey === `${pausedId}.sms`)!;
    assert.notEqual(sms.type, 'ATA');
    assert.equal(solapi.unauthorized, 0, 'every request signed with the API secret');
    await eventually(async () => (await mail.to(user.email)).length === 2);
    const kakao = await eventually(() =>
      stack
        .db('notification_deliveries')
        .where({ outboxId: receiptId, channel: 'kakao', status: 'sent' })
        .first(),
    );
    assert.equal(kakao.providerId, ata.messageId);
  });

  it('no phone: e-mail only', async () => {
    const user = await withPhone(null);
    const id = await enqueue(stack, note(user.me.id));
    await eventually(async () => (await mail.to(user.email)).length === 1);
    assert.deepEqual(await stack.db('notification_deliveries').where({ outboxId: id }).pluck('channel'), [
      'email',
    ]);
  });

  it('a provider outage is retried; a refused number fails for good', async () => {
    const user = await withPhone('010-4444-5555');
    solapi.failNext(2);
    const id = await enqueue(stack, note(user.me.id));
    const sent = await eventually(() =>
      stack.db('notification_deliveries').where({ outboxId: id, channel: 'kakao', status: 'sent' }).first(),
    );
    assert.ok(sent.attempts >= 2, `retried (${sent.attempts} attempts)`);
    assert.equal(solapi.messages.filter((m) => m.customFields.dalgonaKey === `${id}.kakao`).length, 1);

    const refused = await withPhone('010-9999-0000');
    solapi.refuse.add('01099990000');
    const bad = await enqueue(stack, note(refused.me.id));
    const failed = await eventually(() =>
      stack
        .db('notification_deliveries')
        .where({ outboxId: bad, channel: 'kakao', status: 'failed' })
        .first(),
    );
    assert.equal(failed.attempts, 1);
    assert.match(failed.lastError, /1062/);
  });

  it('after an unknown outcome, a message SOLAPI already has is not sent again', async () => {
    const user = await withPhone('010-6666-7777');
    const id = await enqueue(stack, note(user.me.id));
    const first = await eventually(() =>
      stack.db('notification_deliveries').where({ outboxId: id, channel: 'kakao', status: 'sent' }).first(),
    );
    // As if the worker had died after SOLAPI accepted the message but before the send was recorded.
    await stack
      .db('notification_deliveries')
      .where({ id: first.id })
      .update({
        status: 'sending',
        nextAttemptAt: new Date(Date.now() - 1000),
        providerId: null,
        sentAt: null,
      });
    const again = await eventually(
      () => stack.db('notification_deliveries').where({ id: first.id, status: 'sent' }).first(),
      15_000,
    );
    assert.equal(again.attempts, first.attempts + 1, 'claimed again');
    assert.equal(again.providerId, first.providerId, 'recognised as the message SOLAPI has');
    assert.equal(solapi.messages.filter((m) => m.customFields.dalgonaKey === `${id}.kakao`).length, 1);
  });
});
