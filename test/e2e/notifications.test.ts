// The notification centre in Chromium: the header's bell shows the unread count, opens 알림, a notice is marked read
// (the count follows), then all of them; the channel choices are saved; the roaster's centre has the new order. On a
// desktop and on a phone-sized screen.
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
before(async () => {
  stack = await startStack();
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await stack.stop();
  await stopTemporal();
});

const unreadOf = async (userId: string) =>
  Number(
    (
      await stack
        .db('outbox')
        .where({ recipientUserId: userId })
        .whereNot('template', 'digest')
        .whereNull('readAt')
        .count('* as n')
        .first()
    )?.n ?? 0,
  );

/** The bell's badge, or null without one (read without waiting: the badge may go at any moment). */
async function bellCount(page: Page): Promise<string | null> {
  return (await page.locator('[data-testid=bell-count]').allTextContents())[0] ?? null;
}

describe('notification centre in the browser', () => {
  for (const viewport of [
    { width: 1366, height: 900 },
    { width: 390, height: 844 },
  ]) {
    it(`bell, list, mark read and preferences at ${viewport.width} px`, async () => {
      const admin = await makeUser(stack, ['customer', 'admin']);
      const partner = await makePartner(stack, admin.me.id);
      const productId = await publishProduct(stack, partner.browser, admin.me.id, { name: 'Kenya Nyeri AA' });
      const customer = await makeUser(stack);
      const subscriptionId = await subscribeWith(stack, customer.browser, productId);
      await eventually(async () =>
        stack.db('outbox').where({ recipientUserId: customer.me.id, template: 'payment_receipt' }).first(),
      );
      const unread = await unreadOf(customer.me.id);
      assert.ok(unread >= 2, 'started and the receipt');

      const page = await loggedIn(browser, stack.baseUrl, customer.email, customer.password, viewport);
      const bell = page.locator('[data-testid=bell]');
      await bell.waitFor();
      await eventually(async () => (await bellCount(page)) === String(unread));
      assert.equal(await bell.getAttribute('aria-label'), `알림, 읽지 않은 알림 ${unread}개`);

      // The bell is reachable by keyboard and opens the list.
      await bell.focus();
      await page.keyboard.press('Enter');
      await page.waitForURL((u) => u.pathname === '/notifications');
      const items = page.locator('[data-testid=notification]');
      await items.first().waitFor();
      assert.equal(await items.count(), unread);
      const receipt = page.locator('[data-testid=notification][data-template=payment_receipt]');
      await receipt.locator('h2', { hasText: 'Kenya Nyeri AA 결제 완료' }).waitFor();
      assert.ok((await receipt.textContent())?.includes('원 결제가 완료되었습니다'));

      // Mark one read: its button goes, the count follows in the page and the bell.
      await receipt.locator('[data-testid=mark-read]').click();
      await receipt.locator('[data-testid=mark-read]').waitFor({ state: 'detached' });
      await eventually(async () => (await bellCount(page)) === (unread - 1 ? String(unread - 1) : null));
      assert.equal(await unreadOf(customer.me.id), unread - 1);

      // Then all: the badge disappears.
      await page.locator('[data-testid=mark-all]').click();
      await eventually(async () => (await bellCount(page)) === null);
      await page.locator('[data-testid=unread-summary]', { hasText: '모두 읽음' }).waitFor();
      assert.equal(await unreadOf(customer.me.id), 0);
      assert.equal(await bell.getAttribute('aria-label'), '알림');

      // 바로 가기 opens the subscription on 마이페이지.
      const started = page.locator('[data-testid=notification][data-template=subscription_started]');
      assert.equal(
        await started.locator('[data-testid=open]').getAttribute('href'),
        `/me#subscription-${subscriptionId}`,
      );

      // Preferences: delivery e-mails off, a phone, messages in English.
      await page.locator('[data-testid=pref-delivery-email]').uncheck();
      await page.locator('[data-testid=pref-phone]').fill('010-2345-6789');
      await page.locator('[data-testid=pref-locale]').selectOption('en');
      await page.locator('[data-testid=pref-save]').click();
      await page.locator('[role=status]', { hasText: '알림 설정을 저장했습니다' }).waitFor();
      const pref = await stack
        .db('notification_preferences')
        .where({ userId: customer.me.id, category: 'delivery', channel: 'email' })
        .first();
      assert.equal(pref?.enabled, false);
      const user = await stack.db('users').where({ id: customer.me.id }).first('locale', 'phone');
      assert.deepEqual({ ...user }, { locale: 'en', phone: '01023456789' });
      await receipt.locator('h2', { hasText: 'Payment received: Kenya Nyeri AA' }).waitFor();

      // 바로 가기 on the receipt opens 마이페이지 on its payments tab.
      await receipt.locator('[data-testid=open]').click();
      await page.waitForURL((u) => u.pathname === '/me' && u.search === '?tab=payments');
      await page.locator('[data-testid=tab-payments][aria-selected=true]').waitFor();
      await page.locator('[data-testid=payment]').first().waitFor();

      // A page loaded afresh counts at once (the bell mounts once the session is known).
      await page.goto(`${stack.baseUrl}/me#subscription-${subscriptionId}`);
      await page.locator(`#subscription-${subscriptionId}`).waitFor();
      await page.locator('[data-testid=bell]').waitFor();
      assert.equal(await bellCount(page), null);

      // The roaster's centre has the new order.
      const roaster = await loggedIn(browser, stack.baseUrl, partner.email, partner.password, viewport);
      await roaster.goto(`${stack.baseUrl}/partner/orders`);
      await roaster.locator('[data-testid=bell-count]').waitFor();
      await roaster.goto(`${stack.baseUrl}/notifications`);
      const order = roaster.locator('[data-testid=notification][data-template=order_new]');
      await order.locator('h2', { hasText: '새 주문: Kenya Nyeri AA' }).waitFor();
      assert.equal(await order.locator('[data-testid=open]').getAttribute('href'), '/partner/orders');
      await page.close();
      await roaster.close();
    });
  }
});
