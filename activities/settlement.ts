import { ApplicationFailure } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import { settlementStatementWorkflowId } from '../domain/contracts/settlementStatement';
import {
  statementTotals,
  type SetCommissionInput,
  type SettlePartnerInput,
  type SettlePartnerResult,
  type StatementPayoutState,
  type StatementStatus,
} from '../domain/settlement';
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

/** Settlement activities (DESIGN §4.4): statements from the partner ledger, and payouts. */
export function createSettlementActivities({ db, metrics }: ActivityDeps) {
  return {
    /**
     * The partners with something to settle before `periodEnd`, and those already holding a statement for it (so a
     * repeated run finds them again). Reads only.
     */
    async listSettlementPartners(input: { periodEnd: string }): Promise<string[]> {
      const rows = (await db
        .select('partnerId')
        .from(
          db('partner_ledger as l')
            .where('l.at', '<', input.periodEnd)
            .whereNotExists(db('settlement_lines as s').whereRaw('s.ledger_id = l.id'))
            .distinct('l.partner_id')
            .union(db('settlement_statements').where({ periodEnd: input.periodEnd }).select('partnerId'))
            .as('p'),
        )
        .orderBy('partnerId')) as { partnerId: string }[];
      return rows.map((r) => r.partnerId);
    },

    /**
     * One partner's statement for a period, in one transaction: every ledger line of the partner not yet on a
     * statement with `at < periodEnd` (late refunds of earlier periods included), the commission, and a negative
     * balance an earlier statement carried. Idempotent: a statement is unique per (partner, period end) and a ledger
     * line per statement line, and a per-partner advisory lock serialises concurrent runs (a re-fire, a backfill).
     */
    async settlePartner(input: SettlePartnerInput): Promise<SettlePartnerResult> {
      const result = await db.transaction(async (trx): Promise<SettlePartnerResult> => {
        await trx.raw(`SELECT pg_advisory_xact_lock(hashtext('settlement:' || ?::text))`, [input.partnerId]);
        const existing = (await trx('settlement_statements')
          .where({ partnerId: input.partnerId, periodEnd: input.periodEnd })
          .first('id', 'payoutAmount', 'status')) as
          { id: string; payoutAmount: number; status: StatementStatus } | undefined;
        if (existing) {
          return {
            statementId: existing.id,
            partnerId: input.partnerId,
            payoutAmount: existing.payoutAmount,
            status: existing.status,
            created: false,
          };
        }
        const lines = (await trx('partner_ledger as l')
          .where('l.partnerId', input.partnerId)
          .where('l.at', '<', input.periodEnd)
          .whereNotExists(trx('settlement_lines as s').whereRaw('s.ledger_id = l.id'))
          .orderBy('l.id')
          .select('l.id', 'l.paymentId', 'l.kind', 'l.amount', 'l.at')) as {
          id: number;
          paymentId: string;
          kind: 'sale' | 'refund';
          amount: number;
          at: Date;
        }[];
        if (lines.length === 0) return null;
        const partner = (await trx('partners')
          .where({ id: input.partnerId })
          .first('userId', 'commissionRateBps')) as { userId: string; commissionRateBps: number | null };
        const rateBps = partner.commissionRateBps ?? input.defaultCommissionBps;
        // A negative balance (refunds beyond sales) not yet taken into a later statement.
        const carried = (await trx('settlement_statements as c')
          .where({ 'c.partnerId': input.partnerId, 'c.status': 'carried' })
          .where('c.payoutAmount', '<', 0)
          .whereNotExists(trx('settlement_statements as n').whereRaw('n.carried_from_id = c.id'))
          .orderBy('c.periodEnd', 'desc')
          .first('c.id', 'c.payoutAmount')) as { id: string; payoutAmount: number } | undefined;
        const totals = statementTotals(lines, rateBps, carried?.payoutAmount ?? 0);
        // The period starts where the partner's previous statement ended, when that is later (a triggered run, a
        // changed calendar): statements never overlap. Lines dated earlier are the late ones carried in.
        const previous = (await trx('settlement_statements')
          .where({ partnerId: input.partnerId })
          .where('periodEnd', '<', input.periodEnd)
          .max('periodEnd as end')
          .first()) as { end: Date | null } | undefined;
        const periodStart =
          previous?.end && new Date(previous.end).getTime() > Date.parse(input.periodStart)
            ? new Date(previous.end).toISOString()
            : input.periodStart;
        const statementId = randomUUID();
        await trx('settlement_statements').insert({
          id: statementId,
          partnerId: input.partnerId,
          periodStart,
          periodEnd: input.periodEnd,
          grossSales: totals.grossSales,
          refunds: totals.refunds,
          netSales: totals.netSales,
          commissionRateBps: rateBps,
          commission: totals.commission,
          carriedIn: carried?.payoutAmount ?? 0,
          carriedFromId: carried?.id ?? null,
          payoutAmount: totals.payoutAmount,
          lineCount: lines.length,
          status: totals.status,
          workflowId: totals.status === 'open' ? settlementStatementWorkflowId(statementId) : null,
        });
        // Batches keep each INSERT well under PostgreSQL's parameter limit for a partner with many lines.
        for (let i = 0; i < lines.length; i += 1000) {
          await trx('settlement_lines').insert(
            lines.slice(i, i + 1000).map((l) => ({
              statementId,
              ledgerId: l.id,
              partnerId: input.partnerId,
              paymentId: l.paymentId,
              kind: l.kind,
              amount: l.amount,
              at: l.at,
            })),
          );
        }
        await enqueueNotification(trx, {
          dedupeKey: `settlement_statement:${statementId}`,
          recipientUserId: partner.userId,
          template: 'settlement_statement',
          payload: {
            statementId,
            periodStart,
            periodEnd: input.periodEnd,
            payoutAmount: totals.payoutAmount,
            status: totals.status,
          },
        });
        return {
          statementId,
          partnerId: input.partnerId,
          payoutAmount: totals.payoutAmount,
          status: totals.status,
          created: true,
        };
      });
      // `created` only for the run that inserted (and committed) the statement.
      if (result?.created) metrics.settlementStatements.inc({ status: result.status });
      return result;
    },

    /**
     * Sets (or clears) a partner's own commission rate; statements made from now on use it. Idempotent: it writes a
     * value, and the audit notice is keyed by the workflow run.
     */
    async setCommissionRate(
      input: SetCommissionInput & { requestId: string },
    ): Promise<{ rateBps: number | null }> {
      return db.transaction(async (trx) => {
        const updated = await trx('partners')
          .where({ id: input.partnerId })
          .update({ commissionRateBps: input.rateBps })
          .returning('userId');
        const row = updated[0] as { userId: string } | undefined;
        if (!row) throw ApplicationFailure.nonRetryable('No such partner', 'NOT_FOUND');
        await enqueueNotification(trx, {
          dedupeKey: `commission_rate:${input.requestId}`,
          recipientUserId: row.userId,
          template: 'commission_rate_changed',
          payload: { rateBps: input.rateBps, by: input.actorId },
        });
        return { rateBps: input.rateBps };
      });
    },

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
        const s = (await trx('settlement_statements').where({ id: input.statementId }).first()) as
          StatementRow | undefined;
        if (!s || s.status !== 'paid' || s.payoutReference !== input.reference) {
          throw ApplicationFailure.nonRetryable(
            'This statement is not open for payout',
            'STATEMENT_NOT_OPEN',
          );
        }
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
