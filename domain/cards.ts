// A customer's saved cards (결제 수단): what 마이페이지 shows of them and what the cards workflow does with them.
import { z } from 'zod';
import { cardCompanyOf, type CardCompany } from './cardCompanies';

/** A subscription that charges a card (live ones only: an ended subscription charges nothing). */
export interface CardUse {
  subscriptionId: string;
  productName: string;
  status: string;
}

/** One saved card as 마이페이지 lists it: never its billing key. */
export interface CustomerCard {
  id: string;
  issuerCode: string | null;
  /** The company's name from Toss's issuer code (null: a code this list does not know). */
  company: CardCompany | null;
  /** The number as Toss returns it (e.g. 43301234****123*). */
  numberMasked: string;
  cardType: string | null;
  createdAt: string;
  /** The live subscriptions that charge it: while there is one, it cannot be removed. */
  usedBy: CardUse[];
}

/** The statuses of a subscription that may still charge its card. */
export const liveSubscriptionStatuses = ['connecting', 'active', 'past_due', 'paused', 'suspended'] as const;

/** The list's row → its view. */
export function customerCardOf(
  row: {
    id: string;
    issuerCode: string | null;
    numberMasked: string;
    cardType: string | null;
    createdAt: Date | string;
  },
  usedBy: CardUse[],
): CustomerCard {
  return {
    id: row.id,
    issuerCode: row.issuerCode,
    company: cardCompanyOf(row.issuerCode),
    numberMasked: row.numberMasked,
    cardType: row.cardType,
    createdAt: new Date(row.createdAt).toISOString(),
    usedBy,
  };
}

/** 새 카드 등록: the card window's answer. */
export const registerCardSchema = z.strictObject({
  authKey: z.string().min(1).max(300),
  customerKey: z.string().min(2).max(300),
});

/** 이 카드로 결제: one of the customer's saved cards for a subscription. */
export const useCardSchema = z.strictObject({ cardId: z.uuid() });

/** What the customerCards workflow does for a customer, one action per run. */
export type CustomerCardsAction =
  { kind: 'register'; authKey: string; customerKey: string } | { kind: 'remove'; cardId: string };

/** The customerCards workflow's input: whose cards, and what to do. */
export interface CustomerCardsInput {
  userId: string;
  action: CustomerCardsAction;
}

/**
 * Its result (a refusal is an answer, not a failure): the registered card, a removal (erased now or before), or why
 * not — `reason` is the page's key (`err.reason.<reason>`), `providerCode` the provider's code of a refused card.
 */
export type CustomerCardsResult =
  | { ok: true; cardId: string; cardMasked: string }
  | {
      ok: false;
      code: 'NOT_FOUND' | 'CONFLICT' | 'CARD_AUTH_INVALID' | 'CARD_DECLINED' | 'PAYMENT_PROVIDER_UNAVAILABLE';
      reason?: string;
      providerCode?: string;
      message: string;
    };
