import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { createHash, randomUUID } from 'node:crypto';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import {
  accountDeletionSchema,
  emailVerificationSchema,
  passwordResetRequestSchema,
  passwordResetSchema,
  type AccountMailInput,
  type AccountMailResult,
} from '../../domain/accountLifecycle';
import { startAccountDeletion, startAccountMail } from '../../domain/contracts/account';
import { AppError } from '../../domain/errors';
import { User } from '../../db/models';
import { emailDigest } from '../../infra/emailDigest';
import { hashPassword, verifyPassword } from '../../infra/passwords';
import type { ApiDeps } from '../context';
import { route, type RouteDef } from '../route';
import { createLoginLimiter } from './auth';

// Accounts (docs/architecture.md#accounts): password reset and e-mail verification by mailed links, and 회원 탈퇴.
// Every write is a workflow (accountMail, accountDeletion); the API reads, hashes and waits.

/** The link's token as the database knows it (activities/account.ts hashes the same way). */
const tokenHash = (token: string) => createHash('sha256').update(token).digest('base64url');

/** Account mails (reset, verification) per address / account and per client IP, in Redis. */
function createMailLimiter({ redis, config }: ApiDeps) {
  const duration = Math.ceil(config.account.mailWindowMs / 1000);
  const perAccount = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: 'account-mail',
    points: config.account.mailMaxPerAccount,
    duration,
  });
  const perIp = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: 'account-mail-ip',
    points: config.account.mailMaxPerIp,
    duration,
  });
  return async (key: string, ip: string): Promise<void> => {
    try {
      await perIp.consume(ip);
      await perAccount.consume(key);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      throw new AppError('RATE_LIMITED', 'Too many requests for account mail; try again later', {
        retryAfterSeconds: Math.max(1, Math.ceil(err.msBeforeNext / 1000)),
        reason: 'account_mail_limited',
      });
    }
  };
}

async function runAccountMail(deps: ApiDeps, input: AccountMailInput): Promise<AccountMailResult> {
  const run = await startAccountMail(deps.temporal, deps.config.temporal, input, {
    workflowExecutionTimeout: '1 minute',
  });
  return run.result();
}

function refused(result: AccountMailResult): never {
  throw new AppError('TOKEN_INVALID', 'This link cannot be used', {
    reason: result.ok ? 'token_invalid' : result.reason,
  });
}

export function accountRoutes(deps: ApiDeps): RouteDef[] {
  const limitMail = createMailLimiter(deps);
  const loginLimiter = createLoginLimiter(deps);
  return [
    route({
      method: 'POST',
      path: '/api/auth/password-reset/request',
      summary:
        'Mail a single-use password-reset link to the account with this e-mail; the answer is the same whether or not one exists (rate limited)',
      tag: 'auth',
      access: 'public',
      body: passwordResetRequestSchema,
      status: 202,
      async handler({ ctx, body, deps }) {
        await limitMail(emailDigest(deps.config.workflowIdSecret, body.email), ctx.ip);
        // The workflow looks the address up: the API answers alike (and as fast) for an unknown one.
        await startAccountMail(deps.temporal, deps.config.temporal, {
          kind: 'requestReset',
          requestId: randomUUID(),
          email: body.email,
          ttlMs: deps.config.account.resetTtlMs,
        });
        return { ok: true };
      },
    }),
    route({
      method: 'POST',
      path: '/api/auth/password-reset',
      summary:
        'Set a new password with a reset link: single use, expiring; every session of the account ends',
      tag: 'auth',
      access: 'public',
      body: passwordResetSchema,
      async handler({ ctx, body, deps }) {
        const result = await runAccountMail(deps, {
          kind: 'resetPassword',
          requestId: randomUUID(),
          tokenHash: tokenHash(body.token),
          passwordHash: await hashPassword(body.password),
        });
        if (!result.ok || !result.userId) refused(result);
        await deps.sessions.endAllFor(result.userId).catch(() => undefined);
        if (ctx.state.session) await deps.sessions.destroy(ctx);
        return { ok: true };
      },
    }),
    route({
      method: 'POST',
      path: '/api/auth/verify-email',
      summary: 'Confirm the e-mail address with the link mailed at sign-up (or sent again)',
      tag: 'auth',
      access: 'public',
      body: emailVerificationSchema,
      async handler({ body, deps }) {
        const result = await runAccountMail(deps, {
          kind: 'verifyEmail',
          requestId: randomUUID(),
          tokenHash: tokenHash(body.token),
        });
        if (!result.ok) refused(result);
        return { ok: true, emailVerified: true };
      },
    }),
    route({
      method: 'POST',
      path: '/api/auth/verify-email/resend',
      summary:
        'Mail a new verification link to the signed-in account (older links stop working; rate limited)',
      tag: 'auth',
      access: 'user',
      status: 202,
      async handler({ ctx, deps }) {
        const me = ctx.state.user!;
        if (me.emailVerified) return { sent: false, emailVerified: true };
        await limitMail(`user:${me.id}`, ctx.ip);
        const result = await runAccountMail(deps, {
          kind: 'sendVerification',
          requestId: randomUUID(),
          userId: me.id,
          ttlMs: deps.config.account.verifyTtlMs,
        });
        return { sent: result.ok && !!result.sent, emailVerified: false };
      },
    }),
    route({
      method: 'POST',
      path: '/api/account/delete',
      summary:
        '회원 탈퇴: with the password again; ends every subscription now, erases the cards, anonymises the account (records the law requires are kept apart until their time is up)',
      tag: 'auth',
      access: 'user',
      body: accountDeletionSchema,
      async handler({ ctx, body, deps }) {
        const me = ctx.state.user!;
        if (me.roles.includes('admin') || me.roles.includes('partner')) {
          throw new AppError(
            'ACCOUNT_DELETION_REFUSED',
            'Partner and admin accounts cannot be deleted here',
            {
              reason: me.roles.includes('admin') ? 'admin_account' : 'partner_account',
            },
          );
        }
        await loginLimiter.check(me.email, ctx.ip);
        const user = await User.query(deps.db).findById(me.id).select('passwordHash');
        if (!(await verifyPassword(body.password, user?.passwordHash))) {
          await loginLimiter.failed(me.email, ctx.ip);
          throw new AppError('WRONG_PASSWORD', 'The password is wrong', { reason: 'wrong_password' });
        }
        const run = await startAccountDeletion(
          deps.temporal,
          deps.config.temporal,
          { userId: me.id, retentionMs: { ...deps.config.account.retentionMs } },
          {
            workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
            workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
          },
        );
        const result = await run.result();
        if (!result.ok) {
          throw new AppError('ACCOUNT_DELETION_REFUSED', 'This account cannot be deleted here', {
            reason: result.reason,
          });
        }
        await deps.sessions.endAllFor(me.id).catch(() => undefined);
        await deps.sessions.destroy(ctx);
        return result;
      },
    }),
  ];
}
