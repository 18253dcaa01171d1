// The signUp workflow's contract (docs/architecture.md#processes-and-the-rules): one account created; the API
// waits for the result.
import type { Client, WorkflowHandle, WorkflowStartOptions } from '@temporalio/client';
import type { SignUpInput, SignUpResult } from '../accounts';
import { taskQueue, type Domain } from '../taskQueues';
import type { StartContext, StartOptions } from './start';

export type { SignUpInput, SignUpResult };

/** The workflow type (what workflows/signUp.ts exports). */
export const signUpWorkflowType = 'signUp';
/** Served by the accounts workers. */
export const signUpDomain: Domain = 'accounts';
/**
 * One per e-mail address: `signUp:<keyed digest of the normalised e-mail>`, so two concurrent sign-ups with the same
 * address cannot both run, and nobody who can list workflows reads the address. The digest is an HMAC under
 * WORKFLOW_ID_SECRET, computed by infra/emailDigest.ts (Node's crypto stays out of what workflows import).
 */
export const signUpWorkflowId = (emailDigest: string) => `signUp:${emailDigest}`;
/** The workflow's signature; the implementation is checked against it. */
export type SignUpWorkflow = (input: SignUpInput) => Promise<SignUpResult>;

/** The keyed digest of an e-mail address (infra/emailDigest.ts: `emailDigester(config.workflowIdSecret)`). */
export type EmailDigest = (email: string) => string;

/** A sign-up's start needs the digest too: its id is made from the e-mail. */
export interface SignUpStartContext extends StartContext {
  emailDigest: EmailDigest;
}

/** The options that start a sign-up (for `start`, or an Update-with-Start). */
export function signUpStartOptions(
  ctx: SignUpStartContext,
  input: SignUpInput,
  opts: StartOptions<SignUpWorkflow> = {},
): WorkflowStartOptions<SignUpWorkflow> {
  return {
    ...opts,
    workflowId: signUpWorkflowId(ctx.emailDigest(input.email)),
    taskQueue: taskQueue(ctx.taskQueuePrefix, signUpDomain),
    args: [input],
  };
}

/** Starts a sign-up; its `result()` is the account, or `EMAIL_TAKEN`. */
export function startSignUp(
  client: Client,
  ctx: SignUpStartContext,
  input: SignUpInput,
  opts?: StartOptions<SignUpWorkflow>,
) {
  return client.workflow.start<SignUpWorkflow>(signUpWorkflowType, signUpStartOptions(ctx, input, opts));
}

/** The latest sign-up with an e-mail address. */
export function signUpHandle(
  client: Client,
  ctx: Pick<SignUpStartContext, 'emailDigest'>,
  email: string,
): WorkflowHandle<SignUpWorkflow> {
  return client.workflow.getHandle<SignUpWorkflow>(signUpWorkflowId(ctx.emailDigest(email)));
}
