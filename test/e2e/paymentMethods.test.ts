// 결제 수단 on 마이페이지 in a real browser: saved cards with their company and the subscription each pays for, a card
// in use cannot be removed, 이 카드로 결제 moves a subscription (the card it left is erased), 새 카드 등록 goes through the
// card window and back, and a card nothing charges is removed after a confirmation. Phone width: no sideways scroll.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { customerKeyFor } from '../../domain/subscription';
import { subscribeWith } from '../api/fixtures';
import {
  eventually,
  makePartner,
  makeUser,
  publishProduct,
  startStack,
  stopTemporal,
  type Stack,
} from '../harness';
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
  productId = await publishProduct(stack, partner.browser, admin.me.id, { name: 'Kenya Nyeri AA' });
});
after(async () => {
  await browser?.close();
  await stack.stop();
  await stopTemporal();
});

/** Screenshots for people to look at, when SCREENSHOT_DIR is set. */
async function shot(page: Page, name: string) {
  if (process.env.SCREENSHOT_DIR)
    await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/${name}.png`, fullPage: true });
}

async function noSidewaysScroll(page: Page) {
  const width = await page.$eval('html', (h) => (h as unknown as { scrollWidth: number }).scrollWidth);
  assert.ok(width <= 390, `page scrolls sideways: ${width} px`);
}

describe('결제 수단 in the browser', () => {
  it('shows each card with its company and subscription, switches, registers and removes cards', async () => {
    const customer = await makeUser(stack);
    const subId = await subscribeWith(stack, customer.browser, productId);
    await eventually(() => stack.db('payments').where({ subscriptionId: subId }).first('id'));
    const first = (await stack.db('subscriptions').where({ id: subId }).first('cardId')).cardId as string;
    const customerKey = customerKeyFor(customer.me.id);
    const saved = await customer.browser.post<{ id: string }>('/api/me/cards', {
      authKey: await stack.sandbox.authKey(customerKey, '5365101234567890'),
      customerKey,
    });
    assert.equal(saved.status, 201);

    const page = await loggedIn(browser, stack.baseUrl, customer.email, customer.password, {
      width: 1366,
      height: 900,
    });
    await page.goto(`${stack.baseUrl}/me`);
    const section = page.locator('[data-testid=payment-methods]');
    await section.locator('h2:has-text("결제 수단")').waitFor();
    const cards = section.locator('[data-testid=saved-card]');
    await cards.nth(1).waitFor();
    const hyundai = cards.filter({ hasText: '현대카드' });
    const kb = cards.filter({ hasText: 'KB국민카드' });
    await hyundai.locator('[data-testid=card-used-by]:has-text("Kenya Nyeri AA")').waitFor();
    assert.match(await hyundai.locator('[data-testid=card-number]').innerText(), /^43301234\*{4}/);
    assert.equal(
      await hyundai.locator('[data-testid=remove-card]').isDisabled(),
      true,
      'in use: not removable',
    );
    await kb.locator('[data-testid=card-used-by]:has-text("이 카드로 결제하는 구독이 없습니다")').waitFor();
    await shot(page, 'payment-methods-1366');

    // 이 카드로 결제: the subscription moves to the KB card; the Hyundai card, now unused, is erased and leaves the list.
    await kb.locator('[data-testid=use-card]').click();
    await section.locator('[role=status]:has-text("결제 카드를 바꿨습니다")').waitFor();
    await kb.locator('[data-testid=card-used-by]:has-text("Kenya Nyeri AA")').waitFor();
    await hyundai.waitFor({ state: 'detached' });
    const erased = await stack.db('cards').where({ id: first }).first('billingKeyEnc', 'removedAt');
    assert.equal(erased.billingKeyEnc, null);
    assert.equal(
      (await stack.db('subscriptions').where({ id: subId }).first('cardId')).cardId,
      saved.body.id,
    );

    // 새 카드 등록 through the card window, and back to this section.
    await section.locator('[data-testid=add-card]').click();
    await page.waitForURL(`${stack.sandbox.url}/billing-auth?**`);
    await page.fill('#cardNumber', '4330 1234 1234 5678');
    await page.fill('#expiry', '12/30');
    await page.fill('#password', '12');
    await page.fill('#birth', '900101');
    await page.click('button[value=register]');
    await page.waitForURL('**/me?card=added**', { timeout: 15_000 });
    await section.locator('[role=status]:has-text("새 카드를 등록했습니다")').waitFor();
    await cards.filter({ hasText: '현대카드' }).waitFor();
    assert.equal(await cards.count(), 2);

    // A card nothing charges: removed after the confirmation.
    const added = cards.filter({ hasText: '현대카드' });
    await added.locator('[data-testid=remove-card]').click();
    await added.locator('[data-testid=remove-yes]').click();
    await section.locator('[role=status]:has-text("카드를 삭제했습니다")').waitFor();
    await added.waitFor({ state: 'detached' });
    assert.equal(await cards.count(), 1);
    const rows = await stack.db('cards').where({ userId: customer.me.id }).whereNull('billingKeyEnc');
    assert.equal(rows.length, 2, 'the replaced and the removed card are both erased');

    // On a phone: the same section, nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${stack.baseUrl}/me`);
    await cards.first().waitFor();
    // The subscription names its card's company too.
    await page.locator('[data-testid=subscription]:has-text("KB국민카드 53651012")').waitFor();
    await noSidewaysScroll(page);
    await shot(page, 'payment-methods-390');
    await page.close();
  });
});
