import { z } from 'zod';

/** Admin payment history (결제 내역 관리) filters. */
export const paymentHistoryQuerySchema = z.strictObject({
  outcome: z.enum(['approved', 'declined', 'refunded']).optional(),
  partner: z.uuid().optional(),
  customer: z.string().trim().max(254).optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  minAmount: z.coerce.number().int().min(0).optional(),
  maxAmount: z.coerce.number().int().min(0).optional(),
  cursor: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type PaymentHistoryQuery = z.infer<typeof paymentHistoryQuerySchema>;

/** An admin's refund: the whole remaining amount, or part of it, with a reason the customer sees. */
export const refundSchema = z.strictObject({
  amount: z.number().int().positive().optional(),
  reason: z.string({ error: 'required' }).trim().min(2, 'required').max(200, 'too_long'),
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
