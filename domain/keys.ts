// Identifiers shared with the payment provider (no zod: the browser imports this too).

/** The customerKey Toss binds a customer's cards to: stable per account, not guessable from outside. */
export const customerKeyFor = (userId: string) => `dalgona_${userId.replace(/-/g, '')}`;

/** Deterministic order id for a subscription's cycle (6–64 of [A-Za-z0-9_-]). */
export const orderIdFor = (subscriptionId: string, cycle: number) =>
  `sub_${subscriptionId.replace(/-/g, '')}_c${cycle}`;

/**
 * The refund of a paid cycle that ends before it ships (청약철회, or withdrawn with its subscription): one per payment,
 * so however often it is asked for, the cycle is refunded once (its Idempotency-Key at Toss is `refund_<id>`). The
 * payment's UUID (version 4) with version 8 (custom), so it never equals a random refund id.
 */
export const withdrawalRefundId = (paymentId: string) => `${paymentId.slice(0, 14)}8${paymentId.slice(15)}`;
