import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** A named AES-256 key; ids go into every ciphertext so keys can rotate and old ones still decrypt. */
export interface SecretKey {
  id: string;
  key: Buffer;
}

/** Parses `id:base64key,id2:base64key` (each key 32 bytes). */
export function parseKeys(spec: string): SecretKey[] {
  return spec
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [id, b64] = part.split(':');
      const key = Buffer.from(b64 ?? '', 'base64');
      if (!id || !/^[A-Za-z0-9_-]{1,32}$/.test(id) || key.length !== 32) {
        throw new Error(`bad key "${id ?? ''}": use id:base64 of 32 random bytes (openssl rand -base64 32)`);
      }
      return { id, key };
    });
}

/**
 * AES-256-GCM sealing for credentials at rest (billing keys): `v1.<keyId>.<iv>.<tag>.<ciphertext>` in base64url,
 * sealed with the active key, opened with whichever key the text names.
 */
export function createSecretBox(keys: SecretKey[], activeId: string) {
  const byId = new Map(keys.map((k) => [k.id, k.key]));
  const active = byId.get(activeId);
  if (!active) throw new Error(`the active key "${activeId}" is not among the keys`);
  return {
    seal(plaintext: string, aad = ''): string {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', active, iv);
      cipher.setAAD(Buffer.from(aad));
      const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [
        'v1',
        activeId,
        iv.toString('base64url'),
        cipher.getAuthTag().toString('base64url'),
        ct.toString('base64url'),
      ].join('.');
    },
    open(sealed: string, aad = ''): string {
      const [v, id, iv, tag, ct] = sealed.split('.');
      const key = id ? byId.get(id) : undefined;
      if (v !== 'v1' || !key || !iv || !tag || ct === undefined)
        throw new Error('cannot open this secret (unknown key or format)');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(aad));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    },
  };
}
export type SecretBox = ReturnType<typeof createSecretBox>;
