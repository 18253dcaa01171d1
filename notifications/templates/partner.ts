// What a roaster hears (docs/architecture.md#messages): the application's outcome, product decisions, orders
// (new ones collected into a daily digest), and statements.
import { date, idPart, num, str, template, won, type Link, type Payload, type WordsContext } from '../format';
import type { Template } from '../templates';

const company = (p: Payload, c: WordsContext) =>
  str(p.companyName, c.w('신청하신 로스터리', 'your roastery'));
const productName = (p: Payload, c: WordsContext) =>
  str(p.name, str(p.productName, c.w('등록하신 원두', 'your product')));

const applicationLink = (c: WordsContext): Link => ({
  label: c.w('신청 현황 보기', 'See your application'),
  url: c.url('/partner/application'),
});
const productLink = (p: Payload, c: WordsContext): Link => ({
  label: c.w('상품 보기', 'Open the product'),
  url: p.productId ? c.url(`/partner/products/${idPart(p.productId)}`) : c.url('/partner/products'),
});
const ordersLink = (c: WordsContext): Link => ({
  label: c.w('주문 · 발송 열기', 'Open Orders'),
  url: c.url('/partner/orders'),
});
const settlementsLink = (c: WordsContext): Link => ({
  label: c.w('정산 내역 보기', 'See your statements'),
  url: c.url('/partner/settlements'),
});

/** The automatic checks' reasons (each has the message the applicant already sees on the status page). */
function reasonLines(p: Payload): string[] {
  const reasons = Array.isArray(p.reasons) ? (p.reasons as unknown[]) : [];
  return reasons
    .map((r) => (r && typeof r === 'object' ? str((r as Record<string, unknown>).message) : str(r)))
    .filter((s) => s !== '')
    .map((s) => `· ${s}`);
}

const grindWords: Record<string, [string, string]> = {
  whole_bean: ['홀빈', 'Whole bean'],
  espresso: ['에스프레소', 'Espresso'],
  moka_pot: ['모카포트', 'Moka pot'],
  pour_over: ['핸드드립', 'Pour-over'],
  french_press: ['프렌치프레스', 'French press'],
  cold_brew: ['콜드브루', 'Cold brew'],
};

const cancelCause = (cause: unknown, c: WordsContext) =>
  cause === 'refunded'
    ? c.w('결제가 환불되었습니다', 'the payment was refunded')
    : cause === 'withdrawn'
      ? c.w(
          '고객이 발송 전 이 회차를 취소했습니다(청약철회)',
          'the customer withdrew this delivery before it shipped',
        )
      : c.w('고객이 구독을 해지했습니다', 'the customer cancelled the subscription');

