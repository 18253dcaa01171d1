// Why a card could not be connected, in words the customer can act on (no zod: the browser imports this too).

/**
 * Who can fix a failed card registration: `auth` — the card window's answer does not fit (another account's window,
 * an expired or already used authKey): register the card again; `card` — the card itself was refused: use another
 * card; `provider` — the payment provider did not answer: try again later.
 */
export type CardFailureKind = 'auth' | 'card' | 'provider';

interface Words {
  kind: CardFailureKind;
  ko: string;
  en: string;
}

const AGAIN_KO = '카드를 다시 등록해 주세요.';
const OTHER_KO = '다른 카드로 다시 등록해 주세요.';

const byCode: Record<string, Words> = {
  NOT_MATCHES_CUSTOMER_KEY: {
    kind: 'auth',
    ko: `다른 계정에서 진행한 카드 등록입니다. 이 계정으로 로그인한 상태에서 ${AGAIN_KO}`,
    en: 'This card registration was made from another account. Register the card again while signed in here.',
  },
  NOT_FOUND_BILLING: {
    kind: 'auth',
    ko: `카드 등록 정보가 만료되었거나 이미 사용되었습니다. ${AGAIN_KO}`,
    en: 'The card registration has expired or was already used. Register the card again.',
  },
  INVALID_BILLING_AUTH: {
    kind: 'auth',
    ko: `카드 등록 정보가 올바르지 않습니다. ${AGAIN_KO}`,
    en: 'The card registration is not valid. Register the card again.',
  },
  INVALID_AUTH_KEY: {
    kind: 'auth',
    ko: `카드 등록 정보가 올바르지 않습니다. ${AGAIN_KO}`,
    en: 'The card registration is not valid. Register the card again.',
  },
  INVALID_CARD_EXPIRATION: {
    kind: 'card',
    ko: `카드 유효기간이 지났습니다. ${OTHER_KO}`,
    en: 'The card has expired. Register another card.',
  },
  INVALID_STOPPED_CARD: {
    kind: 'card',
    ko: `사용이 정지된 카드입니다. ${OTHER_KO}`,
    en: 'The card has been stopped. Register another card.',
  },
  INVALID_CARD_LOST_OR_STOLEN: {
    kind: 'card',
    ko: `분실 또는 도난 신고된 카드입니다. ${OTHER_KO}`,
    en: 'The card was reported lost or stolen. Register another card.',
  },
  NOT_SUPPORTED_CARD_TYPE: {
    kind: 'card',
    ko: `정기결제를 지원하지 않는 카드입니다. ${OTHER_KO}`,
    en: 'This card does not support recurring payments. Register another card.',
  },
  PROVIDER_UNAVAILABLE: {
    kind: 'provider',
    ko: '결제사와 연결이 원활하지 않아 카드를 등록하지 못했습니다. 잠시 후 다시 시도해 주세요.',
    en: 'The payment provider did not answer, so the card was not registered. Please try again shortly.',
  },
};

const CARD_REFUSED: Words = {
  kind: 'card',
  ko: `카드사에서 카드 등록을 거절했습니다. ${OTHER_KO}`,
  en: 'The card issuer refused the card. Register another card.',
};

/** The words for a provider code of a failed card registration (an unknown code reads as a refused card). */
export function cardFailureWords(code: string | null | undefined): Words {
  return (code && byCode[code]) || CARD_REFUSED;
}

/** The code the subscription records when the provider kept failing for the whole connect budget. */
export const PROVIDER_UNAVAILABLE = 'PROVIDER_UNAVAILABLE';

/** Why a charge was declined, by the provider's code (Toss's documented charge errors). */
const declineByCode: Record<string, { ko: string; en: string }> = {
  REJECT_CARD_PAYMENT: {
    ko: '카드 한도를 넘었거나 잔액이 부족해 결제되지 않았습니다.',
    en: 'The card is over its limit or the balance is too low.',
  },
  REJECT_CARD_COMPANY: {
    ko: '카드사에서 결제를 승인하지 않았습니다.',
    en: 'The card issuer did not approve the payment.',
  },
  EXCEED_MAX_DAILY_PAYMENT_COUNT: {
    ko: '이 카드로 하루에 결제할 수 있는 횟수를 넘었습니다.',
    en: 'The card has reached its number of payments for the day.',
  },
  EXCEED_MAX_PAYMENT_AMOUNT: {
    ko: '이 카드로 하루에 결제할 수 있는 금액을 넘었습니다.',
    en: 'The card has reached its payment amount for the day.',
  },
  INVALID_REJECT_CARD: {
    ko: '카드 사용이 거절되었습니다. 카드사에 문의하거나 다른 카드로 바꿔 주세요.',
    en: 'The card was refused. Contact the card issuer or change to another card.',
  },
  NOT_FOUND_BILLING: {
    ko: '등록된 카드 정보를 찾을 수 없습니다. 카드를 다시 등록해 주세요.',
    en: 'The registered card could not be found. Register the card again.',
  },
};

/** The words for a declined charge (a card that needs replacing reads as its registration words). */
export function declineWords(code: string | null | undefined): { ko: string; en: string } {
  if (code && declineByCode[code]) return declineByCode[code];
  if (code && byCode[code]?.kind === 'card') return byCode[code];
  return declineByCode.REJECT_CARD_COMPANY!;
}
