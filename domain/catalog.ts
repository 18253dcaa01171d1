// Catalog vocabulary without zod, so the storefront's pages stay small.

/** Roast levels, processes, grinds and delivery cycles a product can offer. */
export const roastLevels = ['light', 'medium_light', 'medium', 'medium_dark', 'dark'] as const;
export type RoastLevel = (typeof roastLevels)[number];
export const processes = ['washed', 'natural', 'honey', 'anaerobic', 'wet_hulled', 'decaf'] as const;
export type Process = (typeof processes)[number];
export const grindTypes = [
  'whole_bean',
  'espresso',
  'moka_pot',
  'pour_over',
  'french_press',
  'cold_brew',
] as const;
export type GrindType = (typeof grindTypes)[number];
/** Delivery every 1, 2 or 4 weeks. */
export const deliveryCycles = [1, 2, 4] as const;
export type DeliveryCycle = (typeof deliveryCycles)[number];
export const catalogSorts = ['newest', 'price_asc', 'price_desc', 'popular'] as const;

export const imageUrl = (id: string) => `/images/${id}.webp`;
export const thumbUrl = (id: string) => `/images/${id}-480.webp`;

/** Integer KRW as 12,000원 (how Korean shops write prices, in either language). */
export function formatKrw(amount: number): string {
  return `${amount.toLocaleString('ko-KR')}원`;
}
