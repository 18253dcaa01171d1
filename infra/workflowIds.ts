import { createHmac } from 'node:crypto';

/**
 * The sign-up workflow's id: `signUp:` + HMAC-SHA256 of the normalised e-mail under WORKFLOW_ID_SECRET. One id per
 * address keeps two concurrent sign-ups with the same e-mail from both running; the key keeps anyone who can list
 * workflows (the Temporal UI) from reading the address or testing a guess against it.
 */
export function signUpWorkflowId(secret: string, email: string): string {
  const mac = createHmac('sha256', Buffer.from(secret, 'base64'));
  return `signUp:${mac.update(email.trim().toLowerCase(), 'utf8').digest('base64url')}`;
}
