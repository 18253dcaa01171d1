// An account's life after sign-up (docs/architecture.md#accounts): e-mail verification and password reset by mailed,
// single-use, expiring links (stored hashed), and 회원 탈퇴 — every subscription ended, billing keys erased, personal
// data anonymised at once except what the 전자상거래법 §6 requires to keep, kept apart until its time is up.
import { z } from 'zod';
import { emailSchema } from './accounts';

/** What a mailed link is for. */
export const accountTokenPurposes = ['password_reset', 'email_verification'] as const;
export type AccountTokenPurpose = (typeof accountTokenPurposes)[number];

/** The outbox template of each purpose's mail (notifications/templates/account.ts). */
export const accountMailTemplate: Record<AccountTokenPurpose, string> = {
  password_reset: 'password_reset',
  email_verification: 'email_verification',
};

/** Why a link was refused (each has an `err.reason.<key>` message in the UI). */
export const tokenRefusals = ['token_invalid', 'token_used', 'token_expired', 'token_superseded'] as const;
export type TokenRefusal = (typeof tokenRefusals)[number];

/** The records a deleted account keeps, and for how long (전자상거래법 시행령 §6). */
export const retentionCategories = ['contract', 'payment', 'delivery', 'complaint'] as const;
export type RetentionCategory = (typeof retentionCategories)[number];
export type RetentionPeriods = Record<RetentionCategory, number>;

/** A link's token as it travels in a URL: 43 base64url characters (32 random bytes). */
export const accountTokenSchema = z
  .string({ error: 'required' })
  .trim()
  .regex(/^[A-Za-z0-9_-]{43}$/, 'invalid_token');

export const passwordSchema = z.string({ error: 'required' }).min(10, 'weak_password').max(200, 'too_long');

/** 비밀번호를 잊으셨나요?: the address to send the link to. */
export const passwordResetRequestSchema = z.strictObject({ email: emailSchema });
/** The reset page: the link's token and the new password. */
export const passwordResetSchema = z.strictObject({ token: accountTokenSchema, password: passwordSchema });
/** The verification page: the link's token. */
export const emailVerificationSchema = z.strictObject({ token: accountTokenSchema });
/** 회원 탈퇴: the current password again, and the explicit confirmation. */
export const accountDeletionSchema = z.strictObject({
  password: z.string({ error: 'required' }).min(1, 'required').max(200, 'too_long'),
  confirm: z.literal(true, { error: 'required' }),
});

/** What the accountMail workflow does: one mail with a fresh link, or one link redeemed. */
export type AccountMailInput =
  | { kind: 'requestReset'; requestId: string; email: string; ttlMs: number }
  | { kind: 'sendVerification'; requestId: string; userId: string; ttlMs: number }
  | { kind: 'resetPassword'; requestId: string; tokenHash: string; passwordHash: string }
  | { kind: 'verifyEmail'; requestId: string; tokenHash: string };

export type AccountMailResult =
  { ok: true; userId?: string; sent?: boolean } | { ok: false; reason: TokenRefusal };

/** Input of the accountDeletion workflow (one per user). */
export interface AccountDeletionInput {
  userId: string;
  retentionMs: RetentionPeriods;
}

export type AccountDeletionResult =
  | { ok: true; canceledSubscriptions: number; erasedCards: number }
  | { ok: false; reason: 'partner_account' | 'admin_account' | 'no_account' };

export interface RetentionSweepResult {
  erased: number;
  scrubbedOrders: number;
}

/** The Schedule that erases kept records whose time is up. */
export const RETENTION_SCHEDULE_ID = 'retentionSweep';
