// A notifications worker killed (SIGKILL) in the middle of sending a mail: the next worker sends it, and the
// recipient gets one mail, not two (docs/architecture.md#messages).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { enqueueNotification } from '../../activities/outbox';
import { notifierHandle } from '../../domain/contracts/notifier';
import { eventually, makeUser, startStack, stopTemporal, uniq, type Stack } from '../harness';
import { kill, startProcess, type Proc } from '../lifecycle/processes';
import { startMailDev, startSmtpRelay, type MailDev, type SmtpRelay } from './mail';

describe('a worker killed mid-send', () => {
  let stack: Stack;
  let mail: MailDev;
  let relay: SmtpRelay;
  let worker: Proc | undefined;
  const startWorker = () =>
    startProcess('worker/main.ts', {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      WORKER_DOMAINS: 'notifications',
      WORKER_METRICS_ADDRESS: 'off',
      WORKER_BUSINESS_METRICS_ADDRESS: 'off',
      TEMPORAL_ADDRESS: stack.env.address,
      TEMPORAL_TASK_QUEUE_PREFIX: stack.config.temporal.taskQueuePrefix,
      DATABASE_URL: stack.config.databaseUrl,
      REDIS_URL: stack.config.redisUrl,
      REDIS_KEY_PREFIX: stack.config.redisKeyPrefix,
      SMTP_URL: relay.url,
      NOTIFY_POLL_INTERVAL: '100ms',
      // The stalled send outlives the kill; the claim outlives any send (a live worker's claim is never taken).
      NOTIFY_SEND_TIMEOUT: '3s',
      NOTIFY_LEASE: '7s',
      NOTIFY_HEARTBEAT_TIMEOUT: '2s',
      NOTIFY_ACTIVITY_SPAN: '30s',
      // Draining must not wait for the grace time: the delivery activity returns as soon as the worker drains.
      WORKER_SHUTDOWN_GRACE: '10m',
    });

  before(async () => {
    mail = await startMailDev();
    relay = await startSmtpRelay(mail.smtpPort);
    // Everything in-process but the notifications worker, which is a process of its own to kill.
    stack = await startStack({ WORKER_DOMAINS: 'accounts,catalog,billing,fulfilment' });
  });
  after(async () => {
    kill(worker);
    await notifierHandle(stack.client, stack.config.temporal)
      .terminate('test done')
      .catch(() => undefined);
    await stack.stop();
    await relay.stop();
    await mail.stop();
    await stopTemporal();
  });

  it('the next worker sends it: one mail', async () => {
    const user = await makeUser(stack);
    await relay.setMode('stall');
    worker = startWorker();
    await worker.waitFor((l) => l.msg === 'notifier ready');
    const dedupeKey = `test:kill:${uniq()}`;
    await stack.db.transaction((trx) =>
      enqueueNotification(trx, {
        dedupeKey,
        recipientUserId: user.me.id,
        template: 'payment_receipt',
        payload: { productName: '케냐 AA', amount: 18000 },
      }),
    );
    // The mail's body has gone out and the relay holds it at DATA: the server has not said 250.
    await eventually(() => Promise.resolve(relay.stalled() === 1), 20_000);
    worker.child.kill('SIGKILL');
    await worker.exited;
    const row = await stack.db('outbox').where({ dedupeKey }).first();
    const inFlight = await stack.db('notification_deliveries').where({ outboxId: row.id }).first();
    assert.equal(inFlight.status, 'sending', 'claimed, outcome unknown');
    assert.equal(inFlight.attempts, 1);
    await eventually(() => Promise.resolve(relay.stalled() === 0));
    assert.equal((await mail.to(user.email)).length, 0, 'the dead worker delivered nothing');

    await relay.setMode('pass');
    worker = startWorker();
    const sent = await eventually(
      () => stack.db('notification_deliveries').where({ outboxId: row.id, status: 'sent' }).first(),
      60_000,
    );
    assert.equal(sent.attempts, 2, 'taken over after the claim ran out');
    const mails = await eventually(async () => {
      const m = await mail.to(user.email);
      return m.length > 0 ? m : null;
    });
    assert.equal(mails.length, 1, 'one mail, not two');
    assert.equal(mails[0]!.messageId.replace(/^<|>$/g, ''), `${row.id}.email@dalgona.local`);
    assert.match(mails[0]!.subject, /케냐 AA 결제 완료/);

    // SIGTERM: the notifier's minutes-long activity returns at once; the worker drains and exits 0, long before
    // its 10-minute grace time would have cancelled it.
    worker.child.kill('SIGTERM');
    const exited = await Promise.race([
      worker.exited,
      new Promise((r) => setTimeout(() => r('still draining after 60 s'), 60_000)),
    ]);
    assert.deepEqual(exited, { code: 0, signal: null }, worker.stderr());
  });
});
