// The legal basics in Chromium (docs/architecture.md#terms-and-consents): sign-up with its consents on a phone, the
// footer with the operator's business information on every page and the documents it links to, the roaster on the
// product page, and the checkout's consents.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  makePartner,
  makeUser,
  publishProduct,
  startStack,
  stopTemporal,
  uniq,
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

async function footerShown(page: Page, path: string) {
  const footer = page.locator('[data-testid=site-footer]');
  await footer.locator('[data-testid=business-info]').waitFor({ timeout: 10_000 });
  const text = (await footer.textContent()) ?? '';
  for (const words of [
    '(예시) 주식회사 달고나', // BUSINESS_NAME's development placeholder
    '사업자등록번호',
    '000-00-00000',
    '통신판매업 신고번호',
    '2026-예시-00000',
    '대표자',
    '주소',
    '고객센터',
    '개인정보 보호책임자',
    '통신판매중개자',
    '이용약관',
    '개인정보처리방침',
    '취소·환불 정책',
  ]) {
    assert.ok(text.includes(words), `${path}: the footer says ${words}`);
  }
}

describe('legal basics in the browser', () => {
  it('signs up on a phone: required consents refused until given, then recorded with the account', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${stack.baseUrl}/signup`);
    const email = `e2e-consent-${uniq()}@example.com`;
    await page.fill('#name', '김동의');
    await page.fill('#email', email);
    await page.fill('#password', 'correct-horse-1');
    // Nothing agreed: each required consent says so, nothing is sent.
    await page.click('[data-testid=signup-submit]');
    await page.waitForSelector('[data-testid=error-consent-terms]');
    assert.match((await page.textContent('[data-testid=error-consent-age14]')) ?? '', /만 14세 이상/);
    assert.match((await page.textContent('[data-testid=error-consent-privacy]')) ?? '', /동의해 주세요/);
    assert.equal(await stack.db('users').where({ email }).first(), undefined);

    // 전체 동의 ticks every box (and unticks them); the optional one can be left out.
    await page.check('#consent-all');
    for (const id of ['age14', 'terms', 'privacy', 'marketing'])
      assert.equal(await page.isChecked(`#consent-${id}`), true, id);
    await page.uncheck('#consent-all');
    assert.equal(await page.isChecked('#consent-terms'), false);
    // By keyboard: each box is reachable and toggled with Space.
    await page.focus('#consent-age14');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    assert.equal(await page.isChecked('#consent-terms'), true);
    await page.check('#consent-privacy');
    // The documents open from the form.
    assert.equal(await page.getAttribute('#consent-terms ~ a', 'href'), '/terms');

    await page.click('[data-testid=signup-submit]');
    await page.waitForURL(`${stack.baseUrl}/`);
    const user = await stack.db('users').where({ email }).first();
    const rows = (await stack.db('consents').where({ userId: user.id }).orderBy('kind')) as {
      kind: string;
      granted: boolean;
      documentVersion: string | null;
    }[];
    assert.deepEqual(
      rows.map((r) => [r.kind, r.granted]),
      [
        ['age_14', true],
        ['marketing', false],
        ['privacy', true],
        ['terms', true],
      ],
    );
    assert.match(rows.find((r) => r.kind === 'terms')!.documentVersion!, /^2026-12-07\+/);
    await page.close();
  });

  it('every page has the footer; its links open the documents, marked as templates', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    for (const path of ['/', '/login', '/signup', `/products/${productId}`]) {
      await page.goto(stack.baseUrl + path);
      await footerShown(page, path);
    }
    await page.goto(`${stack.baseUrl}/`);
    for (const [link, slug, title] of [
      ['footer-terms', 'terms', '달고나 이용약관'],
      ['footer-privacy', 'privacy', '개인정보처리방침'],
      ['footer-refund', 'refund', '취소·환불 정책'],
    ] as const) {
      await page.click(`[data-testid=${link}]`);
      const doc = page.locator(`[data-testid=legal-document][data-slug=${slug}]`);
      await doc.locator('h1', { hasText: title }).waitFor();
      assert.match((await doc.locator('[data-testid=legal-template]').textContent()) ?? '', /템플릿/);
      assert.match((await doc.locator('[data-testid=legal-version]').textContent()) ?? '', /^2026-12-07\+/);
      await footerShown(page, slug);
    }
    await page.close();
  });

  it('the product page names the roaster as the seller, with its business information', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${stack.baseUrl}/products/${productId}`);
    const seller = page.locator('[data-testid=seller-info]');
    await seller.waitFor();
    const text = (await seller.textContent()) ?? '';
    for (const words of [
      '판매자 정보',
      '대표자',
      '사업자등록번호',
      '통신판매업 신고번호',
      '2024-서울성동-01234',
    ])
      assert.ok(text.includes(words), words);
    assert.match(
      (await seller.locator('[data-testid=seller-intermediary]').textContent()) ?? '',
      /통신판매중개자/,
    );
    assert.match(
      (await seller.locator('[data-testid=seller-registration]').textContent()) ?? '',
      /^\d{3}-\d{2}-\d{5}$/,
    );
    await page.close();
  });

  it('checkout shows what the customer agrees to and does not open the card window without it', async () => {
    const customer = await makeUser(stack);
    const page = await loggedIn(browser, stack.baseUrl, customer.email, customer.password, {
      width: 390,
      height: 844,
    });
    await page.goto(
      `${stack.baseUrl}/checkout?product=${productId}&grams=500&grind=whole_bean&quantity=2&cycle=2`,
    );
    const recurring = page.locator('[data-testid=recurring-terms]');
    await recurring.waitFor();
    assert.equal((await page.textContent('[data-testid=consent-amount]'))?.trim(), '72,000원');
    const first = (await page.textContent('[data-testid=consent-first]'))!.trim();
    const next = (await page.textContent('[data-testid=consent-next]'))!.trim();
    assert.equal(Date.parse(next) - Date.parse(first), 14 * 24 * 3600_000);
    assert.match((await recurring.textContent()) ?? '', /2주마다[\s\S]*마이페이지/);
    const provision = (await page.textContent('[data-testid=third-party-terms]')) ?? '';
    for (const words of ['제공받는 자', '배송 주소', '제공 목적', '보유 및 이용 기간'])
      assert.ok(provision.includes(words));

    await page.fill('#ship-phone', '010-9876-5432');
    await page.fill('#ship-postcode', '03172');
    await page.fill('#ship-address1', '서울특별시 종로구 세종대로 175');
    await page.check('#consent-recurring');
    await page.click('[data-testid=pay-with-card]');
    await page.waitForSelector('[data-testid=error-consent-third-party]');
    assert.ok(page.url().startsWith(`${stack.baseUrl}/checkout`), 'still on checkout');
    await page.check('#consent-third-party');
    await page.click('[data-testid=pay-with-card]');
    await page.waitForURL(`${stack.sandbox.url}/billing-auth?**`);
    await page.close();
  });
});
