import type { SignUpInput, SignUpResult } from '../domain/accounts';
import { User } from '../db/models';
import type { ActivityDeps } from './deps';

/** The signUp workflow's activity. */
export function createSignUpActivities({ db }: ActivityDeps) {
  return {
    /** Creates the account; idempotent: a retry finds its own row by id, another account's e-mail is EMAIL_TAKEN. */
    async createAccount(input: SignUpInput): Promise<SignUpResult> {
      const inserted = await User.query(db)
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
      if (Array.isArray(inserted) ? inserted.length > 0 : inserted) return { ok: true, userId: input.userId };
      const existing = await User.query(db).findOne({ email: input.email }).select('id');
      if (existing?.id === input.userId) return { ok: true, userId: input.userId };
      return { ok: false, code: 'EMAIL_TAKEN' };
    },
  };
}
