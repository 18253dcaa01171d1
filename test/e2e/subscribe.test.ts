// The customer journey in a real browser: product page → checkout → the official Toss SDK opens the (sandbox)
// card window → back to the success URL → the subscription starts, the first payment shows on my page → pause.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import {
  eventually,
  makePartner,
  makeUser,
  publishProduct,
  startStack,
  stopTemporal,
  type Stack,
} from '../harness';
import { priceChangeSignal, subscriptionHandle } from '../../domain/contracts/subscription';
import { checkoutAs } from '../checkout';
import { launchChromium } from './browser';
import { loggedIn } from './login';

let stack: Stack;
let browser: Browser;
let productId: string;
before(async () => {
  stack = await startStack();
  browser = await launchChromium();
  const admin = await makeUser(stack, ['customer', 'admin']);
  const partner = await makePartner(stack, admin.me.id);
  productId = await publishProduct(stack, partner.browser, admin.me.id, { name: 'Guatemala Huehuetenango' });
});
after(async () => {
  await browser?.close();
  await stack.stop();
  await stopTemporal();
});

describe('subscribing in the browser', () => {
  it('registers a sandbox card through the official SDK, starts the subscription, shows the payment, pauses', async () => {
    const customer = await makeUser(stack);
    const page = await loggedIn(browser, stack.baseUrl, customer.email, customer.password, {
      width: 390,
      height: 844,
    });
    await page.goto(`${stack.baseUrl}/products/${productId}`);
    await page.click('[data-testid=weight-500] >> xpath=..');
    // On a phone the price and the way to subscribe stay on screen in the bar at the bottom.
    const bar = page.locator('[data-testid=buy-bar]');
    await bar.locator('text=36,000원').waitFor();
    assert.ok(await bar.isVisible());
    await page.click('[data-testid=subscribe-bar]');
    await page.waitForURL('**/checkout?**');
    await page.waitForSelector('[data-testid=checkout-amount]:has-text("36,000원")');
    await page.fill('#ship-phone', '010-9876-5432');
    await page.fill('#ship-postcode', '03172');
    await page.fill('#ship-address1', '서울특별시 종로구 세종대로 175');
    await page.check('#consent-recurring');
    await page.check('#consent-third-party');
    await page.click('[data-testid=pay-with-card]');

    // The sandbox's card window (another origin), opened by the SDK's requestBillingAuth.
    await page.waitForURL(`${stack.sandbox.url}/billing-auth?**`);
    assert.match(page.url(), /customerKey=dalgona_/);
    await page.fill('#cardNumber', '4330 1234 1234 1234');
    await page.fill('#expiry', '12/30');
    await page.fill('#password', '12');
    await page.fill('#birth', '900101');
    await page.click('button[value=register]');

    // Back at the success URL with customerKey and authKey, then on my page.
    await page.waitForURL('**/me?subscribed=*', { timeout: 15_000 });
    const card = page.locator('[data-testid=subscription]', { hasText: 'Guatemala Huehuetenango' });
    await card.locator('[data-testid=subscription-status]:has-text("구독 중")').waitFor();
    const row = await eventually(() =>
      stack.db('subscriptions').where({ customerId: customer.me.id }).first(),
    );
    assert.equal(row.amount, 36000);
    await eventually(() => stack.db('payments').where({ subscriptionId: row.id }).first());
    await page.click('[data-testid=tab-payments]');
    await page.locator('[data-testid=payment]', { hasText: '36,000원' }).waitFor({ timeout: 10_000 });
    await page.click('[data-testid=tab-subscriptions]');
    await card.locator('[data-testid=pause]').click();
    await card.locator('[data-testid=subscription-status]:has-text("일시정지")').waitFor();
    assert.equal((await stack.db('subscriptions').where({ id: row.id }).first()).status, 'paused');
  });

  it('a card refused in the card window comes back to the fail URL with its code', async () => {
    const customer = await makeUser(stack);
    const page = await loggedIn(browser, stack.baseUrl, customer.email, customer.password);
    await page.goto(
      `${stack.baseUrl}/checkout?product=${productId}&grams=200&grind=whole_bean&quantity=1&cycle=2`,
    );
    await page.fill('#ship-phone', '010-9876-5432');
    await page.fill('#ship-postcode', '03172');
    await page.fill('#ship-address1', '서울특별시 종로구 세종대로 175');
    await page.check('#consent-recurring');
    await page.check('#consent-third-party');
    await page.click('[data-testid=pay-with-card]');
    await page.waitForURL(`${stack.sandbox.url}/billing-auth?**`);
    await page.fill('#cardNumber', '4000000000000101');
    await page.fill('#expiry', '12/30');
    await page.fill('#password', '12');
    await page.fill('#birth', '900101');
    await page.click('button[value=register]');
    await page.waitForURL('**/checkout/fail?**');
    assert.match(page.url(), /code=REJECT_CARD_COMPANY/);
    await page.waitForSelector('[data-testid=checkout-fail]');
  });

  it('a price increase asks on my page: old and new amount, the date, and 동의 records the consent', async () => {
    const customer = await makeUser(stack);
    const res = await checkoutAs(stack, customer, productId, { quantity: 2, cycleWeeks: 2 });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const id = res.body.id;
    const before = await eventually(async () => {
      const row = await stack.db('subscriptions').where({ id }).first();
      return row?.status === 'active' ? row : undefined;
    });
    await subscriptionHandle(stack.client, id).signal(priceChangeSignal, {
      revisionId: randomUUID(),
      weights: [{ grams: 200, priceKrw: before.unitPrice + 1000 }],
      effectiveAt: new Date().toISOString(),
    });
    await eventually(async () => (await stack.db('subscriptions').where({ id }).first()).pendingChange);
    const page = await loggedIn(browser, stack.baseUrl, customer.email, customer.password, {
      width: 390,
      height: 844,
    });
    await page.goto(`${stack.baseUrl}/me`);
    const panel = page.locator('[data-testid=subscription]').locator('[data-testid=price-change]');
    await panel.waitFor();
    const newAmount = ((before.unitPrice + 1000) * 2).toLocaleString('ko-KR');
    assert.match((await panel.locator('[data-testid=price-new]').textContent()) ?? '', new RegExp(newAmount));
    assert.match(
      (await panel.textContent()) ?? '',
      /동의하지 않거나 답하지 않으시면 새 금액으로는 결제하지 않고/,
    );
    await panel.locator('[data-testid=price-accept]').click();
    await panel.locator('[data-testid=price-consent]:has-text("동의하셨습니다")').waitFor();
    const row = await stack.db('subscriptions').where({ id }).first();
    assert.equal(row.pendingChange.consent, 'accepted');
    assert.equal(row.unitPrice, before.unitPrice, 'nothing charged or changed before its date');
    await page.close();
  });
});
