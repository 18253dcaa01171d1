// Every template: each emitter's template name has words, both languages render, links are absolute on PUBLIC_URL,
// amounts read 18,000원, times are Asia/Seoul 24-hour, and no payload value can inject HTML.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { renderNotification, templateInfo, templates } from './catalog';
import { dateTime, escapeHtml, won } from './format';
import type { Locale } from './templates';

const root = fileURLToPath(new URL('..', import.meta.url));
const publicUrl = 'https://dalgona.example';
const ctx = (locale: Locale) => ({ locale, publicUrl, name: '김고객' });
const EVIL = '<script>alert(1)</script>"\'&';

/** A payload with every field any template reads, each string field hostile. */
const payload: Record<string, unknown> = {
  subscriptionId: 'b7c1e0de-0000-4000-8000-000000000001',
  productName: `${EVIL} 예가체프`,
  name: `${EVIL} 예가체프`,
  orderName: `${EVIL} 예가체프 200g`,
  companyName: `${EVIL} 로스터리`,
  title: `${EVIL} 과제`,
  amount: 18000,
  oldAmount: 18000,
  newAmount: 21000,
  payoutAmount: 1234567,
  grams: 200,
  grind: 'pour_over',
  quantity: 2,
  cycle: 3,
  chargeAt: '2026-12-07T00:30:00.000Z',
  retryAt: '2026-12-08T15:05:00.000Z',
  effectiveAt: '2027-01-10T00:00:00.000Z',
  respondBy: '2027-01-03T14:59:00.000Z',
  endsAfter: '2027-01-09T00:00:00.000Z',
  endsAt: '2026-12-31T03:00:00.000Z',
  nextChargeAt: '2027-01-04T00:30:00.000Z',
  shipBy: '2026-12-09T09:00:00.000Z',
  from: '2026-12-10T00:00:00.000Z',
  periodStart: '2026-11-30T15:00:00.000Z',
  periodEnd: '2026-12-07T15:00:00.000Z',
  code: 'REJECT_CARD_PAYMENT',
  reason: EVIL,
  decisionReason: EVIL,
  reasons: [{ field: 'name', key: 'required', message: EVIL }],
  reference: `${EVIL}-TRX`,
  orderId: 'sub_abc_c3',
  productId: 'f00d0000-0000-4000-8000-000000000002',
  taskId: 'f00d0000-0000-4000-8000-000000000003',
  kind: 'product_review',
  carrier: 'cj',
  carrierName: 'CJ대한통운',
  trackingNumber: '612345678901',
  receiptUrl: 'https://sandbox.example/receipts/pk_1',
  rateBps: 850,
  status: 'open',
  deliveredBy: 'customer',
  items: [
    { template: 'order_new', payload: { productName: EVIL, shipBy: '2026-12-09T09:00:00.000Z' } },
    { template: 'task_opened', subject: `[달고나] ${EVIL}`, link: 'javascript:alert(1)' },
  ],
  day: '2026-12-07',
};

/** Every template name the emitters use: literal `template: '…'` and the two built from a status. */
function emittedTemplates(): string[] {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(root, dir))) {
      const path = join(dir, entry);
      if (statSync(join(root, path)).isDirectory()) walk(path);
      else if (path.endsWith('.ts') && !path.endsWith('.test.ts')) {
        for (const m of readFileSync(join(root, path), 'utf8').matchAll(/template: '([a-z_]+)'/g))
          names.add(m[1]!);
        for (const m of readFileSync(join(root, path), 'utf8').matchAll(/notice\('([a-z_]+)'/g))
          names.add(m[1]!);
      }
    }
  };
  for (const dir of ['activities', 'workflows', 'domain']) walk(dir);
  for (const status of ['approved', 'rejected', 'auto_rejected', 'expired'])
    names.add(`partner_application_${status}`);
  for (const status of ['rejected', 'auto_rejected']) names.add(`product_revision_${status}`);
  for (const t of [
    'product_published',
    'product_revision_approved',
    'product_relisted',
    'product_unlisted_by_admin',
  ])
    names.add(t);
  return [...names].sort();
}

