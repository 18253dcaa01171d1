// Every route × every role × someone else's resource. A new route needs one line in `matrix`;
// the first test fails until it has one.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { allRoutes } from '../../api/app';
import { Browser } from '../browser';
import { productForm, startStack, stopTemporal, type Stack } from '../harness';
import { buildFixtures, fillPath, type Fixtures, type Who } from './fixtures';

/** A status, or 'pass': authorised (anything but 401 / 403 / 5xx; e.g. 200, or 400 for the empty body sent). */
type Expect = number | 'pass';
interface Row {
  params?: (f: Fixtures) => Record<string, string>;
  /** A valid body, where ownership is only checked once the body passes validation. */
  body?: (f: Fixtures) => unknown;
  expect: Record<Who, Expect>;
}

const everyone = (e: Expect): Record<Who, Expect> => ({ anon: e, customer: e, partner: e, admin: e });
const signedIn = (e: Expect): Record<Who, Expect> => ({ anon: 401, customer: e, partner: e, admin: e });
const adminOnly = (e: Expect): Record<Who, Expect> => ({ anon: 401, customer: 403, partner: 403, admin: e });
// Someone else's resource: other signed-in accounts get "not found", admins may act.
const ownerOrAdmin = (e: Expect): Record<Who, Expect> => ({
  anon: 401,
  customer: 404,
  partner: 404,
  admin: e,
});
const partnerOnly = (e: Expect): Record<Who, Expect> => ({
  anon: 401,
  customer: 403,
  partner: e,
  admin: 403,
});

const NO_ADDRESS = '00000000-0000-4000-8000-000000000000';
const ADDRESS = {
  name: '매트릭스',
  phone: '010-1111-2222',
  postcode: '04524',
  address1: '서울특별시 중구 세종대로 110',
};

