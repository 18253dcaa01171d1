// The back office in headless Chromium: every admin page's tables keep each column at least as wide as its header at
// 1366 × 900, no page scrolls sideways at 390 × 844 (customer pages too), a partner is suspended from the directory,
// and the refund dialog opens at the row with the amounts, keeps focus inside, returns it, and asks to confirm.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startSettlementRun } from '../../domain/contracts/settlementRun';
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
let admin: Awaited<ReturnType<typeof makeUser>>;
let customer: Awaited<ReturnType<typeof makeUser>>;
let partnerId: string;
let productId: string;
let subscriptionId: string;

before(async () => {
  stack = await startStack();
  browser = await launchChromium();
  admin = await makeUser(stack, ['customer', 'admin']);
  const partner = await makePartner(stack, admin.me.id);
  partnerId = (await stack.db('partners').where({ userId: partner.me.id }).first('id')).id as string;
  productId = await publishProduct(stack, partner.browser, admin.me.id, {
    name: '에티오피아 예가체프 코체레 G1 워시드',
  });
  customer = await makeUser(stack);
  subscriptionId = await subscribeWith(stack, customer.browser, productId);
  await eventually(() => stack.db('payments').where({ subscriptionId }).first('id'));
  const run = await startSettlementRun(stack.client, stack.config.temporal, `e2e-admin-${subscriptionId}`, {
    periodEnd: new Date().toISOString(),
    periodMs: 604_800_000,
    defaultCommissionBps: 1000,
  });
  await run.result();
  // Something in the audit log to show.
  await admin.browser.post(`/api/admin/subscriptions/${subscriptionId}/pause`, {
    reason: '고객 요청 (전화)',
  });
  await admin.browser.post(`/api/admin/subscriptions/${subscriptionId}/resume`, {
    reason: '고객 요청 (전화)',
  });
});
after(async () => {
  await browser?.close();
  await stack.stop();
  await stopTemporal();
});

const adminPages = () => [
  '/admin/inbox',
  '/admin/partners',
  `/admin/customers?q=${encodeURIComponent(customer.email)}`,
  `/admin/customers?q=${encodeURIComponent(customer.email)}&id=${customer.me.id}`,
  '/admin/payments',
  '/admin/settlements',
  '/admin/dashboard',
  '/admin/notifications',
  '/admin/audit',
];

/** Waits for the page's data (a table, a list or an empty-state card) to be drawn. */
async function settled(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(150);
}

// Runs in the page (a string: the test's compiled functions carry helpers the page does not have).
const NARROW_COLUMNS = `(() => {
  const problems = [];
  const textWidth = (el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return range.getBoundingClientRect().width;
  };
  for (const table of document.querySelectorAll('table')) {
    if (!table.offsetParent) continue; // hidden (the phone layout's twin)
    const heads = Array.from(table.querySelectorAll('thead th'));
    for (const row of table.querySelectorAll('tbody tr')) {
      Array.from(row.children).forEach((cell, i) => {
        const head = heads[i];
        if (!head) return;
        const style = getComputedStyle(cell);
        const have = cell.getBoundingClientRect().width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        const need = textWidth(head);
        const name = head.textContent.trim();
        if (have + 0.5 < need) problems.push(name + ' (' + Math.round(have) + ' px < ' + Math.round(need) + ' px)');
        if (cell.scrollWidth > cell.clientWidth + 1) problems.push(name + ' clipped');
      });
    }
  }
  return problems;
})()`;

/** Columns narrower than their header's words, as "header (cell px < header px)". */
function narrowColumns(page: Page): Promise<string[]> {
  return page.evaluate(NARROW_COLUMNS) as Promise<string[]>;
}

