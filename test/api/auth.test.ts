import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createHash } from 'node:crypto';
import { User } from '../../db/models';
import { Browser } from '../browser';
import { signUpConsents } from '../consents';
import { makeUser, startStack, stopTemporal, uniq, type Stack } from '../harness';
import { signUpHandle } from '../../domain/contracts/signUp';
import { signUpStartContext } from '../../infra/emailDigest';

let stack: Stack;
before(async () => {
  stack = await startStack({ LOGIN_MAX_FAILS_PER_ACCOUNT: '3' });
});
after(async () => {
  await stack.stop();
  await stopTemporal();
});

describe('accounts API (real Temporal, PostgreSQL, Redis)', () => {
  it('signs up through the workflow, stores only a scrypt hash and signs the user in', async () => {
    const b = new Browser(stack.baseUrl);
    const email = `New.User-${uniq()}@Example.com`;
    const res = await b.post<{ id: string; email: string; roles: string[] }>('/api/auth/signup', {
      email,
      password: 'correct-horse-1',
      name: '새 사용자',
      consents: await signUpConsents(b),
    });
    assert.equal(res.status, 201);
    assert.equal(res.body.email, email.toLowerCase());
    assert.deepEqual(res.body.roles, ['customer']);
    const row = await User.query(stack.db).findById(res.body.id);
    assert.match(row!.passwordHash, /^scrypt\$/);
    assert.ok(!row!.passwordHash.includes('correct-horse-1'));

    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('dalgona_sid='))!;
    assert.match(cookie, /httponly/i);
    assert.match(cookie, /samesite=lax/i);
    const me = await b.get<{ id: string }>('/api/auth/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.id, res.body.id);

    // Redis holds the session under a hash of the id, never the id itself.
    const sid = b.cookies.get('dalgona_sid')!;
    const hashed = createHash('sha256').update(sid).digest('base64url');
    assert.ok(await stack.redis.exists(`session:${hashed}`));
    assert.equal(await stack.redis.exists(`session:${sid}`), 0);

    // The workflow is in Temporal under a keyed hash of the e-mail: the id does not show the address.
    const handle = signUpHandle(stack.client, signUpStartContext(stack.config), email);
    assert.match(handle.workflowId, /^signUp:[A-Za-z0-9_-]{43}$/);
    const described = await handle.describe();
    assert.equal(described.status.name, 'COMPLETED');
  });

  it('refuses a taken e-mail with 409 and bad input with 400 field details', async () => {
    const { email } = await makeUser(stack);
    const b = new Browser(stack.baseUrl);
    const dup = await b.post<{ error: { code: string } }>('/api/auth/signup', {
      email,
      password: 'another-pass-1',
      name: 'x',
      consents: await signUpConsents(b),
    });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error.code, 'EMAIL_TAKEN');
    const bad = await b.post<{
      error: { code: string; details: { fields: { path: string; key: string }[] } };
    }>('/api/auth/signup', { email: 'nope', password: 'short', name: '' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'VALIDATION_FAILED');
    assert.deepEqual(Object.fromEntries(bad.body.error.details.fields.map((f) => [f.path, f.key])), {
      email: 'invalid_email',
      password: 'weak_password',
      name: 'required',
      consents: 'consent_required',
    });
  });

  it('logs in and out; a logged-out session is gone from Redis', async () => {
    const { email, password } = await makeUser(stack);
    const b = new Browser(stack.baseUrl);
    const wrong = await b.post<{ error: { code: string } }>('/api/auth/login', {
      email,
      password: 'wrong-password',
    });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error.code, 'INVALID_CREDENTIALS');
    await b.login(email, password);
    const sid = b.cookies.get('dalgona_sid')!;
    assert.equal((await b.post('/api/auth/logout')).status, 200);
    assert.equal((await b.get('/api/auth/me')).status, 401);
    // Replaying the old cookie does not bring the session back.
    const replay = new Browser(stack.baseUrl);
    replay.cookies.set('dalgona_sid', sid);
    assert.equal((await replay.get('/api/auth/me')).status, 401);
  });

  it('rate limits failed logins per account, with Retry-After, even for the right password', async () => {
    const { email, password } = await makeUser(stack);
    const b = new Browser(stack.baseUrl);
    for (let i = 0; i < 3; i++) {
      assert.equal((await b.post('/api/auth/login', { email, password: `wrong-${i}-password` })).status, 401);
    }
    const limited = await b.post<{ error: { code: string } }>('/api/auth/login', { email, password });
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error.code, 'RATE_LIMITED');
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    // Another account from the same address is unaffected.
    const other = await makeUser(stack);
    await new Browser(stack.baseUrl).login(other.email, other.password);
  });

  it('needs the CSRF token on every mutation, and refuses cross-site requests', async () => {
    const b = new Browser(stack.baseUrl);
    const email = `csrf-${uniq()}@example.com`;
    const body = { email, password: 'correct-horse-1', name: 'CSRF' };
    const none = await b.post<{ error: { code: string } }>('/api/auth/signup', body, { csrf: false });
    assert.equal(none.status, 403);
    assert.equal(none.body.error.code, 'CSRF_FAILED');
    const forged = await b.post('/api/auth/signup', body, { csrf: 'forged-token' });
    assert.equal(forged.status, 403);
    const crossSite = await b.post('/api/auth/signup', body, { headers: { 'sec-fetch-site': 'cross-site' } });
    assert.equal(crossSite.status, 403);
    assert.equal(await User.query(stack.db).findOne({ email }), undefined, 'nothing was written');

    // Once signed in, the token is bound to the session: another browser's cookie value does not pass.
    await b.signUp(email);
    const stranger = new Browser(stack.baseUrl);
    await stranger.get('/api/auth/csrf');
    const wrongBinding = await b.post('/api/auth/logout', undefined, {
      csrf: stranger.cookies.get('dalgona_csrf')!,
    });
    assert.equal(wrongBinding.status, 403);
  });

  it('answers unknown routes and wrong methods in the one error shape', async () => {
    const b = new Browser(stack.baseUrl);
    const missing = await b.get<{ error: { code: string } }>('/api/nope');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'NOT_FOUND');
    const method = await b.request<{ error: { code: string } }>('DELETE', '/api/auth/me');
    assert.equal(method.status, 405);
    const notJson = await b.post<{ error: { code: string } }>('/api/auth/login', '{"email":', { raw: true });
    assert.equal(notJson.status, 400);
    assert.equal(notJson.body.error.code, 'INVALID_JSON');
    const form = await b.post<{ error: { code: string } }>('/api/auth/login', 'email=a', {
      raw: true,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(form.status, 415);
  });
});

describe('per-IP login limit', () => {
  let ipStack: Stack;
  before(async () => {
    ipStack = await startStack({ LOGIN_MAX_FAILS_PER_IP: '4', TRUST_PROXY: 'true' });
  });
  after(async () => {
    await ipStack.stop();
  });

  it('blocks an address that fails across many accounts, not other addresses', async () => {
    const attacker = new Browser(ipStack.baseUrl, `203.0.113.${Math.floor(Math.random() * 200) + 1}`);
    for (let i = 0; i < 4; i++) {
      const res = await attacker.post('/api/auth/login', {
        email: `victim${i}-${uniq()}@example.com`,
        password: 'guess-guess',
      });
      assert.equal(res.status, 401);
    }
    assert.equal(
      (await attacker.post('/api/auth/login', { email: `x-${uniq()}@example.com`, password: 'guess-guess' }))
        .status,
      429,
    );
    const user = await makeUser(ipStack);
    const honest = new Browser(ipStack.baseUrl, '198.51.100.7');
    await honest.login(user.email, user.password);
  });
});
