import { ApplicationFailure } from '@temporalio/common';
import type { Knex } from 'knex';
import { bankName, maskAccount } from '../domain/banks';
import type { ProfileChange } from '../domain/partnerProfile';
import { invalidateCatalog } from '../infra/catalogCache';
import type { ActivityDeps } from './deps';
import { enqueueNotification } from './outbox';
import { recordAudit } from './audit';
import { closeTask } from './reviewDesk';

const now = (k: Knex) => k.fn.now() as unknown as Date;

/** The partner columns a change can touch, as they are when it is asked (the review's "before"). */
const LIVE_COLUMNS = [
  'companyName',
  'representative',
  'phone',
  'email',
  'address',
  'mailOrderNumber',
  'introduction',
  'bankCode',
  'bankName',
  'bankAccount',
  'bankAccountHolder',
] as const;

/** The partnerProfileChange workflow's activities (docs/architecture.md#partner-approval). */
export function createPartnerProfileChangeActivities({ db, redis, redisPrefix }: ActivityDeps) {
  return {
    /**
     * Records a change request with the live values beside it, and says what the inbox task shows (the roaster's
     * name, which parts change — never the account number). Idempotent: the id comes from the API, a retry inserts
     * nothing and answers the same.
     */
    async recordProfileChange(input: {
      changeId: string;
      partnerId: string;
      requestedBy: string;
      workflowId: string;
      change: ProfileChange;
    }): Promise<{ title: string; summary: Record<string, unknown> }> {
      const partner = (await db('partners')
        .where({ id: input.partnerId })
        .first(...LIVE_COLUMNS)) as Record<(typeof LIVE_COLUMNS)[number], string | null> | undefined;
      if (!partner) throw ApplicationFailure.nonRetryable('Partner not found', 'NOT_FOUND');
      await db('partner_profile_changes')
        .insert({
          id: input.changeId,
          partnerId: input.partnerId,
          requestedBy: input.requestedBy,
          workflowId: input.workflowId,
          status: 'pending',
          profile: input.change.profile ? JSON.stringify(input.change.profile) : null,
          account: input.change.account ? JSON.stringify(input.change.account) : null,
          previous: JSON.stringify(partner),
        })
        .onConflict('id')
        .ignore();
      const parts = [
        ...(input.change.profile ? ['profile'] : []),
        ...(input.change.account ? ['account'] : []),
      ];
      return {
        title: partner.companyName ?? '',
        summary: {
          parts,
          ...(input.change.profile && input.change.profile.companyName !== partner.companyName
            ? { newName: input.change.profile.companyName }
            : {}),
          ...(input.change.account ? { bank: bankName(input.change.account.bankCode) } : {}),
        },
      };
    },

    /**
     * Applies an approved change to the partner (and the roaster's name on its catalog entries), or records the
     * rejection with its reason; closes the task and tells the roaster, in one transaction. Idempotent: only a pending
     * row changes (locked), the notice is keyed by the change.
     */
    async decideProfileChange(input: {
      changeId: string;
      status: 'approved' | 'rejected';
      decisionReason?: string;
      decidedBy: string;
      taskId: string;
    }): Promise<void> {
      let renamed = false;
      await db.transaction(async (trx) => {
        const change = (await trx('partner_profile_changes')
          .where({ id: input.changeId })
          .forUpdate()
          .first()) as
          | {
              partnerId: string;
              status: string;
              profile: ProfileChange['profile'] | null;
              account: ProfileChange['account'] | null;
              previous: { companyName: string };
            }
          | undefined;
        if (!change) throw ApplicationFailure.nonRetryable('Change not found', 'NOT_FOUND');
        await closeTask(trx, input.taskId, {
          state: 'done',
          outcome: input.status,
          resolvedBy: input.decidedBy,
        });
        if (change.status !== 'pending') return;
        await trx('partner_profile_changes')
          .where({ id: input.changeId })
          .update({
            status: input.status,
            decisionReason: input.decisionReason ?? null,
            decidedBy: input.decidedBy,
            decidedAt: now(trx),
          });
        if (input.status === 'approved') {
          const p = change.profile;
          const a = change.account;
          // The audit line keeps what changed, before and after (account numbers masked even there).
          const fields = [
            ...Object.keys(p ?? {}),
            ...(a ? ['bankCode', 'bankAccount', 'bankAccountHolder'] : []),
          ];
          const live = (await trx('partners').where({ id: change.partnerId }).first(fields)) as Record<
            string,
            unknown
          >;
          const shown = (v: Record<string, unknown>) =>
            typeof v.bankAccount === 'string' ? { ...v, bankAccount: maskAccount(v.bankAccount) } : v;
          await recordAudit(trx, {
            actorId: input.decidedBy,
            action: 'partner.profile_change',
            targetType: 'partner',
            targetId: change.partnerId,
            before: shown(live),
            after: shown({ ...(p ?? {}), ...(a ?? {}) }),
            reason: input.decisionReason ?? null,
            dedupeKey: `partner.profile_change:${input.changeId}`,
          });
          await trx('partners')
            .where({ id: change.partnerId })
            .update({
              ...(p ?? {}),
              ...(a
                ? {
                    bankCode: a.bankCode,
                    bankName: bankName(a.bankCode),
                    bankAccount: a.bankAccount,
                    bankAccountHolder: a.bankAccountHolder,
                  }
                : {}),
              profileUpdatedAt: now(trx),
            });
          // The catalog shows the roaster's name on every card: its entries follow the approved name.
          if (p && p.companyName !== change.previous.companyName) {
            await trx('catalog_products')
              .where({ partnerId: change.partnerId })
              .update({ partnerName: p.companyName });
            renamed = true;
          }
        }
        const owner = (await trx('partners')
          .where({ id: change.partnerId })
          .first('userId', 'companyName')) as {
          userId: string;
          companyName: string;
        };
        await enqueueNotification(trx, {
          dedupeKey: `profileChange:${input.changeId}:${input.status}`,
          recipientUserId: owner.userId,
          template: input.status === 'approved' ? 'partner_profile_approved' : 'partner_profile_rejected',
          payload: {
            changeId: input.changeId,
            companyName: owner.companyName,
            decisionReason: input.decisionReason ?? null,
            account: change.account !== null,
          },
        });
      });
      if (renamed) await invalidateCatalog(redis, redisPrefix);
    },
  };
}
