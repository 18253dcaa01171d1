// What a subscriber hears (docs/architecture.md#messages): payments, the subscription's changes, price changes that
// need consent, deliveries. Every payload also carries subscriptionId and productName (the subscription's notices).
import { cardFailureWords, declineWords } from '../../domain/cardErrors';
import { trackingUrl } from '../../domain/carriers';
import {
  date,
  dateTime,
  externalUrl,
  idPart,
  num,
  str,
  template,
  won,
  type Link,
  type Payload,
  type WordsContext,
} from '../format';
import type { Template } from '../templates';

const product = (p: Payload, c: WordsContext) => str(p.productName, c.w('구독 상품', 'your subscription'));

/** The subscription on 마이페이지 (its card holds 카드 변경, 일시정지, 해지). */
const subscriptionLink = (p: Payload, c: WordsContext, label?: string): Link => ({
  label: label ?? c.w('마이페이지에서 보기', 'Open My page'),
  url: p.subscriptionId ? c.url(`/me#subscription-${idPart(p.subscriptionId)}`) : c.url('/me'),
});
const changeCard = (p: Payload, c: WordsContext) =>
  subscriptionLink(p, c, c.w('결제 카드 변경', 'Change the card'));
const paymentsLink = (c: WordsContext): Link => ({
  label: c.w('결제 내역 보기', 'See your payments'),
  url: c.url('/me?tab=payments'),
});
const deliveriesLink = (c: WordsContext): Link => ({
  label: c.w('배송 내역 보기', 'See your deliveries'),
  url: c.url('/me?tab=deliveries'),
});
const reason = (code: unknown, c: WordsContext) => {
  const words = declineWords(str(code) || null);
  return c.w(words.ko, words.en);
};

/** The price-change consent request and its reminder: legal notice (전자상거래법 §13⑥). */
function priceChangeRequest(reminder: boolean) {
  return template('legal', (p, c) => {
    const name = product(p, c);
    const [from, to] = [won(p.oldAmount, c.locale), won(p.newAmount, c.locale)];
    const effective = date(p.effectiveAt, c.locale);
    const respondBy = dateTime(p.respondBy, c.locale);
    return {
      subject: reminder
        ? c.w(`[다시 알림] ${name} 가격 변경 동의 요청`, `Reminder: ${name} price change needs your answer`)
        : c.w(`${name} 가격 변경 동의 요청`, `${name}: a price change needs your consent`),
      body: [
        ...(reminder
          ? [
              c.w(
                '아직 가격 변경에 대한 답을 받지 못해 다시 알려 드립니다.',
                'We have not had your answer yet.',
              ),
            ]
          : []),
        c.w(
          `${name} 구독 가격을 ${from}에서 ${to}으로 바꾸려 합니다. 동의하시면 ${effective} 이후 결제부터 새 가격이 적용됩니다.`,
          `The price of your ${name} subscription is to change from ${from} to ${to}. If you agree, the new price applies to charges from ${effective}.`,
        ),
        c.w(
          '동의하시기 전에는 아무것도 바뀌지 않으며, 새 가격으로 결제하지 않습니다.',
          'Nothing changes without your consent: you will not be charged the new price unless you agree.',
        ),
        c.w(
          `${respondBy}까지 마이페이지에서 동의 또는 거절을 선택해 주세요. 거절하시거나 기한까지 답하지 않으시면 새 가격이 적용되기 전에 구독이 종료되며, 그 전에 언제든 위약금 없이 해지할 수도 있습니다.`,
          `Please accept or refuse on My page by ${respondBy}. If you refuse, or do not answer by then, the subscription ends before the new price would apply; you may also cancel at any time without a fee.`,
        ),
      ],
      facts: [
        [c.w('상품', 'Product'), name],
        [c.w('현재 가격', 'Current price'), from],
        [c.w('변경 가격', 'New price'), to],
        [c.w('적용 시작', 'From'), effective],
        [c.w('응답 기한', 'Answer by'), respondBy],
      ],
      action: subscriptionLink(p, c, c.w('동의 또는 거절하기', 'Accept or refuse')),
      short: c.w(
        `${name} 가격 ${from}→${to} 변경 동의 요청. ${date(p.respondBy, 'ko')}까지 응답해 주세요. 동의 없이는 바뀌지 않습니다.`,
        `${name} price ${from}→${to} needs your consent by ${date(p.respondBy, 'en')}. Nothing changes without it.`,
      ),
    };
  });
}

