import { ApplicationFailure, condition, proxyActivities, setHandler, uuid4 } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { OpenTaskInput } from '../domain/inbox';
import type { Actor, ReviewDecision } from '../domain/partner';
import { claimTaskUpdate, decideUpdate, releaseTaskUpdate, type DecisionOutcome } from './messages';
import { dbActivityOptions } from './options';

const acts = proxyActivities<Activities>(dbActivityOptions);

function refuse(message: string, type: string): never {
  throw ApplicationFailure.nonRetryable(message, type);
}

function assertAdmin(actor: Actor | undefined): asserts actor is Actor {
  if (
    !actor ||
    typeof actor.userId !== 'string' ||
    !Array.isArray(actor.roles) ||
    !actor.roles.includes('admin')
  ) {
    refuse('Only an admin can act on inbox tasks', 'FORBIDDEN');
  }
}

/**
 * The workflow side of one admin review task: opens it, answers claim / release, validates and collects
 * the decision. The owning workflow calls `waitForDecision` and then `settle` with the outcome.
 */
export class ReviewTask {
  readonly taskId = uuid4();
  /** `opening` while the inbox row is being written: an admin who already sees it may act, handlers wait. */
  private phase: 'new' | 'opening' | 'open' | 'closed' = 'new';
  claimedBy: string | null = null;
  decision: ReviewDecision | undefined;
  private outcome: DecisionOutcome | undefined;

  constructor() {
    setHandler(
      claimTaskUpdate,
      async ({ actor }) => {
        this.claimedBy = actor.userId;
        await this.opened();
        return acts.setTaskClaim({ taskId: this.taskId, claimedBy: actor.userId });
      },
      {
        validator: ({ actor }) => {
          this.assertOpen();
          assertAdmin(actor);
          if (this.claimedBy && this.claimedBy !== actor.userId)
            refuse('Another admin has claimed this task', 'TASK_CLAIMED');
        },
      },
    );
    setHandler(
      releaseTaskUpdate,
      async () => {
        this.claimedBy = null;
        await this.opened();
        return acts.setTaskClaim({ taskId: this.taskId, claimedBy: null });
      },
      {
        validator: ({ actor }) => {
          this.assertOpen();
          assertAdmin(actor);
          if (this.claimedBy !== actor.userId)
            refuse('Only the admin holding the task can release it', 'TASK_CLAIMED');
        },
      },
    );
    setHandler(
      decideUpdate,
      async (decision) => {
        this.decision = decision;
        this.phase = 'closed';
        await condition(() => this.outcome !== undefined);
        return this.outcome!;
      },
      {
        validator: (d) => {
          this.assertOpen();
          assertAdmin(d?.actor);
          if (d.decision !== 'approve' && d.decision !== 'reject')
            refuse('Decision must be approve or reject', 'VALIDATION_FAILED');
          if (d.decision === 'reject' && !(typeof d.reason === 'string' && d.reason.trim().length > 0)) {
            refuse('A reason is required to reject', 'VALIDATION_FAILED');
          }
          if (this.claimedBy && this.claimedBy !== d.actor.userId)
            refuse('Another admin has claimed this task', 'TASK_CLAIMED');
        },
      },
    );
  }

  /** Opens the inbox row and starts accepting claims and decisions. */
  async openTask(input: Omit<OpenTaskInput, 'taskId'>): Promise<void> {
    this.phase = 'opening';
    await acts.openTask({ ...input, taskId: this.taskId });
    if (this.phase === 'opening') this.phase = 'open';
  }

  /** Resolves once the inbox row exists (claims accepted while it was being written wait for it). */
  private async opened(): Promise<void> {
    await condition(() => this.phase !== 'opening');
  }

  /** Waits for a decision up to `timeoutMs`; false on timeout. */
  async waitForDecision(timeoutMs: number): Promise<boolean> {
    return condition(() => this.decision !== undefined, timeoutMs);
  }

  /** Stops accepting decisions (expiry, cancellation). */
  close(): void {
    this.phase = 'closed';
  }

  /** Answers the waiting decide Update. */
  settle(outcome: DecisionOutcome): void {
    this.outcome = outcome;
  }

  private assertOpen(): void {
    if (this.phase !== 'open' && this.phase !== 'opening')
      refuse('This task is no longer open', 'TASK_NOT_OPEN');
  }
}
