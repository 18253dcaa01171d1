import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashPassword, verifyPassword } from './passwords';

describe('password hashing', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('correct-horse-1');
    assert.match(hash, /^scrypt\$32768\$8\$1\$/);
    assert.equal(await verifyPassword('correct-horse-1', hash), true);
    assert.equal(await verifyPassword('correct-horse-2', hash), false);
  });

  it('salts every hash and never contains the password', async () => {
    const [a, b] = await Promise.all([hashPassword('same-password-1'), hashPassword('same-password-1')]);
    assert.notEqual(a, b);
    assert.ok(!a.includes('same-password-1'));
  });

  it('refuses a missing or malformed stored hash', async () => {
    assert.equal(await verifyPassword('anything-at-all', null), false);
    assert.equal(await verifyPassword('anything-at-all', 'md5$abc'), false);
  });
});
