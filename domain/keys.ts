// Identifiers shared with the payment provider (no zod: the browser imports this too).

/** The customerKey Toss binds a customer's cards to: stable per account, not guessable from outside. */
export const customerKeyFor = (userId: string) => `dalgona_${userId.replace(/-/g, '')}`;

/** Deterministic order id for a subscription's cycle (6–64 of [A-Za-z0-9_-]). */
export const orderIdFor = (subscriptionId: string, cycle: number) =>
  `sub_${subscriptionId.replace(/-/g, '')}_c${cycle}`;
