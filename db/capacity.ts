import type { Knex } from 'knex';

// A product's capacity (capacityPerCycle, in bags roasted per cycle), read by checkout in the API and counted again by
// the subscription's first transaction under a lock per product (activities/subscription.ts createSubscription).

/** Subscriptions that hold bags of a product's capacity: every one not ended (a paused one comes back). */
export const PLACE_HOLDING = ['connecting', 'active', 'past_due', 'paused', 'suspended'];

/**
 * How many bags a cycle of the product can still take: its live revision's capacityPerCycle less the bags of every
 * subscription holding a place (quantity each; unlimited, Infinity, for a product without a catalog entry).
 */
export async function bagsLeft(k: Knex, productId: string): Promise<number> {
  const product = (await k('catalog_products').where({ productId }).first('capacityPerCycle')) as
    { capacityPerCycle: number } | undefined;
  if (!product) return Infinity;
  const taken = (await k('subscriptions')
    .where({ productId })
    .whereIn('status', PLACE_HOLDING)
    .sum({ n: 'quantity' })
    .first()) as { n: string | number | null } | undefined;
  return product.capacityPerCycle - Number(taken?.n ?? 0);
}