const matrix: Record<string, Row> = {
  'GET /healthz': { expect: everyone(200) },
  'GET /readyz': { expect: everyone(200) },
  // The tests call from 127.0.0.1 with no METRICS_TOKEN set: a private address (test/api/metrics.test.ts covers refusal).
  'GET /metrics': { expect: everyone(200) },
  'GET /api/config': { expect: everyone(200) },
  'GET /api/legal': { expect: everyone(200) },
  'GET /api/legal/documents/:slug': { params: () => ({ slug: 'terms' }), expect: everyone(200) },
  'GET /api/sellers/:id': { params: (f) => ({ id: f.otherPartnerId }), expect: everyone(200) },
  'POST /api/auth/signup': { expect: everyone('pass') },
  'POST /api/auth/login': { expect: everyone('pass') },
  'POST /api/auth/logout': { expect: everyone('pass') },
  'GET /api/auth/csrf': { expect: everyone(200) },
  'GET /api/auth/me': { expect: signedIn(200) },
  'POST /api/auth/password-reset/request': { expect: everyone('pass') },
  'POST /api/auth/password-reset': { expect: everyone('pass') },
  'POST /api/auth/verify-email': { expect: everyone('pass') },
  'POST /api/auth/verify-email/resend': { expect: signedIn('pass') },
  // The empty body is refused before anything is deleted (a valid one is covered in test/api/account.test.ts).
  'POST /api/account/delete': { expect: signedIn(400) },
  'POST /api/partner-applications': { expect: signedIn('pass') },
  'GET /api/partner-applications/mine': { expect: signedIn(200) },
  'GET /api/partner-applications/:id': {
    params: (f) => ({ id: f.otherApplicationId }),
    expect: { anon: 401, customer: 404, partner: 404, admin: 200 },
  },
  'GET /api/admin/tasks': { expect: adminOnly(200) },
  'GET /api/admin/tasks/:id': { params: (f) => ({ id: f.otherTaskId }), expect: adminOnly(200) },
  'POST /api/admin/tasks/:id/claim': { params: (f) => ({ id: f.otherTaskId }), expect: adminOnly('pass') },
  'POST /api/admin/tasks/:id/release': { params: (f) => ({ id: f.otherTaskId }), expect: adminOnly('pass') },
  'POST /api/admin/tasks/:id/decision': { params: (f) => ({ id: f.otherTaskId }), expect: adminOnly(400) },
  'GET /api/catalog/products': { expect: everyone(200) },
  'GET /api/catalog/products/:id': { params: (f) => ({ id: f.otherProductId }), expect: everyone(200) },
  'GET /api/catalog/facets': { expect: everyone(200) },
  'GET /api/catalog/products/:id/availability': {
    params: (f) => ({ id: f.otherProductId }),
    expect: everyone(200),
  },
  'GET /images/:file': { params: (f) => ({ file: `${f.imageId}-480.webp` }), expect: everyone(200) },
  'POST /api/images': { expect: partnerOnly('pass') },
  'GET /api/partner/products': { expect: partnerOnly(200) },
  'GET /api/partner/products/:id': { params: (f) => ({ id: f.otherProductId }), expect: partnerOnly(404) },
  'POST /api/partner/products': { expect: partnerOnly('pass') },
  'POST /api/partner/products/:id/revisions': {
    params: (f) => ({ id: f.otherProductId }),
    body: (f) => productForm(f.imageId),
    expect: partnerOnly(404),
  },
  'POST /api/partner/products/:id/unpublish': {
    params: (f) => ({ id: f.otherProductId }),
    expect: partnerOnly(404),
  },
  'POST /api/partner/products/:id/republish': {
    params: (f) => ({ id: f.otherProductId }),
    expect: partnerOnly(404),
  },
  'POST /api/subscriptions': { expect: signedIn('pass') },
  'GET /api/subscriptions/mine': { expect: signedIn(200) },
  'GET /api/subscriptions/:id': { params: (f) => ({ id: f.otherSubscriptionId }), expect: ownerOrAdmin(200) },
  'POST /api/subscriptions/:id/skip': {
    params: (f) => ({ id: f.otherSubscriptionId }),
    expect: ownerOrAdmin('pass'),
  },
  'POST /api/subscriptions/:id/pause': {
    params: (f) => ({ id: f.otherSubscriptionId }),
    expect: ownerOrAdmin('pass'),
  },
  'POST /api/subscriptions/:id/resume': {
    params: (f) => ({ id: f.otherSubscriptionId }),
    expect: ownerOrAdmin('pass'),
  },
  'POST /api/subscriptions/:id/options': {
    params: (f) => ({ id: f.otherSubscriptionId }),
    body: () => ({ quantity: 2 }),
    expect: ownerOrAdmin('pass'),
  },
  'POST /api/subscriptions/:id/card': {
    params: (f) => ({ id: f.otherSubscriptionId }),
    body: () => ({ authKey: 'bln_matrix', customerKey: 'dalgona_matrix' }),
    // An admin may act, but a card registered for anyone but the subscriber is refused (403).
    expect: ownerOrAdmin(403),
  },
  // 이 카드로 결제 with the subscriber's own card: the admin's turn is refused as the card already charged (409).
  'POST /api/subscriptions/:id/use-card': {
    params: (f) => ({ id: f.otherSubscriptionId }),
    body: (f) => ({ cardId: f.otherCardId }),
    expect: ownerOrAdmin(409),
  },
  'POST /api/subscriptions/:id/cancel': {
    params: (f) => ({ id: f.otherSubscriptionId }),
    body: () => ({ when: 'period_end' }),
    expect: ownerOrAdmin('pass'),
  },
  'POST /api/subscriptions/:id/undo-skip': {
    params: (f) => ({ id: f.otherSubscriptionId }),
    expect: ownerOrAdmin('pass'),
  },
  'POST /api/subscriptions/:id/undo-cancel': {
    params: (f) => ({ id: f.otherSubscriptionId }),
    expect: ownerOrAdmin('pass'),
  },
  'POST /api/subscriptions/:id/price-change': {
    params: (f) => ({ id: f.otherSubscriptionId }),
    body: () => ({ revisionId: '00000000-0000-4000-8000-000000000000', decision: 'accept' }),
    expect: ownerOrAdmin('pass'),
  },
  'GET /api/me/payments': { expect: signedIn(200) },
  // Saved cards are always the caller's own: someone else's card is "not found" to everyone, admins included.
  'GET /api/me/cards': { expect: signedIn(200) },
  'POST /api/me/cards': { expect: signedIn(400) },
  'DELETE /api/me/cards/:id': {
    params: (f) => ({ id: f.otherCardId }),
    expect: { anon: 401, customer: 404, partner: 404, admin: 404 },
  },
  'GET /api/me/deliveries': { expect: signedIn(200) },
  'GET /api/admin/payments': { expect: adminOnly(200) },
  'GET /api/admin/notifications/failures': { expect: adminOnly(200) },
  'POST /api/admin/payments/:id/refunds': {
    params: (f) => ({ id: f.otherPaymentId }),
    expect: adminOnly(400),
  },
  // The Temporal UI's codec: admins only (the empty payload set sent is answered 200 once authorised; the CODEC_TOKEN
  // bearer token is the other way in, test/api/codec.test.ts).
  'POST /codec/encode': { expect: adminOnly(200) },
  'POST /codec/decode': { expect: adminOnly(200) },
  'GET /api/partner/orders': { expect: partnerOnly(200) },
  'GET /api/partner/orders/export.csv': { expect: partnerOnly(200) },
  // Another roaster's order: "not found" to this partner.
  'POST /api/partner/orders/:id/roasted': {
    params: (f) => ({ id: f.otherOrderId }),
    expect: { anon: 401, customer: 403, partner: 404, admin: 403 },
  },
  'POST /api/partner/orders/:id/ship': {
    params: (f) => ({ id: f.otherOrderId }),
    body: () => ({ carrier: 'cj', trackingNumber: '612345678901' }),
    expect: { anon: 401, customer: 403, partner: 404, admin: 403 },
  },
  // Bulk: authorised; each order someone else's comes back refused in the results (asserted below).
  'POST /api/partner/orders/ship': {
    body: (f) => ({ items: [{ orderId: f.otherOrderId, carrier: 'cj', trackingNumber: '612345678901' }] }),
    expect: partnerOnly(200),
  },
  // Another customer's delivery: nobody else confirms it, admins included.
  'POST /api/me/deliveries/:id/confirm': {
    params: (f) => ({ id: f.otherOrderId }),
    expect: { anon: 401, customer: 404, partner: 404, admin: 404 },
  },
  // 청약철회 of another customer's paid cycle: nobody else withdraws it or reads its quote, admins included.
  'GET /api/me/deliveries/:id/withdrawal': {
    params: (f) => ({ id: f.otherOrderId }),
    expect: { anon: 401, customer: 404, partner: 404, admin: 404 },
  },
  'POST /api/me/deliveries/:id/withdraw': {
    params: (f) => ({ id: f.otherOrderId }),
    expect: { anon: 401, customer: 404, partner: 404, admin: 404 },
  },
  // Settlements: a partner sees only their own statements (another partner's is "not found").
  'GET /api/partner/settlements': { expect: partnerOnly(200) },
  // A roaster's profile is always its own (no id to name another's); an empty change is refused.
  'GET /api/partner/profile': { expect: partnerOnly(200) },
  'POST /api/partner/profile/changes': { body: () => ({}), expect: partnerOnly(400) },
  'GET /api/partner/settlements/:id': {
    params: (f) => ({ id: f.otherStatementId }),
    expect: partnerOnly(404),
  },
  'GET /api/admin/settlements': { expect: adminOnly(200) },
  'GET /api/admin/settlements/:id': { params: (f) => ({ id: f.otherStatementId }), expect: adminOnly(200) },
  'POST /api/admin/settlements/:id/payout': {
    params: (f) => ({ id: f.otherStatementId }),
    expect: adminOnly(400),
  },
  'PUT /api/admin/partners/:id/commission': {
    params: (f) => ({ id: f.otherPartnerId }),
    expect: adminOnly(400),
  },
  // The back office (bodies left out: the reason is required, so an admin is answered 400 and nothing changes).
  'GET /api/admin/audit': { expect: adminOnly(200) },
  'GET /api/admin/partners': { expect: adminOnly(200) },
  'POST /api/admin/partners/:id/suspend': {
    params: (f) => ({ id: f.otherPartnerId }),
    expect: adminOnly(400),
  },
  'POST /api/admin/partners/:id/resume': {
    params: (f) => ({ id: f.otherPartnerId }),
    expect: adminOnly(400),
  },
  // Without the required search words: 400 once authorised.
  'GET /api/admin/customers': { expect: adminOnly(400) },
  // A partner id is no customer's: "not found" once authorised.
  'GET /api/admin/customers/:id': { params: (f) => ({ id: f.otherPartnerId }), expect: adminOnly(404) },
  'POST /api/admin/subscriptions/:id/pause': {
    params: (f) => ({ id: f.otherSubscriptionId }),
    expect: adminOnly(400),
  },
  'POST /api/admin/subscriptions/:id/resume': {
    params: (f) => ({ id: f.otherSubscriptionId }),
    expect: adminOnly(400),
  },
  'POST /api/admin/subscriptions/:id/cancel': {
    params: (f) => ({ id: f.otherSubscriptionId }),
    expect: adminOnly(400),
  },
  // A partner's dashboard is always their own (no id to name someone else's); admins see every partner's.
  'GET /api/partner/dashboard': { expect: partnerOnly(200) },
  'GET /api/admin/dashboard': { expect: adminOnly(200) },
  // The notification centre is always the caller's own (test/api/notifications.test.ts: someone else's ids change
  // nothing).
  'GET /api/notifications': { expect: signedIn(200) },
  'GET /api/notifications/unread': { expect: signedIn(200) },
  'POST /api/notifications/read': { expect: signedIn(400) },
  'GET /api/notifications/preferences': { expect: signedIn(200) },
  'PUT /api/notifications/preferences': { expect: signedIn(400) },
  // The address book is always the caller's own: an address that is not theirs (or none) is "not found", admins too.
  'GET /api/me/addresses': { expect: signedIn(200) },
  'POST /api/me/addresses': { expect: signedIn(400) },
  'PUT /api/me/addresses/:id': {
    params: () => ({ id: NO_ADDRESS }),
    body: () => ADDRESS,
    expect: { anon: 401, customer: 404, partner: 404, admin: 404 },
  },
  'DELETE /api/me/addresses/:id': {
    params: () => ({ id: NO_ADDRESS }),
    expect: { anon: 401, customer: 404, partner: 404, admin: 404 },
  },
  'POST /api/me/addresses/:id/default': {
    params: () => ({ id: NO_ADDRESS }),
    expect: { anon: 401, customer: 404, partner: 404, admin: 404 },
  },
  // Someone else's subscription: not found; an admin gets as far as the subscriber's book (where no such address is).
  'POST /api/subscriptions/:id/address': {
    params: (f) => ({ id: f.otherSubscriptionId }),
    body: () => ({ addressId: NO_ADDRESS }),
    expect: ownerOrAdmin('pass'),
  },
};

