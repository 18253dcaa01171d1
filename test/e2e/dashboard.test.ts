// The sales dashboard in a real browser, on a phone-sized screen: a paid cycle shows up in the partner's cards and
// the revenue chart draws (pixels on the canvas); the partner ships the order and the dashboard follows; the range
// toggle re-buckets it; the admin's view renders too.
import assert from 'node:assert/strict';
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
import { subscribeWith } from '../api/fixtures';
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

/** Painted (non-transparent) pixels of the chart's canvas. */
const paintedPixels = (p: Page) =>
  p.$eval('[data-testid=revenue-chart]', (c) => {
    // (No DOM types in this project's tsconfig: the canvas's shape, as used.)
    const canvas = c as unknown as {
      width: number;
      height: number;
      getContext(kind: '2d'): {
        getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
      };
    };
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
    return n;
  });

describe('sales dashboard in the browser', () => {
  it('a partner sees a paid cycle in the cards and the chart, on a phone; the admin sees every partner', async () => {
    const admin = await makeUser(stack, ['customer', 'admin']);
    const partner = await makePartner(stack, admin.me.id);
    const productId = await publishProduct(stack, partner.browser, admin.me.id);
    const customer = await makeUser(stack);
    const subscriptionId = await subscribeWith(stack, customer.browser, productId);
    const payment = await eventually<{ amount: number }>(() =>
      stack.db('payments').where({ subscriptionId }).first('amount'),
    );
    const krw = `${payment.amount.toLocaleString('ko-KR')}원`;

    const p = await loggedIn(browser, stack.baseUrl, partner.email, partner.password, {
      width: 390,
      height: 844,
    });
    await p.click('.menu-btn');
    await p.click('[data-testid=nav-dashboard]');
    await p.waitForURL('**/partner/dashboard');
    await p.waitForSelector('[data-testid=revenue-chart][data-points="30"]');
    assert.equal(await p.textContent('h1'), '매출 관리');
    assert.equal(await p.textContent('[data-testid=kpi-net]'), krw);
    assert.equal(await p.textContent('[data-testid=kpi-subscribers]'), '1명');
    assert.equal(await p.textContent('[data-testid=kpi-to-ship]'), '1건');
    assert.equal(await p.textContent('[data-testid=kpi-settlement]'), krw);
    assert.ok((await paintedPixels(p)) > 500, 'the chart is drawn');
    // Nothing wider than the phone's screen.
    assert.ok((await p.$eval('html', (h) => (h as unknown as { scrollWidth: number }).scrollWidth)) <= 390);

    // The partner ships the order from 주문 · 발송 and comes back: "orders to ship" has gone down at once (the
    // shipment cleared the cached dashboard), while the sale stays in the cards.
    await p.click('.menu-btn');
    await p.click('[data-testid=nav-orders]');
    await p.waitForURL('**/partner/orders');
    const order = p.locator('[data-testid=order]').first();
    await order.locator('[data-testid=roasted]').click();
    await order.locator('[data-testid=order-status]:has-text("로스팅 완료")').waitFor();
    await order.locator('[data-testid=carrier]').selectOption('cj');
    await order.locator('[data-testid=tracking]').fill('6123-4567-8901');
    await order.locator('[data-testid=ship]').click();
    await p.locator('[role=status]:has-text("1건 발송 처리")').waitFor();
    await p.click('.menu-btn');
    await p.click('[data-testid=nav-dashboard]');
    await p.waitForURL('**/partner/dashboard');
    await p.waitForSelector('[data-testid=kpi-to-ship]:text-is("0건")');
    assert.equal(await p.textContent('[data-testid=kpi-net]'), krw);

    await p.click('[data-testid=range-12m]');
    await p.waitForSelector('[data-testid=revenue-chart][data-points="12"]');
    assert.match(p.url(), /range=12m/);
    assert.equal(await p.textContent('[data-testid=kpi-net]'), krw);

    await p.click('.menu-btn');
    await p.click('[data-testid=lang-toggle]');
    await p.waitForSelector('h1:has-text("Sales dashboard")');

    const a = await loggedIn(browser, stack.baseUrl, admin.email, admin.password);
    await a.goto(`${stack.baseUrl}/admin/dashboard`);
    await a.waitForSelector('[data-testid=revenue-chart][data-points="30"]');
    assert.ok((await paintedPixels(a)) > 500);
    const options = await a.$$eval('[data-testid=partner-filter] option', (os) =>
      os.map((o) => o.textContent),
    );
    assert.ok(options.length >= 2, JSON.stringify(options));
  });
});
