import { ParentClosePolicy, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import type { Activities } from '../activities';
import type { SettlementRunWorkflow } from '../domain/contracts/settlementRun';
import { startSettlementStatementChild } from '../domain/contracts/settlementStatement';
import { TemporalScheduledStartTime } from '../domain/searchAttributes';
import type { SettlementRunInput, SettlementRunResult } from '../domain/settlement';
import { dbActivityOptions } from './options';

const acts = proxyActivities<Activities>(dbActivityOptions);

/** Partners settled at once (each in its own transaction). */
const BATCH = 10;

/**
 * One settlement run (docs/architecture.md#settlement), fired by the `settlement` Schedule: for the period ending at
 * the scheduled time (a backfill settles the period it names), one statement per partner with unsettled ledger lines,
 * then a payout workflow (settlementStatement) per statement with money to pay. Running it again for the same period
 * changes nothing: statements are unique per partner and period end, ledger lines per statement.
 */
export async function settlementRun(input: SettlementRunInput): Promise<SettlementRunResult> {
  const scheduled = workflowInfo().typedSearchAttributes.get(TemporalScheduledStartTime);
  const periodEnd = new Date(input.periodEnd ?? scheduled ?? workflowInfo().startTime).toISOString();
  const periodStart = new Date(Date.parse(periodEnd) - input.periodMs).toISOString();
  const partners = await acts.listSettlementPartners({ periodEnd });
  const statements: SettlementRunResult['statements'] = [];
  for (let i = 0; i < partners.length; i += BATCH) {
    const settled = await Promise.all(
      partners.slice(i, i + BATCH).map((partnerId) =>
        acts.settlePartner({
          partnerId,
          periodStart,
          periodEnd,
          defaultCommissionBps: input.defaultCommissionBps,
        }),
      ),
    );
    for (const s of settled) {
      if (!s) continue;
      statements.push({
        statementId: s.statementId,
        partnerId: s.partnerId,
        payoutAmount: s.payoutAmount,
        status: s.status,
      });
      if (s.status === 'open') await startPayout(s.statementId, s.partnerId, s.payoutAmount);
    }
  }
  return { periodStart, periodEnd, statements };
}
settlementRun satisfies SettlementRunWorkflow;

/** Starts the statement's payout workflow, once: a repeated run finds it running (or finished) and moves on. */
async function startPayout(statementId: string, partnerId: string, payoutAmount: number): Promise<void> {
  try {
    await startSettlementStatementChild(
      { statementId, partnerId, payoutAmount },
      {
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      },
    );
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}
