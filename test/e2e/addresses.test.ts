// Addresses in a real browser, with the postcode search unreachable (as offline, or behind a filter): the typed
// fields are the whole form. Checkout adds an address (it lands in the book as the default and on the subscription);
// 마이페이지 edits it, adds another and moves the subscription there; 주문 · 발송 shows the roaster the 배송 메모.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
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
let roaster: Awaited<ReturnType<typeof makePartner>>;
before(async () => {
  stack = await startStack();
  browser = await launchChromium();
  const admin = await makeUser(stack, ['customer', 'admin']);
  roaster = await makePartner(stack, admin.me.id);
  productId = await publishProduct(stack, roaster.browser, admin.me.id, { name: 'Peru Cajamarca' });
});
after(async () => {
  await browser?.close();
  await stack.stop();
  await stopTemporal();
});

/** Screenshots for people to look at, when E2E_SCREENSHOTS names a directory. */
async function shot(page: Page, name: string): Promise<void> {
  const dir = process.env.E2E_SCREENSHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
}

/** The postcode search's script never loads here (whatever the network): the fallback is what is tested. */
async function offlinePostcode(page: Page): Promise<void> {
  await page.route('https://t1.daumcdn.net/**', (route) => route.abort('internetdisconnected'));
}

/** No sideways scroll. */
async function fitsWidth(page: Page): Promise<void> {
  const [scroll, width] = await page.evaluate<[number, number]>(
    '[document.documentElement.scrollWidth, window.innerWidth]',
  );
  assert.ok(scroll <= width, `page scrolls sideways: ${scroll} > ${width}`);
}

