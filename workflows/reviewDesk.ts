import { ApplicationFailure, condition, proxyActivities, setHandler, uuid4 } from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  claimTaskUpdate,
  decideUpdate,
  releaseTaskUpdate,
  type DecisionOutcome,
} from '../domain/contracts/reviewDesk';
import type { ClaimInput, OpenTaskInput } from '../domain/inbox';
import type { Actor, ReviewDecision } from '../domain/partner';
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

interface OpenTask {
  id: string;
  /** `opening` while the inbox row is being written: an admin who already sees it may act, handlers wait. */
  phase: 'opening' | 'open' | 'closed';
  claimedBy: string | null;
  decision?: ReviewDecision;
  outcome?: DecisionOutcome;
}

/**
 * The workflow side of the admin inbox: opens review tasks one at a time, answers claim / release / decide
 * (every Update names the task it is about, so an admin never acts on a task they did not see), and
 * hands the decision to the owning workflow, which answers it with `settle`.
 */
export class ReviewDesk {
  private task: OpenTask | null = null;

  constructor() {
    setHandler(
      claimTaskUpdate,
      async ({ actor }) => {
        const task = this.task!;
        task.claimedBy = actor.userId;
        await condition(() => task.phase !== 'opening');
        return acts.setTaskClaim({ taskId: task.id, claimedBy: actor.userId });
      },
      {
        validator: (input) => {
          const task = this.acting(input);
          if (task.claimedBy && task.claimedBy !== input.actor.userId)
            refuse('Another admin has claimed this task', 'TASK_CLAIMED');
        },
      },
    );
    setHandler(
      releaseTaskUpdate,
      async () => {
        const task = this.task!;
        task.claimedBy = null;
        await condition(() => task.phase !== 'opening');
        return acts.setTaskClaim({ taskId: task.id, claimedBy: null });
      },
      {
        validator: (input) => {
          const task = this.acting(input);
          if (task.claimedBy !== input.actor.userId)
            refuse('Only the admin holding the task can release it', 'TASK_CLAIMED');
        },
      },
    );
    setHandler(
      decideUpdate,
      async (decision) => {
        const task = this.task!;
        task.decision = decision;
        task.phase = 'closed';
        await condition(() => task.outcome !== undefined);
        return task.outcome!;
      },
      {
        validator: (d) => {
          const task = this.acting(d);
          if (d.decision !== 'approve' && d.decision !== 'reject')
            refuse('Decision must be approve or reject', 'VALIDATION_FAILED');
          if (d.decision === 'reject' && !(typeof d.reason === 'string' && d.reason.trim().length > 0)) {
            refuse('A reason is required to reject', 'VALIDATION_FAILED');
          }
          if (task.claimedBy && task.claimedBy !== d.actor.userId)
            refuse('Another admin has claimed this task', 'TASK_CLAIMED');
        },
      },
    );
  }

  /** The open task's id, if any. */
  get taskId(): string | null {
    return this.task?.id ?? null;
  }

  get claimedBy(): string | null {
    return this.task?.claimedBy ?? null;
  }

  /** The decision on the current task, once an admin has made it. */
  get decision(): ReviewDecision | undefined {
    return this.task?.decision;
  }

  /** Opens a new inbox task (the row and the claim / decide handlers); returns its id. */
  async open(input: Omit<OpenTaskInput, 'taskId'>): Promise<string> {
    const task: OpenTask = { id: uuid4(), phase: 'opening', claimedBy: null };
    this.task = task;
    await acts.openTask({ ...input, taskId: task.id });
    if (task.phase === 'opening') task.phase = 'open';
    return task.id;
  }

  /** Waits for a decision up to `timeoutMs` (forever without one); false on timeout. */
  async waitForDecision(timeoutMs?: number): Promise<boolean> {
    const task = this.task;
    if (!task) return false;
    return timeoutMs === undefined
      ? condition(() => task.decision !== undefined).then(() => true)
      : condition(() => task.decision !== undefined, timeoutMs);
  }

  /** Stops accepting claims and decisions on the current task (expiry, superseded). */
  close(): void {
    if (this.task) this.task.phase = 'closed';
  }

  /** Answers the waiting decide Update and forgets the task. */
  settle(outcome: DecisionOutcome): void {
    if (this.task) this.task.outcome = outcome;
  }

  private acting(input: ClaimInput & { taskId?: string }): OpenTask {
    const task = this.task;
    if (!task || task.id !== input?.taskId || task.phase === 'closed')
      refuse('This task is no longer open', 'TASK_NOT_OPEN');
    assertAdmin(input.actor);
    return task;
  }
}