export const customerTemplates: Record<string, Template> = {
  payment_upcoming: template('payment', (p, c) => {
    const name = product(p, c);
    const amount = won(p.amount, c.locale);
    const at = dateTime(p.chargeAt, c.locale);
    return {
      subject: c.w(`${name} 결제 예정 안내 (${amount})`, `Upcoming payment for ${name} (${amount})`),
      body: [
        c.w(
          `${at}에 등록된 카드로 ${amount}을 결제할 예정입니다.`,
          `We will charge ${amount} to your registered card on ${at}.`,
        ),
        c.w(
          '이번 배송을 건너뛰거나 일시정지·해지하시려면 결제 전에 마이페이지에서 바꿔 주세요.',
          'To skip this delivery, pause or cancel, change it on My page before the charge.',
        ),
      ],
      facts: [
        [c.w('상품', 'Product'), name],
        [c.w('결제 예정', 'Charge on'), at],
        [c.w('금액', 'Amount'), amount],
        ...(num(p.cycle) !== null
          ? [[c.w('회차', 'Delivery'), c.w(`${num(p.cycle)}회차`, `#${num(p.cycle)}`)] as [string, string]]
          : []),
      ],
      action: subscriptionLink(p, c),
      short: c.w(
        `${name} ${amount} 결제 예정 ${date(p.chargeAt, 'ko')}`,
        `${name}: ${amount} on ${date(p.chargeAt, 'en')}`,
      ),
    };
  }),

  payment_receipt: template('payment', (p, c) => {
    const name = product(p, c);
    const amount = won(p.amount, c.locale);
    const receipt = externalUrl(p.receiptUrl);
    return {
      subject: c.w(`${name} 결제 완료 ${amount}`, `Payment received: ${name} ${amount}`),
      body: [
        c.w(
          `${amount} 결제가 완료되었습니다. 로스터리에서 원두를 볶아 보내 드립니다.`,
          `We received your payment of ${amount}. The roaster will roast and ship your beans.`,
        ),
      ],
      facts: [
        [c.w('상품', 'Product'), name],
        [c.w('결제 금액', 'Amount'), amount],
        ...(p.orderId ? [[c.w('주문번호', 'Order'), str(p.orderId)] as [string, string]] : []),
        ...(p.nextChargeAt
          ? [[c.w('다음 결제 예정', 'Next charge'), date(p.nextChargeAt, c.locale)] as [string, string]]
          : []),
      ],
      action: paymentsLink(c),
      links: receipt ? [{ label: c.w('카드 영수증 보기', 'Card receipt'), url: receipt }] : [],
      short: c.w(`${name} ${amount} 결제 완료`, `${name}: ${amount} paid`),
    };
  }),

  payment_failed: template('payment', (p, c) => {
    const name = product(p, c);
    const why = reason(p.code, c);
    const retry = p.retryAt ? dateTime(p.retryAt, c.locale) : null;
    return {
      subject: c.w(`${name} 결제 실패 안내`, `Payment failed: ${name}`),
      body: [
        c.w(
          `${name} 구독의 결제가 되지 않았습니다. ${why}`,
          `We could not charge your ${name} subscription. ${why}`,
        ),
        ...(retry
          ? [
              c.w(
                `${retry}에 다시 결제를 시도합니다. 카드를 바꾸시면 바로 다시 결제합니다.`,
                `We will try again on ${retry}. If you change the card, we try again at once.`,
              ),
            ]
          : []),
      ],
      facts: [
        [c.w('상품', 'Product'), name],
        [c.w('사유', 'Reason'), why],
        ...(retry ? [[c.w('다시 시도', 'Next try'), retry] as [string, string]] : []),
      ],
      action: changeCard(p, c),
      short: c.w(
        `${name} 결제 실패. ${retry ? `${date(p.retryAt, 'ko')} 재시도. ` : ''}카드 변경:`,
        `${name} payment failed.${retry ? ` Retry ${date(p.retryAt, 'en')}.` : ''} Change card:`,
      ),
    };
  }),

  payment_card_needed: template('payment', (p, c) => {
    const name = product(p, c);
    const why = reason(p.code, c);
    return {
      subject: c.w(`${name} 결제 실패: 카드 변경이 필요합니다`, `Payment failed: ${name} needs another card`),
      body: [
        c.w(
          `${name} 구독의 결제가 되지 않았습니다. ${why}`,
          `We could not charge your ${name} subscription. ${why}`,
        ),
        c.w(
          '이 카드로는 다시 결제할 수 없어, 새 카드를 등록하셔야 구독이 이어집니다. 등록하시면 바로 결제합니다.',
          'This card cannot be charged again: register another card to keep the subscription. We charge it at once.',
        ),
      ],
      facts: [
        [c.w('상품', 'Product'), name],
        [c.w('사유', 'Reason'), why],
      ],
      action: changeCard(p, c),
      short: c.w(
        `${name} 결제 실패. 새 카드 등록이 필요합니다:`,
        `${name} payment failed. Register another card:`,
      ),
    };
  }),

  subscription_suspended: template('payment', (p, c) => {
    const name = product(p, c);
    const why = p.code ? reason(p.code, c) : null;
    return {
      subject: c.w(`${name} 구독 중단 (결제 실패)`, `${name} subscription suspended (payment failed)`),
      body: [
        c.w(
          '여러 번 결제를 시도했지만 되지 않아 구독을 중단했습니다. 결제와 배송이 멈춘 상태입니다.',
          'We tried several times but could not charge your card, so the subscription is suspended: no charges, no deliveries.',
        ),
        ...(why ? [c.w(`사유: ${why}`, `Reason: ${why}`)] : []),
        c.w(
          '새 카드를 등록하시면 바로 결제하고 구독이 다시 이어집니다.',
          'Register another card and we charge it at once; the subscription continues.',
        ),
      ],
      facts: [[c.w('상품', 'Product'), name]],
      action: changeCard(p, c),
      short: c.w(
        `${name} 결제 실패로 구독이 중단되었습니다. 카드 변경:`,
        `${name} suspended (payment failed). Change card:`,
      ),
    };
  }),

  subscription_card_failed: template('payment', (p, c) => {
    const name = product(p, c);
    const words = cardFailureWords(str(p.code) || null);
    return {
      subject: c.w(`${name} 구독 신청이 완료되지 않았습니다`, `Your ${name} subscription did not start`),
      body: [
        c.w(words.ko, words.en),
        c.w(
          '결제된 금액은 없습니다. 상품 페이지에서 다시 신청해 주세요.',
          'Nothing was charged. Please subscribe again from the product page.',
        ),
      ],
      facts: [[c.w('상품', 'Product'), name]],
      action: subscriptionLink(p, c),
      short: c.w(
        `${name} 카드 등록 실패로 구독이 시작되지 않았습니다.`,
        `${name}: the card was not registered.`,
      ),
    };
  }),

  subscription_started: template('subscription', (p, c) => {
    const name = product(p, c);
    return {
      subject: c.w(`${name} 구독이 시작되었습니다`, `Your ${name} subscription has started`),
      body: [
        c.w(
          '구독해 주셔서 감사합니다. 결제일과 배송 상태는 마이페이지에서 확인하실 수 있고, 언제든 건너뛰기·일시정지·해지할 수 있습니다.',
          'Thank you for subscribing. My page shows your charge dates and deliveries; you can skip, pause or cancel at any time.',
        ),
      ],
      facts: [[c.w('상품', 'Product'), name]],
      action: subscriptionLink(p, c),
      short: c.w(`${name} 구독이 시작되었습니다.`, `${name} subscription started.`),
    };
  }),

  subscription_paused: template('subscription', (p, c) => {
    const name = product(p, c);
    return {
      subject: c.w(`${name} 구독 일시정지`, `${name} subscription paused`),
      body: p.byAdmin
        ? [
            c.w(
              '달고나 운영팀이 구독을 일시정지했습니다. 다시 시작될 때까지 결제와 배송이 멈춥니다.',
              'The Dalgona team has paused your subscription: no charges and no deliveries until it resumes.',
            ),
            ...(str(p.reason) ? [c.w(`사유: ${str(p.reason)}`, `Reason: ${str(p.reason)}`)] : []),
          ]
        : [
            c.w(
              '구독을 일시정지했습니다. 다시 시작하실 때까지 결제와 배송이 멈춥니다. 마이페이지에서 언제든 재개할 수 있습니다.',
              'Your subscription is paused: no charges and no deliveries until you resume it on My page.',
            ),
          ],
      facts: [[c.w('상품', 'Product'), name]],
      action: subscriptionLink(p, c),
      short: c.w(`${name} 구독을 일시정지했습니다.`, `${name} subscription paused.`),
    };
  }),

  subscription_resumed: template('subscription', (p, c) => {
    const name = product(p, c);
    return {
      subject: c.w(`${name} 구독 재개`, `${name} subscription resumed`),
      body: [
        c.w(
          '구독을 다시 시작했습니다. 다음 결제일부터 결제하고 원두를 보내 드립니다.',
          'Your subscription is running again: we charge and ship from the next charge date.',
        ),
      ],
      facts: [[c.w('상품', 'Product'), name]],
      action: subscriptionLink(p, c),
      short: c.w(`${name} 구독을 재개했습니다.`, `${name} subscription resumed.`),
    };
  }),

  subscription_cancel_scheduled: template('subscription', (p, c) => {
    const name = product(p, c);
    const ends = p.endsAt ? date(p.endsAt, c.locale) : null;
    return {
      subject: c.w(`${name} 구독 해지 예약`, `${name} subscription will end`),
      body: [
        ends
          ? c.w(
              `${ends}에 구독이 끝납니다. 이미 결제한 원두는 보내 드리며, 그 뒤로는 결제하지 않습니다.`,
              `Your subscription ends on ${ends}. Beans already paid for are still shipped; nothing is charged after that.`,
            )
          : c.w(
              '이번 주기가 끝나면 구독이 끝납니다. 그 뒤로는 결제하지 않습니다.',
              'Your subscription ends with this cycle; nothing is charged after that.',
            ),
      ],
      facts: [
        [c.w('상품', 'Product'), name],
        ...(ends ? [[c.w('종료일', 'Ends on'), ends] as [string, string]] : []),
      ],
      action: subscriptionLink(p, c),
      short: c.w(
        `${name} 구독 해지가 예약되었습니다${ends ? ` (${ends})` : ''}.`,
        `${name} ends${ends ? ` on ${ends}` : ''}.`,
      ),
    };
  }),

  subscription_cancel_undone: template('subscription', (p, c) => {
    const name = product(p, c);
    const next = p.nextChargeAt ? date(p.nextChargeAt, c.locale) : null;
    return {
      subject: c.w(`${name} 해지 예약 취소`, `${name}: the cancellation is withdrawn`),
      body: [
        c.w(
          `해지 예약을 취소했습니다. 구독은 그대로 이어집니다${next ? ` (다음 결제 ${next})` : ''}.`,
          `You took back the cancellation: your subscription goes on${next ? ` (next charge ${next})` : ''}.`,
        ),
      ],
      facts: [
        [c.w('상품', 'Product'), name],
        ...(next ? [[c.w('다음 결제', 'Next charge'), next] as [string, string]] : []),
      ],
      action: subscriptionLink(p, c),
      short: c.w(`${name} 해지 예약을 취소했습니다.`, `${name} goes on: cancellation withdrawn.`),
    };
  }),

  subscription_canceled: template('subscription', (p, c) => {
    const name = product(p, c);
    const why = str(p.reason);
    return {
      subject: c.w(`${name} 구독 해지 완료`, `${name} subscription cancelled`),
      body: [
        c.w(
          '구독이 해지되었습니다. 더 이상 결제하지 않습니다.',
          'Your subscription is cancelled; nothing more will be charged.',
        ),
        ...(why ? [c.w(`사유: ${why}`, `Reason: ${why}`)] : []),
        c.w('그동안 이용해 주셔서 감사합니다.', 'Thank you for subscribing with us.'),
      ],
      facts: [[c.w('상품', 'Product'), name]],
      action: subscriptionLink(p, c),
      short: c.w(`${name} 구독이 해지되었습니다.`, `${name} subscription cancelled.`),
    };
  }),

  delivery_skipped: template('delivery', (p, c) => {
    const name = product(p, c);
    const next = p.nextChargeAt ? date(p.nextChargeAt, c.locale) : null;
    return {
      subject: c.w(`${name} 이번 배송 건너뛰기`, `${name}: this delivery skipped`),
      body: [
        c.w('이번 회차는 결제와 배송 없이 건너뜁니다.', 'This cycle is skipped: no charge and no delivery.'),
        ...(next ? [c.w(`다음 결제일은 ${next}입니다.`, `The next charge is on ${next}.`)] : []),
      ],
      facts: [
        [c.w('상품', 'Product'), name],
        ...(next ? [[c.w('다음 결제일', 'Next charge'), next] as [string, string]] : []),
      ],
      action: subscriptionLink(p, c),
      short: c.w(
        `${name} 이번 배송을 건너뜁니다.${next ? ` 다음 결제 ${next}` : ''}`,
        `${name}: delivery skipped.`,
      ),
    };
  }),

  subscription_price_changed: template('payment', (p, c) => {
    const name = product(p, c);
    const [from, to] = [won(p.oldAmount, c.locale), won(p.newAmount, c.locale)];
    const when = date(p.from, c.locale);
    const lower = (num(p.newAmount) ?? 0) < (num(p.oldAmount) ?? 0);
    return {
      subject: lower
        ? c.w(`${name} 가격 인하 안내`, `${name}: the price goes down`)
        : c.w(`${name} 가격 변경 안내`, `${name}: price change`),
      body: [
        c.w(
          `${name}${num(p.grams) ? ` ${num(p.grams)}g` : ''} 가격이 ${from}에서 ${to}으로 바뀌어 ${when} 결제부터 적용됩니다.`,
          `The price of ${name}${num(p.grams) ? ` ${num(p.grams)} g` : ''} changes from ${from} to ${to}, from the charge on ${when}.`,
        ),
      ],
      facts: [
        [c.w('이전 가격', 'Was'), from],
        [c.w('새 가격', 'Now'), to],
        [c.w('적용', 'From'), when],
      ],
      action: subscriptionLink(p, c),
      short: c.w(`${name} 가격 ${from}→${to} (${when}부터)`, `${name} price ${from}→${to} from ${when}`),
    };
  }),

  price_change_proposed: priceChangeRequest(false),
  price_change_reminder: priceChangeRequest(true),

  price_change_accepted: template('legal', (p, c) => {
    const name = product(p, c);
    const to = won(p.newAmount, c.locale);
    const when = date(p.effectiveAt, c.locale);
    return {
      subject: c.w(`${name} 가격 변경 동의 확인`, `${name}: you accepted the new price`),
      body: [
        c.w(
          `${to}으로의 가격 변경에 동의하셨습니다. ${when} 이후 결제부터 적용됩니다.`,
          `You accepted the new price of ${to}. It applies to charges from ${when}.`,
        ),
        c.w(
          '원하지 않으시면 그 전에 마이페이지에서 위약금 없이 해지할 수 있습니다.',
          'If you change your mind, you can cancel on My page before then, without a fee.',
        ),
      ],
      facts: [
        [c.w('상품', 'Product'), name],
        [c.w('새 가격', 'New price'), to],
        [c.w('적용 시작', 'From'), when],
      ],
      action: subscriptionLink(p, c),
      short: c.w(
        `${name} 가격 변경(${to}) 동의가 확인되었습니다. ${when}부터 적용.`,
        `${name}: new price ${to} from ${when}.`,
      ),
    };
  }),

  price_change_refused: template('legal', (p, c) => {
    const name = product(p, c);
    const old = won(p.oldAmount, c.locale);
    const last = p.endsAfter ? date(p.endsAfter, c.locale) : null;
    return {
      subject: c.w(`${name} 가격 변경 거절 확인`, `${name}: you refused the new price`),
      body: [
        c.w(
          '가격 변경에 동의하지 않으셨습니다. 새 가격으로는 결제하지 않습니다.',
          'You refused the price change: you will not be charged the new price.',
        ),
        p.policy === 'keep'
          ? c.w(
              `구독은 현재 가격(${old})으로 계속됩니다.`,
              `Your subscription goes on at the current price (${old}).`,
            )
          : last
            ? c.w(
                `${last} 결제(현재 가격 ${old})가 마지막이며, 그 뒤 구독이 종료됩니다.`,
                `The charge on ${last} (at the current price, ${old}) is the last; the subscription ends after it.`,
              )
            : c.w('남은 결제 없이 구독이 종료됩니다.', 'The subscription ends without further charges.'),
        c.w(
          '적용일 전까지는 마이페이지에서 동의로 바꿀 수 있습니다.',
          'You can still accept on My page until the date it takes effect.',
        ),
      ],
      facts: [
        [c.w('상품', 'Product'), name],
        [c.w('현재 가격', 'Current price'), old],
        ...(last ? [[c.w('마지막 결제', 'Last charge'), last] as [string, string]] : []),
      ],
      action: subscriptionLink(p, c),
      short: c.w(
        `${name} 가격 변경 거절이 확인되었습니다. 새 가격으로 결제하지 않습니다.`,
        `${name}: new price refused.`,
      ),
    };
  }),

  subscription_ended_price: template('legal', (p, c) => {
    const name = product(p, c);
    const unanswered = p.reason === 'unanswered';
    return {
      subject: c.w(
        `${name} 구독 종료 (가격 변경 미동의)`,
        `${name} subscription ended (price change not accepted)`,
      ),
      body: [
        unanswered
          ? c.w(
              '기한까지 가격 변경에 대한 답을 받지 못해 구독을 종료했습니다.',
              'We did not receive your answer to the price change in time, so the subscription has ended.',
            )
          : c.w(
              '가격 변경에 동의하지 않으셔서 구독을 종료했습니다.',
              'You did not accept the price change, so the subscription has ended.',
            ),
        c.w(
          '새 가격으로 결제된 금액은 없습니다. 다시 구독하시려면 상품 페이지에서 새로 신청해 주세요.',
          'Nothing was charged at the new price. To subscribe again, start a new subscription from the product page.',
        ),
      ],
      facts: [[c.w('상품', 'Product'), name]],
      action: subscriptionLink(p, c),
      short: c.w(
        `${name} 가격 변경 미동의로 구독이 종료되었습니다.`,
        `${name} ended: new price not accepted.`,
      ),
    };
  }),

  price_change_withdrawn: template('legal', (p, c) => {
    const name = product(p, c);
    const amount = won(p.amount, c.locale);
    return {
      subject: c.w(`${name} 가격 변경 취소 안내`, `${name}: the price change is withdrawn`),
      body: [
        c.w(
          `안내드린 가격 변경이 취소되었습니다. 지금 가격(${amount})이 그대로 유지되며, 따로 하실 일은 없습니다.`,
          `The price change we told you about is withdrawn. Your price stays ${amount}; there is nothing to do.`,
        ),
      ],
      facts: [
        [c.w('상품', 'Product'), name],
        [c.w('금액', 'Price'), amount],
      ],
      action: subscriptionLink(p, c),
      short: c.w(`${name} 가격 변경이 취소되어 ${amount}이 유지됩니다.`, `${name}: price stays ${amount}.`),
    };
  }),

  price_change_kept: template('legal', (p, c) => {
    const name = product(p, c);
    const old = won(p.oldAmount, c.locale);
    return {
      subject: c.w(`${name} 현재 가격 유지 안내`, `${name}: your price stays the same`),
      body: [
        c.w(
          `가격 변경에 동의하지 않으셔서 새 가격은 적용되지 않습니다. 구독은 지금 가격(${old})으로 계속됩니다.`,
          `You did not accept the price change, so it does not apply: your subscription goes on at ${old}.`,
        ),
      ],
      facts: [
        [c.w('상품', 'Product'), name],
        [c.w('금액', 'Price'), old],
      ],
      action: subscriptionLink(p, c),
      short: c.w(`${name} 구독이 지금 가격(${old})으로 계속됩니다.`, `${name} goes on at ${old}.`),
    };
  }),

  payment_refunded: template('payment', (p, c) => {
    const what = str(p.orderName, str(p.productName, c.w('주문', 'your order')));
    const amount = won(p.amount, c.locale);
    const why = str(p.reason);
    return {
      subject: c.w(`환불 완료 ${amount} (${what})`, `Refund of ${amount} (${what})`),
      body: [
        c.w(`결제하신 카드로 ${amount}을 환불했습니다.`, `We refunded ${amount} to the card you paid with.`),
        c.w(
          '카드사에 따라 승인 취소가 반영되기까지 영업일 기준 3~7일이 걸릴 수 있습니다.',
          'Depending on the card issuer, the refund can take 3–7 business days to show.',
        ),
      ],
      facts: [
        [c.w('주문', 'Order'), what],
        [c.w('환불 금액', 'Refunded'), amount],
        ...(why ? [[c.w('사유', 'Reason'), why] as [string, string]] : []),
      ],
      action: paymentsLink(c),
      short: c.w(`${what} ${amount} 환불 완료`, `${what}: ${amount} refunded`),
    };
  }),

  order_shipped: template('delivery', (p, c) => {
    const name = product(p, c);
    const number = str(p.trackingNumber);
    const carrier = str(p.carrierName, str(p.carrier));
    const tracking = number ? trackingUrl(str(p.carrier), number) : null;
    return {
      subject: c.w(`${name} 발송 완료`, `${name} is on its way`),
      body: [
        c.w(
          `갓 볶은 원두가 출발했습니다. ${carrier} 운송장 번호 ${number}(으)로 배송 상황을 확인하실 수 있습니다.`,
          `Your freshly roasted beans are on their way. Track them with ${carrier}, tracking number ${number}.`,
        ),
      ],
      facts: [
        [c.w('상품', 'Product'), name],
        [c.w('택배사', 'Carrier'), carrier],
        [c.w('운송장 번호', 'Tracking number'), number],
      ],
      action: tracking ? { label: c.w('배송 조회', 'Track the parcel'), url: tracking } : deliveriesLink(c),
      links: tracking ? [deliveriesLink(c)] : [],
      short: c.w(`${name} 발송. ${carrier} ${number} 배송 조회:`, `${name} shipped. ${carrier} ${number}:`),
    };
  }),

  order_delivered: template('delivery', (p, c) => {
    const name = product(p, c);
    const byCustomer = p.deliveredBy === 'customer';
    return {
      subject: c.w(`${name} 배송 완료`, `${name} delivered`),
      body: [
        byCustomer
          ? c.w('수령을 확인해 주셔서 감사합니다.', 'Thank you for confirming the delivery.')
          : c.w('배송이 완료된 것으로 처리했습니다.', 'The delivery now counts as completed.'),
        c.w(
          '맛있게 즐기세요! 다음 원두도 정성껏 볶아 보내 드리겠습니다.',
          'Enjoy your coffee! The next beans will follow.',
        ),
      ],
      facts: [[c.w('상품', 'Product'), name]],
      action: deliveriesLink(c),
      short: c.w(`${name} 배송 완료`, `${name} delivered`),
    };
  }),
};
