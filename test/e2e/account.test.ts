// Accounts in Chromium: 비밀번호를 잊으셨나요? → the mailed link → a new password → sign in with it; the e-mail
// verification banner until the mailed link is opened; 회원 탈퇴 on 마이페이지 with the password again. On a desktop
// and on a phone-sized screen, with no sideways scroll.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ensureNotifier } from '../../worker/notifier';
import { Browser as ApiBrowser } from '../browser';
import { eventually, makeUser, startStack, stopTemporal, uniq, type Stack } from '../harness';
import { startMailDev, type MailDev } from '../notifications/mail';
import { launchChromium } from './browser';
import { loggedIn } from './login';

const PUBLIC_URL = 'http://dalgona.test';
let stack: Stack;
let mail: MailDev;
let browser: Browser;
before(async () => {
  mail = await startMailDev();
  stack = await startStack({
    SMTP_URL: `smtp://127.0.0.1:${mail.smtpPort}`,
    PUBLIC_URL,
    NOTIFY_POLL_INTERVAL: '100ms',
  });
  await ensureNotifier(stack.client, stack.config);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await stack.stop();
  await mail.stop();
  await stopTemporal();
});

/** The newest mailed link to `path` for `address`, on the test server. */
async function mailedLink(address: string, path: string): Promise<string> {
  const re = new RegExp(`${PUBLIC_URL.replace(/[.:/]/g, '\\$&')}(${path}\\?token=[A-Za-z0-9_-]{43})`);
  const found = await eventually(async () => {
    const m = (await mail.to(address)).filter((x) => re.test(x.text)).at(-1);
    return m ? re.exec(m.text)![1] : null;
  }, 20_000);
  return `${stack.baseUrl}${found}`;
}

async function noSidewaysScroll(page: Page): Promise<void> {
  const [scroll, client] = await page.$eval('html', (h) => {
    const el = h as unknown as { scrollWidth: number; clientWidth: number };
    return [el.scrollWidth, el.clientWidth];
  });
  assert.ok(scroll <= client, `page scrolls sideways: ${scroll} > ${client}`);
}

for (const viewport of [
  { width: 1366, height: 900 },
  { width: 390, height: 844 },
]) {
  describe(`accounts in the browser at ${viewport.width} px`, () => {
    it('resets a forgotten password through the mailed link, which then works no more', async () => {
      const email = `reset-${uniq()}@example.com`;
      await new ApiBrowser(stack.baseUrl).signUp(email, 'correct-horse-1');
      const page = await browser.newPage({ viewport });
      await page.goto(`${stack.baseUrl}/login`);
      await page.click('[data-testid=forgot-link]');
      await page.waitForURL((u) => u.pathname === '/forgot-password');
      await noSidewaysScroll(page);
      await page.fill('#email', email);
      await page.click('[data-testid=forgot-submit]');
      await page.locator('[data-testid=forgot-sent]').waitFor();
      const link = await mailedLink(email, '/reset-password');
      await page.goto(link);
      await page.fill('#password', 'brand-new-pass-1');
      await page.fill('#again', 'brand-new-pass-2');
      await page.click('[data-testid=reset-submit]');
      assert.match(
        await page.locator('#again').evaluate((el) => el.getAttribute('aria-invalid') ?? ''),
        /true/,
      );
      await page.fill('#again', 'brand-new-pass-1');
      await page.click('[data-testid=reset-submit]');
      await page.locator('[data-testid=reset-done]').waitFor();
      await noSidewaysScroll(page);
      // The same link again: refused, in Korean, with a way to get a new one.
      await page.goto(link);
      await page.fill('#password', 'another-pass-123');
      await page.fill('#again', 'another-pass-123');
      await page.click('[data-testid=reset-submit]');
      const error = await page.locator('[data-testid=reset-error]').textContent();
      assert.match(error ?? '', /이미 사용한 링크입니다/);
      await page.close();
      const signedIn = await loggedIn(browser, stack.baseUrl, email, 'brand-new-pass-1', viewport);
      await signedIn.close();
    });

    it('shows 이메일 인증이 필요합니다 until the mailed link is opened', async () => {
      const email = `verify-${uniq()}@example.com`;
      await new ApiBrowser(stack.baseUrl).signUp(email, 'correct-horse-1');
      const page = await loggedIn(browser, stack.baseUrl, email, 'correct-horse-1', viewport);
      const banner = page.locator('[data-testid=verify-banner]');
      await banner.waitFor();
      assert.match((await banner.textContent()) ?? '', /이메일 인증이 필요합니다/);
      await noSidewaysScroll(page);
      await page.goto(await mailedLink(email, '/verify-email'));
      await page.locator('[data-testid=verify-done]').waitFor();
      await page.goto(`${stack.baseUrl}/me`);
      await page.locator('[data-testid=account-settings]').waitFor();
      assert.equal(await page.locator('[data-testid=verify-banner]').count(), 0);
      await page.close();
    });

    it('deletes the account on 마이페이지 with the password again; it cannot sign in any more', async () => {
      const customer = await makeUser(stack);
      const page = await loggedIn(browser, stack.baseUrl, customer.email, customer.password, viewport);
      await page.goto(`${stack.baseUrl}/me`);
      await page.click('[data-testid=delete-open]');
      await noSidewaysScroll(page);
      assert.equal(await page.locator('[data-testid=delete-submit]').isDisabled(), true);
      await page.fill('#delete-password', 'not-the-password');
      await page.check('[data-testid=delete-confirm]');
      await page.click('[data-testid=delete-submit]');
      assert.match(
        (await page.locator('[data-testid=delete-error]').textContent()) ?? '',
        /비밀번호가 올바르지 않습니다/,
      );
      await page.fill('#delete-password', customer.password);
      await page.click('[data-testid=delete-submit]');
      await page.locator('[data-testid=account-deleted]').waitFor({ timeout: 30_000 });
      const row = (await stack.db('users').where({ id: customer.me.id }).first('deletedAt')) as {
        deletedAt: Date | null;
      };
      assert.ok(row.deletedAt);
      const again = await new ApiBrowser(stack.baseUrl).post('/api/auth/login', {
        email: customer.email,
        password: customer.password,
      });
      assert.equal(again.status, 401);
      await page.close();
    });
  });
}
