// Accounts end to end against the real stack: the password-reset and verification links arrive by mail (MailDev) and
// work once, an expired link is refused, a reset ends every session; 회원 탈퇴 cancels every subscription (no further
// charge), erases billing keys, anonymises the account (no sign-in, the e-mail free again) and keeps the records the
// law requires apart until the retention Schedule erases them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { accountDeletionStartOptions, type AccountDeletionWorkflow } from '../../domain/contracts/account';
import { customerKeyFor } from '../../domain/subscription';
import type { Me } from '../../domain/accounts';
import { ensureNotifier } from '../../worker/notifier';
import { ensureRetentionSchedule } from '../../worker/accountSchedule';
import { Browser } from '../browser';
import { checkoutConsents } from '../consents';
import {
  eventually,
  makePartner,
  makeUser,
  publishProduct,
  startStack,
  stopTemporal,
  uniq,
  type Stack,
} from '../harness';
import { startMailDev, type MailDev } from '../notifications/mail';

const PUBLIC_URL = 'http://dalgona.test:8080';
const RESET_TTL_S = 12;

let stack: Stack;
let mail: MailDev;
let admin: Awaited<ReturnType<typeof makeUser>>;
let partner: Awaited<ReturnType<typeof makePartner>>;
let productId: string;

before(async () => {
  mail = await startMailDev();
  stack = await startStack({
    SMTP_URL: `smtp://127.0.0.1:${mail.smtpPort}`,
    PUBLIC_URL,
    NOTIFY_POLL_INTERVAL: '100ms',
    PASSWORD_RESET_TTL: `${RESET_TTL_S}s`,
    ACCOUNT_MAIL_MAX_PER_ACCOUNT: '3',
    SUBSCRIPTION_WEEK: '2s',
    RETENTION_CONTRACT: '4s',
    RETENTION_PAYMENT: '4s',
    RETENTION_DELIVERY: '4s',
    RETENTION_COMPLAINT: '3s',
    RETENTION_SWEEP_INTERVAL: '1s',
  });
  await ensureNotifier(stack.client, stack.config);
  admin = await makeUser(stack, ['customer', 'admin']);
  partner = await makePartner(stack, admin.me.id);
  productId = await publishProduct(stack, partner.browser, admin.me.id);
});
after(async () => {
  await stack.stop();
  await mail.stop();
  await stopTemporal();
});

/** The token of the newest mailed link to `path` for `address` (waits for the mail). */
async function linkToken(address: string, path: string, after = 0): Promise<string> {
  const re = new RegExp(`${PUBLIC_URL.replace(/[.:/]/g, '\\$&')}${path}\\?token=([A-Za-z0-9_-]{43})`);
  const mails = await eventually(async () => {
    const all = (await mail.to(address)).filter((m) => re.test(m.text));
    return all.length > after ? all : null;
  }, 20_000);
  return re.exec(mails.at(-1)!.text)![1]!;
}

async function signUp(): Promise<{ browser: Browser; me: Me; email: string }> {
  const browser = new Browser(stack.baseUrl);
  const email = `acct-${uniq()}@example.com`;
  const me = await browser.signUp(email, 'correct-horse-1');
  return { browser, me, email };
}

