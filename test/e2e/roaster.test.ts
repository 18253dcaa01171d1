// A roaster in a real browser: lands on 매출 관리 after login, and asks for a new settlement account on
// 프로필 · 정산 계좌, which then shows, masked, as waiting for review.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { makePartner, makeUser, startStack, stopTemporal, type Stack } from '../harness';
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

describe('a roaster in the browser', () => {
  it('lands on 매출 관리 after login (a customer on the storefront) and sends an account change for review', async () => {
    const admin = await makeUser(stack, ['customer', 'admin']);
    const partner = await makePartner(stack, admin.me.id);
    const customer = await makeUser(stack);

    const c = await loggedIn(browser, stack.baseUrl, customer.email, customer.password);
    assert.equal(new URL(c.url()).pathname, '/');
    await c.close();

    const p = await loggedIn(browser, stack.baseUrl, partner.email, partner.password, {
      width: 390,
      height: 844,
    });
    assert.equal(new URL(p.url()).pathname, '/partner/dashboard');

    await p.goto(`${stack.baseUrl}/partner/profile`);
    await p.getByTestId('account-masked').waitFor();
    assert.equal(await p.getByTestId('account-masked').textContent(), '123***-**-***567');
    await p.getByTestId('edit-account').click();
    await p.selectOption('#bankCode', '088');
    await p.fill('#bankAccount', '110-456-789012');
    await p.fill('#bankAccountHolder', '홍길동');
    await p.getByTestId('profile-submit').click();
    await p.getByTestId('profile-notice').waitFor();
    // The request shows once its workflow has recorded it, masked; the page never holds the full number.
    for (let i = 0; i < 20 && !(await p.getByTestId('profile-pending').count()); i++) {
      await p.waitForTimeout(250);
      await p.reload();
    }
    assert.match(
      (await p.getByTestId('pending-account').textContent()) ?? '',
      /신한은행\s+110-\*\*\*-\*\*\*012/,
    );
    assert.ok(!(await p.content()).includes('110-456-789012'));
    const width = await p.$eval('html', (h) => (h as unknown as { scrollWidth: number }).scrollWidth);
    assert.ok(width <= 390, `no sideways scroll (${width})`);
  });
});
