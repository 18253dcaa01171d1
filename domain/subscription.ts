import { z } from 'zod';
import { deliveryCycles, grindTypes } from './catalog';
import type { Actor } from './partner';
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
 * The payment side, for ops: idle between charges; charging; retrying — a charge failed and another attempt is
 * scheduled (a decline on the dunning ladder, or an error after its backoff); declined — no retry is scheduled
 * (a card no retry can fix, or suspended after the last step): it waits for the customer's new card.
 */
export type PaymentState = 'idle' | 'charging' | 'retrying' | 'declined';

/** Delivery address. */
export const shipToSchema = z.strictObject({
  name: plainText('required').min(1, 'required').max(60, 'too_long'),
  phone: z
    .string({ error: 'required' })
    .trim()
    .regex(/^\+?[0-9][0-9 -]{7,18}[0-9]$/, 'invalid_phone'),
  address: plainText('required').min(5, 'too_short').max(300, 'too_long'),
  memo: plainText().max(100, 'too_long').optional(),
});
export type ShipTo = z.infer<typeof shipToSchema>;

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

/** Checkout: the product, its options, where to ship, when to start, and the card window's answer. */
export const checkoutSchema = z.strictObject({
  productId: z.uuid(),
  options: subscriptionOptionsSchema,
  shipTo: shipToSchema,
  /** The first charge: today, or a Seoul date within the next 28 days (YYYY-MM-DD). */
  firstChargeDate: isoDate().optional(),
  authKey: z.string().min(1).max(300),
  customerKey: z.string().min(2).max(300),
});
export type CheckoutForm = z.infer<typeof checkoutSchema>;

/** Customer actions (Updates, answered synchronously). */
export const changeOptionsSchema = subscriptionOptionsSchema
  .partial()
  .refine((o) => Object.keys(o).length > 0, 'required');
export const cancelSchema = z.strictObject({
  when: z.enum(['now', 'period_end']),
  reason: plainText().max(300).optional(),
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
  /** Carried across continue-as-new. */
  carried?: SubscriptionState;
}

/** Configured durations (a "week" can be seconds in tests). */
export interface SubscriptionSettings {
  weekMs: number;
  dunningLadderMs: number[];
  /** Continue as new once the history has this many events. */
  historyLimit?: number;
  /** Pause between rounds of a charge that keeps failing for other reasons than a decline. */
  errorBackoffMs?: number;
}

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
}

/** The outcome of one charge round (a business outcome is data, not an exception). */
export type ChargeResult =
  | { outcome: 'approved'; paymentId: string; amount: number; approvedAt: string; unitPrice: number }
  | { outcome: 'declined'; code: string; message: string; needsNewCard: boolean; at: string };

/** A customer action as the workflow receives it: who acts is part of the input. */
export interface SubscriptionAction<T = Record<string, never>> {
  actor: Actor;
  args: T;
}