describe('addresses in the browser', () => {
  it('checkout adds an address to the book; 마이페이지 edits it and moves the subscription to another', async () => {
    const customer = await makeUser(stack);
    const page = await loggedIn(browser, stack.baseUrl, customer.email, customer.password, {
      width: 1366,
      height: 900,
    });
    await offlinePostcode(page);
    await page.goto(
      `${stack.baseUrl}/checkout?product=${productId}&grams=200&grind=whole_bean&quantity=1&cycle=2`,
    );
    // 받는 분 starts as the account's name, and stays empty once cleared.
    const name = page.locator('#ship-name');
    await eventually(async () => (await name.inputValue()) === customer.me.name);
    await name.fill('');
    await page.waitForTimeout(400);
    assert.equal(await name.inputValue(), '');
    await page.locator('[data-testid=ship-search-unavailable]').waitFor();

    // Refused on the page, field by field, before anything is saved.
    await page.fill('#ship-phone', '010-2222-3333');
    await page.fill('#ship-postcode', '123');
    await page.check('#consent-recurring');
    await page.check('#consent-third-party');
    await page.click('[data-testid=pay-with-card]');
    await page.locator('[data-testid=error-ship-name]').waitFor();
    await page.locator('[data-testid=error-ship-postcode]:has-text("우편번호 5자리")').waitFor();
    await page.locator('[data-testid=error-ship-address1]').waitFor();
    assert.equal((await stack.db('addresses').where({ userId: customer.me.id })).length, 0);

    await name.fill('이수령');
    await page.fill('#ship-postcode', '03172');
    await page.fill('#ship-address1', '서울특별시 종로구 세종대로 175');
    await page.fill('#ship-address2', '세종문화회관 2층');
    await page.fill('#ship-memo', '부재 시 경비실에 맡겨 주세요');
    await fitsWidth(page);
    await shot(page, 'checkout-new-address-1366');
    await page.click('[data-testid=pay-with-card]');
    await page.waitForURL(`${stack.sandbox.url}/billing-auth?**`);
    await page.fill('#cardNumber', '4330 1234 1234 1234');
    await page.fill('#expiry', '12/30');
    await page.fill('#password', '12');
    await page.fill('#birth', '900101');
    await page.click('button[value=register]');
    await page.waitForURL('**/me?subscribed=*', { timeout: 15_000 });

    const first = {
      name: '이수령',
      phone: '010-2222-3333',
      postcode: '03172',
      address1: '서울특별시 종로구 세종대로 175',
      address2: '세종문화회관 2층',
      memo: '부재 시 경비실에 맡겨 주세요',
    };
    const saved = await stack.db('addresses').where({ userId: customer.me.id });
    assert.equal(saved.length, 1);
    assert.equal(saved[0].isDefault, true, 'the first address is the default');
    assert.equal(saved[0].memo, first.memo);
    const sub = await eventually(() =>
      stack.db('subscriptions').where({ customerId: customer.me.id }).first(),
    );
    assert.deepEqual(sub.shipTo, first);
    const order = await eventually(() =>
      stack.db('fulfilment_orders').where({ subscriptionId: sub.id }).first(),
    );
    assert.deepEqual(order.shipTo, first);

    // A second checkout offers the saved address, chosen already.
    await page.goto(
      `${stack.baseUrl}/checkout?product=${productId}&grams=200&grind=whole_bean&quantity=1&cycle=2`,
    );
    const savedChoice = page.locator('[data-testid=saved-addresses] input[type=radio]').first();
    await savedChoice.waitFor();
    assert.ok(await savedChoice.isChecked());
    assert.equal(await page.locator('#ship-address1').count(), 0, 'no form while a saved one is chosen');
    await shot(page, 'checkout-saved-address-1366');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.click('[data-testid=ship-new]');
    await page.locator('#ship-address1').waitFor();
    await fitsWidth(page);
    await shot(page, 'checkout-saved-address-390');
    await page.close();

    // 마이페이지 on a phone: edit the address, add another, move the subscription there.
    const phone = await loggedIn(browser, stack.baseUrl, customer.email, customer.password, {
      width: 390,
      height: 844,
    });
    await offlinePostcode(phone);
    await phone.goto(`${stack.baseUrl}/me`);
    const book = phone.locator('[data-testid=address-book]');
    const entry = book.locator('[data-testid=address]').first();
    await entry.locator('[data-testid=address-default]').waitFor();
    await entry.locator('[data-testid=address-edit]').click();
    await phone.fill('#edit-address2', '세종문화회관 3층');
    await entry.locator('[data-testid=address-save]').click();
    await book.locator('[role=status]:has-text("저장했습니다")').waitFor();
    await entry
      .locator(
        '[data-testid=address-text]:has-text("(03172) 서울특별시 종로구 세종대로 175 세종문화회관 3층")',
      )
      .waitFor();
    assert.equal(
      (await stack.db('addresses').where({ id: saved[0].id }).first()).address2,
      '세종문화회관 3층',
    );

    await book.locator('[data-testid=address-add]').click();
    await phone.fill('#new-name', '이수령');
    await phone.fill('#new-phone', '010-2222-3333');
    await phone.fill('#new-postcode', '48058');
    await phone.fill('#new-address1', '부산광역시 해운대구 센텀중앙로 55');
    await phone.fill('#new-memo', '문 앞에 놓아 주세요');
    await book.locator('[data-testid=address-save]').click();
    await book.locator('[data-testid=address]', { hasText: '센텀중앙로 55' }).waitFor();
    await fitsWidth(phone);
    await shot(phone, 'me-address-book-390');

    const card = phone.locator('[data-testid=subscription]').first();
    await card.locator('[data-testid=subscription-address-change]').click();
    await card.locator('label', { hasText: '센텀중앙로 55' }).locator('input').check();
    await shot(phone, 'me-subscription-address-390');
    await card.locator('[data-testid=subscription-address-apply]').click();
    await card.locator('[role=status]:has-text("배송지를 바꿨습니다")').waitFor();
    await card.locator('[data-testid=subscription-address-text]:has-text("센텀중앙로 55")').waitFor();
    await fitsWidth(phone);
    const moved = await stack.db('subscriptions').where({ id: sub.id }).first();
    assert.equal(moved.shipTo.postcode, '48058');
    // The first order has not shipped: it goes to the new address too.
    assert.equal(
      (await stack.db('fulfilment_orders').where({ id: order.id }).first()).shipTo.postcode,
      '48058',
    );
    await phone.setViewportSize({ width: 1366, height: 900 });
    await fitsWidth(phone);
    await shot(phone, 'me-1366');
    await phone.close();

    // The roaster sees the structured address and the 배송 메모 on 주문 · 발송.
    const desk = await loggedIn(browser, stack.baseUrl, roaster.email, roaster.password, {
      width: 1366,
      height: 900,
    });
    await desk.goto(`${stack.baseUrl}/partner/orders`);
    const row = desk.locator('[data-testid=order]', { hasText: 'Peru Cajamarca' }).first();
    await row.locator('[data-testid=order-memo]:has-text("문 앞에 놓아 주세요")').waitFor();
    await row
      .locator('[data-testid=order-ship-to]:has-text("(48058) 부산광역시 해운대구 센텀중앙로 55")')
      .waitFor();
    assert.equal(
      await desk.locator('[data-testid=export-courier]').getAttribute('href'),
      '/api/partner/orders/export.csv?status=open&layout=courier',
    );
    await shot(desk, 'partner-orders-1366');
    await desk.setViewportSize({ width: 390, height: 844 });
    await fitsWidth(desk);
    await shot(desk, 'partner-orders-390');
    await desk.close();
  });
});
