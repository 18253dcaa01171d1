import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import { RateLimiterRedis, type RateLimiterRes } from 'rate-limiter-flexible';
import { loginSchema, signUpSchema } from '../../domain/accounts';
import { startSignUp } from '../../domain/contracts/signUp';
import { AppError } from '../../domain/errors';
import { User } from '../../db/models';
import { hashPassword, verifyPassword } from '../../infra/passwords';
import type { ApiDeps } from '../context';
import { route, type RouteDef } from '../route';
import { emailDigest, signUpStartContext } from '../../infra/emailDigest';
import { legalLibrary } from '../../infra/legal';
import { signUpConsentRecords } from '../consents';

/** Login throttles: failures per account and per client IP, in Redis (so every API instance shares them). */
export function createLoginLimiter({ redis, config }: ApiDeps) {
  const duration = Math.ceil(config.login.windowMs / 1000);
  const byAccount = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: 'login-fail-account',
    points: config.login.maxFailsPerAccount,
    duration,
    blockDuration: duration,
  });
  const byIp = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: 'login-fail-ip',
    points: config.login.maxFailsPerIp,
    duration,
    blockDuration: duration,
  });
  const limited = (res: RateLimiterRes | null, points: number) =>
    res !== null && res.consumedPoints >= points;
  const tooMany = (res: RateLimiterRes | null) =>
    new AppError('RATE_LIMITED', 'Too many failed sign-in attempts; try again later', {
      retryAfterSeconds: Math.max(1, Math.ceil((res?.msBeforeNext ?? config.login.windowMs) / 1000)),
    });

  // Keyed by a digest of the address: Redis never holds the e-mails people tried.
  const account = (email: string) => emailDigest(config.workflowIdSecret, email);

  return {
    async check(email: string, ip: string): Promise<void> {
      const [acct, addr] = await Promise.all([byAccount.get(account(email)), byIp.get(ip)]);
      if (limited(acct, config.login.maxFailsPerAccount)) throw tooMany(acct);
      if (limited(addr, config.login.maxFailsPerIp)) throw tooMany(addr);
    },
    async failed(email: string, ip: string): Promise<void> {
      await Promise.allSettled([byAccount.penalty(account(email), 1), byIp.penalty(ip, 1)]);
    },
    async succeeded(email: string): Promise<void> {
      await byAccount.delete(account(email)).catch(() => undefined);
    },
  };
}

export function authRoutes(deps: ApiDeps): RouteDef[] {
  const limiter = createLoginLimiter(deps);
  return [
    route({
      method: 'POST',
      path: '/api/auth/signup',
      summary:
        'Create a customer account and sign in (carried out by the signUp workflow, which records the consents with it)',
      tag: 'auth',
      access: 'public',
      body: signUpSchema,
      status: 201,
      async handler({ ctx, body, deps: { temporal, config, db, sessions } }) {
        if (await User.query(db).findOne({ email: body.email }).select('id')) {
          throw new AppError('EMAIL_TAKEN', 'An account with this e-mail already exists');
        }
        const consents = signUpConsentRecords(legalLibrary(config.legal.dir), body.consents, new Date());
        const userId = randomUUID();
        let result;
        try {
          const run = await startSignUp(
            temporal,
            signUpStartContext(config),
            {
              userId,
              email: body.email,
              name: body.name,
              passwordHash: await hashPassword(body.password),
              roles: ['customer'],
              consents,
              verifyTtlMs: config.account.verifyTtlMs,
            },
            {
              // A finished sign-up does not hold the address: a deleted account's e-mail can sign up again (the
              // activity refuses an address in use).
              workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
              workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
              workflowExecutionTimeout: '1 minute',
            },
          );
          result = await run.result();
        } catch (err) {
          if (err instanceof WorkflowExecutionAlreadyStartedError) {
            throw new AppError('EMAIL_TAKEN', 'An account with this e-mail already exists');
          }
          throw err;
        }
        if (!result.ok) throw new AppError('EMAIL_TAKEN', 'An account with this e-mail already exists');
        return sessions.create(ctx, result.userId, {
          id: result.userId,
          email: body.email,
          name: body.name,
          roles: ['customer'],
          partnerId: null,
          emailVerified: false,
        });
      },
    }),
    route({
      method: 'POST',
      path: '/api/auth/login',
      summary: 'Sign in with e-mail and password (rate limited per account and per IP)',
      tag: 'auth',
      access: 'public',
      body: loginSchema,
      async handler({ ctx, body, deps: { db, sessions } }) {
        const ip = ctx.ip;
        await limiter.check(body.email, ip);
        const user = await User.query(db)
          .findOne({ email: body.email })
          .whereNull('deletedAt')
          .whereNull('deletionRequestedAt')
          .select('id', 'passwordHash');
        const ok = await verifyPassword(body.password, user?.passwordHash);
        if (!user || !ok) {
          await limiter.failed(body.email, ip);
          throw new AppError('INVALID_CREDENTIALS', 'E-mail or password is wrong');
        }
        await limiter.succeeded(body.email);
        return sessions.create(ctx, user.id);
      },
    }),
    route({
      method: 'POST',
      path: '/api/auth/logout',
      summary: 'Sign out',
      tag: 'auth',
      access: 'public',
      async handler({ ctx, deps: { sessions } }) {
        await sessions.destroy(ctx);
        return { ok: true };
      },
    }),
    route({
      method: 'GET',
      path: '/api/auth/csrf',
      summary: 'Issues the CSRF cookie (dalgona_csrf) to send back as X-CSRF-Token on mutations',
      tag: 'auth',
      access: 'public',
      async handler() {
        return { ok: true };
      },
    }),
    route({
      method: 'GET',
      path: '/api/auth/me',
      summary: 'The signed-in account',
      tag: 'auth',
      access: 'user',
      async handler({ ctx }) {
        return ctx.state.user;
      },
    }),
  ];
}