describe('password reset by mail', () => {
  it('answers the same for an unknown address, mails a single-use link, ends every session', async () => {
    const { browser, email } = await signUp();
    const other = new Browser(stack.baseUrl);
    await other.login(email, 'correct-horse-1');
    const anon = new Browser(stack.baseUrl);
    const known = await anon.post('/api/auth/password-reset/request', { email });
    const unknown = await anon.post('/api/auth/password-reset/request', {
      email: `nobody-${uniq()}@example.com`,
    });
    assert.equal(known.status, 202);
    assert.deepEqual([unknown.status, unknown.body], [known.status, known.body]);

    const token = await linkToken(email, '/reset-password');
    const subject = (await mail.to(email)).find((m) => m.text.includes('/reset-password'))!.subject;
    assert.equal(subject, '[달고나] 비밀번호 재설정 안내');
    // Stored hashed: the database has no copy of the token, the outbox only a sealed one.
    const stored = await stack.db('account_tokens').where({ purpose: 'password_reset' }).select('tokenHash');
    assert.ok(stored.every((r: { tokenHash: string }) => r.tokenHash !== token));
    const outbox = JSON.stringify(
      await stack.db('outbox').where({ template: 'password_reset' }).select('payload'),
    );
    assert.ok(!outbox.includes(token));

    const weak = await anon.post('/api/auth/password-reset', { token, password: 'short' });
    assert.equal(weak.status, 400);
    const ok = await anon.post('/api/auth/password-reset', { token, password: 'brand-new-pass-1' });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    // Every session of the account ended, on both devices.
    assert.equal((await browser.get('/api/auth/me')).status, 401);
    assert.equal((await other.get('/api/auth/me')).status, 401);
    const old = await new Browser(stack.baseUrl).post('/api/auth/login', {
      email,
      password: 'correct-horse-1',
    });
    assert.equal(old.status, 401);
    const me = await new Browser(stack.baseUrl).login(email, 'brand-new-pass-1');
    assert.equal(me.email, email);
    assert.equal(me.emailVerified, true, 'the reset link reached the address: it counts as verified');
    // Single use.
    const again = await anon.post<{ error: { code: string; details: { reason: string } } }>(
      '/api/auth/password-reset',
      { token, password: 'another-pass-12' },
    );
    assert.equal(again.status, 400);
    assert.equal(again.body.error.code, 'TOKEN_INVALID');
    assert.equal(again.body.error.details.reason, 'token_used');
    // A notice that the password changed goes to the address.
    await eventually(async () => (await mail.to(email)).some((m) => m.subject.includes('비밀번호가 변경')));
  });

  it('refuses an expired link, one replaced by a newer one, and one never issued', async () => {
    const { email } = await signUp();
    const anon = new Browser(stack.baseUrl);
    assert.equal((await anon.post('/api/auth/password-reset/request', { email })).status, 202);
    const first = await linkToken(email, '/reset-password');
    assert.equal((await anon.post('/api/auth/password-reset/request', { email })).status, 202);
    const second = await linkToken(email, '/reset-password', 1);
    assert.notEqual(first, second);
    const reason = async (token: string) =>
      (
        await anon.post<{ error: { code: string; details: { reason: string } } }>(
          '/api/auth/password-reset',
          {
            token,
            password: 'brand-new-pass-1',
          },
        )
      ).body.error?.details.reason;
    assert.equal(await reason(first), 'token_superseded');
    assert.equal(await reason('A'.repeat(43)), 'token_invalid');
    await new Promise((r) => setTimeout(r, (RESET_TTL_S + 1) * 1000));
    assert.equal(await reason(second), 'token_expired');
    // Still the old password.
    await new Browser(stack.baseUrl).login(email, 'correct-horse-1');
  });

  it('is rate limited per address (the answer says when to try again)', async () => {
    const email = `limited-${uniq()}@example.com`;
    const anon = new Browser(stack.baseUrl);
    for (let i = 0; i < 3; i++)
      assert.equal((await anon.post('/api/auth/password-reset/request', { email })).status, 202);
    const res = await anon.post<{ error: { code: string; details: { retryAfterSeconds: number } } }>(
      '/api/auth/password-reset/request',
      { email },
    );
    assert.equal(res.status, 429);
    assert.equal(res.body.error.code, 'RATE_LIMITED');
    assert.ok(res.body.error.details.retryAfterSeconds > 0);
  });
});

