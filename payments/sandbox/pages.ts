// What the sandbox serves to browsers: the card-registration window, the SDK script and receipts.
import { formatKrw } from '../../domain/catalog';
import type { TossPayment } from '../types';
import { testCards } from './cards';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const page = (title: string, body: string) => `<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
body{margin:0;font-family:system-ui,-apple-system,'Apple SD Gothic Neo','Noto Sans KR',sans-serif;background:#f2f4f6;color:#191f28}
.box{max-width:420px;margin:0 auto;background:#fff;min-height:100vh;padding:24px 20px;box-sizing:border-box}
h1{font-size:20px;margin:4px 0 2px}.sub{color:#6b7684;font-size:14px;margin:0 0 20px}
.badge{display:inline-block;background:#e8f3ff;color:#1b64da;border-radius:6px;padding:2px 8px;font-size:12px;font-weight:700}
label{display:block;font-size:13px;color:#4e5968;margin:14px 0 6px}
input{width:100%;box-sizing:border-box;border:1px solid #d1d6db;border-radius:8px;padding:12px;font-size:16px}
.row{display:flex;gap:10px}.row>div{flex:1}
button{width:100%;border:0;border-radius:10px;padding:15px;font-size:16px;font-weight:700;margin-top:18px;cursor:pointer}
.primary{background:#3182f6;color:#fff}.ghost{background:#f2f4f6;color:#4e5968;margin-top:8px}
details{margin-top:22px;font-size:13px;color:#4e5968}table{width:100%;border-collapse:collapse}td{padding:4px 2px;border-bottom:1px solid #f2f4f6}
code{font-size:12px}.err{color:#f04452;font-size:14px}
</style></head><body><div class="box">${body}</div></body></html>`;

