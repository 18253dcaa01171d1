import type { Knex } from 'knex';

// A product's places (capacityPerCycle), read by checkout in the API and counted again by the subscription's first
// transaction under a lock per product (activities/subscription.ts createSubscription).

/** Subscriptions that hold one of a product's places: every one not ended (a paused one comes back). */
export const PLACE_HOLDING = ['connecting', 'active', 'past_due', 'paused', 'suspended'];

/**
 * How many new subscriptions a product can still take this cycle: its live revision's capacityPerCycle less the
 * subscriptions holding a place (unlimited, Infinity, for a product without a catalog entry).
 */
export async function placesLeft(k: Knex, productId: string): Promise<number> {
  const product = (await k('catalog_products').where({ productId }).first('capacityPerCycle')) as
    { capacityPerCycle: number } | undefined;
  if (!product) return Infinity;
  const taken = await k('subscriptions')
    .where({ productId })
    .whereIn('status', PLACE_HOLDING)
    .count('* as n')
    .first();
  return product.capacityPerCycle - Number(taken?.n ?? 0);
}
