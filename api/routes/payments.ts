import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { seoulMidnight } from '../../domain/calendar';
import { startRefundPayment } from '../../domain/contracts/refundPayment';
import { AppError } from '../../domain/errors';
import {
  paymentHistoryCursor,
  paymentHistoryQuerySchema,
  refundSchema,
  type RefundInput,
  type RefundResult,
} from '../../domain/payments';
import { route, type RouteDef } from '../route';

const idParams = z.strictObject({ id: z.uuid() });
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Payment history management (결제 내역 관리) and refunds, for admins. */
export function paymentRoutes(): RouteDef[] {
  return [
    route({
      method: 'GET',
      path: '/api/admin/payments',
      summary: 'Every charge attempt (approved or declined) and refund, newest first, filtered and paged',
      tag: 'payments',
      access: 'admin',
      query: paymentHistoryQuerySchema,
      async handler({ query, deps: { db } }) {
        const q = db('payment_events as e')
          .join('users as u', 'u.id', 'e.customer_id')
          .join('partners as p', 'p.id', 'e.partner_id')
          .leftJoin('payments as pay', 'pay.id', 'e.payment_id')
          .select(
            'e.id',
            'e.kind',
            'e.at',
            'e.outcome',
            'e.amount',
            'e.code',
            'e.message',
            'e.order_id',
            'e.cycle',
            'e.attempt',
            'e.payment_id',
            'e.subscription_id',
            'u.id as customer_id',
            'u.email as customer_email',
            'u.name as customer_name',
            'p.id as partner_id',
            'p.company_name as partner_name',
            'pay.amount as payment_amount',
            'pay.refunded_amount as refunded_amount',
            'pay.receipt_url as receipt_url',
          )
          .orderBy([
            { column: 'e.at', order: 'desc' },
            { column: 'e.id', order: 'desc' },
          ])
          .limit(query.limit + 1);
        if (query.outcome) q.where('e.outcome', query.outcome);
        if (query.partner) q.where('e.partner_id', query.partner);
        if (query.customer) {
          if (uuid.test(query.customer)) q.where('e.customer_id', query.customer);
          else
            q.whereRaw(`u.email ILIKE ? ESCAPE '\\'`, [
              `%${query.customer.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
            ]);
        }
        if (query.from) q.where('e.at', '>=', seoulMidnight(query.from));
        if (query.to) q.where('e.at', '<', new Date(seoulMidnight(query.to).getTime() + 24 * 3600_000));
        if (query.minAmount !== undefined) q.where('e.amount', '>=', query.minAmount);
        if (query.maxAmount !== undefined) q.where('e.amount', '<=', query.maxAmount);
        if (query.cursor) {
          const [at, id] = query.cursor;
          q.whereRaw('(e.at, e.id) < (?::timestamptz, ?::bigint)', [at, id]);
        }
        const rows = (await q) as Record<string, unknown>[];
        const page = rows.slice(0, query.limit);
        const last = page[page.length - 1];
        return {
          items: page.map((r) => ({
            id: r.id,
            kind: r.kind,
            at: r.at,
            outcome: r.outcome,
            amount: r.amount,
            code: r.code,
            message: r.message,
            orderId: r.orderId,
            cycle: r.cycle,
            attempt: r.attempt,
            paymentId: r.paymentId,
            subscriptionId: r.subscriptionId,
            customer: { id: r.customerId, email: r.customerEmail, name: r.customerName },
            partner: { id: r.partnerId, name: r.partnerName },
            refundable:
              r.kind === 'charge' && r.outcome === 'approved'
                ? Number(r.paymentAmount) - Number(r.refundedAmount)
                : 0,
            receiptUrl: r.receiptUrl ?? null,
            // The payment's original amount (the refund dialog shows it beside what is already refunded).
            paymentAmount: r.paymentAmount === null ? null : Number(r.paymentAmount),
          })),
          nextCursor:
            rows.length > query.limit && last
              ? paymentHistoryCursor.encode(last.at as Date, last.id as string)
              : null,
        };
      },
    }),
    route({
      method: 'POST',
      path: '/api/admin/payments/:id/refunds',
      summary:
        'Refund a payment fully or partly (carried out by the refundPayment workflow); the customer is told',
      tag: 'payments',
      access: 'admin',
      params: idParams,
      body: refundSchema,
      status: 201,
      async handler({ ctx, params, body, deps: { db, temporal, config } }) {
        const payment = await db('payments').where({ id: params.id }).first('id', 'amount', 'refundedAmount');
        if (!payment) throw new AppError('NOT_FOUND', 'No such payment');
        const refundable = payment.amount - payment.refundedAmount;
        if ((body.amount ?? refundable) > refundable || refundable === 0) {
          throw new AppError('REFUND_REFUSED', `At most ${refundable} KRW can be refunded`);
        }
        const input: RefundInput = {
          refundId: randomUUID(),
          paymentId: payment.id,
          amount: body.amount ?? null,
          reason: body.reason,
          requestedBy: ctx.state.user!.id,
        };
        const run = await startRefundPayment(temporal, config.temporal, input);
        const result: RefundResult = await run.result();
        if (!result.ok) throw new AppError('REFUND_REFUSED', result.message, { code: result.code });
        return result;
      },
    }),
  ];
}
