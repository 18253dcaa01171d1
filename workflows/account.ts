import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type {
  AccountDeletionInput,
  AccountDeletionResult,
  AccountMailInput,
  AccountMailResult,
  RetentionSweepResult,
} from '../domain/accountLifecycle';
import type {
  AccountDeletionWorkflow,
  AccountMailWorkflow,
  RetentionSweepWorkflow,
} from '../domain/contracts/account';
import { dbActivityOptions } from './options';

const acts = proxyActivities<Activities>(dbActivityOptions);
// Ending subscriptions messages their workflows (Updates): a little longer per call.
const messaging = proxyActivities<Activities>({
  ...dbActivityOptions,
  startToCloseTimeout: '2m',
});

/**
 * A reset or verification link sent (the mail goes through the outbox with the link's row, in one transaction), or
 * one redeemed (docs/architecture.md#accounts). Each a single idempotent activity; the API waits for the answer.
 */
export async function accountMail(input: AccountMailInput): Promise<AccountMailResult> {
  switch (input.kind) {
    case 'requestReset':
      return acts.issuePasswordReset(input);
    case 'sendVerification':
      return acts.issueEmailVerification(input);
    case 'resetPassword':
      return acts.redeemAccountToken({
        purpose: 'password_reset',
        requestId: input.requestId,
        tokenHash: input.tokenHash,
        passwordHash: input.passwordHash,
      });
    case 'verifyEmail':
      return acts.redeemAccountToken({
        purpose: 'email_verification',
        requestId: input.requestId,
        tokenHash: input.tokenHash,
      });
  }
}
accountMail satisfies AccountMailWorkflow;

/**
 * 회원 탈퇴 (docs/architecture.md#accounts), one run per user: the account is closed to sign-in at once, every live
 * subscription is cancelled now through its own workflow (no further charge), then — in one transaction — billing
 * keys are erased, what the law requires to keep is copied apart with its erase date, and the rest is anonymised.
 * Every step is idempotent, so a crash anywhere resumes and finishes it.
 */
export async function accountDeletion(input: AccountDeletionInput): Promise<AccountDeletionResult> {
  const begun = await acts.beginAccountDeletion({ userId: input.userId });
  if (!begun.ok) return begun;
  const { canceled } = await messaging.endSubscriptionsForDeletion({ userId: input.userId });
  // Billing keys deleted at Toss first, then erased here (cards/eraseCustomerCards; a card already erased is skipped).
  const atToss = await acts.eraseCustomerCards({ userId: input.userId });
  const { erasedCards } = await acts.anonymiseAccount({
    userId: input.userId,
    retentionMs: input.retentionMs,
  });
  return { ok: true, canceledSubscriptions: canceled, erasedCards: atToss.erased + erasedCards };
}
accountDeletion satisfies AccountDeletionWorkflow;

/** Fired by the retention Schedule: erases kept records whose time is up. */
export async function retentionSweep(): Promise<RetentionSweepResult> {
  return acts.sweepRetention();
}
retentionSweep satisfies RetentionSweepWorkflow;
