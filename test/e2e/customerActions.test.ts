// Customer actions in a real browser (issue 15 §3): on 마이페이지 a scheduled cancel (asked why, offered a pause first)
// is taken back, and a paid cycle not yet shipped is withdrawn with its refund shown before it is confirmed; a declined
// first charge lands on its reason and what to do, never on "구독이 시작되었습니다!". With SCREENSHOTS=<dir> the pages
// are photographed at 1366×900 and 390×844.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { checkoutAs } from '../checkout';
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
const shots = process.env.SCREENSHOTS;
if (shots) mkdirSync(shots, { recursive: true });

async function shoot(page: Page, name: string) {
  if (!shots) return;
  for (const [w, h] of [
    [1366, 900],
    [390, 844],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.waitForTimeout(150);
    await page.screenshot({ path: `${shots}/${name}-${w}.png`, fullPage: true });
    // Nothing scrolls sideways on a phone.
    const wide = await page.evaluate<boolean>('document.documentElement.scrollWidth > window.innerWidth + 1');
    assert.equal(wide, false, `${name} at ${w} px scrolls sideways`);
  }
  await page.setViewportSize({ width: 1366, height: 900 });
}

before(async () => {
  stack = await startStack({ SUBSCRIPTION_WEEK: '7d', SHIP_WITHIN: '1h' });
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

describe('customer actions in the browser', () => {
  it('마이페이지: cancel asks why and offers a pause, 해지 취소 takes it back, and an unshipped cycle is withdrawn and refunded', async () => {
    const customer = await makeUser(stack);
    const res = await checkoutAs(stack, customer, productId, { quantity: 2, cycleWeeks: 2 });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const id = res.body.id;
    const order = await eventually(
      () => stack.db('fulfilment_orders').where({ subscriptionId: id }).first(),
      20_000,
    );

    const page = await loggedIn(browser, stack.baseUrl, customer.email, customer.password, {
      width: 1366,
      height: 900,
    });
    await page.goto(`${stack.baseUrl}/me`);
    const card = page.locator(`#subscription-${id}`);
    await card.locator('[data-testid=cycle]:has-text("1회차")').waitFor();
    await card.locator('[data-testid=withdrawable]').waitFor();

    // 해지: the dialog offers a pause first and will not cancel without a reason.
    await card.locator('[data-testid=cancel]').click();
    const dialog = page.locator('[data-testid=cancel-dialog]');
    await dialog.locator('[data-testid=pause-offer]:has-text("대신 일시정지할까요?")').waitFor();
    await shoot(page, 'cancel-dialog');
    await dialog.locator('[data-testid=cancel-end]').click();
    await dialog.locator('[role=alert]:has-text("해지 이유를 골라 주세요")').waitFor();
    await dialog.locator('[data-testid=reason-beans_left]').check();
    await dialog.locator('[data-testid=reason-note]').fill('아직 한 봉 남았어요');
    await dialog.locator('[data-testid=cancel-end]').click();
    await card.locator('[data-testid=status-text]:has-text("해지됩니다")').waitFor();
    const scheduled = await stack.db('subscriptions').where({ id }).first();
    assert.deepEqual(
      [scheduled.cancelAtPeriodEnd, scheduled.cancelReasonCode, scheduled.cancelReasonNote],
      [true, 'beans_left', '아직 한 봉 남았어요'],
    );
    await shoot(page, 'cancel-scheduled');

    // 해지 취소.
    await card.locator('[data-testid=undo-cancel]').click();
    await card.locator('[data-testid=status-text]').waitFor({ state: 'detached' });
    assert.equal((await stack.db('subscriptions').where({ id }).first()).cancelAtPeriodEnd, false);

    // 청약철회: the confirmation shows the amount refunded; confirmed, the cycle is refunded and the roaster's order ends.
    await card.locator('[data-testid=withdraw]').click();
    const confirm = page.locator('[data-testid=withdraw-dialog]');
    await confirm.locator('[data-testid=withdraw-amount]:has-text("32,000원")').waitFor();
    await shoot(page, 'withdraw-dialog');
    await confirm.locator('[data-testid=withdraw-confirm]').click();
    await card
      .locator('[data-testid=action-done]:has-text("32,000원을 환불했습니다")')
      .waitFor({ timeout: 20_000 });
    const ended = await stack.db('fulfilment_orders').where({ id: order.id }).first();
    assert.deepEqual([ended.status, ended.cancelCause], ['canceled', 'withdrawn']);
    const paid = await stack.db('payments').where({ id: order.paymentId }).first();
    assert.deepEqual([paid.status, paid.refundedAmount], ['refunded', 32000]);
    await card.locator('[data-testid=withdrawable]').waitFor({ state: 'detached' });
    await shoot(page, 'withdrawn');
    await page.click('[data-testid=tab-deliveries]');
    await page.locator('[data-testid=delivery-status]:has-text("취소됨")').waitFor();
    await page.close();
  });

  it('배송: each paid delivery not yet shipped has its own 취소·환불, confirmed with the amount, and then reads 취소됨', async () => {
    const customer = await makeUser(stack);
    const res = await checkoutAs(stack, customer, productId, { quantity: 1, cycleWeeks: 2 });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const order = await eventually(
      () => stack.db('fulfilment_orders').where({ subscriptionId: res.body.id }).first(),
      20_000,
    );
    const page = await loggedIn(browser, stack.baseUrl, customer.email, customer.password, {
      width: 390,
      height: 844,
    });
    await page.goto(`${stack.baseUrl}/me?tab=deliveries`);
    const delivery = page.locator('[data-testid=delivery]');
    await delivery.locator('[data-testid=delivery-status]:has-text("로스팅 대기")').waitFor();
    await delivery.locator('[data-testid=delivery-withdraw]:has-text("1회차 취소·환불")').click();
    const confirm = page.locator('[data-testid=withdraw-dialog]');
    await confirm.locator('[data-testid=withdraw-amount]:has-text("16,000원")').waitFor();
    await confirm.locator('[data-testid=withdraw-confirm]').click();
    await page
      .locator('[data-testid=delivery-withdrawn]:has-text("16,000원을 환불했습니다")')
      .waitFor({ timeout: 20_000 });
    await delivery.locator('[data-testid=delivery-status]:has-text("취소됨")').waitFor();
    await delivery.locator('[data-testid=delivery-withdraw]').waitFor({ state: 'detached' });
    await shoot(page, 'delivery-withdrawn');
    const ended = await stack.db('fulfilment_orders').where({ id: order.id }).first();
    assert.deepEqual([ended.status, ended.cancelCause], ['canceled', 'withdrawn']);
    assert.equal((await stack.db('payments').where({ id: order.paymentId }).first()).refundedAmount, 16000);
    await page.close();
  });

  it('a declined first charge shows its reason and the card change, on checkout and on 마이페이지, never "구독이 시작되었습니다!"', async () => {
    const customer = await makeUser(stack);
    const page = await loggedIn(browser, stack.baseUrl, customer.email, customer.password, {
      width: 1366,
      height: 900,
    });
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
    // The sandbox card that registers but declines every charge: limit exceeded or not enough balance.
    await page.fill('#cardNumber', '4000000000000002');
    await page.fill('#expiry', '12/30');
    await page.fill('#password', '12');
    await page.fill('#birth', '900101');
    await page.click('button[value=register]');
    const notice = page.locator('[data-testid=first-charge-declined]');
    await notice.waitFor({ timeout: 30_000 });
    assert.match(await notice.innerText(), /첫 결제가 승인되지 않았습니다/);
    assert.match(
      await notice.locator('[data-testid=decline-reason]').innerText(),
      /카드 한도를 넘었거나 잔액이 부족해/,
    );
    await notice.locator('[data-testid=decline-change-card]').waitFor();
    assert.equal(await page.locator('text=구독이 시작되었습니다').count(), 0);
    await shoot(page, 'checkout-declined');

    const sub = await stack.db('subscriptions').where({ customerId: customer.me.id }).first();
    assert.deepEqual([sub.status, sub.cycle], ['past_due', 0]);
    await page.goto(`${stack.baseUrl}/me?subscribed=${sub.id}`);
    await page.locator('[data-testid=first-charge-declined]').first().waitFor();
    await page.locator('[data-testid=cycle]:has-text("첫 결제 전")').waitFor();
    assert.equal(await page.locator('text=구독이 시작되었습니다').count(), 0);
    assert.equal(await page.locator('[data-testid=subscribed]').count(), 0);
    await shoot(page, 'me-declined');
    await page.close();
  });
});
