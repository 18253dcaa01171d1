import { heartbeat } from '@temporalio/activity';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { pauseUpdate, resumeUpdate, subscriptionHandle } from '../domain/contracts/subscription';
import { SUSPENSION_PAUSE_REASON, type PartnerStatusInput } from '../domain/partnerStatus';
import { invalidateCatalog } from '../infra/catalogCache';
import { recordAudit } from './audit';
import type { ActivityDeps } from './deps';
import { enqueueNotification } from './outbox';

/** The partnerStatus workflow's activities (docs/architecture.md#back-office). */
export function createPartnerStatusActivities({ db, redis, redisPrefix, temporal }: ActivityDeps) {
  const admin = (userId: string) => ({ userId, roles: ['admin'] });

  /** Sends one Update; a refusal (the subscription is not in a state for it) or an ended workflow is false. */
  async function tryUpdate(run: () => Promise<unknown>): Promise<boolean> {
    try {
      await run();
      return true;
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError || err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  }

  return {
    /** Whether the roaster takes orders (not suspended): a subscription to a suspended one cannot be resumed. */
    async partnerIsActive(input: { partnerId: string }): Promise<boolean> {
      const p = (await db('partners').where({ id: input.partnerId }).first('status')) as
        { status: string } | undefined;
      return p?.status !== 'suspended';
    },

    /**
     * Sets the partner's status, moves its catalog entries out of (or back into) the catalog, writes the audit line
     * and the roaster's notice, in one transaction; then invalidates the catalog cache. Idempotent: a partner already
     * in the status changes nothing (and says so), the line and the notice are keyed by the workflow run.
     */
    async setPartnerStatus(
      input: PartnerStatusInput & { requestId: string },
    ): Promise<{ changed: boolean; status: 'active' | 'suspended' }> {
      const next = input.action === 'suspend' ? 'suspended' : 'active';
      const changed = await db.transaction(async (trx) => {
        const partner = (await trx('partners').where({ id: input.partnerId }).forUpdate().first()) as
          | { id: string; userId: string; status: string; companyName: string; suspendedAt: Date | null }
          | undefined;
        if (!partner) throw ApplicationFailure.nonRetryable('No such partner', 'NOT_FOUND');
        const done = await trx('audit_log')
          .where({ dedupeKey: `partner_status:${input.requestId}` })
          .first('id');
        if (partner.status === next && !done) return false;
        if (partner.status !== next) {
          await trx('partners')
            .where({ id: partner.id })
            .update({
              status: next,
              suspendedAt: next === 'suspended' ? trx.fn.now() : null,
              suspensionReason: next === 'suspended' ? input.reason : null,
            });
          await trx('catalog_products')
            .where({ partnerId: partner.id, status: next === 'suspended' ? 'live' : 'suspended' })
            .update({ status: next === 'suspended' ? 'suspended' : 'live', updatedAt: trx.fn.now() });
        }
        await recordAudit(trx, {
          actorId: input.actorId,
          action: input.action === 'suspend' ? 'partner.suspend' : 'partner.resume',
          targetType: 'partner',
          targetId: partner.id,
          before: { status: partner.status },
          after: { status: next },
          reason: input.reason,
          dedupeKey: `partner_status:${input.requestId}`,
        });
        await enqueueNotification(trx, {
          dedupeKey: `partner_status:${input.requestId}`,
          recipientUserId: partner.userId,
          template: input.action === 'suspend' ? 'partner_suspended' : 'partner_resumed',
          payload: { partnerId: partner.id, companyName: partner.companyName, reason: input.reason },
        });
        return true;
      });
      if (changed) await invalidateCatalog(redis, redisPrefix);
      return { changed, status: next };
    },

    /**
     * Pauses every active or past-due subscription (its dunning stops too) of a suspended partner through its workflow's pause Update (an admin actor:
     * the customer is told, the line is audited) and remembers which it paused. Idempotent: each Update carries an
     * id fixed by the suspension, so a retry gets the first answer; the row is keyed by suspension and subscription.
     */
    async pausePartnerSubscriptions(input: {
      partnerId: string;
      actorId: string;
      requestId: string;
    }): Promise<{ count: number }> {
      const subs = (await db('subscriptions')
        .where({ partnerId: input.partnerId })
        .whereIn('status', ['active', 'past_due'])
        .orderBy('id')
        .select('id')) as { id: string }[];
      let count = 0;
      for (const sub of subs) {
        heartbeat(sub.id);
        const paused = await tryUpdate(() =>
          subscriptionHandle(temporal, sub.id).executeUpdate(pauseUpdate, {
            args: [{ actor: admin(input.actorId), args: {}, reason: SUSPENSION_PAUSE_REASON }],
            updateId: `partnerSuspension:${input.requestId}:pause`,
          }),
        );
        if (!paused) continue;
        await db('partner_suspension_pauses')
          .insert({ partnerId: input.partnerId, subscriptionId: sub.id, suspensionId: input.requestId })
          .onConflict(['suspensionId', 'subscriptionId'])
          .ignore();
        count += 1;
      }
      return { count };
    },

    /**
     * Resumes the subscriptions a suspension paused (a customer's own pause stays). Idempotent: each Update carries
     * an id fixed by the resumption, and a row is marked resumed once.
     */
    async resumePartnerSubscriptions(input: {
      partnerId: string;
      actorId: string;
      requestId: string;
    }): Promise<{ count: number }> {
      const rows = (await db('partner_suspension_pauses')
        .where({ partnerId: input.partnerId })
        .whereNull('resumedAt')
        .orderBy('subscriptionId')
        .select('subscriptionId', 'suspensionId')) as { subscriptionId: string; suspensionId: string }[];
      let count = 0;
      for (const row of rows) {
        heartbeat(row.subscriptionId);
        const resumed = await tryUpdate(() =>
          subscriptionHandle(temporal, row.subscriptionId).executeUpdate(resumeUpdate, {
            args: [{ actor: admin(input.actorId), args: {}, reason: 'partner resumed' }],
            updateId: `partnerResume:${input.requestId}:resume`,
          }),
        );
        await db('partner_suspension_pauses')
          .where({ suspensionId: row.suspensionId, subscriptionId: row.subscriptionId })
          .update({ resumedAt: db.fn.now() });
        if (resumed) count += 1;
      }
      return { count };
    },
  };
}
