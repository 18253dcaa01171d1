// A burst of subscriptions charging at once under a low Toss request limit: the provider (the sandbox) never sees more
// requests in a second than the limit, and every cycle is charged exactly once and recorded — with the wait for a slot
// short enough that many requests are refused and retried by Temporal (nextRetryDelay) on the way.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
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
import { checkoutConsents } from '../consents';

const LIMIT = 4;
const SUBSCRIPTIONS = 16;
const shipTo = { name: '김고객', phone: '010-1234-5678', address: '서울특별시 마포구 와우산로 94' };

describe('Toss request limit under a charge burst', () => {
  let stack: Stack;
  let productId: string;
  before(async () => {
    stack = await startStack({
      SUBSCRIPTION_WEEK: '1h',
      CHARGE_ERROR_BACKOFF: '500ms',
      TOSS_MAX_REQUESTS_PER_SECOND: String(LIMIT),
      // A second of waiting holds ~4 requests: the rest of the burst is refused and comes back later.
      TOSS_RATE_LIMIT_MAX_WAIT: '1s',
      // This one process runs the workers, the API and the sandbox on a shared machine: its event loop stalls more
      // than a worker's would, so the slots get more room for the delay between slot and arrival than in production.
      TOSS_RATE_LIMIT_SLACK: '200ms',
    });
    const admin = await makeUser(stack, ['customer', 'admin']);
    const partner = await makePartner(stack, admin.me.id);
    productId = await publishProduct(stack, partner.browser, admin.me.id, {
      options: { weights: [{ grams: 200, priceKrw: 15000 }], grinds: ['whole_bean'], cycles: [1] },
    });
  });
  after(async () => {
    await stack.stop();
    await stopTemporal();
  });

  it(`${SUBSCRIPTIONS} subscriptions at once at ${LIMIT}/s: never more than ${LIMIT} requests in a second, each charged once`, async () => {
    // Customers and their card windows first (not Toss API calls); then every subscription starts at the same time:
    // each issues a billing key and charges its first cycle at once.
    const customers = await Promise.all(
      Array.from({ length: SUBSCRIPTIONS }, async () => {
        const customer = await makeUser(stack);
        const customerKey = customerKeyFor(customer.me.id);
        return { customer, customerKey, authKey: await stack.sandbox.authKey(customerKey) };
      }),
    );
    await stack.sandbox.traffic({ reset: true });
    const ids = await Promise.all(
      customers.map(async ({ customer, customerKey, authKey }) => {
        const res = await customer.browser.post<{ id: string }>('/api/subscriptions', {
          consents: await checkoutConsents(customer.browser, productId, { grams: 200, quantity: 1 }),
          productId,
          options: { grams: 200, grind: 'whole_bean', quantity: 1, cycleWeeks: 1 },
          shipTo,
          authKey,
          customerKey,
        });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        return res.body.id;
      }),
    );
    await eventually(
      async () =>
        Number((await stack.db('payments').whereIn('subscriptionId', ids).count('* as n').first())?.n) ===
        SUBSCRIPTIONS,
      120_000,
    );

    const traffic = await stack.sandbox.traffic();
    console.log(`  sandbox saw ${JSON.stringify(traffic)}`);
    assert.ok(traffic.requests >= 2 * SUBSCRIPTIONS, 'a billing-key issue and a charge per subscription');
    assert.ok(
      traffic.peakPerSecond <= LIMIT,
      `peak ${traffic.peakPerSecond} requests in one second > ${LIMIT}`,
    );

    for (const id of ids) {
      const ours = await stack.db('payments').where({ subscriptionId: id }).select('cycle', 'paymentKey');
      const theirs = (await stack.sandbox.charges({ orderIdPrefix: `sub_${id.replace(/-/g, '')}_` }))
        .payments;
      assert.equal(theirs.length, 1, `${id} charged exactly once`);
      assert.deepEqual(
        ours,
        [{ cycle: 1, paymentKey: theirs[0]!.payment_key }],
        `${id} recorded once, as charged`,
      );
      const history = await stack.db('payment_events').where({ subscriptionId: id, outcome: 'approved' });
      assert.equal(history.length, 1, `${id} in payment history once`);
    }
  });
});