describe('e-mail verification', () => {
  it('mails a link at sign-up; the account is unverified until it is used, once', async () => {
    const { browser, me, email } = await signUp();
    assert.equal(me.emailVerified, false);
    const token = await linkToken(email, '/verify-email');
    assert.equal((await browser.get<Me>('/api/auth/me')).body.emailVerified, false);
    // A new link replaces the first one.
    const resent = await browser.post<{ sent: boolean }>('/api/auth/verify-email/resend');
    assert.equal(resent.status, 202);
    assert.equal(resent.body.sent, true);
    const fresh = await linkToken(email, '/verify-email', 1);
    const old = await new Browser(stack.baseUrl).post<{ error: { details: { reason: string } } }>(
      '/api/auth/verify-email',
      { token },
    );
    assert.equal(old.body.error.details.reason, 'token_superseded');
    const ok = await new Browser(stack.baseUrl).post('/api/auth/verify-email', { token: fresh });
    assert.equal(ok.status, 200);
    assert.equal((await browser.get<Me>('/api/auth/me')).body.emailVerified, true);
    const twice = await new Browser(stack.baseUrl).post<{ error: { details: { reason: string } } }>(
      '/api/auth/verify-email',
      { token: fresh },
    );
    assert.equal(twice.status, 400);
    assert.equal(twice.body.error.details.reason, 'token_used');
    const none = await browser.post<{ sent: boolean }>('/api/auth/verify-email/resend');
    assert.equal(none.body.sent, false);
  });

  it('seeded-style accounts (made verified) get no verification mail', async () => {
    const u = await makeUser(stack);
    assert.equal(u.me.emailVerified, true);
    assert.equal(await stack.db('account_tokens').where({ userId: u.me.id }).first('id'), undefined);
  });
});

