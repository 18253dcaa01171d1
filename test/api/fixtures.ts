// Shared by the authorisation matrix and the fuzz test: one account per role, plus someone else's resources.
import { Task } from '../../db/models';
import type { SettlementRunResult } from '../../domain/settlement';
import { customerKeyFor } from '../../domain/subscription';
import { startSettlementRun } from '../../domain/contracts/settlementRun';
import { Browser } from '../browser';
import {
  applicationForm,
  eventually,
  makePartner,
  makeUser,
  pngImage,
  publishProduct,
  type Stack,
} from '../harness';
import { checkoutConsents } from '../consents';

export type Who = 'anon' | 'customer' | 'partner' | 'admin';

export interface Fixtures {
  as: Record<Who, Browser>;
  /** An account with every role, for routes any signed-in user may call. */
  superuser: Browser;
  /** A pending application of a customer who is none of the above ("someone else's resource"). */
  otherApplicationId: string;
  otherTaskId: string;
  /** A published product of another partner, and one of the fixture partner's own. */
  otherProductId: string;
  ownProductId: string;
  imageId: string;
  /** A subscription (and its first payment) of a customer who is none of the above, and one of the superuser's. */
  otherSubscriptionId: string;
  otherPaymentId: string;
  /** That payment's fulfilment order (another roaster's, another customer's). */
  otherOrderId: string;
  /** The fixture partner's own order (the superuser subscribed to the partner's product) and its customer's. */
  partnerOrderId: string;
  ownSubscriptionId: string;
  /** A settlement statement of another partner (from a settlement run over the payment above). */
  otherStatementId: string;
  /** The partner who owns `otherProductId` (not the fixture partner). */
  otherPartnerId: string;
  /** The saved card charging `otherSubscriptionId` (another customer's), and the one charging `ownSubscriptionId`. */
  otherCardId: string;
  ownCardId: string;
}

/** Subscribes a signed-in browser to a product with a sandbox card; returns the subscription id. */
export async function subscribeWith(
  stack: Stack,
  browser: Browser,
  productId: string,
  cardNumber?: string,
): Promise<string> {
  const me = (await browser.get<{ id: string }>('/api/auth/me')).body;
  const customerKey = customerKeyFor(me.id);
  const product = (
    await browser.get<{ options: { weights: { grams: number }[]; grinds: string[]; cycles: number[] } }>(
      `/api/catalog/products/${productId}`,
    )
  ).body;
  const res = await browser.post<{ id: string }>('/api/subscriptions', {
    consents: await checkoutConsents(browser, productId, {
      grams: product.options.weights[0]!.grams,
      quantity: 1,
    }),
    productId,
    options: {
      grams: product.options.weights[0]!.grams,
      grind: product.options.grinds[0],
      quantity: 1,
      cycleWeeks: product.options.cycles[0],
    },
    shipTo: { name: '테스트', phone: '010-1111-2222', address: '서울특별시 중구 세종대로 110' },
    authKey: await stack.sandbox.authKey(customerKey, cardNumber),
    customerKey,
  });
  if (res.status !== 201) throw new Error(`subscribe failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

export async function buildFixtures(stack: Stack): Promise<Fixtures> {
  const admin = await makeUser(stack, ['customer', 'admin']);
  const customer = await makeUser(stack);
  const partner = await makePartner(stack, admin.me.id);
  const otherPartner = await makePartner(stack, admin.me.id);
  const superuser = await makeUser(stack, ['customer', 'partner', 'admin']);
  const other = await makeUser(stack);
  const applied = await other.browser.post<{ id: string }>('/api/partner-applications', applicationForm());
  const task = await eventually(() =>
    Task.query(stack.db).findOne({ subjectId: applied.body.id, state: 'open' }),
  );
  const upload = await partner.browser.request<{ id: string }>('POST', '/api/images', await pngImage(), {
    headers: { 'content-type': 'image/png' },
  });
  const imageId = upload.body.id;
  const otherProductId = await publishProduct(stack, otherPartner.browser, admin.me.id);
  const otherSubscriptionId = await subscribeWith(stack, other.browser, otherProductId);
  const payment = await eventually<{ id: string; partnerId: string }>(() =>
    stack.db('payments').where({ subscriptionId: otherSubscriptionId }).first('id', 'partnerId'),
  );
  const order = await eventually<{ id: string }>(() =>
    stack.db('fulfilment_orders').where({ paymentId: payment.id }).first('id'),
  );
  const ownSubscriptionId = await subscribeWith(stack, superuser.browser, otherProductId);
  const ownProductId = await publishProduct(stack, partner.browser, admin.me.id);
  const partnerSubscriptionId = await subscribeWith(stack, superuser.browser, ownProductId);
  // Every fixture subscription has charged its first cycle before a test looks: nothing moves under the fuzz.
  await eventually(() => stack.db('payments').where({ subscriptionId: ownSubscriptionId }).first('id'));
  const partnerOrder = await eventually<{ id: string }>(() =>
    stack.db('fulfilment_orders').where({ subscriptionId: partnerSubscriptionId }).first('id'),
  );
  const run = await startSettlementRun(
    stack.client,
    stack.config.temporal,
    `fixtures-${otherSubscriptionId}`,
    {
      periodEnd: new Date().toISOString(),
      periodMs: 7 * 24 * 3600_000,
      defaultCommissionBps: 1000,
    },
  );
  const settled: SettlementRunResult = await run.result();
  const otherStatementId = settled.statements.find((s) => s.partnerId === payment.partnerId)!.statementId;
  const cardOf = async (id: string) =>
    ((await stack.db('subscriptions').where({ id }).first('cardId')) as { cardId: string }).cardId;
  return {
    otherCardId: await cardOf(otherSubscriptionId),
    ownCardId: await cardOf(ownSubscriptionId),
    otherStatementId,
    otherPartnerId: payment.partnerId,
    as: {
      anon: new Browser(stack.baseUrl),
      customer: customer.browser,
      partner: partner.browser,
      admin: admin.browser,
    },
    superuser: superuser.browser,
    otherApplicationId: applied.body.id,
    otherTaskId: task.id,
    otherProductId,
    otherSubscriptionId,
    otherPaymentId: payment.id,
    otherOrderId: order.id,
    ownSubscriptionId,
    ownProductId,
    partnerOrderId: partnerOrder.id,
    imageId,
  };
}

/** Fills `:param` placeholders from the fixtures. */
export function fillPath(path: string, params: Record<string, string> = {}): string {
  return path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no fixture for :${name} in ${path}`);
    return encodeURIComponent(value);
  });
}
