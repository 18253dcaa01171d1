// Replays committed workflow histories against today's workflow code: a change that would break running
// workflows (non-determinism) fails here. `UPDATE_HISTORIES=1 npm test -- test/replay` records them afresh.
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startPartnerApplication } from '../../domain/contracts/partnerApplication';
import { productPublicationHandle } from '../../domain/contracts/productPublication';
import { claimTaskUpdate, decideUpdate } from '../../domain/contracts/reviewDesk';
import {
  executeNotificationDigest,
  notificationDigestWorkflowId,
} from '../../domain/contracts/notificationDigest';
import { ensureNotifierWorkflow, notifierHandle } from '../../domain/contracts/notifier';
import { startSettlementRun } from '../../domain/contracts/settlementRun';
import { notifierSettings } from '../../infra/config';
import { settlementStatementHandle } from '../../domain/contracts/settlementStatement';
import { customerKeyFor } from '../../domain/keys';
import { dataConverterFor } from '../../infra/payloadCodec';
import { Task } from '../../db/models';
import { getWorkflowBundle } from '../../worker/bundle';
import {
  applicationForm,
  connectCardRetrying,
  eventually,
  makePartner,
  makeUser,
  pngImage,
  productForm,
  publishProduct,
  startStack,
  stopTemporal,
  testConfig,
  type Stack,
} from '../harness';
import { fulfilmentHandle } from '../../domain/contracts/fulfilment';
import {
  cancelSubscriptionUpdate,
  pauseUpdate,
  priceChangeSignal,
  resumeUpdate,
  subscriptionHandle,
  subscriptionWorkflowId,
} from '../../domain/contracts/subscription';
import { checkoutConsents } from '../consents';

const dir = fileURLToPath(new URL('./histories', import.meta.url));

