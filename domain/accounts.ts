import { z } from 'zod';
import { signUpConsentsSchema, type ConsentRecord } from './legal';
import { plainText } from './validation';

/** The roles an account can hold; a partner and an admin are customers too. */
export const roles = ['customer', 'partner', 'admin'] as const;
export type Role = (typeof roles)[number];

export const emailSchema = z
  .string({ error: 'required' })
  .trim()
  .toLowerCase()
  .min(1, 'required')
  .max(254, 'too_long')
  .pipe(z.email({ error: 'invalid_email' }));

/** Sign-up form: e-mail, password (10–200 chars), display name, and the consents with the versions they agree to. */
export const signUpSchema = z.strictObject({
  email: emailSchema,
  password: z.string({ error: 'required' }).min(10, 'weak_password').max(200, 'too_long'),
  name: plainText('required').min(1, 'required').max(60, 'too_long'),
  consents: signUpConsentsSchema,
});
export type SignUpForm = z.infer<typeof signUpSchema>;

export const loginSchema = z.strictObject({
  email: emailSchema,
  password: z.string({ error: 'required' }).min(1, 'required').max(200, 'too_long'),
});
export type LoginForm = z.infer<typeof loginSchema>;

/** The signed-in account as the API and UI see it. */
export interface Me {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  partnerId: string | null;
  /** The e-mail address was confirmed by its link (or a password reset through it). */
  emailVerified: boolean;
}

/** Input of the `signUp` workflow: the password arrives already hashed (scrypt) by the API. */
export interface SignUpInput {
  userId: string;
  email: string;
  name: string;
  passwordHash: string;
  roles: Role[];
  /** The consent log's lines, written with the account (absent in runs started before consents were asked for). */
  consents?: ConsentRecord[];
  /**
   * The address is known to be the person's (seeded demo accounts, accounts made by operators): no verification mail.
   * Otherwise the account starts unverified and a verification link is mailed with it.
   */
  emailVerified?: boolean;
  /** How long the verification link works (absent in runs started before verification: the default, 7 days). */
  verifyTtlMs?: number;
}

/** Result of the `signUp` workflow: a taken e-mail is a business outcome, not an exception. */
export type SignUpResult = { ok: true; userId: string } | { ok: false; code: 'EMAIL_TAKEN' };
