import { ApplicationFailure } from '@temporalio/common';
import type { SetCommissionInput, SetCommissionResult } from '../domain/settlement';
import { recordAudit } from './audit';
import type { ActivityDeps } from './deps';
import { enqueueNotification } from './outbox';

/** The setPartnerCommission workflow's activity (docs/architecture.md#settlement). */
export function createSetPartnerCommissionActivities({ db }: ActivityDeps) {
  return {
    /**
     * Sets (or clears) a partner's own commission rate; statements made from now on use it. Idempotent: it writes a
     * value, and the audit notice is keyed by the workflow run.
     */
    async setCommissionRate(input: SetCommissionInput & { requestId: string }): Promise<SetCommissionResult> {
      return db.transaction(async (trx) => {
        const before = (await trx('partners')
          .where({ id: input.partnerId })
          .forUpdate()
          .first('commissionRateBps')) as { commissionRateBps: number | null } | undefined;
        const updated = await trx('partners')
          .where({ id: input.partnerId })
          .update({ commissionRateBps: input.rateBps })
          .returning('userId');
        const row = updated[0] as { userId: string } | undefined;
        if (!row) throw ApplicationFailure.nonRetryable('No such partner', 'NOT_FOUND');
        await recordAudit(trx, {
          actorId: input.actorId,
          action: 'partner.commission',
          targetType: 'partner',
          targetId: input.partnerId,
          before: { rateBps: before?.commissionRateBps ?? null },
          after: { rateBps: input.rateBps },
          dedupeKey: `commission_rate:${input.requestId}`,
        });
        await enqueueNotification(trx, {
          dedupeKey: `commission_rate:${input.requestId}`,
          recipientUserId: row.userId,
          template: 'commission_rate_changed',
          payload: { rateBps: input.rateBps, by: input.actorId },
        });
        return { rateBps: input.rateBps };
      });
    },
  };
}
