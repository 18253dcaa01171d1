// 결제 수단 end to end: saved cards listed with their company and the subscriptions charging them; a subscription
// switched to a saved card is charged with that card's billing key (the sandbox's ledger says which); a card in use
// cannot be removed; a removed or replaced card's billing key is erased here (NULL) and deleted at the sandbox.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { CustomerCard } from '../../domain/cards';
import { customerKeyFor } from '../../domain/subscription';
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
let productId: string;
before(async () => {
  stack = await startStack({ SUBSCRIPTION_WEEK: '3s' });
  const admin = await makeUser(stack, ['customer', 'admin']);
  const partner = await makePartner(stack, admin.me.id);
  productId = await publishProduct(stack, partner.browser, admin.me.id);
});
after(async () => {
  await stack.stop();
  await stopTemporal();
});

type Customer = Awaited<ReturnType<typeof makeUser>>;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** Registers a sandbox card through 새 카드 등록; returns its id and the authKey the sandbox issued its key for. */
async function register(c: Customer, cardNumber: string): Promise<{ id: string; authKey: string }> {
  const customerKey = customerKeyFor(c.me.id);
  const authKey = await stack.sandbox.authKey(customerKey, cardNumber);
  const res = await c.browser.post<{ id: string; numberMasked: string }>('/api/me/cards', {
    authKey,
    customerKey,
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return { id: res.body.id, authKey };
}

/** The sandbox's record of the billing key issued for an authKey. */
const sandboxKey = (authKey: string) =>
  stack.sandbox.db('billing_keys').where({ auth_key: authKey }).first('key_hash', 'removed_at');

const cardsOf = async (c: Customer) =>
  (await c.browser.get<{ items: CustomerCard[] }>('/api/me/cards')).body.items;

async function assertErased(cardId: string, authKey: string) {
  const row = await eventually<{ billingKeyEnc: string | null; removedAt: Date | null }>(() =>
    stack.db('cards').where({ id: cardId }).whereNull('billingKeyEnc').first('billingKeyEnc', 'removedAt'),
  );
  assert.equal(row.billingKeyEnc, null);
  assert.ok(row.removedAt, 'removed_at set');
  assert.ok((await sandboxKey(authKey))?.removed_at, 'deleted at the sandbox');
}

describe('결제 수단', () => {
  it('lists cards with their company and users, charges the chosen card, erases replaced and removed ones', async () => {
    const c = await makeUser(stack);
    const subId = await subscribeWith(stack, c.browser, productId);
    await eventually(() => stack.db('payments').where({ subscriptionId: subId, cycle: 1 }).first('id'));
    const first = (await stack.db('subscriptions').where({ id: subId }).first('cardId')).cardId as string;
    const firstAuthKey = (await stack.db('cards').where({ id: first }).first('authKeyHash'))
      .authKeyHash as string;

    const second = await register(c, '5365101234567890');
    let cards = await cardsOf(c);
    assert.deepEqual(cards.map((x) => x.id).sort(), [first, second.id].sort());
    const a = cards.find((x) => x.id === first)!;
    const b = cards.find((x) => x.id === second.id)!;
    assert.deepEqual(a.company, { ko: '현대카드', en: 'Hyundai Card' });
    assert.deepEqual(b.company, { ko: 'KB국민카드', en: 'KB Kookmin Card' });
    assert.match(b.numberMasked, /^53651012\*{4}/);
    assert.deepEqual(
      a.usedBy.map((u) => u.subscriptionId),
      [subId],
    );
    assert.deepEqual(b.usedBy, []);
    assert.equal(JSON.stringify(cards).includes('billing'), false, 'no billing key in the answer');

    // A card a live subscription charges is not removed.
    const refused = await c.browser.request<{ error: { code: string; details?: { reason?: string } } }>(
      'DELETE',
      `/api/me/cards/${first}`,
    );
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'CONFLICT');
    assert.equal(refused.body.error.details?.reason, 'card_in_use');
    assert.ok((await stack.db('cards').where({ id: first }).first('billingKeyEnc')).billingKeyEnc);

    // Someone else's card is "not found", to removal and to 이 카드로 결제 alike.
    const other = await makeUser(stack);
    assert.equal((await other.browser.request('DELETE', `/api/me/cards/${second.id}`)).status, 404);
    const otherSub = await subscribeWith(stack, other.browser, productId);
    const notMine = await other.browser.post<{ error: { code: string } }>(
      `/api/subscriptions/${otherSub}/use-card`,
      { cardId: second.id },
    );
    assert.equal(notMine.status, 404);

    // 이 카드로 결제: the next charge uses the second card's billing key; the first, now unused, is erased.
    const used = await c.browser.post(`/api/subscriptions/${subId}/use-card`, { cardId: second.id });
    assert.equal(used.status, 200, JSON.stringify(used.body));
    const again = await c.browser.post<{ error: { code: string; details?: { reason?: string } } }>(
      `/api/subscriptions/${subId}/use-card`,
      { cardId: second.id },
    );
    assert.equal(again.status, 409);
    assert.equal(again.body.error.details?.reason, 'card_already_used');
    const firstRow = await stack.db('cards').where({ id: first }).first('authKeyHash');
    const firstSandbox = await stack.sandbox
      .db('billing_keys')
      .where({ customer_key: customerKeyFor(c.me.id) })
      .whereNot({ auth_key: second.authKey })
      .first('auth_key');
    assert.equal(sha(firstSandbox.auth_key), firstRow.authKeyHash);
    assert.equal(firstAuthKey, firstRow.authKeyHash);
    await assertErased(first, firstSandbox.auth_key);

    // A charge in flight when the card changed may still use the first card: the one after it cannot.
    const switchedAt = (await stack.db('subscriptions').where({ id: subId }).first('cycle')).cycle as number;
    const paid = await eventually<{ orderId: string }>(
      () =>
        stack
          .db('payments')
          .where({ subscriptionId: subId, cycle: switchedAt + 2 })
          .first('orderId'),
      20_000,
    );
    const charged = await stack.sandbox.db('payments').where({ order_id: paid.orderId }).first('key_hash');
    assert.equal(charged.key_hash, (await sandboxKey(second.authKey)).key_hash);
    cards = await cardsOf(c);
    assert.deepEqual(
      cards.map((x) => x.id),
      [second.id],
    );

    // A card nothing charges is removed: erased here and at the sandbox; removing it again is fine.
    const third = await register(c, '4330123412349999');
    const removed = await c.browser.request('DELETE', `/api/me/cards/${third.id}`);
    assert.equal(removed.status, 200, JSON.stringify(removed.body));
    await assertErased(third.id, third.authKey);
    assert.equal((await c.browser.request('DELETE', `/api/me/cards/${third.id}`)).status, 200);
    const deletes = await stack.sandbox
      .db('attempts')
      .where({ kind: 'delete', customer_key: customerKeyFor(c.me.id) });
    assert.equal(deletes.filter((d: { outcome: string }) => d.outcome === 'DELETED').length, 2);
    // A removed card cannot be chosen.
    const gone = await c.browser.post<{ error: { code: string; details?: { reason?: string } } }>(
      `/api/subscriptions/${subId}/use-card`,
      { cardId: third.id },
    );
    assert.equal(gone.status, 409);
    assert.equal(gone.body.error.details?.reason, 'card_removed');

    // A new card through the card window replaces the second one, which nothing else charges: erased.
    const customerKey = customerKeyFor(c.me.id);
    const fourthAuth = await stack.sandbox.authKey(customerKey, '4330123412348888');
    const changed = await c.browser.post(`/api/subscriptions/${subId}/card`, {
      authKey: fourthAuth,
      customerKey,
    });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    await assertErased(second.id, second.authKey);
    assert.equal((await cardsOf(c)).length, 1);
  });

  it('refuses a card registered for another customer, and an unknown card id', async () => {
    const c = await makeUser(stack);
    const other = await makeUser(stack);
    const otherKey = customerKeyFor(other.me.id);
    const res = await c.browser.post<{ error: { code: string } }>('/api/me/cards', {
      authKey: await stack.sandbox.authKey(otherKey),
      customerKey: otherKey,
    });
    assert.equal(res.status, 403);
    const unknown = await c.browser.request('DELETE', '/api/me/cards/00000000-0000-4000-8000-000000000000');
    assert.equal(unknown.status, 404);
    assert.deepEqual(await cardsOf(c), []);
  });
});
