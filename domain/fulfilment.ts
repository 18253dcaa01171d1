import { z } from 'zod';
import { carriers, type Carrier } from './carriers';
import { cursorParts, keysetCursor } from './cursor';

/**
 * Where a paid cycle's package is: roasted, shipped, delivered — or canceled before it shipped (refunded in full, or
 * the subscription cancelled at once) (docs/architecture.md#fulfilment).
 */
export const fulfilmentStatuses = ['to_roast', 'roasted', 'shipped', 'delivered', 'canceled'] as const;
export type FulfilmentStatus = (typeof fulfilmentStatuses)[number];

export { carriers, type Carrier };

export const shipSchema = z.strictObject({
  carrier: z.enum(Object.keys(carriers) as [Carrier, ...Carrier[]], { error: 'unknown_carrier' }),
  /** Tracking numbers are 9–20 digits (CJ 10–12, 우체국 13, …); dashes and spaces are dropped. */
  trackingNumber: z
    .string({ error: 'required' })
    .transform((v) => v.replace(/[\s-]/g, ''))
    .pipe(z.string().regex(/^\d{9,20}$/, 'invalid_tracking_number')),
});
export type ShipForm = z.infer<typeof shipSchema>;

export const bulkShipSchema = z.strictObject({
  items: z
    .array(z.strictObject({ orderId: z.uuid(), ...shipSchema.shape }))
    .min(1, 'empty')
    .max(200, 'too_many'),
});

/** The partner's order list cursor: (ship_by or created_at, as the view sorts, and id) of the page's last order. */
export const partnerOrdersCursor = keysetCursor(cursorParts.timestamp, cursorParts.uuid);

export const partnerOrdersQuerySchema = z.strictObject({
  /** `open`: to roast or roasted (the partner's work list); a status; or `all`. */
  status: z.enum(['open', 'overdue', 'all', ...fulfilmentStatuses]).default('open'),
  cursor: partnerOrdersCursor.schema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type PartnerOrdersQuery = z.infer<typeof partnerOrdersQuerySchema>;

export interface FulfilmentSettings {
  /** After shipping, delivered automatically after this long unless the customer confirms first. */
  autoDeliverMs: number;
  /** The admin's time to act on an escalation before it is flagged overdue in the inbox. */
  escalationSlaMs: number;
}

/** Input of the `fulfilment` workflow, one per paid cycle (its contract: domain/contracts/fulfilment.ts). */
export interface FulfilmentInput {
  orderId: string;
  paymentId: string;
  subscriptionId: string;
  customerId: string;
  partnerId: string;
  productName: string;
  cycle: number;
  shipBy: string;
  settings: FulfilmentSettings;
  /**
   * A run restarted by the reconciler from the order's row (its workflow was lost): the step the row had reached. A
   * first run has none and starts at to_roast.
   */
  resume?: {
    status: 'to_roast' | 'roasted' | 'shipped';
    carrier: Carrier | null;
    trackingNumber: string | null;
  };
}

/** Live state of a fulfilment (its query). */
export interface FulfilmentState {
  orderId: string;
  status: FulfilmentStatus;
  shipBy: string;
  carrier: Carrier | null;
  trackingNumber: string | null;
  escalated: boolean;
  escalationTaskId: string | null;
  deliveredBy: 'customer' | 'auto' | null;
  /** Why it was canceled before shipping (runs before cancellation existed lack it). */
  canceledBy?: CancelOrder['cause'] | null;
  /** The refund a cancellation with the subscription made, if any. */
  refund?: { ok: boolean; amount?: number; code?: string } | null;
}

/**
 * Ends an order that has not shipped: its payment was refunded in full (`refunded`: nothing more to pay back), its
 * subscription was cancelled at once (`subscription_canceled`), or the customer withdrew this cycle (`withdrawn`,
 * 청약철회) — in both of the latter the paid cycle is refunded in full. A shipped order ignores it.
 */
export interface CancelOrder {
  cause: 'refunded' | 'subscription_canceled' | 'withdrawn';
}

/** Who acts on an order (checked by the Updates' validators against the workflow's own input). */
export interface OrderActor {
  userId: string;
  roles: string[];
  /** The partner the acting user runs, if any (the API looks it up; the validator compares it to the order's). */
  partnerId?: string | null;
}
