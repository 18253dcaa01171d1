// 청약철회 (withdrawal of a paid cycle before it ships): who may, and the refund's key. No zod: workflows import it.
import type { FulfilmentStatus } from './fulfilment';

/**
 * 청약철회 (전자상거래법 §17): the customer may withdraw a paid cycle, refunded in full, until it ships. Roasting does not
 * end the right — the law's line is the delivery, and a roasted bag is the roaster's loss we accept — so an order
 * `to_roast` or `roasted` can be withdrawn; a shipped or delivered one is refused (`order_shipped`: it is on its way,
 * a return is a matter for the roaster), and a canceled one has nothing left to withdraw (`order_canceled`).
 */
export function withdrawalRefusal(status: FulfilmentStatus): 'order_shipped' | 'order_canceled' | null {
  if (status === 'shipped' || status === 'delivered') return 'order_shipped';
  if (status === 'canceled') return 'order_canceled';
  return null;
}

/**
 * The refund of a paid cycle withdrawn before it ships: one per payment, so however often it is asked for, the cycle is
 * refunded once (its Idempotency-Key at Toss is `refund_<id>`). The payment's UUID (version 4) with version 8
 * (custom), so it never equals a random refund id.
 */
export const withdrawalRefundId = (paymentId: string) => `${paymentId.slice(0, 14)}8${paymentId.slice(15)}`;