/** Runs each recorded scenario on the real dev server and writes its history as JSON. */
async function record(stack: Stack): Promise<void> {
  const admin = await makeUser(stack, ['customer', 'admin']);
  const actor = { userId: admin.me.id, roles: admin.me.roles };
  const scenarios: Record<
    string,
    { form?: object; decide?: 'approve' | 'reject'; sla?: number; expiry?: number }
  > = {
    'partnerApplication-approved': { decide: 'approve' },
    'partnerApplication-rejected': { decide: 'reject' },
    'partnerApplication-auto-rejected': { form: { businessNumber: '1248100999' } },
    'partnerApplication-overdue-expired': { sla: 300, expiry: 900 },
  };
  const keep = async (name: string) =>
    process.env.UPDATE_HISTORIES !== 'all' &&
    (await readFile(join(dir, `${name}.json`)).then(
      () => true,
      () => false,
    ));
  for (const [name, s] of Object.entries(scenarios)) {
    if (await keep(name)) continue;
    const applicant = await makeUser(stack);
    const applicationId = randomUUID();
    const handle = await startPartnerApplication(stack.client, stack.config.temporal, {
      applicationId,
      applicantId: applicant.me.id,
      form: applicationForm(s.form as never),
      reviewSlaMs: s.sla ?? 60_000,
      expiryMs: s.expiry ?? 120_000,
    });
    if (s.decide) {
      const task = await eventually(() => Task.query(stack.db).findOne({ subjectId: applicationId }));
      await handle.executeUpdate(claimTaskUpdate, { args: [{ taskId: task.id, actor }] });
      await handle.executeUpdate(decideUpdate, {
        args: [
          {
            taskId: task.id,
            decision: s.decide,
            reason: s.decide === 'reject' ? 'Not a roastery' : undefined,
            actor,
          },
        ],
      });
    }
    await handle.result();
    await writeFile(join(dir, `${name}.json`), historyToJSON(await handle.fetchHistory()));
  }

  // A product: published, an edit superseded by a newer one, the newer one rejected, then unlisted.
  if (!(await keep('productPublication-lifecycle'))) {
    const partner = await makePartner(stack, actor.userId);
    const upload = await partner.browser.request<{ id: string }>('POST', '/api/images', await pngImage(), {
      headers: { 'content-type': 'image/png' },
    });
    const form = productForm(upload.body.id);
    const created = await partner.browser.post<{ productId: string; revisionId: string }>(
      '/api/partner/products',
      form,
    );
    const handle = productPublicationHandle(stack.client, created.body.productId);
    const decide = async (revisionId: string, decision: 'approve' | 'reject') => {
      const task = await eventually(() =>
        Task.query(stack.db).findOne({ subjectId: revisionId, state: 'open' }),
      );
      await handle.executeUpdate(decideUpdate, {
        args: [
          { taskId: task.id, decision, reason: decision === 'reject' ? 'Blurry photo' : undefined, actor },
        ],
      });
    };
    await decide(created.body.revisionId, 'approve');
    const edit = (d: string) =>
      partner.browser.post<{ revisionId: string }>(
        `/api/partner/products/${created.body.productId}/revisions`,
        {
          ...form,
          description: `${form.description} ${d}`,
        },
      );
    const first = await edit('first edit');
    await eventually(() => Task.query(stack.db).findOne({ subjectId: first.body.revisionId, state: 'open' }));
    const second = await edit('second edit');
    await decide(second.body.revisionId, 'reject');
    await partner.browser.post(`/api/partner/products/${created.body.productId}/unpublish`, {});
    await writeFile(
      join(dir, 'productPublication-lifecycle.json'),
      historyToJSON(await handle.fetchHistory()),
    );
  }

  // The notifier: a few delivery rounds, new settings by signal, more rounds (then terminated: it never ends).
  if (!(await keep('notifier-rounds'))) {
    const input = {
      ...notifierSettings(stack.config.notify),
      activitySpanMs: 300,
      heartbeatTimeoutMs: 2000,
    };
    await ensureNotifierWorkflow(stack.client, stack.config.temporal, input);
    const handle = notifierHandle(stack.client, stack.config.temporal);
    await eventually(async () => (await handle.describe()).historyLength > 20, 30_000);
    await ensureNotifierWorkflow(stack.client, stack.config.temporal, { ...input, lanes: 2 });
    await eventually(async () => (await handle.describe()).historyLength > 40, 30_000);
    await handle.terminate('recorded');
    await writeFile(join(dir, 'notifier-rounds.json'), historyToJSON(await handle.fetchHistory()));
  }
  if (!(await keep('notificationDigest-run'))) {
    const label = `replay-${randomUUID()}`;
    await executeNotificationDigest(stack.client, stack.config.temporal, label, {
      timezone: 'Asia/Seoul',
      asOf: new Date().toISOString(),
    });
    const run = stack.client.workflow.getHandle(notificationDigestWorkflowId(label));
    await writeFile(join(dir, 'notificationDigest-run.json'), historyToJSON(await run.fetchHistory()));
  }

  // Settlement: a run over a sale and a partial refund, then the statement's payout marked by the admin.
  if (!(await keep('settlementRun-statement')) || !(await keep('settlementStatement-paid'))) {
    const partner = await makePartner(stack, actor.userId);
    const productId = await publishProduct(stack, partner.browser, actor.userId);
    const customer = await makeUser(stack);
    const customerKey = customerKeyFor(customer.me.id);
    const sub = await customer.browser.post<{ id: string }>('/api/subscriptions', {
      consents: await checkoutConsents(customer.browser, productId, { grams: 200, quantity: 1 }),
      productId,
      options: { grams: 200, grind: 'whole_bean', quantity: 1, cycleWeeks: 1 },
      shipTo: { name: '김고객', phone: '010-1234-5678', address: '서울특별시 마포구 와우산로 94' },
      authKey: await stack.sandbox.authKey(customerKey),
      customerKey,
    });
    const payment = await eventually(() =>
      stack.db('payments').where({ subscriptionId: sub.body.id }).first(),
    );
    await customer.browser.post(`/api/subscriptions/${sub.body.id}/cancel`, { when: 'period_end' });
    await admin.browser.post(`/api/admin/payments/${payment.id}/refunds`, { amount: 4000, reason: '파손' });
    const run = await startSettlementRun(stack.client, stack.config.temporal, `replay-${randomUUID()}`, {
      periodEnd: new Date(Date.now() + 2000).toISOString(),
      periodMs: 604_800_000,
      defaultCommissionBps: 1000,
    });
    const result = await run.result();
    const statementId = result.statements[0]!.statementId;
    const paid = await admin.browser.post(`/api/admin/settlements/${statementId}/payout`, {
      reference: 'KB-replay-1',
    });
    assert.equal(paid.status, 200, JSON.stringify(paid.body));
    const statement = settlementStatementHandle(stack.client, statementId);
    await statement.result();
    await writeFile(join(dir, 'settlementRun-statement.json'), historyToJSON(await run.fetchHistory()));
    await writeFile(
      join(dir, 'settlementStatement-paid.json'),
      historyToJSON(await statement.fetchHistory()),
    );
  }

  // Recorded once with the code before the subscription workflow's v2 (commit 8779909), which the current code cannot
  // produce again: customer B checks out with an authKey issued for customer A's customerKey; the old connectCard
  // classified Toss's NOT_MATCHES_CUSTOMER_KEY as retryable and retried for ever. The history ends with that activity
  // still retrying: the state such runs were in when v2 was deployed. Never re-recorded.
  if (
    !(await readFile(join(dir, 'subscription-legacy-wedged-connect.json')).then(
      () => true,
      () => false,
    ))
  ) {
    const partner = await makePartner(stack, actor.userId);
    const productId = await publishProduct(stack, partner.browser, actor.userId);
    const a = await makeUser(stack);
    const b = await makeUser(stack);
    const authKey = await stack.sandbox.authKey(customerKeyFor(a.me.id));
    void b.browser
      .post('/api/subscriptions', {
        consents: await checkoutConsents(b.browser, productId, { grams: 200, quantity: 1 }),
        productId,
        options: { grams: 200, grind: 'whole_bean', quantity: 1, cycleWeeks: 1 },
        shipTo: { name: '김고객', phone: '010-1234-5678', address: '서울특별시 마포구 와우산로 94' },
        authKey,
        customerKey: customerKeyFor(b.me.id),
      })
      .catch(() => undefined);
    const row = await eventually(() => stack.db('subscriptions').where({ customerId: b.me.id }).first());
    const handle = stack.client.workflow.getHandle(row.workflowId);
    await connectCardRetrying(stack.client, row.workflowId, 3);
    await writeFile(
      join(dir, 'subscription-legacy-wedged-connect.json'),
      historyToJSON(await handle.fetchHistory()),
    );
    await handle.terminate('recorded');
  }
  // The card-change variant, recorded the same way: an active subscription's changeCard Update with an authKey of
  // another customerKey held the old `exclusive` turn while connectCard retried, so the due charge never ran.
  if (
    !(await readFile(join(dir, 'subscription-legacy-wedged-card-change.json')).then(
      () => true,
      () => false,
    ))
  ) {
    const partner = await makePartner(stack, actor.userId);
    const productId = await publishProduct(stack, partner.browser, actor.userId);
    const a = await makeUser(stack);
    const b = await makeUser(stack);
    const keyB = customerKeyFor(b.me.id);
    const res = await b.browser.post<{ id: string }>('/api/subscriptions', {
      consents: await checkoutConsents(b.browser, productId, { grams: 200, quantity: 1 }),
      productId,
      options: { grams: 200, grind: 'whole_bean', quantity: 1, cycleWeeks: 1 },
      shipTo: { name: '김고객', phone: '010-1234-5678', address: '서울특별시 마포구 와우산로 94' },
      authKey: await stack.sandbox.authKey(keyB),
      customerKey: keyB,
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    await eventually(() => stack.db('payments').where({ subscriptionId: res.body.id }).first());
    const foreign = await stack.sandbox.authKey(customerKeyFor(a.me.id));
    void b.browser
      .post(`/api/subscriptions/${res.body.id}/card`, { authKey: foreign, customerKey: keyB })
      .catch(() => undefined);
    const handle = stack.client.workflow.getHandle(subscriptionWorkflowId(res.body.id));
    await connectCardRetrying(stack.client, handle.workflowId, 3);
    await writeFile(
      join(dir, 'subscription-legacy-wedged-card-change.json'),
      historyToJSON(await handle.fetchHistory()),
    );
    await handle.terminate('recorded');
  }

  // Subscriptions, on 1.5-second weeks: every customer action and a price change, dunning rescued by a new card, and
  // a cancel at once that withdraws the unshipped paid cycle (its fulfilment refunds it). The same scenarios without
  // the v2 prefix were recorded by the code before v2 and are kept as they are (never re-recorded).
  const subscriptionScenarios = [
    'subscription-v2-actions',
    'subscription-v2-dunning-new-card',
    'fulfilment-withdrawn-with-subscription',
    'subscription-v3-price-accepted',
    'subscription-v3-price-refused',
    'subscription-v4-self-service',
    'subscription-v4-admin-past-due',
  ];
  if ((await Promise.all(subscriptionScenarios.map(keep))).every(Boolean)) return;
  const partner = await makePartner(stack, actor.userId);
  const productId = await publishProduct(stack, partner.browser, actor.userId, {
    options: {
      weights: [
        { grams: 200, priceKrw: 16000 },
        { grams: 500, priceKrw: 36000 },
      ],
      grinds: ['whole_bean', 'pour_over'],
      cycles: [1, 2],
    },
  });
  const shipTo = { name: '김고객', phone: '010-1234-5678', address: '서울특별시 마포구 와우산로 94' };
  const payments = async (subscriptionId: string) =>
    (await stack.db('payments').where({ subscriptionId })).length;
  const subscribe = async (card: string, cycleWeeks = 1) => {
    const customer = await makeUser(stack);
    const customerKey = customerKeyFor(customer.me.id);
    const res = await customer.browser.post<{ id: string }>('/api/subscriptions', {
      consents: await checkoutConsents(customer.browser, productId, { grams: 200, quantity: 1 }),
      productId,
      options: { grams: 200, grind: 'whole_bean', quantity: 1, cycleWeeks },
      shipTo,
      authKey: await stack.sandbox.authKey(customerKey, card),
      customerKey,
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const id = res.body.id;
    const act = async (action: string, body: object = {}) => {
      const answer = await customer.browser.post(`/api/subscriptions/${id}/${action}`, body);
      assert.equal(answer.status, 200, `${action}: ${JSON.stringify(answer.body)}`);
    };
    return { id, customer, customerKey, act, handle: subscriptionHandle(stack.client, id) };
  };

  if (!(await keep('subscription-v2-actions'))) {
    const s = await subscribe('4330123412341234');
    await eventually(async () => (await payments(s.id)) >= 1);
    await s.handle.signal(priceChangeSignal, {
      revisionId: randomUUID(),
      weights: [{ grams: 200, priceKrw: 17000 }],
      effectiveAt: new Date().toISOString(),
    });
    await s.act('pause');
    await s.act('resume');
    await s.act('options', { grams: 500, grind: 'pour_over', quantity: 2, cycleWeeks: 2 });
    await s.act('skip');
    await eventually(async () => (await payments(s.id)) >= 2, 15_000);
    await s.act('cancel', { when: 'period_end' });
    await s.handle.result();
    await writeFile(join(dir, 'subscription-v2-actions.json'), historyToJSON(await s.handle.fetchHistory()));
  }
  if (!(await keep('subscription-v2-dunning-new-card'))) {
    const s = await subscribe('4000000000000002'); // always declines
    await eventually(
      async () => (await stack.db('subscriptions').where({ id: s.id }).first()).dunningStep >= 2,
      15_000,
    );
    await s.act('card', {
      authKey: await stack.sandbox.authKey(s.customerKey, '4330123412341234'),
      customerKey: s.customerKey,
    });
    await eventually(async () => (await payments(s.id)) >= 1);
    await s.act('cancel', { when: 'now' });
    await s.handle.result();
    await writeFile(
      join(dir, 'subscription-v2-dunning-new-card.json'),
      historyToJSON(await s.handle.fetchHistory()),
    );
  }
  // Runs with notices (subscription-notices): 결제 예정 안내 before each charge, a price increase reminded, then accepted
  // (charged from its date) or refused (the subscription ends by itself on its date).
  const increase = async (s: Awaited<ReturnType<typeof subscribe>>) => {
    await eventually(async () => (await payments(s.id)) >= 1);
    const revisionId = randomUUID();
    await s.handle.signal(priceChangeSignal, {
      revisionId,
      weights: [{ grams: 200, priceKrw: 17000 }],
      effectiveAt: new Date().toISOString(),
    });
    await eventually(async () => (await stack.db('subscriptions').where({ id: s.id }).first()).pendingChange);
    return revisionId;
  };
  if (!(await keep('subscription-v3-price-accepted'))) {
    const s = await subscribe('4330123412341234');
    const revisionId = await increase(s);
    await eventually(() => stack.db('outbox').where({ template: 'price_change_reminder' }).first(), 10_000);
    await s.act('price-change', { revisionId, decision: 'accept' });
    await eventually(
      async () => (await stack.db('payments').where({ subscriptionId: s.id, amount: 17000 })).length >= 1,
      15_000,
    );
    await s.act('cancel', { when: 'now' });
    await s.handle.result();
    await writeFile(
      join(dir, 'subscription-v3-price-accepted.json'),
      historyToJSON(await s.handle.fetchHistory()),
    );
  }
  if (!(await keep('subscription-v3-price-refused'))) {
    const s = await subscribe('4330123412341234');
    const revisionId = await increase(s);
    await s.act('price-change', { revisionId, decision: 'refuse' });
    await s.handle.result();
    await writeFile(
      join(dir, 'subscription-v3-price-refused.json'),
      historyToJSON(await s.handle.fetchHistory()),
    );
  }
  // Self-service (issue 15): a skip and a scheduled cancel taken back, the address moved to one from the address book,
  // the card replaced (the old key released), then a cancel at once.
  if (!(await keep('subscription-v4-self-service'))) {
    const s = await subscribe('4330123412341234', 2); // 3 s cycles: the skip is taken back before its date
    await eventually(async () => (await payments(s.id)) >= 1);
    await s.act('skip');
    await s.act('undo-skip');
    await s.act('cancel', { when: 'period_end', reasonCode: 'beans_left', reason: '아직 남았어요' });
    await s.act('undo-cancel');
    const saved = await s.customer.browser.post<{ id: string }>('/api/me/addresses', {
      name: '김고객',
      phone: '010-1234-5678',
      postcode: '03172',
      address1: '서울특별시 종로구 세종대로 175',
      address2: '2층',
      memo: '문 앞에 놓아 주세요',
    });
    assert.equal(saved.status, 201, JSON.stringify(saved.body));
    await s.act('address', { addressId: saved.body.id });
    await s.act('card', {
      authKey: await stack.sandbox.authKey(s.customerKey, '5365101234567890'),
      customerKey: s.customerKey,
    });
    await eventually(async () => (await payments(s.id)) >= 2, 15_000);
    await s.act('cancel', { when: 'now', reasonCode: 'price' });
    await s.handle.result();
    await writeFile(
      join(dir, 'subscription-v4-self-service.json'),
      historyToJSON(await s.handle.fetchHistory()),
    );
  }
  // An admin pauses a past-due subscription (as a roaster's suspension does), resumes it (the roaster is checked
  // first), and cancels it.
  if (!(await keep('subscription-v4-admin-past-due'))) {
    const s = await subscribe('4000000000000002'); // always declines
    await eventually(
      async () => (await stack.db('subscriptions').where({ id: s.id }).first()).status === 'past_due',
    );
    const asAdmin = { actor, args: {}, reason: 'replay: roaster suspended' };
    await s.handle.executeUpdate(pauseUpdate, { args: [asAdmin] });
    await s.handle.executeUpdate(resumeUpdate, { args: [asAdmin] });
    await s.handle.executeUpdate(cancelSubscriptionUpdate, { args: [{ ...asAdmin, args: { when: 'now' } }] });
    await s.handle.result();
    await writeFile(
      join(dir, 'subscription-v4-admin-past-due.json'),
      historyToJSON(await s.handle.fetchHistory()),
    );
  }
  if (!(await keep('fulfilment-withdrawn-with-subscription'))) {
    const s = await subscribe('4330123412341234');
    const order = await eventually(() =>
      stack.db('fulfilment_orders').where({ subscriptionId: s.id }).first(),
    );
    await s.act('cancel', { when: 'now' });
    const fulfilment = fulfilmentHandle(stack.client, order.id);
    await fulfilment.result();
    await writeFile(
      join(dir, 'fulfilment-withdrawn-with-subscription.json'),
      historyToJSON(await fulfilment.fetchHistory()),
    );
  }
}

describe('replay of committed workflow histories', () => {
  if (process.env.UPDATE_HISTORIES) {
    let stack: Stack;
    before(async () => {
      stack = await startStack({
        SUBSCRIPTION_WEEK: '1500ms',
        DUNNING_LADDER: '1s,2s,3s',
        CHARGE_ERROR_BACKOFF: '300ms',
        // Nothing listens here: the notifier's recorded rounds send nothing to a developer's MailDev.
        SMTP_URL: 'smtp://127.0.0.1:9',
        NOTICE_BEFORE_CHARGE: '600ms',
        PRICE_CHANGE_NOTICE: '4s',
        PRICE_CHANGE_REMINDER: '3s',
      });
    });
    after(async () => {
      await stack.stop();
      await stopTemporal();
    });
    it('records fresh histories', async () => {
      await record(stack);
    });
  }

  it('replays every committed history without non-determinism', async () => {
    const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
    assert.ok(files.length >= 7, 'committed histories are present');
    const workflowBundle = await getWorkflowBundle();
    for (const file of files) {
      const history = historyFromJSON(JSON.parse(await readFile(join(dir, file), 'utf8')));
      await Worker.runReplayHistory(
        { workflowBundle, replayName: file, dataConverter: dataConverterFor(testConfig().payloadKeys) },
        history,
      );
    }
  });

  it('keeps the workflow bundle lean: no validation library inside', async () => {
    // Every cached workflow run instantiates the bundle's modules: zod inside cost ~2 MB a run, and a 1,000-charge
    // burst took the worker past 2 GB (bench:charge-burst). Workflows import types, or zod-free modules only.
    const { code } = await getWorkflowBundle();
    assert.ok(
      !code.includes('node_modules/zod'),
      'zod is in the workflow bundle: a workflow imports a zod module',
    );
    assert.ok(code.length < 2_500_000, `the workflow bundle is ${code.length} bytes`);
  });
});
