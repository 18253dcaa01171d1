import { createHmac } from 'node:crypto';

/**
 * The sign-up workflow's id: `signUp:` + HMAC-SHA256 of the normalised e-mail under WORKFLOW_ID_SECRET. One id per
 * address keeps two concurrent sign-ups with the same e-mail from both running; the key keeps anyone who can list
 * workflows (the Temporal UI) from reading the address or testing a guess against it.
 */
export function signUpWorkflowId(secret: string, email: string): string {
  return `signUp:${emailDigest(secret, email)}`;
}

/** A keyed digest of a normalised e-mail, for ids and keys that must not show the address (workflow ids, Redis). */
export function emailDigest(secret: string, email: string): string {
  const mac = createHmac('sha256', Buffer.from(secret, 'base64'));
  return mac.update(email.trim().toLowerCase(), 'utf8').digest('base64url');
}
