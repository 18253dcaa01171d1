import {
  accountDeletionSchema,
  emailVerificationSchema,
  passwordResetRequestSchema,
  passwordResetSchema,
} from './accountLifecycle';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { findInvisible, isCalendarDate, isoDate, plainText, toFieldIssues } from './validation';
import { cancelReasonCodes, cancelSchema } from './subscription';

describe('calendar dates', () => {
  it('accepts real dates and refuses impossible ones', () => {
    for (const d of ['2026-01-01', '2024-02-29', '2000-02-29', '2026-12-31', '1900-01-01', '9999-12-31'])
      assert.ok(isCalendarDate(d), d);
    for (const d of [
      '2026-13-01',
      '0000-00-00',
      '2026-02-30',
      '2025-02-29',
      '1900-02-29',
      '2026-04-31',
      '2026-00-10',
      '2026-01-00',
      '0000-01-01',
      '99999-01-01',
      '2026-1-1',
      ' 2026-01-01',
      '2026-01-01T00:00:00Z',
    ])
      assert.equal(isCalendarDate(d), false, d);
  });

  it('isoDate() is keyed invalid_date', () => {
    const issues = toFieldIssues(z.object({ d: isoDate() }).safeParse({ d: '2026-02-30' }).error!);
    assert.deepEqual(
      issues.map((i) => [i.path, i.key]),
      [['d', 'invalid_date']],
    );
  });
});

describe('invisible format characters', () => {
  it('finds Unicode Cf characters and says what kind each is', () => {
    assert.equal(findInvisible('name \u202Eeman')?.kind, 'a text-direction control');
    assert.equal(findInvisible('\u2066x')?.codePoint, 'U+2066');
    assert.equal(findInvisible('a\u200Bb')?.kind, 'a zero-width character');
    assert.equal(findInvisible('soft\u00ADhyphen')?.kind, 'an invisible formatting character');
    for (const ok of ['김달고나', 'Café ☕️', "O'Brien-Smith (주)", '🇰🇷', 'tab\tand\nnewline'])
      assert.equal(findInvisible(ok), null, ok);
  });

  it('plainText() refuses them with the invisible_characters key and a message naming the character', () => {
    const schema = z.object({ name: plainText('required').min(1, 'required') });
    const [issue] = toFieldIssues(schema.safeParse({ name: 'Roastery \u202Eyrtsaor' }).error!);
    assert.equal(issue!.key, 'invisible_characters');
    assert.match(issue!.message, /U\+202E is a text-direction control/);
    assert.equal(schema.parse({ name: '  달고나  ' }).name, '달고나');
    assert.equal(toFieldIssues(schema.safeParse({ name: ' ' }).error!)[0]!.key, 'required');
  });
});

describe('해지 사유 (cancel reasons)', () => {
  it('takes one of the five choices with optional words, and refuses anything else', () => {
    for (const reasonCode of cancelReasonCodes)
      assert.ok(cancelSchema.safeParse({ when: 'now', reasonCode }).success, reasonCode);
    assert.ok(
      cancelSchema.safeParse({ when: 'period_end', reasonCode: 'other', reason: '이사 가요' }).success,
    );
    assert.ok(cancelSchema.safeParse({ when: 'now' }).success, 'callers from before the question');
    assert.equal(cancelSchema.safeParse({ when: 'now', reasonCode: 'bored' }).success, false);
    assert.equal(
      cancelSchema.safeParse({ when: 'now', reasonCode: 'other', reason: 'x'.repeat(301) }).success,
      false,
    );
  });
});

describe('account forms (reset, verification, deletion)', () => {
  const key = (r: { success: boolean; error?: { issues: { message: string }[] } }) =>
    r.success ? 'ok' : r.error!.issues[0]!.message;
  const token = 'A'.repeat(43);

  it('a link token is exactly 43 base64url characters', () => {
    assert.equal(key(emailVerificationSchema.safeParse({ token })), 'ok');
    assert.equal(key(emailVerificationSchema.safeParse({ token: `${token}=` })), 'invalid_token');
    assert.equal(key(emailVerificationSchema.safeParse({ token: 'A'.repeat(42) })), 'invalid_token');
    assert.equal(key(emailVerificationSchema.safeParse({ token: `${'A'.repeat(42)}'` })), 'invalid_token');
    assert.equal(key(emailVerificationSchema.safeParse({})), 'required');
    assert.equal(emailVerificationSchema.safeParse({ token, extra: 1 }).success, false);
  });

  it('a new password is 10 to 200 characters; the reset request takes one normalised e-mail', () => {
    assert.equal(key(passwordResetSchema.safeParse({ token, password: 'short' })), 'weak_password');
    assert.equal(key(passwordResetSchema.safeParse({ token, password: 'x'.repeat(201) })), 'too_long');
    assert.equal(key(passwordResetSchema.safeParse({ token, password: 'long-enough-1' })), 'ok');
    const req = passwordResetRequestSchema.safeParse({ email: ' Kim@Example.COM ' });
    assert.equal(req.success && req.data.email, 'kim@example.com');
    assert.equal(key(passwordResetRequestSchema.safeParse({ email: 'not-an-address' })), 'invalid_email');
  });

  it('deletion needs the password and an explicit confirm: true', () => {
    assert.equal(key(accountDeletionSchema.safeParse({ password: 'pw', confirm: true })), 'ok');
    assert.equal(accountDeletionSchema.safeParse({ password: 'pw', confirm: 'true' }).success, false);
    assert.equal(accountDeletionSchema.safeParse({ password: 'pw' }).success, false);
    assert.equal(key(accountDeletionSchema.safeParse({ password: '', confirm: true })), 'required');
  });
});
