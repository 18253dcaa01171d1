// The back office against the real stack: a partner's suspension and resumption, the customer lookup, actions on a
// customer's behalf (refused without a reason, audited with before and after), the audit page's filters, and an
// export of personal data recorded before the file leaves.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AuditLine, AuditPage } from '../../domain/audit';
import type { SettlementRunResult } from '../../domain/settlement';
import type { PartnerDirectoryRow } from '../../domain/partnerStatus';
import { startSettlementRun } from '../../domain/contracts/settlementRun';
import type { Browser, Res } from '../browser';
import {
  eventually,
  makePartner,
  makeUser,
  publishProduct,
  startStack,
  stopTemporal,
  type Stack,
} from '../harness';
import { subscribeWith } from './fixtures';

let stack: Stack;
let admin: Browser;
let adminId: string;
let adminEmail: string;
let partner: Awaited<ReturnType<typeof makePartner>>;
let partnerId: string;
let productId: string;
let alice: Awaited<ReturnType<typeof makeUser>>;
let bob: Awaited<ReturnType<typeof makeUser>>;
let carol: Awaited<ReturnType<typeof makeUser>>;
let carolSub: string;
let aliceSub: string;
let bobSub: string;
let statementId: string;

const audit = async (query: string) => {
  const res = await admin.get<AuditPage>(`/api/admin/audit?${query}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.items;
};
const subStatus = async (id: string) =>
  ((await stack.db('subscriptions').where({ id }).first('status')) as { status: string }).status;

before(async () => {
  stack = await startStack();
  const a = await makeUser(stack, ['customer', 'admin']);
  admin = a.browser;
  adminId = a.me.id;
  adminEmail = a.email;
  partner = await makePartner(stack, adminId);
  partnerId = (await stack.db('partners').where({ userId: partner.me.id }).first('id')).id as string;
  productId = await publishProduct(stack, partner.browser, adminId);
  alice = await makeUser(stack);
  bob = await makeUser(stack);
  aliceSub = await subscribeWith(stack, alice.browser, productId);
  bobSub = await subscribeWith(stack, bob.browser, productId);
  await eventually(() => stack.db('payments').where({ subscriptionId: aliceSub }).first('id'));
  await eventually(() => stack.db('payments').where({ subscriptionId: bobSub }).first('id'));
  // Carol's card declines (한도 초과): her subscription is past due, on the dunning ladder.
  carol = await makeUser(stack);
  carolSub = await subscribeWith(stack, carol.browser, productId, '4000000000000002');
  await eventually(async () => (await subStatus(carolSub)) === 'past_due');
  // Bob pauses on his own: the partner's resumption must leave his pause alone.
  assert.equal((await bob.browser.post(`/api/subscriptions/${bobSub}/pause`)).status, 200);
  const run = await startSettlementRun(stack.client, stack.config.temporal, `admin-test-${aliceSub}`, {
    periodEnd: new Date().toISOString(),
    periodMs: 7 * 24 * 3600_000,
    defaultCommissionBps: 1000,
  });
  const settled: SettlementRunResult = await run.result();
  statementId = settled.statements.find((s) => s.partnerId === partnerId)!.statementId;
});
after(async () => {
  await stack.stop();
  await stopTemporal();
});

describe('partner suspension', () => {
  it('is refused without a reason, and nothing changes', async () => {
    const res = await admin.post(`/api/admin/partners/${partnerId}/suspend`, {});
    assert.equal(res.status, 400);
    assert.equal((await stack.db('partners').where({ id: partnerId }).first('status')).status, 'active');
  });

  it('takes the products out of the catalog, pauses live subscriptions with a notice, holds payouts, tells the roaster', async () => {
    const res = await admin.post<{ status: string; changed: boolean; subscriptions: number }>(
      `/api/admin/partners/${partnerId}/suspend`,
      { reason: '배송 지연 민원 누적' },
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual([res.body.status, res.body.changed, res.body.subscriptions], ['suspended', true, 2]);

    const list = await alice.browser.get<{ items: { id: string }[] }>(
      `/api/catalog/products?partner=${partnerId}`,
    );
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.items, [], 'no product of a suspended partner is listed');
    const detail = await alice.browser.get<{ status: string }>(`/api/catalog/products/${productId}`);
    assert.equal(detail.body.status, 'suspended');

    assert.equal(await subStatus(aliceSub), 'paused');
    assert.equal(await subStatus(bobSub), 'paused');
    // A past-due one stops its dunning too: no retry is waiting while the roaster is suspended.
    const carolRow = await stack.db('subscriptions').where({ id: carolSub }).first();
    assert.deepEqual([carolRow.status, carolRow.nextRetryAt], ['paused', null]);
    const notice = await stack
      .db('outbox')
      .where({ recipientUserId: alice.me.id, template: 'subscription_paused' })
      .first('payload');
    assert.equal(notice?.payload.byAdmin, true, 'Alice is told Dalgona paused her subscription');
    assert.ok(
      await stack
        .db('outbox')
        .where({ recipientUserId: partner.me.id, template: 'partner_suspended' })
        .first('id'),
      'the roaster is told',
    );

    const payout = await admin.post<{ error: { code: string; details: { reason: string } } }>(
      `/api/admin/settlements/${statementId}/payout`,
      { reference: 'TX-HELD-1' },
    );
    assert.equal(payout.status, 409);
    assert.equal(payout.body.error.code, 'PARTNER_SUSPENDED');
    assert.equal(payout.body.error.details.reason, 'payout_held');

    const dir = await admin.get<{ items: PartnerDirectoryRow[] }>('/api/admin/partners?status=suspended');
    const row = dir.body.items.find((p) => p.id === partnerId)!;
    assert.equal(row.status, 'suspended');
    assert.equal(row.suspensionReason, '배송 지연 민원 누적');
    assert.equal(row.liveProducts, 0);
    assert.equal(row.products, 1);
    assert.equal(row.heldStatements, 1);

    const lines = await audit(`action=partner.suspend&target=${partnerId}`);
    assert.equal(lines.length, 1);
    assert.deepEqual([lines[0]!.before, lines[0]!.after], [{ status: 'active' }, { status: 'suspended' }]);
    assert.equal(lines[0]!.actor?.id, adminId);
    const paused = await audit(`action=subscription.pause&target=${aliceSub}`);
    assert.equal(paused.length, 1, 'the pause made for Alice is audited');
  });

  it('a second suspension is a conflict, and no customer resumes a subscription while the roaster is suspended', async () => {
    const res = await admin.post(`/api/admin/partners/${partnerId}/suspend`, { reason: '다시' });
    assert.equal(res.status, 409);
    const own = await bob.browser.post<{ error: { code: string; details?: { reason?: string } } }>(
      `/api/subscriptions/${bobSub}/resume`,
    );
    assert.equal(own.status, 409, JSON.stringify(own.body));
    assert.equal(own.body.error.details?.reason, 'partner_suspended');
    assert.equal(await subStatus(bobSub), 'paused');
  });

  it('resumption brings the products and the subscriptions it paused back, and releases payouts', async () => {
    const declines = async () =>
      Number(
        (await stack
          .db('payment_events')
          .where({ subscriptionId: carolSub, outcome: 'declined' })
          .count({ n: '*' })
          .first())!.n,
      );
    const declinesBefore = await declines();
    const res = await admin.post<{ status: string; subscriptions: number }>(
      `/api/admin/partners/${partnerId}/resume`,
      { reason: '민원 해결 확인' },
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.subscriptions, 2);
    const list = await alice.browser.get<{ items: { id: string }[] }>(
      `/api/catalog/products?partner=${partnerId}`,
    );
    assert.deepEqual(
      list.body.items.map((i) => i.id),
      [productId],
    );
    assert.equal(await subStatus(aliceSub), 'active');
    assert.equal(await subStatus(bobSub), 'paused', "Bob's own pause stays");
    // Carol's cycle is due again: charged at once, declined again (the next attempt), back on the ladder.
    await eventually(
      async () => (await declines()) > declinesBefore && (await subStatus(carolSub)) === 'past_due',
    );
    assert.ok(
      await stack
        .db('outbox')
        .where({ recipientUserId: partner.me.id, template: 'partner_resumed' })
        .first('id'),
    );
    const payout = await admin.post(`/api/admin/settlements/${statementId}/payout`, {
      reference: 'TX-PAID-1',
    });
    assert.equal(payout.status, 200, JSON.stringify(payout.body));
    const lines = await audit(`action=settlement.payout&target=${statementId}`);
    assert.equal(lines.length, 1);
    assert.deepEqual(lines[0]!.before, { status: 'open' });
  });
});

describe('customer lookup and actions on their behalf', () => {
  it('finds a customer by e-mail, name or phone, and shows subscriptions, payments and deliveries (the look audited)', async () => {
    const byEmail = await admin.get<{ items: { id: string }[] }>(
      `/api/admin/customers?q=${encodeURIComponent(alice.email.slice(0, 14))}`,
    );
    assert.equal(byEmail.status, 200);
    assert.ok(byEmail.body.items.some((c) => c.id === alice.me.id));
    const byName = await admin.get<{ items: { id: string }[] }>(
      `/api/admin/customers?q=${encodeURIComponent(alice.me.name)}`,
    );
    assert.deepEqual(
      byName.body.items.map((c) => c.id),
      [alice.me.id],
    );
    const byPhone = await admin.get<{ items: { id: string }[] }>('/api/admin/customers?q=1111-2222');
    assert.ok(byPhone.body.items.some((c) => c.id === alice.me.id));
    assert.equal((await admin.get('/api/admin/customers?q=a')).status, 400);

    const detail = await admin.get<{
      subscriptions: { id: string }[];
      payments: { id: string; refundable: number }[];
      deliveries: { id: string }[];
    }>(`/api/admin/customers/${alice.me.id}`);
    assert.equal(detail.status, 200);
    assert.deepEqual(
      detail.body.subscriptions.map((s) => s.id),
      [aliceSub],
    );
    assert.equal(detail.body.payments.length, 1);
    assert.ok(detail.body.payments[0]!.refundable > 0);
    assert.equal(detail.body.deliveries.length, 1);
    const looks = await audit(`action=customer.view&target=${alice.me.id}`);
    assert.equal(looks.length, 1);
  });

  it('pause, resume and cancel for the customer need a reason and are audited with before and after', async () => {
    for (const body of [{}, { reason: '' }, { reason: ' ' }]) {
      const res = await admin.post(`/api/admin/subscriptions/${aliceSub}/pause`, body);
      assert.equal(res.status, 400);
    }
    assert.equal(await subStatus(aliceSub), 'active', 'nothing changed');

    const paused = await admin.post<{ status: string }>(`/api/admin/subscriptions/${aliceSub}/pause`, {
      reason: '고객 전화 요청 (이사)',
    });
    assert.equal(paused.status, 200, JSON.stringify(paused.body));
    assert.equal(paused.body.status, 'paused');
    const [line] = await audit(`action=subscription.pause&target=${aliceSub}&actor=${adminId}`);
    assert.equal(line?.reason, '고객 전화 요청 (이사)');
    assert.equal((line?.before as { status: string }).status, 'active');
    assert.equal((line?.after as { status: string }).status, 'paused');

    const resumed = await admin.post(`/api/admin/subscriptions/${aliceSub}/resume`, {
      reason: '고객 재요청',
    });
    assert.equal(resumed.status, 200);
    assert.equal(
      (await admin.post(`/api/admin/subscriptions/${aliceSub}/cancel`, { when: 'now' })).status,
      400,
    );
    const canceled = await admin.post<{ cancelAtPeriodEnd: boolean }>(
      `/api/admin/subscriptions/${aliceSub}/cancel`,
      { when: 'period_end', reason: '고객이 전화로 해지 요청' },
    );
    assert.equal(canceled.status, 200, JSON.stringify(canceled.body));
    const [cancel] = await audit(`action=subscription.cancel&target=${aliceSub}`);
    assert.equal(cancel?.reason, '고객이 전화로 해지 요청');
    assert.deepEqual(
      [
        (cancel?.before as { cancelAtPeriodEnd: boolean }).cancelAtPeriodEnd,
        (cancel?.after as { cancelAtPeriodEnd: boolean }).cancelAtPeriodEnd,
      ],
      [false, true],
    );
  });

  it('a refund for the customer is audited with the balance before and after', async () => {
    const payment = (await stack.db('payments').where({ subscriptionId: aliceSub }).first()) as {
      id: string;
      amount: number;
    };
    assert.equal(
      (await admin.post(`/api/admin/payments/${payment.id}/refunds`, { amount: 1000 })).status,
      400,
    );
    const res = await admin.post(`/api/admin/payments/${payment.id}/refunds`, {
      amount: 1000,
      reason: '원두 일부 파손',
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const [line] = await audit(`action=payment.refund&target=${payment.id}`);
    assert.equal(line?.reason, '원두 일부 파손');
    assert.deepEqual(line?.before, { status: 'paid', refundedAmount: 0 });
    assert.equal((line?.after as { refundedAmount: number }).refundedAmount, 1000);
  });
});

describe('the audit log', () => {
  it('records inbox decisions (the product review and the partner application)', async () => {
    const lines = await audit(`action=inbox.decide&actor=${adminId}`);
    const kinds = lines.map((l) => l.targetType).sort();
    assert.ok(kinds.includes('partner_application') && kinds.includes('product_review'), kinds.join());
    // The actor by e-mail (any case) is the same filter as by id; an e-mail nobody has finds nothing.
    const byEmail = await audit(`action=inbox.decide&actor=${encodeURIComponent(adminEmail.toUpperCase())}`);
    assert.deepEqual(
      byEmail.map((l) => l.id),
      lines.map((l) => l.id),
    );
    assert.deepEqual(await audit('actor=nobody%40example.com'), []);
    assert.equal((await admin.get('/api/admin/audit?actor=not-an-id')).status, 400);
  });

  it('filters by date and pages with a cursor, each line once', async () => {
    const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Seoul' }).format(new Date());
    assert.ok((await audit(`from=${today}&to=${today}`)).length >= 5);
    assert.deepEqual(await audit('from=2001-01-01&to=2001-01-02'), []);
    const seen: AuditLine[] = [];
    let cursor: string | null = null;
    do {
      const res: Res<AuditPage> = await admin.get<AuditPage>(
        `/api/admin/audit?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    assert.equal(new Set(seen.map((l) => l.id)).size, seen.length);
    assert.deepEqual(
      seen.map((l) => l.id),
      (await audit('limit=100')).map((l) => l.id),
    );
  });

  it("records the roaster's export of customers' personal data before the file is sent", async () => {
    const res = await partner.browser.request('GET', '/api/partner/orders/export.csv?status=all');
    assert.equal(res.status, 200);
    const [line] = await audit(`action=export.orders_csv&target=${partnerId}`);
    assert.equal(line?.actor?.id, partner.me.id);
    assert.ok((line?.after as { rows: number }).rows >= 2);
  });
});
