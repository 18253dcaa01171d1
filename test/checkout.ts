// A checkout through the API as a signed-in customer: the sandbox issues the card window's authKey, the consents are
// the ones the checkout page shows. For tests that need a subscription without clicking through the card window.
import { customerKeyFor } from '../domain/subscription';
import type { Browser, Res } from './browser';
import { checkoutConsents } from './consents';
import type { Stack } from './harness';

export interface CheckoutChoice {
  grams?: number;
  quantity?: number;
  cycleWeeks?: number;
  /** A sandbox test card (README "Test cards"); the default approves every charge. */
  card?: string;
}

export async function checkoutAs(
  stack: Stack,
  customer: { browser: Browser; me: { id: string } },
  productId: string,
  { grams = 200, quantity = 1, cycleWeeks = 2, card }: CheckoutChoice = {},
): Promise<Res<{ id: string }>> {
  const customerKey = customerKeyFor(customer.me.id);
  return customer.browser.post<{ id: string }>('/api/subscriptions', {
    productId,
    options: { grams, grind: 'whole_bean', quantity, cycleWeeks },
    shipTo: { name: '김고객', phone: '010-1234-5678', address: '서울특별시 마포구 와우산로 94' },
    authKey: await stack.sandbox.authKey(customerKey, card),
    customerKey,
    consents: await checkoutConsents(customer.browser, productId, { grams, quantity }),
  });
}
