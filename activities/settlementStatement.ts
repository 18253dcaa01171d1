import { ApplicationFailure } from '@temporalio/common';
import type { StatementPayoutState, StatementStatus } from '../domain/settlement';
import { recordAudit } from './audit';
import type { ActivityDeps } from './deps';
import { enqueueNotification } from './outbox';

interface StatementRow {
  id: string;
  partnerId: string;
  payoutAmount: number;
  status: StatementStatus;
  paidAt: Date | null;
  paidBy: string | null;
  payoutReference: string | null;
}

const payoutState = (s: StatementRow): StatementPayoutState => ({
  statementId: s.id,
  status: s.status === 'paid' ? 'paid' : 'open',
  payoutAmount: s.payoutAmount,
  paidAt: s.paidAt ? new Date(s.paidAt).toISOString() : null,
  paidBy: s.paidBy,
  reference: s.payoutReference,
});

/** The settlementStatement workflow's activities (docs/architecture.md#settlement): a statement's payout. */
export function createSettlementStatementActivities({ db, metrics }: ActivityDeps) {
  return {
    /** The payout state of a statement (what its workflow starts from). Reads only. */
    async loadStatementPayout(input: { statementId: string }): Promise<StatementPayoutState | null> {
      const s = (await db('settlement_statements').where({ id: input.statementId }).first()) as
        StatementRow | undefined;
      return s ? payoutState(s) : null;
    },

    /**
     * Marks an open statement paid (who, when, the transfer's reference) and tells the partner. Idempotent: only an
     * `open` row changes; a retry finds it paid with the same reference and answers the same.
     */
    async markStatementPaid(input: {
      statementId: string;
      reference: string;
      note?: string;
      actorId: string;
    }): Promise<StatementPayoutState> {
      let paidNow = false;
      const state = await db.transaction(async (trx) => {
        const changed = await trx('settlement_statements')
          .where({ id: input.statementId, status: 'open' })
          .update({
            status: 'paid',
            paidAt: trx.fn.now(),
            paidBy: input.actorId,
            payoutReference: input.reference,
            payoutNote: input.note ?? null,
          });
        paidNow = changed > 0;
        if (paidNow) {
          // A suspended partner's payouts are held until the partner is resumed.
          const held = await trx('partners as p')
            .join('settlement_statements as s', 's.partner_id', 'p.id')
            .where({ 's.id': input.statementId, 'p.status': 'suspended' })
            .first('p.id');
          if (held)
            throw ApplicationFailure.nonRetryable(
              'This partner is suspended: payouts are held until it is resumed',
              'PARTNER_SUSPENDED',
              { reason: 'payout_held' },
            );
        }
        const s = (await trx('settlement_statements').where({ id: input.statementId }).first()) as
          StatementRow | undefined;
        if (!s || s.status !== 'paid' || s.payoutReference !== input.reference) {
          throw ApplicationFailure.nonRetryable(
            'This statement is not open for payout',
            'STATEMENT_NOT_OPEN',
          );
        }
        await recordAudit(trx, {
          actorId: input.actorId,
          action: 'settlement.payout',
          targetType: 'settlement_statement',
          targetId: s.id,
          before: { status: 'open' },
          after: { status: 'paid', payoutAmount: s.payoutAmount, reference: input.reference },
          reason: input.note ?? null,
          dedupeKey: `settlement_paid:${s.id}`,
        });
        const partner = (await trx('partners').where({ id: s.partnerId }).first('userId')) as {
          userId: string;
        };
        await enqueueNotification(trx, {
          dedupeKey: `settlement_paid:${s.id}`,
          recipientUserId: partner.userId,
          template: 'settlement_paid',
          payload: { statementId: s.id, payoutAmount: s.payoutAmount, reference: input.reference },
        });
        return payoutState(s);
      });
      if (paidNow) metrics.settlementPayouts.inc();
      return state;
    },
  };
}