export const partnerTemplates: Record<string, Template> = {
  partner_application_approved: template('partner', (p, c) => ({
    subject: c.w(`파트너 신청 승인: ${company(p, c)}`, `Partner application approved: ${company(p, c)}`),
    body: [
      c.w(
        '축하합니다! 파트너 신청이 승인되었습니다. 이제 원두를 등록하고 구독 주문을 받을 수 있습니다.',
        'Congratulations! Your application is approved: you can now list beans and receive subscription orders.',
      ),
    ],
    action: { label: c.w('원두 등록하기', 'List a product'), url: c.url('/partner/products/new') },
    short: c.w('파트너 신청이 승인되었습니다.', 'Your partner application is approved.'),
  })),

  partner_application_rejected: template('partner', (p, c) => {
    const why = str(p.decisionReason);
    return {
      subject: c.w(`파트너 신청 반려: ${company(p, c)}`, `Partner application declined: ${company(p, c)}`),
      body: [
        c.w(
          '검토 결과 이번 신청은 승인하지 못했습니다.',
          'After review, we could not approve this application.',
        ),
        ...(why ? [c.w(`사유: ${why}`, `Reason: ${why}`)] : []),
        c.w('내용을 고쳐 다시 신청하실 수 있습니다.', 'You may correct it and apply again.'),
      ],
      action: applicationLink(c),
      short: c.w('파트너 신청이 반려되었습니다. 사유 확인:', 'Your partner application was declined:'),
    };
  }),

  partner_profile_approved: template('partner', (p, c) => ({
    subject: c.w(`프로필 변경 승인: ${company(p, c)}`, `Profile change approved: ${company(p, c)}`),
    body: [
      p.account
        ? c.w(
            '요청하신 프로필·정산 계좌 변경이 승인되어 반영되었습니다. 다음 정산부터 새 계좌로 지급됩니다.',
            'Your profile and settlement account change is approved: the next payout goes to the new account.',
          )
        : c.w('요청하신 프로필 변경이 승인되어 반영되었습니다.', 'Your profile change is approved and live.'),
    ],
    action: { label: c.w('프로필 보기', 'See your profile'), url: c.url('/partner/profile') },
    short: c.w('프로필 변경이 승인되었습니다.', 'Your profile change is approved.'),
  })),

  partner_profile_rejected: template('partner', (p, c) => {
    const why = str(p.decisionReason);
    return {
      subject: c.w(`프로필 변경 반려: ${company(p, c)}`, `Profile change declined: ${company(p, c)}`),
      body: [
        c.w(
          '요청하신 변경은 승인되지 않아 기존 정보가 그대로 유지됩니다.',
          'Your change was not approved; your current details stay as they were.',
        ),
        ...(why ? [c.w(`사유: ${why}`, `Reason: ${why}`)] : []),
      ],
      action: { label: c.w('프로필 보기', 'See your profile'), url: c.url('/partner/profile') },
      short: c.w('프로필 변경이 반려되었습니다.', 'Your profile change was declined.'),
    };
  }),

  partner_application_auto_rejected: template('partner', (p, c) => ({
    subject: c.w(
      `파트너 신청 자동 반려: ${company(p, c)}`,
      `Partner application not accepted: ${company(p, c)}`,
    ),
    body: [
      c.w(
        '자동 검증에서 신청서를 받을 수 없었습니다. 아래 내용을 고쳐 다시 신청해 주세요.',
        'The automatic checks could not accept the application. Please correct the following and apply again.',
      ),
      ...reasonLines(p),
    ],
    action: applicationLink(c),
    short: c.w('파트너 신청이 자동 검증에서 반려되었습니다:', 'Your partner application failed the checks:'),
  })),

  partner_application_expired: template('partner', (p, c) => ({
    subject: c.w(`파트너 신청 기간 만료: ${company(p, c)}`, `Partner application expired: ${company(p, c)}`),
    body: [
      c.w(
        '검토 기간 안에 결정되지 않아 신청이 만료되었습니다. 번거로우시겠지만 다시 신청해 주세요.',
        'The application expired before a decision was made. Please apply again.',
      ),
    ],
    action: applicationLink(c),
    short: c.w('파트너 신청이 만료되었습니다. 다시 신청해 주세요:', 'Your partner application expired:'),
  })),

  product_published: template('partner', (p, c) => ({
    subject: c.w(
      `상품 승인 · 판매 시작: ${productName(p, c)}`,
      `Product approved and on sale: ${productName(p, c)}`,
    ),
    body: [
      c.w(
        '검토가 끝나 상품이 스토어에 공개되었습니다. 이제 고객이 구독할 수 있습니다.',
        'The review is done and the product is now in the store: customers can subscribe.',
      ),
    ],
    action: productLink(p, c),
    short: c.w(
      `${productName(p, c)} 상품이 승인되어 판매를 시작했습니다.`,
      `${productName(p, c)} is on sale.`,
    ),
  })),

  product_revision_approved: template('partner', (p, c) => ({
    subject: c.w(`상품 수정 승인: ${productName(p, c)}`, `Product changes approved: ${productName(p, c)}`),
    body: [
      c.w(
        `${num(p.number) ? `${num(p.number)}번째 ` : ''}수정 내용이 승인되어 스토어에 반영되었습니다.`,
        `Your changes${num(p.number) ? ` (revision ${num(p.number)})` : ''} are approved and live in the store.`,
      ),
    ],
    action: productLink(p, c),
    short: c.w(`${productName(p, c)} 수정이 승인되었습니다.`, `${productName(p, c)}: changes approved.`),
  })),

  product_revision_rejected: template('partner', (p, c) => {
    const why = str(p.decisionReason);
    return {
      subject: c.w(`상품 검토 반려: ${productName(p, c)}`, `Product review declined: ${productName(p, c)}`),
      body: [
        c.w(
          '검토 결과 이번 등록(수정)은 승인하지 못했습니다.',
          'After review, we could not approve this submission.',
        ),
        ...(why ? [c.w(`사유: ${why}`, `Reason: ${why}`)] : []),
        c.w(
          '판매 중인 내용이 있다면 그대로 판매됩니다. 고쳐서 다시 제출해 주세요.',
          'What is already on sale stays on sale. Please correct it and submit again.',
        ),
      ],
      action: productLink(p, c),
      short: c.w(`${productName(p, c)} 검토가 반려되었습니다.`, `${productName(p, c)}: review declined.`),
    };
  }),

  product_revision_auto_rejected: template('partner', (p, c) => ({
    subject: c.w(`상품 자동 반려: ${productName(p, c)}`, `Product not accepted: ${productName(p, c)}`),
    body: [
      c.w(
        '자동 검증에서 등록(수정)을 받을 수 없었습니다. 아래 내용을 고쳐 다시 제출해 주세요.',
        'The automatic checks could not accept this submission. Please correct the following and submit again.',
      ),
      ...reasonLines(p),
    ],
    action: productLink(p, c),
    short: c.w(`${productName(p, c)} 자동 검증에서 반려되었습니다.`, `${productName(p, c)}: checks failed.`),
  })),

  product_unlisted_by_admin: template('partner', (p, c) => {
    const why = str(p.reason);
    return {
      subject: c.w(`판매 중지: ${productName(p, c)}`, `Product taken off sale: ${productName(p, c)}`),
      body: [
        c.w(
          '관리자가 상품의 판매를 중지했습니다. 새 구독은 받지 않으며, 기존 구독은 계속 배송해 주셔야 합니다.',
          'An admin took the product off sale: no new subscriptions; existing subscriptions are still delivered.',
        ),
        ...(why ? [c.w(`사유: ${why}`, `Reason: ${why}`)] : []),
      ],
      action: productLink(p, c),
      short: c.w(`${productName(p, c)} 판매가 중지되었습니다.`, `${productName(p, c)} taken off sale.`),
    };
  }),

  product_relisted: template('partner', (p, c) => {
    const why = str(p.reason);
    return {
      subject: c.w(`판매 재개: ${productName(p, c)}`, `Product back on sale: ${productName(p, c)}`),
      body: [
        c.w('관리자가 상품 판매를 다시 시작했습니다.', 'An admin put the product back on sale.'),
        ...(why ? [c.w(`사유: ${why}`, `Reason: ${why}`)] : []),
      ],
      action: productLink(p, c),
      short: c.w(`${productName(p, c)} 판매가 재개되었습니다.`, `${productName(p, c)} back on sale.`),
    };
  }),

  order_new: template(
    'partner',
    (p, c) => {
      const name = productName(p, c);
      const grind = grindWords[str(p.grind)];
      const shipBy = date(p.shipBy, c.locale);
      const what = [
        num(p.grams) ? `${num(p.grams)}g` : '',
        grind ? c.w(grind[0], grind[1]) : '',
        num(p.quantity) ? c.w(`${num(p.quantity)}개`, `× ${num(p.quantity)}`) : '',
      ]
        .filter(Boolean)
        .join(' · ');
      return {
        subject: c.w(`새 주문: ${name}`, `New order: ${name}`),
        body: [
          c.w(
            `결제가 끝난 새 주문입니다. ${shipBy}까지 발송해 주세요.`,
            `A new paid order. Please ship it by ${shipBy}.`,
          ),
        ],
        facts: [
          [c.w('상품', 'Product'), name],
          ...(what ? [[c.w('옵션', 'Options'), what] as [string, string]] : []),
          [c.w('발송 기한', 'Ship by'), shipBy],
        ],
        action: ordersLink(c),
        short: c.w(`새 주문 ${name}, ${shipBy}까지 발송`, `New order ${name}, ship by ${shipBy}`),
      };
    },
    { digest: true },
  ),

  order_overdue: template('partner', (p, c) => {
    const name = productName(p, c);
    return {
      subject: c.w(`발송 기한 초과: ${name}`, `Shipping overdue: ${name}`),
      body: [
        c.w(
          '발송 기한이 지난 주문이 있어 관리자에게도 알렸습니다. 바로 발송하고 운송장 번호를 입력해 주세요.',
          'An order is past its ship-by date and the admins have been told. Please ship it and enter the tracking number now.',
        ),
      ],
      facts: [
        [c.w('상품', 'Product'), name],
        ...(p.shipBy ? [[c.w('발송 기한', 'Ship by'), date(p.shipBy, c.locale)] as [string, string]] : []),
      ],
      action: ordersLink(c),
      short: c.w(`발송 기한이 지난 주문이 있습니다: ${name}`, `Shipping overdue: ${name}`),
    };
  }),

  order_canceled: template('partner', (p, c) => {
    const name = productName(p, c);
    return {
      subject: c.w(`주문 취소 · 발송하지 마세요: ${name}`, `Order cancelled, do not ship: ${name}`),
      body: [
        c.w(
          `${cancelCause(p.cause, c)}. 아직 발송하지 않은 이 주문은 취소되었으니 발송하지 마세요.`,
          `The order is cancelled (${cancelCause(p.cause, c)}): please do not ship it.`,
        ),
      ],
      facts: [
        [c.w('상품', 'Product'), name],
        ...(num(p.cycle)
          ? [[c.w('회차', 'Delivery'), c.w(`${num(p.cycle)}회차`, `#${num(p.cycle)}`)] as [string, string]]
          : []),
      ],
      action: ordersLink(c),
      short: c.w(`주문 취소: ${name} 발송하지 마세요.`, `Cancelled: do not ship ${name}.`),
    };
  }),

  settlement_statement: template('partner', (p, c) => {
    const period = `${date(p.periodStart, c.locale)} – ${date(p.periodEnd, c.locale)}`;
    const amount = won(p.payoutAmount, c.locale);
    const carried = p.status === 'carried';
    return {
      subject: c.w(`정산서 발행 (${period})`, `Statement issued (${period})`),
      body: [
        carried
          ? c.w(
              `이번 기간에는 지급할 금액이 없어 ${amount}이 다음 정산으로 이월됩니다.`,
              `There is nothing to pay for this period: ${amount} is carried into the next statement.`,
            )
          : c.w(
              `이번 기간의 정산서가 발행되었습니다. 지급 예정 금액은 ${amount}입니다.`,
              `Your statement for this period is ready. Payout due: ${amount}.`,
            ),
      ],
      facts: [
        [c.w('정산 기간', 'Period'), period],
        [carried ? c.w('이월 금액', 'Carried') : c.w('지급 예정', 'Payout'), amount],
      ],
      action: settlementsLink(c),
      short: c.w(`정산서 발행: 지급 예정 ${amount}`, `Statement issued: ${amount}`),
    };
  }),

  settlement_paid: template('partner', (p, c) => {
    const amount = won(p.payoutAmount, c.locale);
    const ref = str(p.reference);
    return {
      subject: c.w(`정산금 지급 완료 ${amount}`, `Payout sent: ${amount}`),
      body: [
        c.w(`정산 계좌로 ${amount}을 보냈습니다.`, `We transferred ${amount} to your settlement account.`),
      ],
      facts: [
        [c.w('지급 금액', 'Amount'), amount],
        ...(ref ? [[c.w('이체 참조', 'Reference'), ref] as [string, string]] : []),
      ],
      action: settlementsLink(c),
      short: c.w(`정산금 ${amount} 지급 완료`, `Payout ${amount} sent`),
    };
  }),

  commission_rate_changed: template('partner', (p, c) => {
    const bps = num(p.rateBps);
    const rate =
      bps === null ? null : `${(bps / 100).toLocaleString('en-US', { maximumFractionDigits: 2 })}%`;
    return {
      subject: c.w('판매 수수료율 변경 안내', 'Your commission rate has changed'),
      body: [
        rate
          ? c.w(`판매 수수료율이 ${rate}로 바뀌었습니다.`, `Your commission rate is now ${rate}.`)
          : c.w(
              '판매 수수료율이 기본 수수료율로 바뀌었습니다.',
              'Your commission is back to the standard rate.',
            ),
        c.w('앞으로 발행되는 정산서부터 적용됩니다.', 'It applies to statements issued from now on.'),
      ],
      action: settlementsLink(c),
      short: c.w(`판매 수수료율 변경: ${rate ?? '기본'}`, `Commission rate: ${rate ?? 'standard'}`),
    };
  }),
  partner_suspended: template('partner', (p, c) => ({
    subject: c.w('파트너 활동이 일시 중지되었습니다', 'Your partnership is suspended'),
    body: [
      c.w(
        '관리자가 파트너 활동을 일시 중지했습니다. 원두가 목록에서 내려가고, 진행 중인 구독은 일시정지되며, 정산금 지급이 보류됩니다.',
        'An admin has suspended your partnership: your beans are out of the catalog, live subscriptions are paused and payouts are held.',
      ),
      ...(str(p.reason) ? [c.w(`사유: ${str(p.reason)}`, `Reason: ${str(p.reason)}`)] : []),
      c.w('문의는 달고나 운영팀으로 연락해 주세요.', 'Please contact the Dalgona team with any questions.'),
    ],
    action: settlementsLink(c),
    short: c.w('파트너 활동 일시 중지', 'Partnership suspended'),
  })),
  partner_resumed: template('partner', (p, c) => ({
    subject: c.w('파트너 활동이 재개되었습니다', 'Your partnership is resumed'),
    body: [
      c.w(
        '파트너 활동이 재개되었습니다. 원두가 다시 목록에 오르고, 중지로 일시정지된 구독이 다시 시작되며, 보류된 정산금이 지급됩니다.',
        'Your partnership is resumed: your beans are back in the catalog, the subscriptions the suspension paused resume and held payouts will be paid.',
      ),
      ...(str(p.reason) ? [c.w(`사유: ${str(p.reason)}`, `Reason: ${str(p.reason)}`)] : []),
    ],
    action: settlementsLink(c),
    short: c.w('파트너 활동 재개', 'Partnership resumed'),
  })),
};
