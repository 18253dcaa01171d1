import { createHash, randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import {
  accountMailTemplate,
  retentionCategories,
  type AccountMailResult,
  type AccountTokenPurpose,
  type RetentionCategory,
  type RetentionPeriods,
  type RetentionSweepResult,
} from '../domain/accountLifecycle';
import { cancelSubscriptionUpdate, subscriptionHandle } from '../domain/contracts/subscription';
import type { ActivityDeps } from './deps';
import { enqueueNotification } from './outbox';

/** What a mailed link's token is stored as: its SHA-256 (base64url). The token itself is only in the mail. */
export const accountTokenHash = (token: string) => createHash('sha256').update(token).digest('base64url');
/** The associated data the link's token is sealed under in the outbox payload (the notifier opens it to send). */
export const ACCOUNT_TOKEN_AAD = 'account-token';

/** The payload with its sealed link token opened (`token`), for the notifier to render the mail. */
export function withOpenedToken(
  payload: Record<string, unknown>,
  secrets: ActivityDeps['secrets'] | undefined,
): Record<string, unknown> {
  if (typeof payload.sealedToken !== 'string') return payload;
  if (!secrets) throw new Error('cannot open the link without the secret box');
  const { sealedToken, ...rest } = payload;
  return { ...rest, token: secrets.open(sealedToken, ACCOUNT_TOKEN_AAD) };
}

/** The subscriptions a deletion ends (everything not ended already). */
const ENDED = ['canceled', 'card_failed'];
/** Orders whose delivery is over: their address can go (the kept delivery record has it). */
const ORDER_DONE = ['delivered', 'canceled'];

/** A JSON object with every value replaced: the same keys (readers keep working), nothing personal left. */
const ERASED_JSON = `(SELECT coalesce(jsonb_object_agg(k, '(삭제됨)'), '{}'::jsonb) FROM jsonb_object_keys(%s) k)
  || '{"erased": true}'::jsonb`;
const erasedJson = (column: string) => ERASED_JSON.replace('%s', column);

/**
 * Stores a new link for the user (its hash) and queues its mail, in the caller's transaction; idempotent by
 * `requestId` (a retry finds its row and queues nothing new). Older unused links of the same purpose stop working.
 */
export async function issueAccountToken(
  secrets: ActivityDeps['secrets'],
  trx: Knex.Transaction,
  userId: string,
  purpose: AccountTokenPurpose,
  requestId: string,
  ttlMs: number,
): Promise<void> {
  if (await trx('account_tokens').where({ id: requestId }).first('id')) return;
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + ttlMs);
  await trx('account_tokens')
    .where({ userId, purpose })
    .whereNull('usedAt')
    .whereNull('supersededAt')
    .update({ supersededAt: trx.fn.now() });
  await trx('account_tokens').insert({
    id: requestId,
    userId,
    purpose,
    tokenHash: accountTokenHash(token),
    expiresAt,
  });
  await enqueueNotification(trx, {
    dedupeKey: `account-token:${requestId}`,
    recipientUserId: userId,
    template: accountMailTemplate[purpose],
    // Sealed: the outbox never holds a usable link; the notifier opens it when it sends the mail.
    payload: { sealedToken: secrets.seal(token, ACCOUNT_TOKEN_AAD), expiresAt: expiresAt.toISOString() },
  });
}

