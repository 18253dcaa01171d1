import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { DefaultPayloadConverter } from '@temporalio/common';
import { createEncryptionCodec, ENCRYPTED_ENCODING } from './payloadCodec';

const converter = new DefaultPayloadConverter();
const key = (id: string) => ({ id, key: randomBytes(32) });
const text = (b: Uint8Array | null | undefined) => Buffer.from(b ?? new Uint8Array()).toString('utf8');

describe('payload codec (AES-256-GCM)', () => {
  const k1 = key('k1');
  const k2 = key('k2');
  const payload = converter.toPayload({ email: 'kim@example.com', amount: 16000 });

  it('seals the whole payload: the encoding and key id are all that show', async () => {
    const [sealed] = await createEncryptionCodec([k1], 'k1').encode([payload]);
    assert.equal(text(sealed!.metadata!.encoding), ENCRYPTED_ENCODING);
    assert.equal(text(sealed!.metadata!['encryption-key-id']), 'k1');
    assert.ok(!text(sealed!.data).includes('kim@example.com'));
    assert.ok(!text(sealed!.data).includes('json/plain'));
    const [opened] = await createEncryptionCodec([k1], 'k1').decode([sealed!]);
    assert.deepEqual(converter.fromPayload(opened!), { email: 'kim@example.com', amount: 16000 });
  });

  it('rotates: new payloads use the active key, payloads sealed with an old key still open', async () => {
    const [old] = await createEncryptionCodec([k1], 'k1').encode([payload]);
    const rotated = createEncryptionCodec([k1, k2], 'k2');
    const [fresh] = await rotated.encode([payload]);
    assert.equal(text(fresh!.metadata!['encryption-key-id']), 'k2');
    const [a, b] = await rotated.decode([old!, fresh!]);
    assert.deepEqual(converter.fromPayload(a!), converter.fromPayload(b!));
  });

  it('refuses a payload sealed with an unknown key, or tampered with', async () => {
    const [sealed] = await createEncryptionCodec([k1], 'k1').encode([payload]);
    await assert.rejects(createEncryptionCodec([k2], 'k2').decode([sealed!]), /unknown key "k1"/);
    const data = Buffer.from(sealed!.data!);
    data[20] = data[20]! ^ 1;
    await assert.rejects(createEncryptionCodec([k1], 'k1').decode([{ ...sealed!, data }]));
  });

  it('passes plaintext payloads through (histories recorded before encryption)', async () => {
    const [same] = await createEncryptionCodec([k1], 'k1').decode([payload]);
    assert.equal(same, payload);
  });
});
