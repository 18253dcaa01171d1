// The account workflows' contracts (docs/architecture.md#accounts): `accountMail` (a reset or verification link sent,
// or one redeemed — short, the API waits), `accountDeletion` (회원 탈퇴, one per user, durable: a crash midway
// finishes it) and `retentionSweep` (fired by the `retentionSweep` Schedule, worker/accountSchedule.ts).
import type { Client, ScheduleOptionsStartWorkflowAction, WorkflowStartOptions } from '@temporalio/client';
import type {
  AccountDeletionInput,
  AccountDeletionResult,
  AccountMailInput,
  AccountMailResult,
  RetentionSweepResult,
} from '../accountLifecycle';
import { taskQueue, type Domain } from '../taskQueues';
import type { StartContext, StartOptions } from './start';

export type { AccountDeletionInput, AccountDeletionResult, AccountMailInput, AccountMailResult };

/** Served by the accounts workers. */
export const accountDomain: Domain = 'accounts';

export const accountMailWorkflowType = 'accountMail';
/** One per request: `accountMail:<request id>` (the id the link's row is stored under). */
export const accountMailWorkflowId = (requestId: string) => `accountMail:${requestId}`;
export type AccountMailWorkflow = (input: AccountMailInput) => Promise<AccountMailResult>;

export const accountDeletionWorkflowType = 'accountDeletion';
/** One per user: a second request while one runs joins it; after it finished, a new one changes nothing. */
export const accountDeletionWorkflowId = (userId: string) => `accountDeletion:${userId}`;
export type AccountDeletionWorkflow = (input: AccountDeletionInput) => Promise<AccountDeletionResult>;

export const retentionSweepWorkflowType = 'retentionSweep';
/** The id the Schedule starts runs under; Temporal appends the scheduled time. */
export const retentionSweepScheduledWorkflowId = 'retentionSweep';
export type RetentionSweepWorkflow = () => Promise<RetentionSweepResult>;

export function accountMailStartOptions(
  ctx: StartContext,
  input: AccountMailInput,
  opts: StartOptions<AccountMailWorkflow> = {},
): WorkflowStartOptions<AccountMailWorkflow> {
  return {
    ...opts,
    workflowId: accountMailWorkflowId(input.requestId),
    taskQueue: taskQueue(ctx.taskQueuePrefix, accountDomain),
    args: [input],
  };
}

/** Starts one account-mail action; its `result()` says whether the link was good. */
export function startAccountMail(
  client: Client,
  ctx: StartContext,
  input: AccountMailInput,
  opts?: StartOptions<AccountMailWorkflow>,
) {
  return client.workflow.start<AccountMailWorkflow>(
    accountMailWorkflowType,
    accountMailStartOptions(ctx, input, opts),
  );
}

export function accountDeletionStartOptions(
  ctx: StartContext,
  input: AccountDeletionInput,
  opts: StartOptions<AccountDeletionWorkflow> = {},
): WorkflowStartOptions<AccountDeletionWorkflow> {
  return {
    ...opts,
    workflowId: accountDeletionWorkflowId(input.userId),
    taskQueue: taskQueue(ctx.taskQueuePrefix, accountDomain),
    args: [input],
  };
}

/** Starts (or joins) a user's deletion. */
export function startAccountDeletion(
  client: Client,
  ctx: StartContext,
  input: AccountDeletionInput,
  opts?: StartOptions<AccountDeletionWorkflow>,
) {
  return client.workflow.start<AccountDeletionWorkflow>(
    accountDeletionWorkflowType,
    accountDeletionStartOptions(ctx, input, opts),
  );
}

/** The Schedule's action: one sweep at each scheduled time. */
export function retentionSweepScheduleAction(
  ctx: StartContext,
): ScheduleOptionsStartWorkflowAction<RetentionSweepWorkflow> {
  return {
    type: 'startWorkflow',
    workflowType: retentionSweepWorkflowType,
    workflowId: retentionSweepScheduledWorkflowId,
    taskQueue: taskQueue(ctx.taskQueuePrefix, accountDomain),
    args: [],
  };
}
