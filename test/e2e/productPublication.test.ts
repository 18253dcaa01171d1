// The second journey in a real browser: a partner registers a bean, an admin approves it in the inbox with the
// revision diff, and a shopper finds it in the storefront and picks its options.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { makePartner, makeUser, pngImage, startStack, stopTemporal, uniq, type Stack } from '../harness';
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

describe('product publication in the browser', () => {
  it('partner submits, admin approves, the storefront shows it with its options at once', async () => {
    const admin = await makeUser(stack, ['customer', 'admin']);
    const partner = await makePartner(stack, admin.me.id);
    const name = `Kenya Kirinyaga ${uniq()}`;

    const p = await loggedIn(browser, stack.baseUrl, partner.email, partner.password, {
      width: 390,
      height: 844,
    });
    await p.goto(`${stack.baseUrl}/partner/products/new`);
    await p.setInputFiles('[data-testid=image-input]', {
      name: 'bag.png',
      mimeType: 'image/png',
      buffer: await pngImage('#7a4a2a', 600),
    });
    await p.waitForSelector('.preview img');
    await p.fill('#name', name);
    await p.fill('#description', 'Blackcurrant and hibiscus, a juicy cup roasted light for filter.');
    await p.selectOption('#country', 'KE');
    await p.fill('#region', 'Kirinyaga');
    await p.selectOption('[data-testid=roastLevel]', 'light');
    await p.fill('#notes', 'blackcurrant, hibiscus, cane sugar');
    await p.fill('[data-testid=grams-0]', '200');
    await p.fill('[data-testid=price-0]', '18000');
    await p.click('text=+');
    await p.fill('[data-testid=grams-1]', '500');
    await p.fill('[data-testid=price-1]', '41000');
    await p.click('[data-testid=product-submit]');
    await p.waitForURL('**/partner/products/*?submitted=1');
    await p.waitForSelector('[data-testid=revision-status]:has-text("관리자 검토 중")');

    const a = await loggedIn(browser, stack.baseUrl, admin.email, admin.password);
    await a.goto(`${stack.baseUrl}/admin/inbox?kind=product_review&q=${encodeURIComponent(name)}`);
    await a.locator('[data-testid=task]', { hasText: name }).locator('[data-testid=task-link]').click();
    await a.waitForSelector('[data-testid=revision-diff]');
    await a.click('[data-testid=approve]');
    await a.waitForSelector('[data-testid=outcome]');

    const shopper = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await shopper.goto(`${stack.baseUrl}/`);
    await shopper.fill('[data-testid=search]', name);
    await shopper.press('[data-testid=search]', 'Enter');
    const card = shopper.locator('[data-testid=product-card]', { hasText: name });
    await card.waitFor();
    await card.click();
    await shopper.waitForSelector('[data-testid=per-delivery]');
    assert.equal((await shopper.textContent('[data-testid=product-name]'))?.trim(), name);
    await shopper.click('[data-testid=weight-500] >> xpath=..');
    await shopper.click('button[aria-label="+"]');
    assert.equal((await shopper.textContent('[data-testid=per-delivery]'))?.trim(), '82,000원');
    const cycles = await shopper.locator('[data-testid=cycle] option').allTextContents();
    assert.deepEqual(cycles, ['2주마다', '4주마다']);

    // The partner's list now shows it on sale.
    await p.goto(`${stack.baseUrl}/partner/products`);
    await p.waitForSelector('[data-testid=product-status]:has-text("판매 중")');
  });
});