describe('notification templates', () => {
  it('has words for every template an emitter uses, and for the digest the notifier composes', () => {
    const emitted = emittedTemplates();
    assert.ok(emitted.length > 25, `found ${emitted.join(', ')}`);
    for (const name of [
      'payment_upcoming',
      'price_change_proposed',
      'price_change_withdrawn',
      'price_change_kept',
    ])
      assert.ok(emitted.includes(name), `the subscription emits ${name}`);
    const coming = ['digest'];
    for (const name of [...emitted, ...coming])
      assert.ok(Object.hasOwn(templates, name), `no template ${name}`);
  });

  it('renders every template in Korean and English: subject, text, html, short, absolute link', () => {
    for (const name of Object.keys(templates)) {
      for (const locale of ['ko', 'en'] as const) {
        const m = renderNotification(name, payload, ctx(locale));
        const what = `${name} (${locale})`;
        assert.match(m.subject, locale === 'ko' ? /^\[달고나\] \S/ : /^\[Dalgona\] \S/, what);
        assert.ok(m.text.length > m.subject.length - 12, what);
        assert.ok(m.link === null || /^https:\/\//.test(m.link), `${what}: link ${m.link}`);
        if (m.link && !m.link.startsWith('https://trace.')) assert.ok(m.link.startsWith(publicUrl), what);
        assert.ok(m.short.length > 0 && !m.short.includes('\n'), what);
        assert.match(m.html, new RegExp(`<html lang="${locale}">`), what);
        assert.ok(!/undefined|NaN|\[object Object\]/.test(m.text + m.html + m.short), `${what}: ${m.text}`);
        if (locale === 'en')
          assert.ok(!/[가-힣]{2,}/.test(m.subject.replace(/예가체프|로스터리|과제|CJ대한통운/g, '')), what);
      }
    }
  });

  it('escapes every payload value in the HTML: a product named <script> injects nothing', () => {
    for (const name of Object.keys(templates)) {
      for (const locale of ['ko', 'en'] as const) {
        const { html } = renderNotification(name, payload, ctx(locale));
        assert.ok(!html.includes('<script'), `${name} (${locale})`);
        assert.ok(
          !html.includes('javascript:'),
          `${name} (${locale}): a link that is not http(s) is dropped`,
        );
        // Every tag in the mail is one we wrote.
        const tags = new Set([...html.matchAll(/<\/?([a-z0-9!]+)/gi)].map((t) => t[1]!.toLowerCase()));
        for (const tag of tags)
          assert.ok(
            [
              '!doctype',
              'html',
              'head',
              'meta',
              'title',
              'body',
              'div',
              'p',
              'h1',
              'table',
              'tr',
              'th',
              'td',
              'a',
              'hr',
              'br',
            ].includes(tag),
            `${name}: <${tag}>`,
          );
      }
    }
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('writes amounts as 18,000원 and times in Asia/Seoul, 24-hour', () => {
    assert.equal(won(18000, 'ko'), '18,000원');
    assert.equal(won(1234567, 'en'), 'KRW 1,234,567');
    assert.equal(dateTime('2026-12-08T15:05:00.000Z', 'ko'), '2026년 12월 9일 (수) 00:05');
    assert.equal(dateTime('2026-12-07T09:30:00.000Z', 'en'), 'Mon 7 Dec 2026, 18:30');
    const upcoming = renderNotification('payment_upcoming', payload, ctx('ko'));
    assert.equal(upcoming.subject, `[달고나] ${EVIL} 예가체프 결제 예정 안내 (18,000원)`);
    assert.ok(
      upcoming.text.includes('2026년 12월 7일 (월) 09:30에 등록된 카드로 18,000원을 결제할 예정입니다.'),
    );
  });

  it('says what the law asks of a price-change request: both prices, the date, no change without consent, how to refuse', () => {
    for (const name of ['price_change_proposed', 'price_change_reminder']) {
      const ko = renderNotification(name, payload, ctx('ko'));
      assert.equal(templateInfo(name).category, 'legal');
      for (const words of [
        '18,000원',
        '21,000원',
        '2027년 1월 10일',
        '동의하시기 전에는 아무것도 바뀌지 않으며',
        '거절',
      ]) {
        assert.ok(ko.text.includes(words), `${name}: ${words}`);
      }
      assert.equal(ko.link, `${publicUrl}/me#subscription-${String(payload.subscriptionId)}`);
      const en = renderNotification(name, payload, ctx('en'));
      assert.ok(en.text.includes('Nothing changes without your consent'));
    }
  });

  it('links each event to the thing: a failed payment to the card change, a shipment to the carrier, a task to the inbox', () => {
    const link = (name: string, p = payload) => renderNotification(name, p, ctx('ko')).link;
    assert.equal(link('payment_failed'), `${publicUrl}/me#subscription-${String(payload.subscriptionId)}`);
    assert.ok(
      renderNotification('payment_failed', payload, ctx('ko')).text.includes(
        '카드 한도를 넘었거나 잔액이 부족해',
      ),
    );
    assert.equal(
      link('order_shipped'),
      'https://trace.cjlogistics.com/next/tracking.html?wblNo=612345678901',
    );
    assert.equal(link('order_shipped', { ...payload, carrier: 'unknown' }), `${publicUrl}/me?tab=deliveries`);
    assert.equal(link('task_opened'), `${publicUrl}/admin/inbox/${String(payload.taskId)}`);
    assert.equal(link('order_new'), `${publicUrl}/partner/orders`);
    assert.equal(link('settlement_paid'), `${publicUrl}/partner/settlements`);
    const receipt = renderNotification('payment_receipt', payload, ctx('ko'));
    assert.ok(receipt.text.includes('카드 영수증 보기: https://sandbox.example/receipts/pk_1'));
    assert.ok(
      !renderNotification(
        'payment_receipt',
        { ...payload, receiptUrl: 'javascript:x' },
        ctx('ko'),
      ).html.includes('javascript'),
    );
  });

  it('marks the digest kinds and the categories the engine needs', () => {
    assert.deepEqual(templateInfo('order_new'), { category: 'partner', digest: true });
    assert.deepEqual(templateInfo('task_opened'), { category: 'admin', digest: true });
    assert.deepEqual(templateInfo('task_overdue'), { category: 'admin', digest: true });
    assert.equal(templateInfo('payment_failed').category, 'payment');
    assert.equal(templateInfo('order_shipped').category, 'delivery');
    assert.equal(templateInfo('subscription_paused').category, 'subscription');
    assert.equal(templateInfo('price_change_accepted').category, 'legal');
    assert.equal(templateInfo('no_such_template').category, 'subscription');
    assert.equal(templateInfo('constructor').category, 'subscription', 'no prototype names');
    const unknown = renderNotification('no_such_template', { secret: EVIL }, ctx('ko'));
    assert.ok(!unknown.text.includes('script'));
  });

  it('writes a digest of new orders and of admin tasks', () => {
    const orders = renderNotification(
      'digest',
      { day: '2026-12-07', items: (payload.items as unknown[]).slice(0, 1) },
      ctx('ko'),
    );
    assert.equal(orders.subject, '[달고나] 새 주문 1건 (2026년 12월 7일)');
    const admin = renderNotification(
      'digest',
      {
        category: 'admin',
        items: [
          { template: 'task_opened', payload: { taskId: 't1', title: 'x', kind: 'partner_application' } },
        ],
      },
      ctx('ko'),
    );
    assert.match(admin.subject, /관리자 요약/);
    assert.ok(admin.text.includes(`${publicUrl}/admin/inbox/t1`));
  });
  it('puts an account link in the mail only with its opened token, and is never switched off or digested', () => {
    const token = 'x'.repeat(43);
    for (const [name, path] of [
      ['password_reset', '/reset-password'],
      ['email_verification', '/verify-email'],
    ] as const) {
      assert.equal(templateInfo(name).category, 'account');
      assert.equal(templateInfo(name).digest, undefined);
      assert.equal(renderNotification(name, { token }, ctx('ko')).link, `${publicUrl}${path}?token=${token}`);
      // The notification centre renders the row as stored: the token sealed, so no link.
      assert.equal(renderNotification(name, { sealedToken: 'v1.k.a.b.c' }, ctx('ko')).link, null);
      assert.equal(renderNotification(name, { token: 'javascript:alert(1)' }, ctx('ko')).link, null);
    }
  });
});
