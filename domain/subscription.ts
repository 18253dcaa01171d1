import { z } from 'zod';
import { anyShipToSchema, type ShipTo } from './address';
import { deliveryCycles, grindTypes } from './catalog';
import { checkoutConsentsSchema, type ConsentRecord } from './legal';
import type { Actor } from './partner';
import type { ProductOptions } from './product';
import { isoDate, plainText } from './validation';

/** Where a subscription stands (구독 상태). */
export const subscriptionStatuses = [
  'connecting',
  'active',
  'past_due',
  'paused',
  'suspended',
  'canceled',
  'card_failed',
] as const;
export type SubscriptionStatus = (typeof subscriptionStatuses)[number];

/**
 * The payment side, for ops: idle between charges (a charge is one local activity inside one workflow task, so there
 * is no visible "charging"); retrying — a charge or card connect failed and another attempt is scheduled (a decline on
 * the dunning ladder, or a provider fault after its backoff); declined — no retry is scheduled (a card no retry can
 * fix, or suspended after the last step): it waits for the customer's new card.
 */
export type PaymentState = 'idle' | 'retrying' | 'declined';

/**
 * Delivery address: 받는 분, 연락처, 우편번호, 기본주소, 상세주소, 배송 메모 (domain/address.ts); the free-text 주소 of
 * subscriptions started before the address book is accepted and read too.
 */
export const shipToSchema = anyShipToSchema;
export type { ShipTo };

/** The order options a subscription charges and ships. */
export const subscriptionOptionsSchema = z.strictObject({
  grams: z.number().int().min(50).max(5000),
  grind: z.enum(grindTypes),
  quantity: z.number().int().min(1, 'too_small').max(10, 'too_big'),
  cycleWeeks: z.union(
    deliveryCycles.map((c) => z.literal(c)) as [z.ZodLiteral<1>, z.ZodLiteral<2>, z.ZodLiteral<4>],
  ),
});
export type SubscriptionOptions = z.infer<typeof subscriptionOptionsSchema>;

/**
 * What a product offers for a subscription's options: the price per delivery of the weight, and which options it does
 * not offer (checkout, and an options change, are refused on those).
 */
export function offerFor(
  offered: Pick<ProductOptions, 'weights' | 'grinds' | 'cycles'>,
  o: SubscriptionOptions,
): { unitPrice: number | null; notOffered: ('grams' | 'grind' | 'cycleWeeks')[] } {
  const weight = offered.weights.find((w) => w.grams === o.grams);
  const notOffered: ('grams' | 'grind' | 'cycleWeeks')[] = [];
  if (!weight) notOffered.push('grams');
  if (!offered.grinds.includes(o.grind)) notOffered.push('grind');
  if (!offered.cycles.includes(o.cycleWeeks)) notOffered.push('cycleWeeks');
  return { unitPrice: weight?.priceKrw ?? null, notOffered };
}

/** Checkout: the product, its options, where to ship, when to start, and the card window's answer. */
export const checkoutSchema = z.strictObject({
  productId: z.uuid(),
  options: subscriptionOptionsSchema,
  shipTo: shipToSchema,
  /** The first charge: today, or a Seoul date within the next 28 days (YYYY-MM-DD). */
  firstChargeDate: isoDate().optional(),
  authKey: z.string().min(1).max(300),
  customerKey: z.string().min(2).max(300),
  /** 정기결제 and 개인정보 제3자 제공 to the roaster, with the versions of the documents the page showed. */
  consents: checkoutConsentsSchema,
});
export type CheckoutForm = z.infer<typeof checkoutSchema>;

/** Customer actions (Updates, answered synchronously). */
export const changeOptionsSchema = subscriptionOptionsSchema
  .partial()
  .refine((o) => Object.keys(o).length > 0, 'required');
/**
 * Why a customer cancels (해지 사유), asked on every cancel: 원두가 남아요 / 맛이 맞지 않아요 / 가격 부담 / 배송 문제 / 기타,
 * stored with the cancel (with the customer's own words, if any).
 */
export const cancelReasonCodes = ['beans_left', 'taste', 'price', 'delivery', 'other'] as const;
export type CancelReasonCode = (typeof cancelReasonCodes)[number];
export const cancelSchema = z.strictObject({
  when: z.enum(['now', 'period_end']),
  /** One of the choices; optional for callers from before the question (the UI always asks). */
  reasonCode: z.enum(cancelReasonCodes).optional(),
  /** The customer's own words (기타, or more about a choice). */
  reason: plainText().max(300).optional(),
});
/** What the cancel Update receives. */
export interface CancelArgs {
  when: 'now' | 'period_end';
  reasonCode?: CancelReasonCode;
  reason?: string;
}
/** A cancel's reason as the subscription keeps it. */
export interface CancelReason {
  code: CancelReasonCode | null;
  note: string | null;
  at: string;
}
/** The subscriber's answer to a pending price increase (the revision they were shown). */
export const priceAnswerSchema = z.strictObject({
  revisionId: z.uuid(),
  decision: z.enum(['accept', 'refuse']),
});
export const changeCardSchema = z.strictObject({
  authKey: z.string().min(1).max(300),
  customerKey: z.string().min(2).max(300),
});

export { customerKeyFor, orderIdFor } from './keys';

