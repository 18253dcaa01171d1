// The sandbox's test cards: each number stands for a documented way a card behaves. Listed in the README.

export interface TestCard {
  number: string;
  label: string;
  /** `approve`, or the Toss error code every charge answers with. */
  behaviour: string;
  /** Fails already in the card window (to failUrl) instead of at charge time. */
  failsRegistration?: boolean;
}

export const testCards: TestCard[] = [
  { number: '4330123412341234', label: 'Approves every charge', behaviour: 'approve' },
  { number: '5365101234567890', label: 'Approves every charge (체크카드)', behaviour: 'approve' },
  {
    number: '4000000000000002',
    label: 'Declined: limit exceeded or insufficient balance',
    behaviour: 'REJECT_CARD_PAYMENT',
  },
  { number: '4000000000000010', label: 'Declined by the card company', behaviour: 'REJECT_CARD_COMPANY' },
  {
    number: '4000000000000028',
    label: 'Declined: daily payment count exceeded',
    behaviour: 'EXCEED_MAX_DAILY_PAYMENT_COUNT',
  },
  {
    number: '4000000000000036',
    label: 'Declined: daily amount exceeded',
    behaviour: 'EXCEED_MAX_PAYMENT_AMOUNT',
  },
  { number: '4000000000000044', label: 'Stopped card', behaviour: 'INVALID_STOPPED_CARD' },
  { number: '4000000000000051', label: 'Expired card', behaviour: 'INVALID_CARD_EXPIRATION' },
  { number: '4000000000000069', label: 'Lost or stolen card', behaviour: 'INVALID_CARD_LOST_OR_STOLEN' },
  {
    number: '4000000000000077',
    label: 'Refused by the issuer (call the card company)',
    behaviour: 'INVALID_REJECT_CARD',
  },
  {
    number: '4000000000000085',
    label: 'Declines the first charge of each order, then approves',
    behaviour: 'DECLINE_ONCE',
  },
  {
    number: '4000000000000101',
    label: 'Refused in the card window (to failUrl)',
    behaviour: 'REJECT_CARD_COMPANY',
    failsRegistration: true,
  },
];

/** Any other 15–16 digit number approves, like a real card in Toss's test mode. */
export function behaviourOf(cardNumber: string): TestCard {
  return (
    testCards.find((c) => c.number === cardNumber) ?? {
      number: cardNumber,
      label: 'Approves',
      behaviour: 'approve',
    }
  );
}

/** The masked number Toss shows: 8 digits, ****, 3 digits, * (e.g. 43301234****123*). */
export function maskCardNumber(n: string): string {
  return `${n.slice(0, 8)}****${n.slice(12, 15)}*`;
}

/** Issuer code by the number's first digit (Toss's two-character card company codes). */
export function issuerCodeOf(n: string): {
  issuerCode: string;
  acquirerCode: string;
  cardType: '신용' | '체크';
} {
  if (n.startsWith('5')) return { issuerCode: '11', acquirerCode: '11', cardType: '체크' }; // 국민
  if (n.startsWith('4000')) return { issuerCode: '41', acquirerCode: '41', cardType: '신용' }; // 신한
  return { issuerCode: '61', acquirerCode: '31', cardType: '신용' }; // 현대
}
