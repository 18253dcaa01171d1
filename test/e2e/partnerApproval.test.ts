// The first journey in a real browser: an applicant signs up and applies, an admin approves in the inbox,
// the applicant sees it and becomes a partner.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { PartnerApplication } from '../../db/models';
import {
  applicationForm,
  eventually,
  makeUser,
  startStack,
  stopTemporal,
  uniq,
  type Stack,
} from '../harness';
import { launchChromium } from './browser';

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

async function fillApplication(page: Page, form: ReturnType<typeof applicationForm>) {
  for (const [field, value] of Object.entries(form)) await page.fill(`#${field}`, value);
}

describe('partner approval in the browser', () => {
  it('applicant applies (check digit checked as typed), admin approves in the inbox, applicant becomes a partner', async () => {
    const applicant = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await applicant.goto(`${stack.baseUrl}/signup?next=/partner/apply`);
    const email = `e2e-${uniq()}@example.com`;
    await applicant.fill('#name', '김로스터');
    await applicant.fill('#email', email);
    await applicant.fill('#password', 'correct-horse-1');
    await applicant.check('#consent-all'); // terms, privacy, 14 or older, and the optional marketing
    await applicant.click('button[type=submit]');
    await applicant.waitForURL('**/partner/apply');

    const form = applicationForm();
    await fillApplication(applicant, { ...form, businessNumber: '124-81-00999' });
    // The browser runs the same check-digit rule as the server, before anything is sent.
    await applicant.waitForSelector('[data-testid=error-businessNumber]');
    assert.match((await applicant.textContent('[data-testid=error-businessNumber]')) ?? '', /검증번호/);
    await applicant.fill(
      '#businessNumber',
      `${form.businessNumber.slice(0, 3)}-${form.businessNumber.slice(3, 5)}-${form.businessNumber.slice(5)}`,
    );
    assert.equal(await applicant.locator('[data-testid=error-businessNumber]').count(), 0);
    await applicant.click('[data-testid=apply-submit]');
    await applicant.waitForURL('**/partner/application');
    await applicant.waitForSelector('[data-testid=status-badge]:has-text("관리자 검토 중")');

    const app = await eventually(() =>
      PartnerApplication.query(stack.db).findOne({ businessNumber: form.businessNumber }),
    );
    const admin = await makeUser(stack, ['customer', 'admin']);
    const adminPage = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await adminPage.goto(`${stack.baseUrl}/login`);
    await adminPage.fill('#email', admin.email);
    await adminPage.fill('#password', admin.password);
    await adminPage.click('button[type=submit]');
    await adminPage.waitForURL('**/admin/inbox');
    await adminPage.fill('[data-testid=inbox-search]', form.companyName);
    await adminPage.press('[data-testid=inbox-search]', 'Enter');
    const row = adminPage.locator('[data-testid=task]', { hasText: form.companyName });
    await row.waitFor();
    await row.locator('[data-testid=task-link]').click();
    await adminPage.waitForSelector('[data-testid=subject]');
    await adminPage.click('[data-testid=claim]');
    await adminPage.waitForSelector('[data-testid=release]');
    await adminPage.click('[data-testid=approve]');
    await adminPage.waitForSelector('[data-testid=outcome]');
    assert.equal((await adminPage.textContent('[data-testid=outcome]'))?.trim(), '승인됨');

    // The applicant's status page picks the decision up by itself.
    await applicant.waitForSelector('[data-testid=approved-lead]', { timeout: 10_000 });
    assert.equal((await PartnerApplication.query(stack.db).findById(app.id))?.status, 'approved');
    const me = await applicant.evaluate(async () => (await fetch('/api/auth/me')).json());
    assert.ok((me as { roles: string[] }).roles.includes('partner'));

    // And the workflow, with its whole history, is in Temporal under its business key.
    const described = await stack.client.workflow.getHandle(app.workflowId).describe();
    assert.equal(described.status.name, 'COMPLETED');
    assert.equal(described.type, 'partnerApplication');
  });
});