describe('회원 탈퇴', () => {
  async function subscribe(browser: Browser, userId: string): Promise<string> {
    const customerKey = customerKeyFor(userId);
    const res = await browser.post<{ id: string }>('/api/subscriptions', {
      productId,
      options: { grams: 200, grind: 'whole_bean', quantity: 1, cycleWeeks: 1 },
      shipTo: { name: '김고객', phone: '010-1234-5678', address: '서울특별시 마포구 와우산로 94' },
      authKey: await stack.sandbox.authKey(customerKey),
      customerKey,
      consents: await checkoutConsents(browser, productId, { grams: 200, quantity: 1 }),
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id;
  }

  it('ends every subscription, erases cards, anonymises the account, keeps the records apart until the Schedule erases them', async () => {
    const customer = await makeUser(stack);
    const other = new Browser(stack.baseUrl);
    await other.login(customer.email, customer.password);
    const subscriptionId = await subscribe(customer.browser, customer.me.id);
    // Paid once before the deletion (count answers a string or a number, so compare as a number).
    await eventually(
      async () =>
        Number(
          ((await stack.db('payments').where({ subscriptionId }).count({ n: '*' }).first()) as { n: string })
            .n,
        ) > 0,
      20_000,
    );

    const saved = await customer.browser.post('/api/me/addresses', {
      name: '김탈퇴',
      phone: '010-2222-3333',
      postcode: '04524',
      address1: '서울특별시 중구 세종대로 110',
      address2: '3층',
    });
    assert.equal(saved.status, 201, JSON.stringify(saved.body));

    const wrong = await customer.browser.post<{ error: { code: string } }>('/api/account/delete', {
      password: 'not-my-password',
      confirm: true,
    });
    assert.equal(wrong.status, 403);
    assert.equal(wrong.body.error.code, 'WRONG_PASSWORD');
    const unconfirmed = await customer.browser.post('/api/account/delete', { password: customer.password });
    assert.equal(unconfirmed.status, 400);
    assert.equal(
      ((await stack.db('subscriptions').where({ id: subscriptionId }).first('status')) as { status: string })
        .status !== 'canceled',
      true,
      'a refused request changes nothing',
    );

    const res = await customer.browser.post<{ ok: boolean; canceledSubscriptions: number }>(
      '/api/account/delete',
      { password: customer.password, confirm: true },
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.canceledSubscriptions, 1);

    // Every subscription ended, and no further charge.
    const sub = (await stack.db('subscriptions').where({ id: subscriptionId }).first()) as {
      status: string;
      shipTo: Record<string, unknown>;
    };
    assert.equal(sub.status, 'canceled');
    assert.equal(sub.shipTo.erased, true);
    assert.ok(!JSON.stringify(sub.shipTo).includes('와우산로'));
    const paid = async () =>
      Number(
        ((await stack.db('payments').where({ subscriptionId }).count({ n: '*' }).first()) as { n: string }).n,
      );
    const before = await paid();
    await new Promise((r) => setTimeout(r, 5000)); // two and a half "weeks"
    assert.equal(await paid(), before);

    // Cards erased; the account anonymised; nobody signs in.
    const cards = (await stack.db('cards').where({ userId: customer.me.id }).select()) as {
      billingKeyEnc: string | null;
      removedAt: Date | null;
    }[];
    assert.ok(cards.length > 0);
    for (const c of cards) {
      assert.equal(c.billingKeyEnc, null);
      assert.ok(c.removedAt);
    }
    assert.equal(
      (await stack.db('addresses').where({ userId: customer.me.id })).length,
      0,
      'address book erased',
    );
    const user = (await stack.db('users').where({ id: customer.me.id }).first()) as Record<string, unknown>;
    assert.notEqual(user.email, customer.email);
    assert.equal(user.phone, null);
    assert.ok(user.deletedAt);
    assert.ok(!String(user.passwordHash).startsWith('scrypt'));
    assert.equal((await customer.browser.get('/api/auth/me')).status, 401);
    assert.equal((await other.get('/api/auth/me')).status, 401);
    const login = await new Browser(stack.baseUrl).post('/api/auth/login', {
      email: customer.email,
      password: customer.password,
    });
    assert.equal(login.status, 401);
    // Nothing more is mailed to the account (the cancellation's own notices included).
    const anonymised = String(user.email);

    // The e-mail signs up again, as a new account.
    const again = await new Browser(stack.baseUrl).signUp(customer.email, 'another-pass-12');
    assert.notEqual(again.id, customer.me.id);

    // The records the law requires are kept apart, with the data they need, then erased by the Schedule.
    const kept = (await stack.db('account_retention').where({ userId: customer.me.id }).select()) as {
      category: string;
      record: { identity: { email: string }; items: unknown[] } | null;
      eraseAfter: Date;
    }[];
    assert.deepEqual(kept.map((k) => k.category).sort(), ['contract', 'delivery', 'payment']);
    for (const k of kept) assert.equal(k.record?.identity.email, customer.email);
    assert.ok(JSON.stringify(kept.find((k) => k.category === 'contract')!.record).includes('와우산로'));
    // The deletion run again (a retry, a second request) finishes as done and changes nothing.
    const rerun = await stack.client.workflow.execute<AccountDeletionWorkflow>('accountDeletion', {
      ...accountDeletionStartOptions(stack.config.temporal, {
        userId: customer.me.id,
        retentionMs: { ...stack.config.account.retentionMs },
      }),
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    });
    assert.deepEqual(rerun, { ok: true, canceledSubscriptions: 0, erasedCards: 0 });
    assert.deepEqual(await stack.db('users').where({ id: customer.me.id }).first(), user);
    assert.equal((await stack.db('account_retention').where({ userId: customer.me.id })).length, kept.length);
    await ensureRetentionSchedule(stack.client, stack.config);
    await eventually(async () => {
      const rows = (await stack.db('account_retention').where({ userId: customer.me.id }).select()) as {
        record: unknown;
        erasedAt: Date | null;
      }[];
      return rows.every((r) => r.record === null && r.erasedAt !== null);
    }, 30_000);
    // The sweep also removes the notices emitted after the deletion; none went out.
    await eventually(
      async () => !(await stack.db('outbox').where({ recipientUserId: customer.me.id }).first('id')),
    );
    assert.equal((await mail.to(anonymised)).length, 0);
  });

  it('refuses a partner account and changes nothing', async () => {
    const res = await partner.browser.post<{ error: { code: string; details: { reason: string } } }>(
      '/api/account/delete',
      { password: partner.password, confirm: true },
    );
    assert.equal(res.status, 409);
    assert.equal(res.body.error.details.reason, 'partner_account');
    assert.equal((await partner.browser.get('/api/auth/me')).status, 200);
  });
});
