import type { SignUpInput, SignUpResult } from '../domain/accounts';
import { User } from '../db/models';
import { recordConsents } from './consents';
import type { ActivityDeps } from './deps';

/** The signUp workflow's activity. */
export function createSignUpActivities({ db }: ActivityDeps) {
  return {
    /**
     * Creates the account and its consent-log lines in one transaction; idempotent: a retry finds its own row by id
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
          })
          .onConflict()
          .ignore()
          .returning('id');
        const mine =
          (Array.isArray(inserted) ? inserted.length > 0 : !!inserted) ||
          (await User.query(trx).findOne({ email: input.email }).select('id'))?.id === input.userId;
        if (!mine) return { ok: false, code: 'EMAIL_TAKEN' };
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