let stack: Stack;
let fixtures: Fixtures;
before(async () => {
  stack = await startStack();
  fixtures = await buildFixtures(stack);
});
after(async () => {
  await stack.stop();
  await stopTemporal();
});

describe('authorisation matrix', () => {
  it('has one line for every registered route, and none for a route that does not exist', () => {
    const registered = allRoutes(stack.apiDeps).map((r) => `${r.method} ${r.path}`);
    assert.deepEqual([...registered].sort(), Object.keys(matrix).sort());
  });

  const order: Who[] = ['anon', 'customer', 'partner', 'admin'];
  for (const [key, row] of Object.entries(matrix)) {
    it(key, async () => {
      const [method, path] = key.split(' ') as [string, string];
      // Logging out would end the fixture sessions: those rows are checked on a throwaway browser per role.
      for (const who of order) {
        const browser = key === 'POST /api/auth/logout' ? new Browser(stack.baseUrl) : fixtures.as[who];
        const body = method === 'GET' ? undefined : (row.body?.(fixtures) ?? {});
        const res = await browser.request(method, fillPath(path, row.params?.(fixtures)), body);
        const expected = row.expect[who];
        if (expected === 'pass') {
          assert.ok(
            ![401, 403].includes(res.status) && res.status < 500,
            `${who}: ${res.status} ${JSON.stringify(res.body)}`,
          );
        } else {
          assert.equal(res.status, expected, `${who}: ${JSON.stringify(res.body)}`);
        }
      }
    });
  }
});
