import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { createSecretBox, parseKeys } from './secretBox';

const k = () => randomBytes(32).toString('base64');

describe('secret box (AES-256-GCM)', () => {
  it('seals and opens; the ciphertext names its key and never contains the secret', () => {
    const box = createSecretBox(parseKeys(`k1:${k()}`), 'k1');
    const sealed = box.seal('billing-key-ABC123', 'card:1');
    assert.match(sealed, /^v1\.k1\./);
    assert.ok(!sealed.includes('billing-key-ABC123'));
    assert.equal(box.open(sealed, 'card:1'), 'billing-key-ABC123');
    assert.notEqual(box.seal('same', 'a'), box.seal('same', 'a'));
  });

  it('opens text sealed with an older key after rotation', () => {
    const old = `k1:${k()}`;
    const sealed = createSecretBox(parseKeys(old), 'k1').seal('secret');
    const rotated = createSecretBox(parseKeys(`${old},k2:${k()}`), 'k2');
    assert.equal(rotated.open(sealed), 'secret');
    assert.match(rotated.seal('x'), /^v1\.k2\./);
  });

  it('refuses tampered text, the wrong context and unknown keys', () => {
    const box = createSecretBox(parseKeys(`k1:${k()}`), 'k1');
    const sealed = box.seal('secret', 'card:1');
    const parts = sealed.split('.');
    parts[4] = Buffer.from('tampered').toString('base64url');
    assert.throws(() => box.open(parts.join('.'), 'card:1'));
    assert.throws(() => box.open(sealed, 'card:2'));
    assert.throws(() => createSecretBox(parseKeys(`k9:${k()}`), 'k9').open(sealed, 'card:1'));
    assert.throws(() => parseKeys('short:abcd'), /32 random bytes/);
  });
});
