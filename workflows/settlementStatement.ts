import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  markPayoutUpdate,
  statementPayoutQuery,
  type SettlementStatementWorkflow,
} from '../domain/contracts/settlementStatement';
import type { SettlementStatementInput, StatementPayoutState } from '../domain/settlement';
import { dbActivityOptions } from './options';

const acts = proxyActivities<Activities>(dbActivityOptions);

function refuse(message: string, type: string): never {
  throw ApplicationFailure.nonRetryable(message, type);
}

/**
 * A statement waiting for its payout (docs/architecture.md#settlement): lives until an admin marks it paid with the
 * `markPayout` Update (validated: an admin, an open statement, the transfer's reference), which records it and tells
 * the partner. Started by the settlement run (or by the API's Update-with-Start).
 */
export async function settlementStatement(input: SettlementStatementInput): Promise<StatementPayoutState> {
  let state: StatementPayoutState = {
    statementId: input.statementId,
    status: 'open',
    payoutAmount: input.payoutAmount,
    paidAt: null,
    paidBy: null,
    reference: null,
  };
  let paying = false;

  setHandler(statementPayoutQuery, () => state);
  setHandler(
    markPayoutUpdate,
    async (cmd) => {
      paying = true;
      try {
        state = await acts.markStatementPaid({
          statementId: input.statementId,
          reference: cmd.reference.trim(),
          note: cmd.note,
          actorId: cmd.actor.userId,
        });
      } catch (err) {
        // A refusal from the database (the row is not open) answers the admin with its code, not a failed task.
        if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure)
          refuse(err.cause.message, err.cause.type ?? 'CONFLICT');
        throw err;
      } finally {
        paying = false;
      }
      return state;
    },
    {
      validator: (cmd) => {
        if (!cmd?.actor?.roles?.includes('admin')) refuse('Only an admin can mark a payout', 'FORBIDDEN');
        if (state.status !== 'open' || paying)
          refuse('This statement is not open for payout', 'STATEMENT_NOT_OPEN');
        if (typeof cmd.reference !== 'string' || cmd.reference.trim().length < 2)
          refuse('The transfer reference is required', 'VALIDATION_FAILED');
      },
    },
  );

  // Started again for a statement already paid (e.g. its first workflow was lost): finish at once.
  const stored = await acts.loadStatementPayout({ statementId: input.statementId });
  if (stored?.status === 'paid') state = stored;
  await condition(() => state.status === 'paid' && allHandlersFinished());
  return state;
}
settlementStatement satisfies SettlementStatementWorkflow;
