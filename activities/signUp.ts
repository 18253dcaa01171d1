import type { SignUpInput, SignUpResult } from '../domain/accounts';
import { User } from '../db/models';
import { recordConsents } from './consents';
import { issueAccountToken } from './account';
import type { ActivityDeps } from './deps';

const DEFAULT_VERIFY_TTL_MS = 7 * 24 * 3600_000;

/** The signUp workflow's activity. */
export function createSignUpActivities({ db, secrets }: ActivityDeps) {
  return {
    /**
     * Creates the account, its consent-log lines and (unless the address is known good) its verification link and
     * mail in one transaction; idempotent: a retry finds its own row by id
     * (its consents are one per kind), another account's e-mail is EMAIL_TAKEN and writes nothing.
     */
    async createAccount(input: SignUpInput): Promise<SignUpResult> {
      return db.transaction(async (trx) => {
        const inserted = await User.query(trx)
          .insert({
            id: input.userId,
            email: input.email,
            name: input.name,
            passwordHash: input.passwordHash,
            roles: input.roles,
            emailVerifiedAt: input.emailVerified ? trx.fn.now() : null,
          })
          .onConflict()
          .ignore()
          .returning('id');
        const mine =
          (Array.isArray(inserted) ? inserted.length > 0 : !!inserted) ||
          (await User.query(trx).findOne({ email: input.email }).select('id'))?.id === input.userId;
        if (!mine) return { ok: false, code: 'EMAIL_TAKEN' };
        // The verification link goes out with the account (its id is the account's: a retry queues nothing new).
        if (!input.emailVerified) {
          await issueAccountToken(
            secrets,
            trx,
            input.userId,
            'email_verification',
            input.userId,
            input.verifyTtlMs ?? DEFAULT_VERIFY_TTL_MS,
          );
        }
        await recordConsents(
          trx,
          { userId: input.userId, source: 'signup', sourceId: input.userId },
          input.consents,
        );
        return { ok: true, userId: input.userId };
      });
    },
  };
}
