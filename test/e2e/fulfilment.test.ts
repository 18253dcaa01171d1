// The roaster's side in a real browser: a paid cycle waits on 주문 · 발송, the roaster enters the carrier and
// tracking number and ships it; the customer sees it on my page (배송 중) and confirms the delivery.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
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
before(async () => {
  stack = await startStack();
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await stack.stop();
  await stopTemporal();
});

describe('shipping an order in the browser', () => {
  it('the roaster ships from the order list on a phone; the customer sees it and confirms', async () => {
    const admin = await makeUser(stack, ['customer', 'admin']);
    const roaster = await makePartner(stack, admin.me.id);
    const productId = await publishProduct(stack, roaster.browser, admin.me.id, { name: 'Kenya Nyeri AA' });
    const customer = await makeUser(stack);
    const subscriptionId = await subscribeWith(stack, customer.browser, productId);
    const order = await eventually(() => stack.db('fulfilment_orders').where({ subscriptionId }).first());

    const page = await loggedIn(browser, stack.baseUrl, roaster.email, roaster.password, {
      width: 390,
      height: 844,
    });
    await page.goto(`${stack.baseUrl}/partner/orders`);
    const card = page.locator('[data-testid=order]', { hasText: 'Kenya Nyeri AA' });
    await card.waitFor();
    await card.locator('[data-testid=roasted]').click();
    await card.locator('[data-testid=order-status]:has-text("로스팅 완료")').waitFor();
    await card.locator('[data-testid=carrier]').selectOption('cj');
    await card.locator('[data-testid=tracking]').fill('6123-4567-8901');
    await card.locator('[data-testid=ship]').click();
    await page.locator('[role=status]:has-text("1건 발송 처리")').waitFor();
    const shipped = await stack.db('fulfilment_orders').where({ id: order.id }).first();
    assert.equal(shipped.status, 'shipped');
    assert.equal(shipped.trackingNumber, '612345678901');
    await page.click('[data-testid=view-shipped]');
    await page.locator('[data-testid=order]', { hasText: '612345678901' }).waitFor();

    const mine = await loggedIn(browser, stack.baseUrl, customer.email, customer.password);
    await mine.goto(`${stack.baseUrl}/me`);
    await mine.click('[data-testid=tab-deliveries]');
    const delivery = mine.locator('[data-testid=delivery]', { hasText: 'Kenya Nyeri AA' });
    await delivery.locator('[data-testid=delivery-status]:has-text("배송 중")').waitFor();
    await delivery.locator(':text("CJ대한통운 612345678901")').waitFor();
    await delivery.locator('[data-testid=confirm-delivery]').click();
    await delivery.locator('[data-testid=delivery-status]:has-text("배송 완료")').waitFor();
    assert.equal(
      (await stack.db('fulfilment_orders').where({ id: order.id }).first()).deliveredBy,
      'customer',
    );
  });
});
