import { createHmac } from 'node:crypto';
import type { EmailDigest, SignUpStartContext } from '../domain/contracts/signUp';
import type { Config } from './config';

/**
 * A keyed digest (HMAC-SHA256 under WORKFLOW_ID_SECRET) of a normalised e-mail, for ids and keys that must not show
 * the address: the sign-up workflow's id (domain/contracts/signUp.ts), the login limiter's Redis keys. The key keeps
 * anyone who can list workflows (the Temporal UI) from reading the address or testing a guess against it.
 */
export function emailDigest(secret: string, email: string): string {
  const mac = createHmac('sha256', Buffer.from(secret, 'base64'));
  return mac.update(email.trim().toLowerCase(), 'utf8').digest('base64url');
}

/** `emailDigest` under one secret: what the sign-up contract's start helper and handle take. */
export function emailDigester(secret: string): EmailDigest {
  return (email) => emailDigest(secret, email);
}

/** What the sign-up contract's start helper and handle need, from the configuration. */
export function signUpStartContext(
  config: Pick<Config, 'temporal' | 'workflowIdSecret'>,
): SignUpStartContext {
  return {
    taskQueuePrefix: config.temporal.taskQueuePrefix,
    emailDigest: emailDigester(config.workflowIdSecret),
  };
}
