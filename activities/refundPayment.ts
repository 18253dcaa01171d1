import type { RefundInput, RefundResult } from '../domain/payments';
import { TossError } from '../payments/errors';
import { countRefund } from './dashboard';
import { recordAudit } from './audit';
import type { ActivityDeps } from './deps';
import { enqueueNotification } from './outbox';

/** The refundPayment workflow's activity (docs/architecture.md#refunds). */
export function createRefundPaymentActivities({ db, toss, metrics }: ActivityDeps) {
  return {
    /**
     * Refunds through the provider and records it (payment balance, history, the partner's ledger, a notice to the
     * customer) in one transaction. Idempotent: the provider call carries the refund id as its Idempotency-Key and
     * every row is keyed by the refund id.
     */
    async executeRefund(input: RefundInput): Promise<RefundResult> {
      const payment = await db('payments').where({ id: input.paymentId }).first();
      if (!payment)
        return { ok: false, refundId: input.refundId, code: 'NOT_FOUND', message: 'No such payment' };
      const done = await db('refunds').where({ id: input.refundId, status: 'done' }).first('amount');
      const amount = input.amount ?? payment.amount - payment.refundedAmount;
      await db('refunds')
        .insert({
          id: input.refundId,
          paymentId: payment.id,
          amount,
          reason: input.reason,
          requestedBy: input.requestedBy,
          status: 'requested',
        })
        .onConflict('id')
        .ignore();
      if (done) {
        return {
          ok: true,
          refundId: input.refundId,
          amount: done.amount,
          refundedTotal: payment.refundedAmount,
          status: payment.status,
        };
      }
      if (amount <= 0 || amount > payment.amount - payment.refundedAmount) {
        await db('refunds')
          .where({ id: input.refundId })
          .update({ status: 'failed', error: 'more than the refundable balance' });
        return {
          ok: false,
          refundId: input.refundId,
          code: 'REFUND_REFUSED',
          message: `At most ${payment.amount - payment.refundedAmount} KRW can be refunded`,
        };
      }
      let canceled;
      try {
        canceled = await toss.cancelPayment(
          payment.paymentKey,
          { cancelReason: input.reason, cancelAmount: amount },
          { idempotencyKey: `refund_${input.refundId}` },
        );
      } catch (err) {
        if (
          err instanceof TossError &&
          (err.retryClass === 'invalid' || err.retryClass === 'configuration')
        ) {
          await db('refunds')
            .where({ id: input.refundId })
            .update({ status: 'failed', error: `${err.code}: ${err.message}` });
          return { ok: false, refundId: input.refundId, code: err.code, message: err.message };
        }
        throw err;
      }
      const refundedTotal = canceled.totalAmount - canceled.balanceAmount;
      const status = canceled.balanceAmount === 0 ? 'refunded' : 'partially_refunded';
      const recordedNow = await db.transaction(async (trx) => {
        await trx('refunds')
          .where({ id: input.refundId })
          .update({ status: 'done', transactionKey: canceled.lastTransactionKey, doneAt: trx.fn.now() });
        await trx('payments').where({ id: payment.id }).update({ refundedAmount: refundedTotal, status });
        await recordAudit(trx, {
          actorId: input.requestedBy,
          action: 'payment.refund',
          targetType: 'payment',
          targetId: payment.id,
          before: { status: payment.status, refundedAmount: payment.refundedAmount },
          after: { status, refundedAmount: refundedTotal, amount, refundId: input.refundId },
          reason: input.reason,
          dedupeKey: `refund:${input.refundId}`,
        });
        const recorded = await trx('payment_events')
          .insert({
            kind: 'refund',
            subscriptionId: payment.subscriptionId,
            paymentId: payment.id,
            customerId: payment.customerId,
            partnerId: payment.partnerId,
            cycle: payment.cycle,
            orderId: payment.orderId,
            amount,
            outcome: 'refunded',
            message: input.reason,
            dedupeKey: `refund:${input.refundId}`,
          })
          .onConflict('dedupeKey')
          .ignore()
          .returning('id');
        await trx('partner_ledger')
          .insert({
            partnerId: payment.partnerId,
            paymentId: payment.id,
            kind: 'refund',
            amount: -amount,
            dedupeKey: `refund:${input.refundId}`,
          })
          .onConflict('dedupeKey')
          .ignore();
        await enqueueNotification(trx, {
          dedupeKey: `refund:${input.refundId}`,
          recipientUserId: payment.customerId,
          template: 'payment_refunded',
          payload: { paymentId: payment.id, amount, reason: input.reason, orderName: payment.orderName },
        });
        // The dashboard's counters last (the partner's day row is shared: its lock is held only until the commit).
        if (recorded.length) {
          await countRefund(trx, {
            partnerId: payment.partnerId,
            productId: payment.productId,
            productName: payment.orderName,
            amount,
          });
        }
        return recorded.length > 0;
      });
      // Counted once, when this attempt's history row was committed (a retry finds it and counts nothing).
      if (recordedNow) {
        metrics.refunds.inc();
        metrics.refundedKrw.inc(amount);
      }
      return { ok: true, refundId: input.refundId, amount, refundedTotal, status };
    },
  };
}
