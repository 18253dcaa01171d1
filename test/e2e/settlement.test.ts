// Settlement in a real browser: the partner reads 정산 내역 on a phone, the admin marks the payout in 정산 관리.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { SettlementRunResult } from '../../domain/settlement';
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
before(async () => {
  stack = await startStack();
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await stack.stop();
  await stopTemporal();
});

describe('settlement in the browser', () => {
  it('the partner sees the statement and its lines; the admin marks it paid; the partner sees it paid', async () => {
    const admin = await makeUser(stack, ['customer', 'admin']);
    const partner = await makePartner(stack, admin.me.id);
    const productId = await publishProduct(stack, partner.browser, admin.me.id, { name: 'Kenya Nyeri AA' });
    const customer = await makeUser(stack);
    const subscriptionId = await subscribeWith(stack, customer.browser, productId);
    await eventually(() => stack.db('payments').where({ subscriptionId }).first());
    await customer.browser.post(`/api/subscriptions/${subscriptionId}/cancel`, { when: 'now' });
    const started = await startSettlementRun(stack.client, stack.config.temporal, `e2e-${subscriptionId}`, {
      periodEnd: new Date(Date.now() + 1000).toISOString(),
      periodMs: 604_800_000,
      defaultCommissionBps: 1000,
    });
    const run: SettlementRunResult = await started.result();
    // The run settles every partner with unsettled sales in the test database: pick this partner's statement.
    const { id: partnerId } = await stack.db('partners').where({ userId: partner.me.id }).first('id');
    const statementId = run.statements.find((s) => s.partnerId === partnerId)!.statementId;

    const phone = await loggedIn(browser, stack.baseUrl, partner.email, partner.password, {
      width: 390,
      height: 844,
    });
    await phone.goto(`${stack.baseUrl}/partner/settlements`);
    await phone.locator('[data-testid=next-payout]').waitFor();
    const mine = phone.locator('[data-testid=statement]', { hasText: '14,400원' });
    await mine.locator('text=지급 대기').waitFor();
    await mine.locator('button').first().click();
    await mine.locator('[data-testid=statement-line]', { hasText: 'Kenya Nyeri AA' }).waitFor();
    assert.equal(await mine.locator('[data-testid=statement-line]').count(), 1);

    const desk = await loggedIn(browser, stack.baseUrl, admin.email, admin.password);
    await desk.goto(`${stack.baseUrl}/admin/settlements?status=open`);
    const row = desk.locator(`[data-testid=settlement-row][data-statement-id="${statementId}"]`);
    await row.locator('button').first().click();
    await row.locator('[data-testid=statement-detail]').waitFor();
    await row.locator('[data-testid=payout-reference]').fill('KB-E2E-0001');
    await row.locator('[data-testid=payout-submit]').click();
    await desk.locator('[role=status]', { hasText: '지급 완료로 처리했습니다' }).waitFor();
    const stored = await eventually(async () => {
      const s = await stack.db('settlement_statements').where({ id: statementId }).first();
      return s.status === 'paid' ? s : undefined;
    });
    assert.equal(stored.payoutReference, 'KB-E2E-0001');

    await phone.reload();
    await phone
      .locator('[data-testid=statement]', { hasText: '14,400원' })
      .locator('text=지급 완료')
      .waitFor();
  });
});
