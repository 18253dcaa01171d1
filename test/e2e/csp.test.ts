// The Content-Security-Policy against the real UI build in headless Chromium: every page of every role renders
// (the SvelteKit bootstrap runs by its hash, chart.js draws, the Toss SDK loads and opens its card window) with zero
// policy violations — and a script injected inline is refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
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
let subscriptionId: string;
let accounts: Record<'admin' | 'partner' | 'customer', { email: string; password: string }>;
before(async () => {
  stack = await startStack();
  browser = await launchChromium();
  const admin = await makeUser(stack, ['customer', 'admin']);
  const partner = await makePartner(stack, admin.me.id);
  productId = await publishProduct(stack, partner.browser, admin.me.id, { name: 'Rwanda Nyamasheke' });
  const customer = await makeUser(stack);
  subscriptionId = await subscribeWith(stack, customer.browser, productId);
  await eventually(() => stack.db('payments').where({ subscriptionId }).first('id'));
  accounts = { admin, partner, customer };
});
after(async () => {
  await browser?.close();
  await stack.stop();
  await stopTemporal();
});

/** Every CSP violation a page reports, from the DOM event and from the console. */
async function watch(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content[ -]Security[ -]Policy/i.test(m.text())) violations.push(`console: ${m.text()}`);
  });
  await page.exposeFunction('__cspViolation', (v: string) => violations.push(v));
  // (A string: this project's tsconfig has no DOM types.)
  await page.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (e) =>
      window.__cspViolation(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') +
        ' (' + e.sourceFile + ':' + e.lineNumber + ')'));`,
  });
  return violations;
}

/** Visits each path and waits until the app has rendered its main content. */
async function visitAll(page: Page, paths: string[]): Promise<void> {
  for (const path of paths) {
    await page.goto(stack.baseUrl + path);
    await page.waitForSelector('main', { timeout: 10_000 });
    await page.waitForLoadState('networkidle');
  }
}

describe('Content-Security-Policy in the browser', () => {
  it('every page renders with zero violations, signed out and as customer, partner and admin', async () => {
    const anon = await browser.newPage();
    const seen = await watch(anon);
    await visitAll(anon, [
      '/',
      '/login',
      '/signup',
      '/terms',
      '/privacy',
      '/refund-policy',
      `/products/${productId}`,
    ]);
    await anon.locator('h1', { hasText: 'Rwanda Nyamasheke' }).waitFor(); // the app rendered, data and all
    await anon.close();

    const pages: [keyof typeof accounts, string[]][] = [
      [
        'customer',
        [
          '/me',
          '/notifications',
          `/checkout?product=${productId}&grams=200&grind=whole_bean&quantity=1&cycle=2`,
        ],
      ],
      [
        'partner',
        [
          '/partner/dashboard',
          '/partner/products',
          `/partner/products/${productId}`,
          '/partner/products/new',
          '/partner/orders',
          '/partner/settlements',
          '/partner/application',
          '/notifications',
        ],
      ],
      [
        'admin',
        [
          '/admin/inbox',
          '/admin/payments',
          '/admin/settlements',
          '/admin/dashboard',
          '/admin/notifications',
          '/notifications',
        ],
      ],
    ];
    for (const [who, paths] of pages) {
      const page = await browser.newPage();
      seen.push(...(await watch(page)));
      const { email, password } = accounts[who];
      await page.goto(`${stack.baseUrl}/login`);
      await page.fill('#email', email);
      await page.fill('#password', password);
      await page.click('button[type=submit]');
      await page.waitForURL((u) => !u.pathname.startsWith('/login'));
      await visitAll(page, paths);
      if (who === 'partner') {
        // chart.js draws on the dashboard under the policy.
        await page.goto(`${stack.baseUrl}/partner/dashboard`);
        await page.waitForSelector('[data-testid=revenue-chart]');
      }
      await page.close();
    }
    assert.deepEqual(seen, []);
  });

  it('the Toss SDK loads from its origin and opens the card window without a violation', async () => {
    const page = await loggedIn(browser, stack.baseUrl, accounts.customer.email, accounts.customer.password);
    const seen = await watch(page);
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
    assert.deepEqual(seen, []);
  });

  it('refuses a script injected inline (the policy is enforced, not just sent)', async () => {
    const page = await browser.newPage();
    const seen = await watch(page);
    await page.goto(stack.baseUrl + '/');
    await page.waitForSelector('main');
    const ran = await page.evaluate(`(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__injected = true';
      document.body.appendChild(s);
      return window.__injected === true;
    })()`);
    assert.equal(ran, false);
    await eventually(async () => seen.some((v) => /script-src/.test(v)));
    await page.close();
  });
});
