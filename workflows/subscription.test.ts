import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { customerKeyFor, type SubscriptionState } from '../domain/subscription';
import { createSecretBox } from '../infra/secretBox';
import type { Browser } from '../test/browser';
import { subscriptionStateQuery, subscriptionWorkflowId } from '../domain/contracts/subscription';
import { decideUpdate } from '../domain/contracts/reviewDesk';
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

// A "week" is 1.5 s here; the dunning ladder is 1 s, 2 s, 3 s after the first decline.
let stack: Stack;
let adminId: string;
let productId: string;
before(async () => {
  stack = await startStack({
    SUBSCRIPTION_WEEK: '1500ms',
    DUNNING_LADDER: '1s,2s,3s',
    CHARGE_ERROR_BACKOFF: '300ms',
    SUBSCRIPTION_HISTORY_LIMIT: '40',
    CARD_CONNECT_WAIT: '1500ms',
    CARD_CHANGE_BUDGET: '3s',
    // An increase takes effect 4 s after its notice (about three cycles), reminded 1 s after it.
    PRICE_CHANGE_NOTICE: '4s',
    PRICE_CHANGE_REMINDER: '3s',
  });
  const admin = await makeUser(stack, ['customer', 'admin']);
  adminId = admin.me.id;
  const partner = await makePartner(stack, adminId);
  productId = await publishProduct(stack, partner.browser, adminId, {
    options: {
      weights: [
        { grams: 200, priceKrw: 16000 },
        { grams: 500, priceKrw: 36000 },
      ],
      grinds: ['whole_bean', 'pour_over'],
      cycles: [1, 2, 4],
    },
  });
});
after(async () => {
  await stack.stop();
  await stopTemporal();
});

const shipTo = { name: '김고객', phone: '010-1234-5678', address: '서울특별시 마포구 와우산로 94, 3층' };

async function subscribe(card = '4330123412341234', over: Record<string, unknown> = {}) {
  const customer = await makeUser(stack);
  const customerKey = customerKeyFor(customer.me.id);
  const authKey = await stack.sandbox.authKey(customerKey, card);
  const res = await customer.browser.post<{ id: string; state: SubscriptionState }>('/api/subscriptions', {
    consents: await checkoutConsents(customer.browser, productId, { grams: 200, quantity: 1 }),
    productId,
    options: { grams: 200, grind: 'whole_bean', quantity: 1, cycleWeeks: 1 },
    shipTo,
    authKey,
    customerKey,
    ...over,
  });
  return { ...customer, customerKey, res, id: res.body.id };
}

const payments = (subscriptionId: string) => stack.db('payments').where({ subscriptionId }).orderBy('cycle');
const sub = (id: string) => stack.db('subscriptions').where({ id }).first();
const state = (browser: Browser, id: string) =>
  browser.get<{ live: SubscriptionState; status: string }>(`/api/subscriptions/${id}`);
const waitFor = <T>(fn: () => Promise<T | undefined | null | false>, ms = 15_000) => eventually(fn, ms);

