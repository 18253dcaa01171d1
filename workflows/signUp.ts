import { proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { SignUpInput, SignUpResult } from '../domain/accounts';
import type { SignUpWorkflow } from '../domain/contracts/signUp';

// One idempotent insert: a local activity keeps sign-up to a single workflow task.
const { createAccount } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '5s', maximumAttempts: 10 },
});

/** Creates an account; the API waits for the result. One per e-mail address (its id: domain/contracts/signUp.ts). */
export async function signUp(input: SignUpInput): Promise<SignUpResult> {
  return createAccount(input);
}
signUp satisfies SignUpWorkflow;
