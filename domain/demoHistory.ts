// The demo's past (npm start only): a few weeks of a partner's subscriptions as they would have happened — started
// over the weeks, charged every cycle, shipped and delivered, and ended — so that the sales dashboard, the order
// history and the settlement statements have something to show on a fresh machine. A pure plan: the same input
// gives the same history, ids included, so importing it twice changes nothing.
import type { Carrier } from './carriers';

const DAY = 24 * 3600_000;
const HOUR = 3600_000;

export interface DemoHistoryInput {
  partnerId: string;
  /** Customers the history's subscriptions belong to (real accounts). */
  customerIds: string[];
  /** How far back the history reaches. */
  weeks: number;
  /** The moment the history ends: every charge, delivery and cancellation happens before it. */
  asOf: string;
}

/** What a partner's import wrote (`demoHistory` workflow and activity). */
export interface DemoHistoryResult {
  subscriptions: number;
  payments: number;
  /** False when the history was there already (nothing written). */
  imported: boolean;
}

export interface DemoProduct {
  productId: string;
  name: string;
  weights: { grams: number; priceKrw: number }[];
  grinds: string[];
  cycles: number[];
}

export interface PlannedCharge {
  cycle: number;
  approvedAt: Date;
  roastedAt: Date;
  shippedAt: Date;
  deliveredAt: Date;
  deliveredBy: 'customer' | 'auto';
  carrier: Carrier;
  trackingNumber: string;
}

export interface PlannedSubscription {
  id: string;
  customerId: string;
  product: DemoProduct;
  grams: number;
  grind: string;
  quantity: number;
  cycleWeeks: number;
  unitPrice: number;
  amount: number;
  startedAt: Date;
  canceledAt: Date;
  charges: PlannedCharge[];
}

/** A small seeded PRNG (mulberry32): the plan is the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** A UUID (version-4 shaped) drawn from the plan's generator: stable across runs. */
function uuidFrom(next: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(next() * 16).toString(16));
  hex[12] = '4';
  hex[16] = '89ab'[Math.floor(next() * 4)]!;
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

const carrierCodes: Carrier[] = ['cj', 'lotte', 'hanjin', 'post', 'logen'];

/**
 * The partner's history: about two subscriptions a week, more of them recent (the shop grows), each charged every
 * cycle from its start until it ends within the period; every order shipped a day or two after its charge and
 * delivered before `asOf`.
 */
export function planDemoHistory(input: DemoHistoryInput, products: DemoProduct[]): PlannedSubscription[] {
  if (!products.length || !input.customerIds.length) return [];
  const next = random(hash(`${input.partnerId}:${input.weeks}`));
  const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)]!;
  const end = Date.parse(input.asOf);
  const begin = end - input.weeks * 7 * DAY;
  // Charges stop four days before asOf: roasting, shipping and delivery take at most 86 hours, so every imported
  // order has been delivered by then.
  const lastCharge = end - 4 * DAY;
  const count = Math.max(3, Math.round(input.weeks * 2.5));
  const plan: PlannedSubscription[] = [];
  for (let i = 0; i < count; i++) {
    // The id first: it must not depend on asOf (the first subscription's id tells whether the history is in).
    const id = uuidFrom(next);
    const product = pick(products);
    const weight = pick(product.weights);
    // Weekly or fortnightly where the product offers it (more cycles to show), else its shortest cycle.
    const short = product.cycles.filter((c) => c <= 2);
    const cycleWeeks = short.length ? pick(short) : Math.min(...product.cycles);
    const quantity = next() < 0.2 ? 2 : 1;
    // sqrt skews starts towards the end of the period: more new subscriptions lately.
    const startedAt = new Date(begin + Math.sqrt(next()) * (lastCharge - begin - DAY) + 9 * HOUR * next());
    const period = cycleWeeks * 7 * DAY;
    const paidCycles = 1 + Math.floor(next() * 5);
    const canceledAt = new Date(
      Math.min(end - DAY + next() * 12 * HOUR, startedAt.getTime() + (paidCycles - 0.5) * period),
    );
    const charges: PlannedCharge[] = [];
    for (let cycle = 1; ; cycle++) {
      const at = startedAt.getTime() + (cycle - 1) * period;
      if (at >= canceledAt.getTime() || at >= lastCharge) break;
      const roastedAt = at + (12 + 12 * next()) * HOUR;
      const shippedAt = roastedAt + (4 + 8 * next()) * HOUR;
      charges.push({
        cycle,
        approvedAt: new Date(at),
        roastedAt: new Date(roastedAt),
        shippedAt: new Date(shippedAt),
        deliveredAt: new Date(shippedAt + (20 + 30 * next()) * HOUR),
        deliveredBy: next() < 0.7 ? 'customer' : 'auto',
        carrier: pick(carrierCodes),
        trackingNumber: String(Math.floor(1e11 + next() * 9e11)),
      });
    }
    plan.push({
      id,
      customerId: input.customerIds[(i + hash(input.partnerId)) % input.customerIds.length]!,
      product,
      grams: weight.grams,
      grind: pick(product.grinds),
      quantity,
      cycleWeeks,
      unitPrice: weight.priceKrw,
      amount: weight.priceKrw * quantity,
      startedAt,
      canceledAt,
      charges,
    });
  }
  return plan;
}

/** The Mondays 00:00 Asia/Seoul (Sunday 15:00 UTC) of the last `weeks` weeks up to `now`, oldest first. */
export function pastMondaysSeoul(now: Date, weeks: number): Date[] {
  const kst = new Date(now.getTime() + 9 * 3600_000);
  const daysSinceMonday = (kst.getUTCDay() + 6) % 7;
  const monday =
    Date.UTC(kst.getUTCFullYear(), kst.getUTCMonth(), kst.getUTCDate() - daysSinceMonday) - 9 * 3600_000;
  return Array.from({ length: weeks }, (_, i) => new Date(monday - (weeks - 1 - i) * 7 * DAY));
}