describe('subscription workflow (real dev server, PostgreSQL, sandbox)', () => {
  it('connects the card, charges at once and every cycle after; each cycle paid, shipped and ledgered once', async () => {
    const { res, id, browser } = await subscribe();
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.state.status, 'active');
    assert.match(res.body.state.cardMasked!, /\*/);
    await waitFor(async () => (await payments(id)).length >= 3);
    const rows = await payments(id);
    assert.deepEqual(
      rows.slice(0, 3).map((p: { cycle: number }) => p.cycle),
      [1, 2, 3],
    );
    assert.ok(rows.every((p: { amount: number }) => p.amount === 16000));
    // The sandbox's ledger agrees: one approved charge per recorded cycle, never two.
    const ledger = await stack.sandbox.charges({ orderIdPrefix: `sub_${id.replace(/-/g, '')}_` });
    const recorded = (await payments(id)).length;
    assert.ok(ledger.payments.length >= recorded && ledger.payments.length <= recorded + 1);
    assert.equal(new Set(ledger.payments.map((p) => p.order_id)).size, ledger.payments.length);
    const orders = await stack.db('fulfilment_orders').where({ subscriptionId: id });
    assert.ok(orders.length >= 3);
    const ledgerLines = await stack.db('partner_ledger').whereIn(
      'paymentId',
      rows.map((p: { id: string }) => p.id),
    );
    assert.equal(ledgerLines.length, rows.length);
    const mine = await browser.get<{ items: { id: string }[] }>('/api/me/payments');
    assert.ok(mine.body.items.length >= 3);
    const described = await stack.client.workflow.getHandle(subscriptionWorkflowId(id)).describe();
    assert.deepEqual(described.searchAttributes.SubscriptionStatus, ['active']);
    assert.deepEqual(described.searchAttributes.PaymentState, ['idle']);
    assert.ok(described.searchAttributes.NextChargeAt);
    await browser.post(`/api/subscriptions/${id}/cancel`, { when: 'now' });
  });

  it('pauses (no charges while paused) and resumes (a charge that came due is made at once)', async () => {
    const { id, browser } = await subscribe();
    await waitFor(async () => (await payments(id)).length >= 1);
    const paused = await browser.post<SubscriptionState>(`/api/subscriptions/${id}/pause`);
    assert.equal(paused.status, 200, JSON.stringify(paused.body));
    assert.equal(paused.body.status, 'paused');
    const before = (await payments(id)).length;
    await new Promise((r) => setTimeout(r, 3200));
    assert.equal((await payments(id)).length, before, 'no charge while paused');
    assert.equal((await sub(id)).status, 'paused');
    const again = await browser.post<{ error: { code: string; details?: { reason?: string } } }>(
      `/api/subscriptions/${id}/pause`,
    );
    assert.equal(again.status, 409);
    // The page says why in its own words: the refusal carries a machine reason, not only a sentence.
    assert.equal(again.body.error.details?.reason, 'already_paused');
    const resumed = await browser.post<SubscriptionState>(`/api/subscriptions/${id}/resume`);
    assert.equal(resumed.body.status, 'active');
    await waitFor(async () => (await payments(id)).length === before + 1, 5000);
    await browser.post(`/api/subscriptions/${id}/cancel`, { when: 'now' });
  });

  it('skips the next delivery: no charge for it, and the schedule moves on by one cycle', async () => {
    const { id, browser } = await subscribe('4330123412341234', { firstChargeDate: undefined });
    await waitFor(async () => (await payments(id)).length >= 1);
    const skipped = await browser.post<SubscriptionState>(`/api/subscriptions/${id}/skip`);
    assert.equal(skipped.body.skipNext, true);
    // The cycle the skip applies to is the one the Update answered with (a charge may land between reading the row
    // and the skip: the skip then applies to the charge after it).
    const before = { nextChargeAt: skipped.body.nextChargeAt!, cycle: skipped.body.cycle };
    await waitFor(async () => {
      const row = await sub(id);
      return !row.skipNext && new Date(row.nextChargeAt).getTime() > new Date(before.nextChargeAt).getTime()
        ? row
        : undefined;
    });
    const after = await sub(id);
    assert.equal(
      new Date(after.nextChargeAt).getTime() - new Date(before.nextChargeAt).getTime(),
      1500,
      `${new Date(before.nextChargeAt).toISOString()} → ${new Date(after.nextChargeAt).toISOString()} cycle ${before.cycle}→${after.cycle}`,
    );
    assert.equal(after.cycle, before.cycle, 'the skipped cycle was not charged');
    const notice = await stack
      .db('outbox')
      .where({ template: 'delivery_skipped', recipientUserId: after.customerId })
      .first();
    assert.ok(notice);
    await browser.post(`/api/subscriptions/${id}/cancel`, { when: 'now' });
  });

  it('changes quantity and weight from the next cycle (the next charge uses them) and refuses what is not offered', async () => {
    const { id, browser } = await subscribe();
    await waitFor(async () => (await payments(id)).length >= 1);
    const refused = await browser.post<{ error: { code: string } }>(`/api/subscriptions/${id}/options`, {
      grams: 1000,
    });
    assert.equal(refused.status, 400);
    const changed = await browser.post<SubscriptionState>(`/api/subscriptions/${id}/options`, {
      grams: 500,
      quantity: 2,
    });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal(changed.body.unitPrice, 36000);
    assert.equal((await sub(id)).amount, 72000);
    const next = await waitFor(async () =>
      (await payments(id)).find((p: { amount: number }) => p.amount === 72000),
    );
    assert.ok(next);
    const orders = await stack.db('fulfilment_orders').where({ paymentId: next.id }).first();
    assert.equal(orders.grams, 500);
    assert.equal(orders.quantity, 2);
    await browser.post(`/api/subscriptions/${id}/cancel`, { when: 'now' });
  });

  it('cancels at the end of the cycle (no further charge) or at once', async () => {
    const a = await subscribe();
    await waitFor(async () => (await payments(a.id)).length >= 1);
    const scheduled = await a.browser.post<SubscriptionState>(`/api/subscriptions/${a.id}/cancel`, {
      when: 'period_end',
    });
    assert.equal(scheduled.body.cancelAtPeriodEnd, true);
    const count = (await payments(a.id)).length;
    await waitFor(async () => (await sub(a.id)).status === 'canceled');
    assert.equal((await payments(a.id)).length, count, 'nothing charged at the end of the cycle');
    // The read model says canceled a moment before the workflow finishes its last task.
    const ended = await stack.client.workflow.getHandle(subscriptionWorkflowId(a.id)).result();
    assert.equal(ended.status, 'canceled');
    assert.equal(
      (await stack.client.workflow.getHandle(subscriptionWorkflowId(a.id)).describe()).status.name,
      'COMPLETED',
    );

    const b = await subscribe();
    await waitFor(async () => (await payments(b.id)).length >= 1);
    const now = await b.browser.post<SubscriptionState>(`/api/subscriptions/${b.id}/cancel`, {
      when: 'now',
      reason: '여행',
    });
    assert.equal(now.body.status, 'canceled');
    const late = await b.browser.post<{ error: { code: string; details?: { reason?: string } } }>(
      `/api/subscriptions/${b.id}/pause`,
    );
    assert.equal(late.status, 409);
    assert.equal(late.body.error.details?.reason, 'subscription_canceled');
  });

  it('dunning: a decline goes past due, is retried on the ladder and recovers; every attempt is in the history', async () => {
    const { id, browser } = await subscribe('4000000000000085'); // declines the first charge of each order
    const row = await waitFor(async () => {
      const r = await sub(id);
      return r.status === 'past_due' ? r : undefined;
    });
    assert.equal(row.dunningStep, 1);
    assert.equal(row.paymentState, 'retrying', 'a retry is scheduled on the ladder');
    assert.ok(row.nextRetryAt);
    const declinedNotice = await stack
      .db('outbox')
      .where({ template: 'payment_failed', recipientUserId: row.customerId })
      .first();
    assert.ok(declinedNotice, 'the customer is asked to check the card');
    const described = await stack.client.workflow.getHandle(subscriptionWorkflowId(id)).describe();
    assert.deepEqual(described.searchAttributes.PaymentState, ['retrying']);
    await waitFor(async () => (await payments(id)).length >= 1);
    const recovered = await waitFor(async () => {
      const r = await sub(id);
      return r.status === 'active' ? r : undefined;
    });
    assert.equal(recovered.dunningStep, 0);
    const events = await stack.db('payment_events').where({ subscriptionId: id, cycle: 1 }).orderBy('id');
    assert.deepEqual(events.map((e: { outcome: string }) => e.outcome).slice(0, 2), ['declined', 'approved']);
    await browser.post(`/api/subscriptions/${id}/cancel`, { when: 'now' });
  });

  it('dunning: after the last step the subscription is suspended; a new card retries at once and recovers', async () => {
    const { id, browser, customerKey } = await subscribe('4000000000000002'); // always declines
    const suspended = await waitFor(async () => {
      const r = await sub(id);
      return r.status === 'suspended' ? r : undefined;
    }, 20_000);
    assert.equal(suspended.dunningStep, 4);
    assert.equal(suspended.paymentState, 'declined', 'no retry left: it waits for a new card');
    const attempts = await stack.db('payment_events').where({ subscriptionId: id, outcome: 'declined' });
    assert.equal(attempts.length, 4, 'the first charge and three retries');
    assert.equal((await payments(id)).length, 0);
    const authKey = await stack.sandbox.authKey(customerKey, '4330123412341234');
    const changed = await browser.post<SubscriptionState>(`/api/subscriptions/${id}/card`, {
      authKey,
      customerKey,
    });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    await waitFor(async () => (await payments(id)).length === 1, 5000);
    assert.equal((await sub(id)).status, 'active');
    await browser.post(`/api/subscriptions/${id}/cancel`, { when: 'now' });
  });

  it('a decline no retry can fix (stopped card) skips the ladder and waits for a new card', async () => {
    const { id, browser, customerKey } = await subscribe('4000000000000044');
    const row = await waitFor(async () => {
      const r = await sub(id);
      return r.status === 'past_due' ? r : undefined;
    });
    assert.equal(row.nextRetryAt, null);
    assert.match(row.lastError, /INVALID_STOPPED_CARD/);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(
      (await stack.db('payment_events').where({ subscriptionId: id })).length,
      1,
      'no ladder retries',
    );
    const notice = await stack
      .db('outbox')
      .where({ template: 'payment_card_needed', recipientUserId: row.customerId })
      .first();
    assert.ok(notice);
    const bad = await browser.post<{ error: { code: string } }>(`/api/subscriptions/${id}/card`, {
      authKey: 'bln_not_a_key',
      customerKey,
    });
    assert.equal(bad.status, 400, 'an authKey the card window never issued: register the card again');
    assert.equal(bad.body.error.code, 'CARD_AUTH_INVALID');
    const authKey = await stack.sandbox.authKey(customerKey, '5365101234567890');
    await browser.post(`/api/subscriptions/${id}/card`, { authKey, customerKey });
    await waitFor(async () => (await payments(id)).length === 1, 5000);
    await browser.post(`/api/subscriptions/${id}/cancel`, { when: 'now' });
  });

  it("refuses a card the sandbox window never issued, and a customerKey that is not the customer's", async () => {
    const customer = await makeUser(stack);
    const customerKey = customerKeyFor(customer.me.id);
    const bad = await customer.browser.post<{ error: { code: string } }>('/api/subscriptions', {
      consents: await checkoutConsents(customer.browser, productId, { grams: 200, quantity: 1 }),
      productId,
      options: { grams: 200, grind: 'whole_bean', quantity: 1, cycleWeeks: 2 },
      shipTo,
      authKey: 'bln_forged_000000',
      customerKey,
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'CARD_AUTH_INVALID');
    const other = await customer.browser.post('/api/subscriptions', {
      consents: await checkoutConsents(customer.browser, productId, { grams: 200, quantity: 1 }),
      productId,
      options: { grams: 200, grind: 'whole_bean', quantity: 1, cycleWeeks: 2 },
      shipTo,
      authKey: 'bln_x',
      customerKey: 'dalgona_someone_else',
    });
    assert.equal(other.status, 403);
  });

  it('a card window finished for another customer: checkout answers 400 at once in Korean, nothing is left connecting', async () => {
    const owner = await makeUser(stack);
    const customer = await makeUser(stack);
    const res = await customer.browser.post<{ error: { code: string; message: string } }>(
      '/api/subscriptions',
      {
        consents: await checkoutConsents(customer.browser, productId, { grams: 200, quantity: 1 }),
        productId,
        options: { grams: 200, grind: 'whole_bean', quantity: 1, cycleWeeks: 1 },
        shipTo,
        authKey: await stack.sandbox.authKey(customerKeyFor(owner.me.id)),
        customerKey: customerKeyFor(customer.me.id),
      },
    );
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.equal(res.body.error.code, 'CARD_AUTH_INVALID');
    assert.match(res.body.error.message, /다른 계정/);
    const row = await stack.db('subscriptions').where({ customerId: customer.me.id }).first();
    assert.equal(row.status, 'card_failed');
    const done = await stack.client.workflow.getHandle(row.workflowId).describe();
    assert.equal(done.status.name, 'COMPLETED', 'the workflow ended: it does not retry the provider');
    // The card the owner registered with that authKey is never handed to someone else either.
    const ownerKey = customerKeyFor(owner.me.id);
    const authKey = await stack.sandbox.authKey(ownerKey);
    const mine = await owner.browser.post<{ id: string }>('/api/subscriptions', {
      consents: await checkoutConsents(owner.browser, productId, { grams: 200, quantity: 1 }),
      productId,
      options: { grams: 200, grind: 'whole_bean', quantity: 1, cycleWeeks: 2 },
      shipTo,
      authKey,
      customerKey: ownerKey,
    });
    assert.equal(mine.status, 201);
    const replayed = await customer.browser.post<{ error: { code: string } }>('/api/subscriptions', {
      consents: await checkoutConsents(customer.browser, productId, { grams: 200, quantity: 1 }),
      productId,
      options: { grams: 200, grind: 'whole_bean', quantity: 1, cycleWeeks: 2 },
      shipTo,
      authKey,
      customerKey: customerKeyFor(customer.me.id),
    });
    assert.equal(replayed.status, 400);
    assert.equal(replayed.body.error.code, 'CARD_AUTH_INVALID');
    await owner.browser.post(`/api/subscriptions/${mine.body.id}/cancel`, { when: 'now' });
  });

  it("a card change with another customer's card window is refused at once; the subscription goes on", async () => {
    const { id, browser, customerKey } = await subscribe();
    await waitFor(async () => (await payments(id)).length >= 1);
    const other = await makeUser(stack);
    const refused = await browser.post<{ error: { code: string; details: unknown } }>(
      `/api/subscriptions/${id}/card`,
      {
        authKey: await stack.sandbox.authKey(customerKeyFor(other.me.id)),
        customerKey,
      },
    );
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assert.equal(refused.body.error.code, 'CARD_AUTH_INVALID');
    assert.deepEqual(refused.body.error.details, { providerCode: 'NOT_MATCHES_CUSTOMER_KEY' });
    await waitFor(async () => (await payments(id)).length >= 2);
    const paused = await browser.post<SubscriptionState>(`/api/subscriptions/${id}/pause`);
    assert.equal(paused.status, 200);
    await browser.post(`/api/subscriptions/${id}/cancel`, { when: 'now' });
  });

  it('the provider down at checkout: 202 "still connecting", PaymentState retrying, and the customer can cancel it', async () => {
    const customer = await makeUser(stack);
    const customerKey = customerKeyFor(customer.me.id);
    const authKey = await stack.sandbox.authKey(customerKey);
    await stack.sandbox.setFaults({ failRate: 1 });
    try {
      const res = await customer.browser.post<{ id: string; state: SubscriptionState }>(
        '/api/subscriptions',
        {
          consents: await checkoutConsents(customer.browser, productId, { grams: 200, quantity: 1 }),
          productId,
          options: { grams: 200, grind: 'whole_bean', quantity: 1, cycleWeeks: 1 },
          shipTo,
          authKey,
          customerKey,
        },
      );
      assert.equal(res.status, 202, JSON.stringify(res.body));
      assert.equal(res.body.state.status, 'connecting');
      const handle = stack.client.workflow.getHandle(subscriptionWorkflowId(res.body.id));
      await waitFor(async () => {
        const d = await handle.describe();
        return d.searchAttributes.PaymentState?.[0] === 'retrying';
      });
      const mine = await customer.browser.get<{ items: { id: string; status: string }[] }>(
        '/api/subscriptions/mine',
      );
      assert.equal(mine.body.items.find((i) => i.id === res.body.id)?.status, 'connecting');
      const canceled = await customer.browser.post<SubscriptionState>(
        `/api/subscriptions/${res.body.id}/cancel`,
        {
          when: 'now',
        },
      );
      assert.equal(canceled.status, 200, JSON.stringify(canceled.body));
      assert.equal(canceled.body.status, 'canceled');
      assert.equal((await handle.result()).status, 'canceled');
      assert.equal((await sub(res.body.id)).status, 'canceled');
    } finally {
      await stack.sandbox.setFaults({ failRate: 0 });
    }
  });

  it('another customer can neither see nor act on a subscription', async () => {
    const { id, browser } = await subscribe();
    const stranger = await makeUser(stack);
    assert.equal((await stranger.browser.get(`/api/subscriptions/${id}`)).status, 404);
    assert.equal((await stranger.browser.post(`/api/subscriptions/${id}/pause`)).status, 404);
    assert.equal((await state(browser, id)).status, 200);
    await browser.post(`/api/subscriptions/${id}/cancel`, { when: 'now' });
  });

  it('keeps the billing key out of history, database rows, Redis and API answers (only sealed at rest)', async () => {
    const { id, browser } = await subscribe();
    await waitFor(async () => (await payments(id)).length >= 2);
    const row = await sub(id);
    const card = await stack.db('cards').where({ id: row.cardId }).first();
    const billingKey = createSecretBox(
      stack.config.billingKeys.secrets,
      stack.config.billingKeys.activeId,
    ).open(card.billingKeyEnc, `card:${card.id}`);
    assert.ok(billingKey.length > 20);
    const handle = stack.client.workflow.getHandle(subscriptionWorkflowId(id));
    assert.ok(!JSON.stringify(await handle.fetchHistory()).includes(billingKey), 'not in workflow history');
    const tables = await stack
      .db('information_schema.tables')
      .where({ table_schema: 'public', table_type: 'BASE TABLE' })
      .pluck('table_name');
    for (const table of tables) {
      const hit = await stack.db.raw(`SELECT count(*)::int AS n FROM ?? t WHERE t::text LIKE ?`, [
        table,
        `%${billingKey}%`,
      ]);
      assert.equal(hit.rows[0].n, 0, `not in ${table}`);
    }
    const keys = await stack.redis.keys('*');
    for (const key of keys) {
      const value = await stack.redis.call('GET', key).catch(() => '');
      assert.ok(!String(value).includes(billingKey), `not in Redis ${key}`);
    }
    const answer =
      JSON.stringify((await browser.get(`/api/subscriptions/${id}`)).body) +
      JSON.stringify((await browser.get('/api/subscriptions/mine')).body);
    assert.ok(!answer.includes(billingKey), 'not in API answers');
    await browser.post(`/api/subscriptions/${id}/cancel`, { when: 'now' });
  });

  it('continues as new when its history grows; the next run carries the cycle count and schedule', async () => {
    const { id, browser } = await subscribe();
    const handle = stack.client.workflow.getHandle(subscriptionWorkflowId(id));
    const firstRun = (await handle.describe()).runId;
    await waitFor(async () => ((await handle.describe()).runId !== firstRun ? true : undefined), 30_000);
    const cycleAtSwitch = (await handle.query(subscriptionStateQuery)).cycle;
    assert.ok(cycleAtSwitch >= 2);
    await waitFor(async () => (await payments(id)).length >= cycleAtSwitch + 1);
    const cycles = (await payments(id)).map((p: { cycle: number }) => p.cycle);
    assert.deepEqual(
      cycles,
      cycles.map((_: number, i: number) => i + 1),
      'no cycle lost or repeated across runs',
    );
    const first = await stack.client.workflow.getHandle(subscriptionWorkflowId(id), firstRun).fetchHistory();
    assert.ok((first.events?.length ?? 0) <= 60, `each run stays short (${first.events?.length} events)`);
    await browser.post(`/api/subscriptions/${id}/cancel`, { when: 'now' });
  });

  /** A partner's own product and a customer's subscription to it, charged once; then an approved edit of its price. */
  async function repriced(priceKrw: number) {
    const admin = await makeUser(stack, ['customer', 'admin']);
    const partner = await makePartner(stack, admin.me.id);
    const ownProduct = await publishProduct(stack, partner.browser, admin.me.id, {
      options: { weights: [{ grams: 200, priceKrw: 16000 }], grinds: ['whole_bean'], cycles: [1] },
    });
    const customer = await makeUser(stack);
    const customerKey = customerKeyFor(customer.me.id);
    const res = await customer.browser.post<{ id: string }>('/api/subscriptions', {
      consents: await checkoutConsents(customer.browser, ownProduct, { grams: 200, quantity: 2 }),
      productId: ownProduct,
      options: { grams: 200, grind: 'whole_bean', quantity: 2, cycleWeeks: 1 },
      shipTo,
      authKey: await stack.sandbox.authKey(customerKey),
      customerKey,
    });
    const id = res.body.id;
    await waitFor(async () => (await payments(id)).length >= 1);
    const mine = await partner.browser.get<{ revisions: { form: Record<string, unknown> }[] }>(
      `/api/partner/products/${ownProduct}`,
    );
    const form = mine.body.revisions[0]!.form as {
      options: { weights: { grams: number; priceKrw: number }[] };
    };
    const edit = await partner.browser.post<{ revisionId: string }>(
      `/api/partner/products/${ownProduct}/revisions`,
      { ...form, options: { ...form.options, weights: [{ grams: 200, priceKrw }] } },
    );
    const task = await waitFor(() =>
      stack.db('tasks').where({ subjectId: edit.body.revisionId, state: 'open' }).first(),
    );
    await stack.client.workflow
      .getHandle(task.workflowId, undefined, { firstExecutionRunId: task.workflowRunId })
      .executeUpdate(decideUpdate, {
        args: [{ taskId: task.id, decision: 'approve', actor: { userId: adminId, roles: ['admin'] } }],
      });
    const notice = (template: string) =>
      stack.db('outbox').where({ template, recipientUserId: customer.me.id }).first();
    return { id, customer, revisionId: edit.body.revisionId, notice };
  }
  const amounts = async (id: string) => (await payments(id)).map((p: { amount: number }) => p.amount);

  it('a price increase waits for the subscriber: shown on 마이페이지, charged only once accepted, from its date', async () => {
    const { id, customer, revisionId, notice } = await repriced(17000);
    const row = await waitFor(async () => ((await sub(id)).pendingChange ? sub(id) : undefined));
    assert.deepEqual(
      [row.unitPrice, row.pendingChange.unitPrice, row.pendingChange.consent],
      [16000, 17000, 'pending'],
    );
    const mine = await customer.browser.get<{ items: { id: string; pendingPrice: { consent: string } }[] }>(
      '/api/subscriptions/mine',
    );
    assert.equal(mine.body.items.find((s) => s.id === id)?.pendingPrice.consent, 'pending');
    const proposal = await waitFor(() => notice('price_change_proposed'));
    assert.deepEqual([proposal.payload.oldAmount, proposal.payload.newAmount], [32000, 34000]);
    assert.equal(proposal.payload.effectiveAt, row.pendingChange.effectiveAt);
    // Bad answers change nothing: another revision, another customer.
    const wrong = await customer.browser.post(`/api/subscriptions/${id}/price-change`, {
      revisionId: randomUUID(),
      decision: 'accept',
    });
    assert.equal(wrong.status, 409);
    const stranger = await makeUser(stack);
    const theirs = await stranger.browser.post(`/api/subscriptions/${id}/price-change`, {
      revisionId,
      decision: 'accept',
    });
    assert.equal(theirs.status, 404);
    assert.equal((await sub(id)).pendingChange.consent, 'pending');
    const yes = await customer.browser.post<{ pendingPrice: { consent: string } }>(
      `/api/subscriptions/${id}/price-change`,
      { revisionId, decision: 'accept' },
    );
    assert.equal(yes.status, 200, JSON.stringify(yes.body));
    assert.equal(yes.body.pendingPrice.consent, 'accepted');
    await waitFor(() => notice('price_change_accepted'));
    await waitFor(async () => ((await amounts(id)).includes(34000) ? true : undefined), 20_000);
    const paid = await amounts(id);
    const first = paid.indexOf(34000);
    assert.ok(first >= 1 && paid.slice(0, first).every((a: number) => a === 32000), paid.join());
    // The charge's own transaction records the payment; the workflow writes its new price to the row right after.
    await waitFor(async () => ((await sub(id)).unitPrice === 17000 ? true : undefined));
    await customer.browser.post(`/api/subscriptions/${id}/cancel`, { when: 'now' });
  });

  it('a price increase refused is never charged: the subscription ends after its last cycle at the old price', async () => {
    const { id, customer, revisionId, notice } = await repriced(17000);
    await waitFor(async () => ((await sub(id)).pendingChange ? true : undefined));
    const no = await customer.browser.post(`/api/subscriptions/${id}/price-change`, {
      revisionId,
      decision: 'refuse',
    });
    assert.equal(no.status, 200, JSON.stringify(no.body));
    await waitFor(() => notice('price_change_refused'));
    const ended = await waitFor(
      async () => ((await sub(id)).status === 'canceled' ? sub(id) : undefined),
      20_000,
    );
    assert.equal(ended.endReason, 'price_refused');
    assert.ok(
      (await amounts(id)).every((a: number) => a === 32000),
      (await amounts(id)).join(),
    );
    assert.ok(await notice('subscription_ended_price'));
    const late = await customer.browser.post(`/api/subscriptions/${id}/price-change`, {
      revisionId,
      decision: 'accept',
    });
    assert.equal(late.status, 409);
  });

  it('a price decrease applies from the next cycle with a notice', async () => {
    const { id, customer, notice } = await repriced(15000);
    const lowered = await waitFor(async () => ((await sub(id)).amount === 30000 ? sub(id) : undefined));
    assert.deepEqual([lowered.unitPrice, lowered.pendingChange], [15000, null]);
    // One writer: the workflow's own state says the same as its row.
    const live = await customer.browser.get<{ live: SubscriptionState }>(`/api/subscriptions/${id}`);
    assert.equal(live.body.live.unitPrice, 15000);
    assert.equal((await notice('subscription_price_changed')).payload.newAmount, 30000);
    await waitFor(async () => ((await amounts(id)).includes(30000) ? true : undefined));
    await customer.browser.post(`/api/subscriptions/${id}/cancel`, { when: 'now' });
  });

  it('an admin refunds part of a payment through the provider; the customer sees it, the ledger records it', async () => {
    const { id, browser } = await subscribe();
    const payment = await waitFor(async () => (await payments(id))[0]);
    await browser.post(`/api/subscriptions/${id}/cancel`, { when: 'period_end' });
    const admin = await makeUser(stack, ['customer', 'admin']);
    const refund = await admin.browser.post<{ ok: boolean; status: string; refundedTotal: number }>(
      `/api/admin/payments/${payment.id}/refunds`,
      {
        amount: 6000,
        reason: '원두 일부 파손',
      },
    );
    assert.equal(refund.status, 201, JSON.stringify(refund.body));
    assert.equal(refund.body.status, 'partially_refunded');
    const mine = await browser.get<{ items: { id: string; status: string; refundedAmount: number }[] }>(
      '/api/me/payments',
    );
    const seen = mine.body.items.find((p) => p.id === payment.id)!;
    assert.deepEqual([seen.status, seen.refundedAmount], ['partially_refunded', 6000]);
    const provider = await stack.sandbox.charges({ orderId: payment.orderId });
    assert.equal(provider.payments[0]!.status, 'PARTIAL_CANCELED');
    const ledger = await stack.db('partner_ledger').where({ paymentId: payment.id }).orderBy('id');
    assert.deepEqual(
      ledger.map((l: { kind: string; amount: number }) => [l.kind, l.amount]),
      [
        ['sale', 16000],
        ['refund', -6000],
      ],
    );
    const history = await admin.browser.get<{ items: { outcome: string; amount: number }[] }>(
      `/api/admin/payments?outcome=refunded&customer=${encodeURIComponent((await stack.db('users').where({ id: payment.customerId }).first()).email)}`,
    );
    assert.deepEqual(
      history.body.items.map((i) => [i.outcome, i.amount]),
      [['refunded', 6000]],
    );
    const tooMuch = await admin.browser.post<{ error: { code: string } }>(
      `/api/admin/payments/${payment.id}/refunds`,
      { amount: 10001, reason: 'again' },
    );
    assert.equal(tooMuch.status, 409);
    assert.equal(tooMuch.body.error.code, 'REFUND_REFUSED');
    const rest = await admin.browser.post<{ status: string }>(`/api/admin/payments/${payment.id}/refunds`, {
      reason: '전액 환불',
    });
    assert.equal(rest.body.status, 'refunded');
  });
});
