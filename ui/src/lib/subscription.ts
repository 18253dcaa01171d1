import { cardFailureWords } from '$domain/cardErrors';
import { ApiError } from './api';
import { i18n, t } from './i18n.svelte';

/** A subscription as my page shows it (GET /api/subscriptions/mine). */
export interface Subscription {
  id: string;
  status: string;
  paymentState: string;
  productId: string;
  productName: string;
  image: { thumbUrl: string } | null;
  options: { grams: number; grind: string; quantity: number; cycleWeeks: number };
  amount: number;
  cardMasked: string | null;
  /** Toss's issuer code of the card (its company's name comes from $domain/cardCompanies). */
  cardIssuerCode?: string | null;
  cycle: number;
  nextChargeAt: string | null;
  nextRetryAt: string | null;
  skipNext: boolean;
  cancelAtPeriodEnd: boolean;
  lastError: string | null;
  /** A price change waiting for its date; an increase carries the subscriber's consent. */
  pendingPrice: {
    revisionId: string;
    unitPrice: number;
    effectiveAt: string;
    consent?: 'pending' | 'accepted' | 'refused';
  } | null;
  endReason: 'price_refused' | 'price_unanswered' | null;
}

/**
 * Why a card registration or change failed, in words the customer can act on: the provider's code decides whether to
 * register again, use another card, or try later (domain/cardErrors.ts); other errors by their API code.
 */
export function cardFailureText(err: unknown): string {
  if (!(err instanceof ApiError)) return t('common.error');
  if (['CARD_AUTH_INVALID', 'CARD_DECLINED', 'PAYMENT_PROVIDER_UNAVAILABLE'].includes(err.code)) {
    const code = typeof err.details.providerCode === 'string' ? err.details.providerCode : null;
    if (code) return cardFailureWords(code)[i18n.lang];
  }
  return t(`err.${err.code}`);
}
