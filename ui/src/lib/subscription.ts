import type { ShipTo } from '$domain/address';
import { cardFailureWords, declineWords } from '$domain/cardErrors';
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
  /** Where it ships: structured, or the free-text address of a subscription from before the address book. */
  shipTo: ShipTo;
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
  /** The provider's code of the last failure (a decline's reason: declineWords). */
  lastErrorCode?: string | null;
  /** Why it was cancelled (now, or at the end of the term). */
  cancelReason?: { code: string | null; note: string | null } | null;
  /** The latest paid cycle not yet shipped: 청약철회 can take it back, refunding this much. */
  withdrawable?: { orderId: string; cycle: number; refundAmount: number } | null;
  /** A skipped cycle's next charge (the one after the skipped date). */
  followingChargeAt?: string | null;
}

/** Why a charge was declined, in the customer's language (the provider's code; domain/cardErrors.ts). */
export function declineText(code: string | null | undefined): string {
  return declineWords(code)[i18n.lang];
}

/** Declines no retry can fix wait for a new card (stopped, lost, expired, unknown billing key). */
export const needsNewCard = (code: string | null | undefined) =>
  !!code && (code.startsWith('INVALID_') || code === 'NOT_FOUND_BILLING');

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
