import type { Knex } from 'knex';
import type { ClaimResult, OpenTaskInput, TaskState } from '../domain/inbox';
import { Task } from '../db/models';
import { recordAudit } from './audit';
import type { ActivityDeps } from './deps';
import { enqueueNotification } from './outbox';

/** Closes a task inside the caller's transaction (the subject's change and the task close commit together). */
export async function closeTask(
  trx: Knex.Transaction,
  taskId: string,
  close: {
    state: Exclude<TaskState, 'open'>;
    outcome: string;
    resolvedBy: string | null;
    /** The admin's reason (a rejection's), for the audit line. */
    reason?: string | null;
  },
): Promise<void> {
  const closed = (await trx('tasks')
    .where({ id: taskId, state: 'open' })
    .update({
      state: close.state,
      outcome: close.outcome,
      resolvedBy: close.resolvedBy,
      resolvedAt: trx.fn.now(),
    })
    .returning(['kind', 'subjectId', 'claimedBy'])) as {
    kind: string;
    subjectId: string;
    claimedBy: string | null;
  }[];
  // An admin's decision is audited with the task it closes (only the transaction that closed it writes the line).
  const task = closed[0];
  if (task && close.resolvedBy) {
    await recordAudit(trx, {
      actorId: close.resolvedBy,
      action: 'inbox.decide',
      targetType: task.kind,
      targetId: task.subjectId,
      before: { state: 'open', claimedBy: task.claimedBy },
      after: { state: close.state, outcome: close.outcome, taskId },
      reason: close.reason ?? null,
      dedupeKey: `task:${taskId}:closed`,
    });
  }
}

/**
 * The admin inbox's activities (workflows/reviewDesk.ts opens and flags tasks through them), shared by every workflow
 * that waits on an admin.
 */
export function createReviewDeskActivities({ db, metrics }: ActivityDeps) {
  return {
    /**
     * Opens an inbox task and tells the admins (collected into their digest; the app shows it at once), in one
     * transaction; idempotent: the task id comes from the workflow, a retry inserts nothing, the notice is keyed by it.
     */
    async openTask(input: OpenTaskInput): Promise<void> {
      await db.transaction(async (trx) => {
        await trx.raw(
          `INSERT INTO tasks (id, kind, subject_id, workflow_id, workflow_run_id, title, summary, state, submitted_at, sla_due_at, expires_at)
           VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, 'open', now(), now() + (? * interval '1 millisecond'),
                   CASE WHEN ?::bigint IS NULL THEN NULL ELSE now() + (?::bigint * interval '1 millisecond') END)
           ON CONFLICT (id) DO NOTHING`,
          [
            input.taskId,
            input.kind,
            input.subjectId,
            input.workflowId,
            input.workflowRunId,
            input.title,
            JSON.stringify(input.summary),
            input.slaMs,
            input.expiryMs,
            input.expiryMs,
          ],
        );
        const task = (await trx('tasks').where({ id: input.taskId }).first('slaDueAt')) as
          { slaDueAt: Date } | undefined;
        await enqueueNotification(trx, {
          dedupeKey: `task:${input.taskId}:opened`,
          recipientRole: 'admin',
          template: 'task_opened',
          payload: {
            taskId: input.taskId,
            kind: input.kind,
            title: input.title,
            slaDueAt: task ? new Date(task.slaDueAt).toISOString() : null,
          },
        });
      });
    },

    /** Records who holds a task (null releases it); idempotent: it sets, never toggles. */
    async setTaskClaim(input: { taskId: string; claimedBy: string | null }): Promise<ClaimResult> {
      await Task.query(db)
        .patch({
          claimedBy: input.claimedBy,
          claimedAt: input.claimedBy ? (db.fn.now() as unknown as Date) : null,
        })
        .where({ id: input.taskId, state: 'open' });
      return { taskId: input.taskId, claimedBy: input.claimedBy };
    },

    /** Flags an open task overdue and reminds the admins; idempotent: coalesce keeps the first time, the reminder is deduped. */
    async markTaskOverdue(input: { taskId: string }): Promise<void> {
      const flaggedKind = await db.transaction(async (trx) => {
        const before = (await trx('tasks').where({ id: input.taskId }).forUpdate().first('overdueAt')) as
          { overdueAt: Date | null } | undefined;
        const task = await Task.query(trx)
          .patch({ overdueAt: trx.raw('coalesce(overdue_at, now())') as unknown as Date })
          .where({ id: input.taskId, state: 'open' })
          .returning(['id', 'kind', 'title'])
          .first();
        if (!task) return null;
        await enqueueNotification(trx, {
          dedupeKey: `task:${input.taskId}:overdue`,
          recipientRole: 'admin',
          template: 'task_overdue',
          payload: { taskId: task.id, kind: task.kind, title: task.title },
        });
        return before?.overdueAt === null ? task.kind : null;
      });
      // Once per task: only the transaction that set overdue_at counts it.
      if (flaggedKind) metrics.tasksOverdue.inc({ kind: flaggedKind });
    },
  };
}
