import { randomUUID } from 'node:crypto';
import { settlementStatementWorkflowId } from '../domain/contracts/settlementStatement';
import {
  statementTotals,
  type SettlePartnerInput,
  type SettlePartnerResult,
  type StatementStatus,
} from '../domain/settlement';
import type { ActivityDeps } from './deps';
import { enqueueNotification } from './outbox';

/** The settlementRun workflow's activities (docs/architecture.md#settlement): statements from the partner ledger. */
export function createSettlementRunActivities({ db, metrics }: ActivityDeps) {
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
  };
}