/** With ADMIN_SHOTS=<dir>, each page checked is also saved as a full-page PNG there (to look at, not asserted). */
async function shot(page: Page, path: string, size: string): Promise<void> {
  const dir = process.env.ADMIN_SHOTS;
  if (!dir) return;
  const name = path
    .replace(/\?.*id=.*/, '-detail')
    .replace(/\?.*/, '')
    .replace(/\//g, '_');
  await page.screenshot({ path: `${dir}/${size}${name}.png`, fullPage: true });
}

const SIDEWAYS = '[document.documentElement.scrollWidth, document.documentElement.clientWidth]';

describe('admin pages in the browser', () => {
  it('the admin header lists admin pages only', async () => {
    const page = await loggedIn(browser, stack.baseUrl, admin.email, admin.password, {
      width: 1366,
      height: 900,
    });
    await page.goto(`${stack.baseUrl}/admin/inbox`);
    await page.locator('nav#nav a[href="/admin/audit"]').waitFor();
    const links = await page.locator('nav#nav a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(links.length > 0 && links.every((h) => h?.startsWith('/admin/')), links.join(', '));
    assert.ok(
      links.includes('/admin/audit') &&
        links.includes('/admin/partners') &&
        links.includes('/admin/customers'),
    );
    await page.close();
  });

  it('at 1366 × 900 no table cell is narrower than its header on any admin page', async () => {
    const page = await loggedIn(browser, stack.baseUrl, admin.email, admin.password, {
      width: 1366,
      height: 900,
    });
    const wrong: string[] = [];
    let tables = 0;
    for (const path of adminPages()) {
      await page.goto(stack.baseUrl + path);
      await settled(page);
      tables += await page.locator('table:visible').count();
      await shot(page, path, 'wide');
      for (const p of await narrowColumns(page)) wrong.push(`${path}: ${p}`);
    }
    assert.ok(tables >= 3, `tables were drawn (${tables})`);
    assert.deepEqual(wrong, []);
    await page.close();
  });

  it('at 390 × 844 no admin or customer page scrolls sideways', async () => {
    const phone = { width: 390, height: 844 };
    const wide: string[] = [];
    const check = async (page: Page, paths: string[]) => {
      for (const path of paths) {
        await page.goto(stack.baseUrl + path);
        await settled(page);
        await shot(page, path, 'phone');
        const [scroll, client] = (await page.evaluate(SIDEWAYS)) as [number, number];
        if (scroll > client) wide.push(`${path}: ${scroll} > ${client}`);
      }
    };
    const a = await loggedIn(browser, stack.baseUrl, admin.email, admin.password, phone);
    await check(a, adminPages());
    await a.close();
    const c = await loggedIn(browser, stack.baseUrl, customer.email, customer.password, phone);
    await check(c, ['/', `/products/${productId}`, '/me', '/notifications', '/partner/apply']);
    await c.close();
    assert.deepEqual(wide, []);
  });

  it('the refund dialog: at the row, with the amounts, focus kept inside and returned, and a confirmation', async () => {
    const page = await loggedIn(browser, stack.baseUrl, admin.email, admin.password, {
      width: 1366,
      height: 900,
    });
    await page.goto(`${stack.baseUrl}/admin/payments?customer=${encodeURIComponent(customer.email)}`);
    const button = page.locator('[data-testid=payment-row] [data-testid=refund]').first();
    await button.click();
    const dialog = page.locator('dialog[data-testid=refund-dialog]');
    await dialog.waitFor();
    const amount = (await stack.db('payments').where({ subscriptionId }).first('amount')).amount as number;
    const won = `${amount.toLocaleString('en-US')}원`;
    assert.equal(await dialog.locator('[data-testid=rf-original]').textContent(), won);
    assert.equal(await dialog.locator('[data-testid=rf-already]').textContent(), '0원');
    assert.equal((await dialog.locator('[data-testid=rf-refundable]').textContent())?.trim(), won);
    // The dialog is in view (opened where the admin is, not at the top of a long page).
    const box = (await dialog.boundingBox())!;
    assert.ok(box.y >= 0 && box.y + box.height <= 900, JSON.stringify(box));
    // Tab never leaves the dialog.
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      const inside = await page.evaluate("!!document.activeElement?.closest('dialog[open]')");
      assert.ok(inside, `focus left the dialog after ${i + 1} Tabs`);
    }
    // Esc closes it and focus returns to the button that opened it.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(
      await page.evaluate(
        "document.activeElement?.dataset.testid + ' ' + !!document.activeElement?.closest('[data-testid=payment-row]')",
      ),
      'refund true',
      "focus is back on the row's 환불 button",
    );
    // With the keyboard: open, fill, review, confirm.
    await button.press('Enter');
    await dialog.locator('[data-testid=refund-amount]').fill('1000');
    await dialog.locator('[data-testid=refund-reason]').fill('원두 일부 파손');
    await dialog.locator('[data-testid=refund-review]').click();
    await dialog.locator('text=되돌릴 수 없습니다').waitFor();
    assert.equal(
      await stack
        .db('refunds as r')
        .join('payments as p', 'p.id', 'r.paymentId')
        .where('p.subscriptionId', subscriptionId)
        .count({ n: '*' })
        .first()
        .then((r) => Number(r?.n)),
      0,
      'nothing before the confirmation',
    );
    await dialog.locator('[data-testid=refund-submit]').click();
    await page.locator('[role=status]', { hasText: '1,000원' }).waitFor();
    const payment = await stack.db('payments').where({ subscriptionId }).first('refundedAmount');
    assert.equal(payment.refundedAmount, 1000);
    await page.close();
  });

  it('suspends a partner from the directory with a reason, and resumes it', async () => {
    const page = await loggedIn(browser, stack.baseUrl, admin.email, admin.password, {
      width: 1366,
      height: 900,
    });
    await page.goto(`${stack.baseUrl}/admin/partners`);
    const row = page.locator('[data-testid=partner-row]', { hasText: '활동 중' }).filter({
      has: page.locator(
        `text=${(await stack.db('partners').where({ id: partnerId }).first('companyName')).companyName}`,
      ),
    });
    await row.locator('[data-testid=suspend]').click();
    const dialog = page.locator('dialog[data-testid=partner-dialog]');
    await dialog.waitFor();
    await dialog.locator('[data-testid=status-submit]').click();
    // The reason is required: nothing is sent without it.
    assert.equal((await stack.db('partners').where({ id: partnerId }).first('status')).status, 'active');
    await dialog.locator('[data-testid=status-reason]').fill('원산지 표기 위반 조사');
    await dialog.locator('[data-testid=status-submit]').click();
    await page.locator('[role=status]', { hasText: '일시 중지했습니다' }).waitFor();
    assert.equal((await stack.db('partners').where({ id: partnerId }).first('status')).status, 'suspended');
    assert.equal(
      (await stack.db('subscriptions').where({ id: subscriptionId }).first('status')).status,
      'paused',
    );
    const listed = await customer.browser.get<{ items: unknown[] }>(
      `/api/catalog/products?partner=${partnerId}`,
    );
    assert.deepEqual(listed.body.items, []);

    await page.locator('[data-testid=partner-row] [data-testid=resume]').first().click();
    await dialog.locator('[data-testid=status-reason]').fill('조사 완료');
    await dialog.locator('[data-testid=status-submit]').click();
    await page.locator('[role=status]', { hasText: '재개했습니다' }).waitFor();
    assert.equal((await stack.db('partners').where({ id: partnerId }).first('status')).status, 'active');

    await page.goto(`${stack.baseUrl}/admin/audit?target=${partnerId}`);
    await page.locator('[data-testid=audit-row]', { hasText: '원산지 표기 위반 조사' }).waitFor();
    await page.close();
  });
});
