import { z } from 'zod';
import { cursorParts, keysetCursor } from './cursor';
import { isoDate, plainText } from './validation';

/** The payment history's keyset cursor: (at, id) of the page's last event, newest first. */
export const paymentHistoryCursor = keysetCursor(cursorParts.timestamp, cursorParts.int8);

/** Admin payment history (결제 내역 관리) filters. */
export const paymentHistoryQuerySchema = z.strictObject({
  outcome: z.enum(['approved', 'declined', 'refunded']).optional(),
  partner: z.uuid().optional(),
  customer: plainText().max(254).optional(),
  from: isoDate().optional(),
  to: isoDate().optional(),
  // Amounts are int4 columns.
  minAmount: z.coerce.number().int().min(0).max(2_147_483_647).optional(),
  maxAmount: z.coerce.number().int().min(0).max(2_147_483_647).optional(),
  cursor: paymentHistoryCursor.schema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type PaymentHistoryQuery = z.infer<typeof paymentHistoryQuerySchema>;

/** An admin's refund: the whole remaining amount, or part of it, with a reason the customer sees. */
export const refundSchema = z.strictObject({
  amount: z.number().int().positive().optional(),
  reason: plainText('required').min(2, 'required').max(200, 'too_long'),
});

export interface RefundInput {
  refundId: string;
  paymentId: string;
  amount: number | null;
  reason: string;
  requestedBy: string;
}

export type RefundResult =
  | {
      ok: true;
      refundId: string;
      amount: number;
      refundedTotal: number;
      status: 'partially_refunded' | 'refunded';
    }
  | { ok: false; refundId: string; code: string; message: string };
