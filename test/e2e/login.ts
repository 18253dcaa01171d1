import type { Browser, Page } from 'playwright-core';

/** Opens a page signed in as the given account, through the login form. */
export async function loggedIn(
  browser: Browser,
  baseUrl: string,
  email: string,
  password: string,
  viewport = { width: 1280, height: 860 },
): Promise<Page> {
  const page = await browser.newPage({ viewport });
  await page.goto(`${baseUrl}/login`);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  return page;
}
