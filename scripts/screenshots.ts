// Screenshots of the pages in headless Chromium, desktop and phone, for a human to look at:
// `tsx scripts/screenshots.ts [baseUrl]` writes .cache/screens/*.png (with `npm start` running).
import { mkdirSync } from 'node:fs';
import { chromium, type Page } from 'playwright-core';
import { loadConfig, loadDotEnv } from '../infra/config';
import { DEMO_PASSWORD } from './seed';

loadDotEnv();
const config = loadConfig();
const base = process.argv[2] ?? `http://${config.api.host}:${config.api.port}`;
const out = '.cache/screens';
mkdirSync(out, { recursive: true });

export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: chromiumArgs,
});

async function login(page: Page, email: string, password: string) {
  await page.goto(`${base}/login`);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

const admin: [string, string] = [config.admin.email, config.admin.password];
const roaster: [string, string] = ['roaster@dalgona.local', DEMO_PASSWORD];
const shots: {
  name: string;
  as?: [string, string];
  path: string;
  lang?: 'en';
  before?: (p: Page) => Promise<void>;
}[] = [
  { name: 'catalog', path: '/' },
  { name: 'catalog-en', path: '/?roast=light,medium_light&sort=price_asc', lang: 'en' },
  {
    name: 'product',
    path: '/',
    before: async (p) => {
      await p.click('[data-testid=product-card] >> nth=1');
      await p.waitForSelector('[data-testid=per-delivery]');
    },
  },
  { name: 'signup', path: '/signup' },
  { name: 'login', path: '/login' },
  {
    name: 'apply-errors',
    as: ['customer@dalgona.local', DEMO_PASSWORD],
    path: '/partner/apply',
    before: async (p) => {
      await p.fill('#businessNumber', '124-81-00999');
      await p.click('[data-testid=apply-submit]');
    },
  },
  {
    name: 'application-status',
    as: ['applicant@dalgona.local', DEMO_PASSWORD],
    path: '/partner/application',
  },
  { name: 'my-products', as: roaster, path: '/partner/products' },
  { name: 'new-product', as: roaster, path: '/partner/products/new' },
  { name: 'partner-orders', as: roaster, path: '/partner/orders' },
  { name: 'partner-dashboard', as: roaster, path: '/partner/dashboard' },
  { name: 'partner-dashboard-12w', as: roaster, path: '/partner/dashboard?range=12w' },
  { name: 'partner-settlements', as: roaster, path: '/partner/settlements' },
  { name: 'my-page', as: ['customer@dalgona.local', DEMO_PASSWORD], path: '/me' },
  {
    name: 'my-deliveries',
    as: ['customer@dalgona.local', DEMO_PASSWORD],
    path: '/me',
    before: async (p) => {
      await p.click('[data-testid=tab-deliveries]');
      await p.waitForSelector('[data-testid=delivery]');
    },
  },
  { name: 'forgot-password', path: '/forgot-password' },
  { name: 'partner-profile', as: roaster, path: '/partner/profile' },
  { name: 'admin-partners', as: admin, path: '/admin/partners' },
  { name: 'admin-customers', as: admin, path: '/admin/customers?q=customer' },
  { name: 'admin-audit', as: admin, path: '/admin/audit' },
  { name: 'admin-payments', as: admin, path: '/admin/payments' },
  { name: 'admin-dashboard', as: admin, path: '/admin/dashboard' },
  { name: 'admin-settlements', as: admin, path: '/admin/settlements' },
  { name: 'inbox', as: admin, path: '/admin/inbox' },
  {
    name: 'inbox-application',
    as: admin,
    path: '/admin/inbox?kind=partner_application',
    before: async (p) => {
      await p.click('[data-testid=task-link] >> nth=0');
      await p.waitForSelector('[data-testid=subject]');
    },
  },
  {
    name: 'inbox-product',
    as: admin,
    path: '/admin/inbox?kind=product_review',
    before: async (p) => {
      await p.click('[data-testid=task-link] >> nth=0');
      await p.waitForSelector('[data-testid=revision-diff]');
    },
  },
];

for (const viewport of [
  { label: 'desktop', width: 1366, height: 900 },
  { label: 'phone', width: 390, height: 844 },
]) {
  for (const shot of shots) {
    const context = await browser.newContext({ viewport, locale: 'ko-KR' });
    const page = await context.newPage();
    if (shot.as) await login(page, ...shot.as);
    if (shot.lang) await page.addInitScript("localStorage.setItem('lang', 'en')");
    await page.goto(base + shot.path);
    await page.waitForLoadState('networkidle');
    if (shot.before) await shot.before(page);
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${out}/${shot.name}-${viewport.label}.png`, fullPage: true });
    await context.close();
  }
}
await browser.close();
console.log(`screenshots in ${out}/`);