/** The card-registration window the real provider hosts (카드 자동결제 등록), in sandbox form. */
export function billingAuthPage(q: Record<string, string>, error?: string): string {
  const hidden = ['clientKey', 'customerKey', 'successUrl', 'failUrl', 'customerEmail', 'customerName']
    .map((k) => `<input type="hidden" name="${k}" value="${esc(q[k] ?? '')}">`)
    .join('');
  const cards = testCards
    .map(
      (c) =>
        `<tr><td><code>${c.number.replace(/(\d{4})(?=\d)/g, '$1 ')}</code></td><td>${esc(c.label)}</td></tr>`,
    )
    .join('');
  return page(
    '카드 등록 · Toss Payments sandbox',
    `<span class="badge">SANDBOX</span>
<h1>자동결제 카드 등록</h1>
<p class="sub">${esc(q.customerName || '')} 님의 정기결제에 사용할 카드를 등록합니다. 실제로 결제되지 않습니다.</p>
${error ? `<p class="err" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="/billing-auth">${hidden}
<label for="cardNumber">카드번호</label>
<input id="cardNumber" name="cardNumber" inputmode="numeric" autocomplete="cc-number" placeholder="4330 1234 1234 1234" required>
<div class="row"><div><label for="expiry">유효기간 (MM/YY)</label><input id="expiry" name="expiry" inputmode="numeric" placeholder="12/30" required></div>
<div><label for="password">비밀번호 앞 2자리</label><input id="password" name="password" type="password" inputmode="numeric" maxlength="2" placeholder="••" required></div></div>
<label for="birth">생년월일 6자리 (법인: 사업자번호)</label>
<input id="birth" name="birth" inputmode="numeric" placeholder="900101" required>
<button class="primary" type="submit" name="action" value="register">등록하기</button>
<button class="ghost" type="submit" name="action" value="cancel" formnovalidate>취소</button>
</form>
<details><summary>테스트 카드</summary><table>${cards}</table><p>그 밖의 15–16자리 번호는 모두 승인됩니다.</p></details>`,
  );
}

/** A receipt (매출전표) for a sandbox payment. */
export function receiptPage(p: TossPayment): string {
  const rows: [string, string][] = [
    ['주문명', p.orderName],
    ['주문번호', p.orderId],
    ['결제 일시', p.approvedAt ?? ''],
    ['카드', p.card?.number ?? ''],
    ['승인번호', p.card?.approveNo ?? ''],
    ['결제 금액', formatKrw(p.totalAmount)],
    ['공급가액', formatKrw(p.suppliedAmount)],
    ['부가세', formatKrw(p.vat)],
    ['취소 금액', formatKrw(p.totalAmount - p.balanceAmount)],
    ['상태', p.status],
  ];
  return page(
    '매출전표 · Toss Payments sandbox',
    `<span class="badge">SANDBOX</span><h1>카드 매출전표</h1><p class="sub">Dalgona · 테스트 결제</p>
<table>${rows.map(([k, v]) => `<tr><td>${esc(k)}</td><td><strong>${esc(v)}</strong></td></tr>`).join('')}</table>`,
  );
}

/**
 * The script the official SDK loads (`loadTossPayments(clientKey, { src })`): it defines `window.TossPayments`
 * with `payment({ customerKey }).requestBillingAuth({ method: 'CARD', successUrl, failUrl, … })`, which opens the
 * sandbox's card window — so the storefront's code is the same against the sandbox and against Toss.
 */
export function sdkScript(publicUrl: string): string {
  return `(function () {
  'use strict';
  var ORIGIN = ${JSON.stringify(publicUrl)};
  function fail(code, message) { var e = new Error(message); e.name = 'PublicInterfaceError'; e.code = code; return e; }
  function absolute(url) { try { var u = new URL(url); return u.protocol === 'http:' || u.protocol === 'https:'; } catch (e) { return false; } }
  function TossPayments(clientKey) {
    if (typeof clientKey !== 'string' || !/^test_(g?)ck_/.test(clientKey)) throw fail('INVALID_CLIENT_KEY', '[TossPayments SDK] Invalid client key');
    return {
      payment: function (init) {
        var customerKey = init && init.customerKey;
        if (typeof customerKey !== 'string' || customerKey.length < 2 || customerKey.length > 300) throw fail('INVALID_CUSTOMER_KEY', '[TossPayments SDK] Invalid customerKey');
        return {
          requestBillingAuth: function (req) {
            return new Promise(function (resolve, reject) {
              if (!req || req.method !== 'CARD') return reject(fail('NOT_SUPPORTED_METHOD', '[TossPayments SDK] Only CARD billing is available in the sandbox'));
              if (!absolute(req.successUrl)) return reject(fail('INCORRECT_SUCCESS_URL_FORMAT', '[TossPayments SDK] successUrl must be an absolute URL'));
              if (!absolute(req.failUrl)) return reject(fail('INCORRECT_FAIL_URL_FORMAT', '[TossPayments SDK] failUrl must be an absolute URL'));
              var q = new URLSearchParams({ clientKey: clientKey, customerKey: customerKey, successUrl: req.successUrl, failUrl: req.failUrl,
                customerEmail: req.customerEmail || '', customerName: req.customerName || '' });
              window.location.assign(ORIGIN + '/billing-auth?' + q.toString());
            });
          },
          requestPayment: function () { return Promise.reject(fail('NOT_SUPPORTED_METHOD', '[TossPayments SDK] requestPayment is not available in the sandbox')); }
        };
      },
      widgets: function () { throw fail('NOT_SUPPORTED_METHOD', '[TossPayments SDK] widgets are not available in the sandbox'); },
      brandpay: function () { throw fail('NOT_SUPPORTED_METHOD', '[TossPayments SDK] brandpay is not available in the sandbox'); }
    };
  }
  TossPayments.ANONYMOUS = '@@ANONYMOUS';
  window.TossPayments = TossPayments;
})();
`;
}

/** Appends query parameters to a URL that may already have some. */
export function withQuery(url: string, params: Record<string, string>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}