/** Everything the workflow needs; durations come from config. */
export interface SubscriptionInput {
  subscriptionId: string;
  customerId: string;
  customerKey: string;
  productId: string;
  partnerId: string;
  productName: string;
  options: SubscriptionOptions;
  unitPrice: number;
  shipTo: ShipTo;
  firstChargeAt: string;
  /** The one-time key from the card window (first run only). */
  authKey?: string;
  settings: SubscriptionSettings;
  /** The checkout's consent-log lines, written with the subscription's row (first run only; absent before consents). */
  consents?: ConsentRecord[];
  /** Carried across continue-as-new: the whole state (runs before v2 carried fewer fields). */
  carried?: SubscriptionState;
  /** Price changes the previous run received but left to this one (a run before v2 handing over). */
  priceChanges?: PriceChange[];
}

/** Configured durations (a "week" can be seconds in tests). */
export interface SubscriptionSettings {
  weekMs: number;
  dunningLadderMs: number[];
  /** Continue as new once the history has this many events. */
  historyLimit?: number;
  /** Pause between rounds of a charge (or card connect) that keeps failing for other reasons than a decline. */
  errorBackoffMs?: number;
  /** How long checkout waits for the card to connect before answering "still connecting". */
  connectWaitMs?: number;
  /** How long a first card connect keeps retrying provider faults before the subscription gives up on it. */
  connectBudgetMs?: number;
  /** How long a card change (an Update the customer waits on) may take talking to the provider. */
  cardChangeBudgetMs?: number;
  /** 결제 예정 안내: how long before each charge the subscriber is told (0 or absent: no notice). */
  noticeBeforeChargeMs?: number;
  /** A price increase takes effect at least this long after its notice (전자상거래법 §13⑥: 30 days). */
  priceChangeNoticeMs?: number;
  /** The reminder of an unanswered price increase goes out this long before it takes effect. */
  priceChangeReminderMs?: number;
  /**
   * What an increase nobody agreed to comes to on its effective date: `end` — the subscription ends after its last
   * cycle at the old price (the default); `keep` — it goes on at the old price. Never a charge at the new price.
   */
  priceChangeUnanswered?: 'end' | 'keep';
}

/** A price the product's publication proposes for the subscribed weight, from `effectiveAt` on. */
export interface PriceChange {
  /** The approved product revision that set it (a repeated signal is recognised by it). */
  revisionId: string;
  /** The price per delivery of each weight the product now offers. */
  weights: { grams: number; priceKrw: number }[];
  /** The first charge at or after this instant uses the new price. */
  effectiveAt: string;
}

/** The subscriber's answer to a price increase. */
export type PriceConsent = 'pending' | 'accepted' | 'refused';

/**
 * A price change waiting for its effective date. An increase carries the subscriber's consent: only `accepted` is ever
 * charged; `pending` and `refused` on the effective date end the subscription (or keep the old price: configuration).
 * Runs before the consent flow held only the first three fields (the price then applied at its date, unasked).
 */
export interface PendingPrice {
  revisionId: string;
  unitPrice: number;
  effectiveAt: string;
  consent?: PriceConsent;
  /** When the notice went out, and when the reminder did (null: not yet). */
  proposedAt?: string;
  remindedAt?: string | null;
  /** When the subscriber answered. */
  answeredAt?: string | null;
}

/** Why a subscription ended by itself rather than by the subscriber's cancel. */
export type EndReason = 'price_refused' | 'price_unanswered' | 'sold_out';

/** The live state answered by the `state` query (and mirrored in the subscriptions read model). */
export interface SubscriptionState {
  status: SubscriptionStatus;
  paymentState: PaymentState;
  cycle: number;
  nextChargeAt: string | null;
  options: SubscriptionOptions;
  unitPrice: number;
  cardId: string | null;
  cardMasked: string | null;
  skipNext: boolean;
  cancelAtPeriodEnd: boolean;
  dunningStep: number;
  firstDeclineAt: string | null;
  needsNewCard: boolean;
  lastPayment: { paymentId: string; cycle: number; amount: number; approvedAt: string } | null;
  lastError: { code: string; message: string; at: string } | null;
  pausedFrom: SubscriptionStatus | null;
  /** When the next attempt of a failed charge (or card connect) is due; null when none is scheduled. */
  nextRetryAt?: string | null;
  /** Charge attempts answered (approved or declined) in the current cycle: each has its own Idempotency-Key. */
  chargeAttempts?: number;
  /** A new card arrived while a payment was due: charge at once. */
  retryNow?: boolean;
  /** A price change waiting for its first charge (the hook for the customer's consent). */
  pendingPrice?: PendingPrice | null;
  /** The last product revision whose price this subscription has seen. */
  priceRevisionId?: string | null;
  /** When it was cancelled (the row keeps it too). */
  canceledAt?: string | null;
  /** The charge date whose 결제 예정 안내 went out (one notice per date). */
  chargeNoticeFor?: string | null;
  /** Ended by a price increase the subscriber did not accept (null: not that). */
  endReason?: EndReason | null;
  /** Why the subscriber cancelled (now, or at the end of the term); cleared when a scheduled cancel is undone. */
  cancelReason?: CancelReason | null;
}

/** The outcome of one charge round (a business outcome is data, not an exception). */
export type ChargeResult =
  | { outcome: 'approved'; paymentId: string; amount: number; approvedAt: string; unitPrice: number }
  | { outcome: 'declined'; code: string; message: string; needsNewCard: boolean; at: string };

/** What connecting a card came to: a card, or a refusal the customer can act on (a fault is thrown instead). */
export type ConnectResult =
  { ok: true; cardId: string; cardMasked: string } | { ok: false; code: string; message: string };

/** A customer action as the workflow receives it: who acts is part of the input. */
export interface SubscriptionAction<T = Record<string, never>> {
  actor: Actor;
  args: T;
  /** Why an admin acts for the customer (recorded in the audit log). */
  reason?: string;
}