/** The accountMail, accountDeletion and retentionSweep workflows' activities (docs/architecture.md#accounts). */
export function createAccountActivities({ db, secrets, temporal }: ActivityDeps) {
  return {
    /** 비밀번호 재설정: a link for the account with this e-mail, if there is one (the caller never learns which). */
    async issuePasswordReset(input: {
      requestId: string;
      email: string;
      ttlMs: number;
    }): Promise<AccountMailResult> {
      return db.transaction(async (trx) => {
        const user = (await trx('users')
          .where({ email: input.email.trim().toLowerCase() })
          .whereNull('deletedAt')
          .whereNull('deletionRequestedAt')
          .first('id')) as { id: string } | undefined;
        if (!user) return { ok: true, sent: false };
        await issueAccountToken(secrets, trx, user.id, 'password_reset', input.requestId, input.ttlMs);
        return { ok: true, sent: true };
      });
    },

    /** 이메일 인증: a new verification link, unless the address is verified already. */
    async issueEmailVerification(input: {
      requestId: string;
      userId: string;
      ttlMs: number;
    }): Promise<AccountMailResult> {
      return db.transaction(async (trx) => {
        const user = (await trx('users')
          .where({ id: input.userId })
          .whereNull('deletedAt')
          .first('emailVerifiedAt')) as { emailVerifiedAt: Date | null } | undefined;
        if (!user || user.emailVerifiedAt) return { ok: true, sent: false };
        await issueAccountToken(
          secrets,
          trx,
          input.userId,
          'email_verification',
          input.requestId,
          input.ttlMs,
        );
        return { ok: true, sent: true };
      });
    },

    /**
     * Redeems a link once: a reset sets the new password, counts the address as verified (the mail reached it) and ends
     * every session; a verification marks the address verified. Idempotent: a retry of the same request finds the link
     * used by itself and answers the same.
     */
    async redeemAccountToken(input: {
      purpose: AccountTokenPurpose;
      requestId: string;
      tokenHash: string;
      passwordHash?: string;
    }): Promise<AccountMailResult> {
      return db.transaction(async (trx) => {
        const row = (await trx('account_tokens as t')
          .join('users as u', 'u.id', 't.userId')
          .where('t.tokenHash', input.tokenHash)
          .where('t.purpose', input.purpose)
          .forUpdate()
          .first(
            't.id',
            't.userId',
            't.expiresAt',
            't.usedAt',
            't.usedBy',
            't.supersededAt',
            'u.deletedAt',
            'u.deletionRequestedAt',
            trx.raw('t.expires_at <= now() AS expired'),
          )) as
          | {
              id: string;
              userId: string;
              usedAt: Date | null;
              usedBy: string | null;
              supersededAt: Date | null;
              deletedAt: Date | null;
              deletionRequestedAt: Date | null;
              expired: boolean;
            }
          | undefined;
        if (!row || row.deletedAt || row.deletionRequestedAt) return { ok: false, reason: 'token_invalid' };
        if (row.usedAt) {
          return row.usedBy === input.requestId
            ? { ok: true, userId: row.userId }
            : { ok: false, reason: 'token_used' };
        }
        if (row.supersededAt) return { ok: false, reason: 'token_superseded' };
        if (row.expired) return { ok: false, reason: 'token_expired' };
        await trx('account_tokens')
          .where({ id: row.id })
          .update({ usedAt: trx.fn.now(), usedBy: input.requestId });
        if (input.purpose === 'password_reset') {
          if (!input.passwordHash) throw new Error('a password reset needs the new password');
          await trx('users')
            .where({ id: row.userId })
            .update({
              passwordHash: input.passwordHash,
              emailVerifiedAt: trx.raw('coalesce(email_verified_at, now())'),
              sessionsValidAfter: trx.fn.now(),
              updatedAt: trx.fn.now(),
            });
          await enqueueNotification(trx, {
            dedupeKey: `password-changed:${row.id}`,
            recipientUserId: row.userId,
            template: 'password_changed',
            payload: { at: new Date().toISOString() },
          });
        } else {
          await trx('users')
            .where({ id: row.userId })
            .update({
              emailVerifiedAt: trx.raw('coalesce(email_verified_at, now())'),
              updatedAt: trx.fn.now(),
            });
        }
        return { ok: true, userId: row.userId };
      });
    },

    /**
     * First step of 회원 탈퇴: closes the account to sign-in (every session ends). Partners and admins are refused
     * (their obligations outlive the account: 정산, 검수). A deletion already finished answers as done.
     */
    async beginAccountDeletion(input: {
      userId: string;
    }): Promise<{ ok: true } | { ok: false; reason: 'partner_account' | 'admin_account' | 'no_account' }> {
      return db.transaction(async (trx) => {
        const user = (await trx('users')
          .where({ id: input.userId })
          .forUpdate()
          .first('roles', 'deletedAt')) as { roles: string[]; deletedAt: Date | null } | undefined;
        if (!user) return { ok: false, reason: 'no_account' };
        if (user.deletedAt) return { ok: true };
        if (user.roles.includes('admin')) return { ok: false, reason: 'admin_account' };
        if (user.roles.includes('partner')) return { ok: false, reason: 'partner_account' };
        await trx('users')
          .where({ id: input.userId })
          .update({
            deletionRequestedAt: trx.raw('coalesce(deletion_requested_at, now())'),
            sessionsValidAfter: trx.fn.now(),
            updatedAt: trx.fn.now(),
          });
        return { ok: true };
      });
    },

    /**
     * Ends every live subscription of the user now, each through its workflow's cancel Update with the customer as
     * actor (no further charge; a paid cycle not shipped yet is withdrawn by the workflow). Idempotent: one already
     * ended is skipped; a refusal while it still lives fails the attempt, and the retry tries again.
     */
    async endSubscriptionsForDeletion(input: { userId: string }): Promise<{ canceled: number }> {
      const live = (await db('subscriptions')
        .where({ customerId: input.userId })
        .whereNotIn('status', ENDED)
        .select('id')) as { id: string }[];
      let canceled = 0;
      for (const { id } of live) {
        try {
          await subscriptionHandle(temporal, id).executeUpdate(cancelSubscriptionUpdate, {
            args: [
              {
                actor: { userId: input.userId, roles: ['customer'] },
                args: { when: 'now', reason: '회원 탈퇴' },
              },
            ],
          });
          canceled += 1;
        } catch (err) {
          const row = (await db('subscriptions').where({ id }).first('status')) as
            { status: string } | undefined;
          if (row && ENDED.includes(row.status)) continue;
          throw err;
        }
      }
      // The workflows write their rows; wait until every one reads as ended before anything is anonymised.
      const stillLive = await db('subscriptions')
        .where({ customerId: input.userId })
        .whereNotIn('status', ENDED)
        .first('id');
      if (stillLive) throw new Error(`subscription ${(stillLive as { id: string }).id} has not ended yet`);
      return { canceled };
    },

    /**
     * 회원 탈퇴's last step, one transaction: billing keys erased; the records the 전자상거래법 requires kept, with the
     * personal data they need, copied into `account_retention` with their erase dates; then the account, addresses of
     * ended subscriptions and finished orders, notification settings and messages, and links anonymised or deleted.
     * Idempotent: a finished deletion changes nothing.
     */
    async anonymiseAccount(input: {
      userId: string;
      retentionMs: RetentionPeriods;
    }): Promise<{ erasedCards: number }> {
      return db.transaction(async (trx) => {
        const user = (await trx('users')
          .where({ id: input.userId })
          .forUpdate()
          .first('id', 'email', 'name', 'phone', 'deletedAt')) as
          | { id: string; email: string; name: string; phone: string | null; deletedAt: Date | null }
          | undefined;
        if (!user || user.deletedAt) return { erasedCards: 0 };
        const uid = user.id;
        const identity = { name: user.name, email: user.email, phone: user.phone };
        const records: Record<RetentionCategory, unknown[]> = {
          contract: await trx('subscriptions')
            .where({ customerId: uid })
            .orderBy('startedAt')
            .select(
              'id',
              'productId',
              'partnerId',
              'productName',
              'grams',
              'grind',
              'quantity',
              'cycleWeeks',
              'amount',
              'shipTo',
              'status',
              'startedAt',
              'canceledAt',
            ),
          payment: await trx('payments')
            .where({ customerId: uid })
            .orderBy('approvedAt')
            .select(
              'id',
              'orderId',
              'orderName',
              'amount',
              'refundedAmount',
              'status',
              'cardMasked',
              'approvedAt',
            ),
          delivery: await trx('fulfilmentOrders')
            .where({ customerId: uid })
            .orderBy('createdAt')
            .select(
              'id',
              'paymentId',
              'productName',
              'shipTo',
              'status',
              'carrier',
              'trackingNumber',
              'shippedAt',
              'deliveredAt',
            ),
          complaint: await trx('refunds as r')
            .join('payments as p', 'p.id', 'r.paymentId')
            .where('p.customerId', uid)
            .orderBy('r.createdAt')
            .select('r.id', 'r.paymentId', 'r.amount', 'r.reason', 'r.status', 'r.createdAt', 'r.doneAt'),
        };
        const now = Date.now();
        const rows = retentionCategories
          .filter((c) => c === 'contract' || records[c].length > 0)
          .map((category) => ({
            userId: uid,
            category,
            record: JSON.stringify({ identity, items: records[category] }),
            eraseAfter: new Date(now + input.retentionMs[category]),
          }));
        await trx('account_retention').insert(rows).onConflict(['userId', 'category']).ignore();

        const erasedCards = await trx('cards')
          .where({ userId: uid })
          .whereNotNull('billingKeyEnc')
          .update({ billingKeyEnc: null, removedAt: trx.raw('coalesce(removed_at, now())') });
        await trx('subscriptions')
          .where({ customerId: uid })
          .whereIn('status', ENDED)
          .update({ shipTo: trx.raw(erasedJson('ship_to')), updatedAt: trx.fn.now() });
        await trx('fulfilmentOrders')
          .where({ customerId: uid })
          .whereIn('status', ORDER_DONE)
          .update({ shipTo: trx.raw(erasedJson('ship_to')) });
        // The address book goes whole (orders and subscriptions carry their own copy, handled above).
        await trx('addresses').where({ userId: uid }).delete();
        await trx('notification_preferences').where({ userId: uid }).delete();
        await trx('notification_deliveries').where({ recipientUserId: uid }).delete();
        await trx('outbox').where({ recipientUserId: uid }).delete();
        await trx('account_tokens').where({ userId: uid }).delete();
        await trx('users')
          .where({ id: uid })
          .update({
            email: `deleted-${uid}@deleted.invalid`,
            name: '탈퇴한 회원',
            phone: null,
            passwordHash: '!deleted',
            emailVerifiedAt: null,
            deletedAt: trx.fn.now(),
            sessionsValidAfter: trx.fn.now(),
            updatedAt: trx.fn.now(),
          });
        return { erasedCards };
      });
    },

    /**
     * The retention Schedule's sweep: erases every kept record whose time is up, and the addresses of deleted
     * accounts' orders that were still on their way at deletion and have since been delivered or cancelled.
     */
    async sweepRetention(): Promise<RetentionSweepResult> {
      return db.transaction(async (trx) => {
        const erased = await trx('account_retention')
          .whereNull('erasedAt')
          .where('eraseAfter', '<=', trx.fn.now())
          .update({ record: null, erasedAt: trx.fn.now() });
        const scrubbedOrders = await trx('fulfilmentOrders as f')
          .whereIn('f.status', ORDER_DONE)
          .whereRaw(`f.ship_to->>'erased' IS NULL`)
          .whereExists(
            trx('users as u')
              .whereRaw('u.id = f.customer_id')
              .whereNotNull('u.deletedAt')
              .select(trx.raw('1')),
          )
          .update({ shipTo: trx.raw(erasedJson('ship_to')) });
        // Notices the ended subscriptions emitted after the deletion (never sent: the notifier skips deleted accounts).
        const late = trx('outbox as o')
          .join('users as u', 'u.id', 'o.recipientUserId')
          .whereNotNull('u.deletedAt')
          .select('o.id');
        await trx('notification_deliveries').whereIn('outboxId', late.clone()).delete();
        await trx('outbox').whereIn('id', late).delete();
        return { erased, scrubbedOrders };
      });
    },
  };
}
