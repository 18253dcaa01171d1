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
  cycle: number;
  nextChargeAt: string | null;
  nextRetryAt: string | null;
  skipNext: boolean;
  cancelAtPeriodEnd: boolean;
  lastError: string | null;
}
