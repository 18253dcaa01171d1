import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signUpWorkflowId } from '../domain/contracts/signUp';
import { emailDigest, emailDigester } from './emailDigest';

const key = (fill: number) => Buffer.alloc(32, fill).toString('base64');
const idOf = (secret: string, email: string) => signUpWorkflowId(emailDigester(secret)(email));

describe('the sign-up workflow id', () => {
  it('is one id per address (case and spaces aside) that shows nothing of it', () => {
    const id = idOf(key(1), 'Kim.Minji@Example.com');
    assert.equal(id, idOf(key(1), ' kim.minji@example.com '));
    assert.notEqual(id, idOf(key(1), 'kim.minji@example.org'));
    assert.match(id, /^signUp:[A-Za-z0-9_-]{43}$/);
    assert.ok(!/kim|minji|example/i.test(id));
  });

  it('cannot be recomputed from a guessed address without the key', () => {
    assert.notEqual(idOf(key(1), 'a@example.com'), idOf(key(2), 'a@example.com'));
  });

  it('keeps the format of the ids already running (a changed id would let a second sign-up start)', () => {
    assert.equal(idOf(key(3), ' B@example.com'), 'signUp:XcjJ6RKBIJJ5TmRGjH_PKOZSgMBe8DBDOoeEXupFxXQ');
    assert.equal(emailDigest(key(3), 'b@example.com'), 'XcjJ6RKBIJJ5TmRGjH_PKOZSgMBe8DBDOoeEXupFxXQ');
  });
});
