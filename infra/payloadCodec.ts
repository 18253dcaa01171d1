import type { Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretKey } from './secretBox';

/** The metadata of an encrypted payload: its encoding, and the id of the key that sealed it. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID = 'encryption-key-id';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const PayloadProto = proto.temporal.api.common.v1.Payload;

/**
 * Encrypts every workflow and activity payload with AES-256-GCM (docs/architecture.md#payload-codec-and-operators):
 * the whole payload (metadata and data) is sealed, the key id rides in the new payload's metadata, so keys rotate
 * (new payloads use the active key) and old keys still decode. Payloads that are not encrypted pass through unchanged
 * (histories recorded before).
 */
export function createEncryptionCodec(keys: SecretKey[], activeId: string): PayloadCodec {
  const byId = new Map(keys.map((k) => [k.id, k.key]));
  const active = byId.get(activeId);
  if (!active) throw new Error(`the active payload key "${activeId}" is not among the keys`);
  return {
    async encode(payloads: Payload[]): Promise<Payload[]> {
      return payloads.map((p) => {
        const iv = randomBytes(12);
        const cipher = createCipheriv('aes-256-gcm', active, iv);
        const plain = PayloadProto.encode(p).finish();
        const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
        return {
          metadata: { encoding: encoder.encode(ENCRYPTED_ENCODING), [KEY_ID]: encoder.encode(activeId) },
          data: new Uint8Array(sealed),
        };
      });
    },
    async decode(payloads: Payload[]): Promise<Payload[]> {
      return payloads.map((p) => {
        const encoding = p.metadata?.encoding;
        if (!encoding || decoder.decode(encoding) !== ENCRYPTED_ENCODING) return p;
        const idBytes = p.metadata?.[KEY_ID];
        const id = idBytes ? decoder.decode(idBytes) : '';
        const key = byId.get(id);
        if (!key) throw new Error(`payload sealed with unknown key "${id}"`);
        const data = Buffer.from(p.data ?? new Uint8Array());
        if (data.length < 12 + 16) throw new Error('payload too short to be sealed');
        const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
        decipher.setAuthTag(data.subarray(data.length - 16));
        const plain = Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
        return PayloadProto.decode(plain) as Payload;
      });
    },
  };
}

/** The data converter every Temporal client and worker of the project uses (the codec above). */
export function dataConverterFor(keys: { keys: SecretKey[]; activeId: string }): {
  payloadCodecs: PayloadCodec[];
} {
  return { payloadCodecs: [createEncryptionCodec(keys.keys, keys.activeId)] };
}
