import { createHash, randomBytes } from 'node:crypto';
import type { Me, Role } from '../domain/accounts';
import type { ApiContext, ApiDeps, SessionData } from './context';

type CookieOptions = NonNullable<Parameters<ApiContext['cookies']['set']>[2]>;

export const SESSION_COOKIE = 'dalgona_sid';
export const CSRF_COOKIE = 'dalgona_csrf';

const token = () => randomBytes(32).toString('base64url');
// Redis holds only a hash of the session id: a leaked Redis dump cannot be replayed as a cookie.
const redisKey = (sid: string) => `session:${createHash('sha256').update(sid).digest('base64url')}`;
// The keys of a user's sessions, so a password reset or a deletion can end them all at once.
const userSetKey = (userId: string) => `user-sessions:${userId}`;

/** Redis-backed sessions behind an opaque, httpOnly, SameSite cookie. */
export function createSessions({ redis, config, db }: ApiDeps) {
  const ttlSeconds = Math.ceil(config.sessionTtlMs / 1000);
  const cookieBase = {
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: config.cookieSecure,
    path: '/',
    overwrite: true,
  };

  /** Sets a cookie; `Secure` when the public URL is https, even if TLS ends at a proxy this process does not trust. */
  function setCookie(ctx: ApiContext, name: string, value: string | null, opts: CookieOptions): void {
    if (config.cookieSecure) ctx.cookies.secure = true;
    ctx.cookies.set(name, value, opts);
  }

  function setCsrfCookie(ctx: ApiContext, value: string): void {
    // Readable by our own script (double submit); SameSite=Strict keeps other sites from sending it.
    setCookie(ctx, CSRF_COOKIE, value, {
      ...cookieBase,
      httpOnly: false,
      sameSite: 'strict',
      maxAge: config.sessionTtlMs,
    });
  }

  return {
    setCsrfCookie,

    /** Loads the session and its user; a Redis outage leaves the request anonymous and flagged. */
    async load(ctx: ApiContext): Promise<void> {
      ctx.state.session = null;
      ctx.state.user = null;
      ctx.state.sessionUnavailable = false;
      const sid = ctx.cookies.get(SESSION_COOKIE);
      if (!sid || sid.length > 100) return;
      const key = redisKey(sid);
      let raw: string | null;
      try {
        raw = await redis.get(key);
      } catch {
        ctx.state.sessionUnavailable = true;
        return;
      }
      if (!raw) return;
      const data = JSON.parse(raw) as SessionData;
      const user = await loadMe(db, data.userId, data.createdAt);
      if (!user) {
        // A deleted account, or a session from before a password reset: it ends here for good.
        redis.del(key).catch(() => undefined);
        return;
      }
      ctx.state.session = { ...data, key };
      ctx.state.user = user;
      // Sliding expiry, refreshed at most once an hour.
      if (Date.now() - data.createdAt > 3_600_000) {
        redis.expire(key, ttlSeconds).catch(() => undefined);
      }
    },

    /**
     * Starts a fresh session (new id, new CSRF token) for a user who just proved who they are. `known`: the account
     * as just created, so a sign-up does not read its own write back (the API may read from a lagging replica).
     */
    async create(ctx: ApiContext, userId: string, known?: Me): Promise<Me> {
      if (ctx.state.session) await redis.del(ctx.state.session.key).catch(() => undefined);
      const sid = token();
      const data: SessionData = { userId, csrf: token(), createdAt: Date.now() };
      await redis.set(redisKey(sid), JSON.stringify(data), 'EX', ttlSeconds);
      await redis
        .multi()
        .sadd(userSetKey(userId), redisKey(sid))
        .expire(userSetKey(userId), ttlSeconds)
        .exec()
        .catch(() => undefined);
      setCookie(ctx, SESSION_COOKIE, sid, { ...cookieBase, maxAge: config.sessionTtlMs });
      setCsrfCookie(ctx, data.csrf);
      const me = known ?? (await loadMe(db, userId));
      if (!me) throw new Error(`user ${userId} vanished after sign-in`);
      ctx.state.session = { ...data, key: redisKey(sid) };
      ctx.state.user = me;
      return me;
    },

    /**
     * Ends every session of a user (after a password reset or a deletion). The account's `sessions_valid_after`
     * already refuses them; this removes them from Redis too.
     */
    async endAllFor(userId: string): Promise<void> {
      const keys = await redis.smembers(userSetKey(userId));
      await redis.del(...keys, userSetKey(userId));
    },

    /** Ends the session everywhere it is stored. */
    async destroy(ctx: ApiContext): Promise<void> {
      if (ctx.state.session) await redis.del(ctx.state.session.key);
      setCookie(ctx, SESSION_COOKIE, null, { ...cookieBase, maxAge: 0 });
      setCsrfCookie(ctx, token());
      ctx.state.session = null;
      ctx.state.user = null;
    },
  };
}
export type Sessions = ReturnType<typeof createSessions>;

const ME_SQL = `SELECT u.id, u.email, u.name, u.roles, p.id AS "partnerId",
    u.email_verified_at IS NOT NULL AS "emailVerified"
  FROM users u LEFT JOIN partners p ON p.user_id = u.id
  WHERE u.id = ? AND u.deleted_at IS NULL AND u.deletion_requested_at IS NULL
    AND (u.sessions_valid_after IS NULL OR u.sessions_valid_after <= to_timestamp(?::double precision / 1000))
  LIMIT 1`;

/**
 * The signed-in account with its partner id, read from the read-only pool; null for an account deleted (or being
 * deleted), or when the session began (`since`, ms) before the account's sessions were ended (a password reset).
 */
export async function loadMe(db: ApiDeps['db'], userId: string, since = Date.now()): Promise<Me | null> {
  // One round trip for every signed-in request (a partner's id comes with the account), as fixed SQL: the query
  // builder's per-request compile was a measurable share of a cached dashboard answer.
  const user = (await db.raw(ME_SQL, [userId, since])).rows[0] as
    | {
        id: string;
        email: string;
        name: string;
        roles: string[];
        partnerId: string | null;
        emailVerified: boolean;
      }
    | undefined;
  if (!user) return null;
  const partner = user.roles.includes('partner') && user.partnerId ? { id: user.partnerId } : undefined;
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    roles: user.roles as Role[],
    partnerId: partner?.id ?? null,
    emailVerified: user.emailVerified,
  };
}

export { token as newToken };
