import { z } from 'zod';
import { cursorParts, keysetCursor } from './cursor';
import { plainText } from './validation';

/** What an inbox task is about; every kind shares the same inbox and the same claim / decide contract. */
export const taskKinds = [
  'partner_application',
  'product_review',
  'fulfilment_escalation',
  'partner_profile_change',
  /** A row and its workflow disagree (the reconciler's finding); closed by the pass that no longer finds it. */
  'reconcile_mismatch',
] as const;
export type TaskKind = (typeof taskKinds)[number];

export const taskStates = ['open', 'done', 'expired', 'cancelled'] as const;
export type TaskState = (typeof taskStates)[number];

/** The inbox's keyset cursor: (submitted_at, id) of the page's last task, oldest first. */
export const inboxCursor = keysetCursor(cursorParts.timestamp, cursorParts.uuid);

/** Inbox list filters: `state` is a view over open tasks (overdue, claimed, mine) or closed ones. */
export const inboxQuerySchema = z.strictObject({
  kind: z.enum(taskKinds).optional(),
  state: z.enum(['open', 'overdue', 'unclaimed', 'mine', 'closed', 'all']).default('open'),
  q: plainText().max(100).optional(),
  cursor: inboxCursor.schema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
});
export type InboxQuery = z.infer<typeof inboxQuerySchema>;

/** One row of the admin inbox. */
export interface InboxTask {
  id: string;
  kind: TaskKind;
  subjectId: string;
  title: string;
  summary: Record<string, unknown>;
  state: TaskState;
  outcome: string | null;
  submittedAt: string;
  slaDueAt: string;
  expiresAt: string | null;
  overdue: boolean;
  ageSeconds: number;
  claimedBy: { id: string; name: string } | null;
  claimedAt: string | null;
  resolvedBy: { id: string; name: string } | null;
  resolvedAt: string | null;
}

/** Input of the generic `openTask` activity. */
export interface OpenTaskInput {
  taskId: string;
  kind: TaskKind;
  subjectId: string;
  workflowId: string;
  workflowRunId: string;
  title: string;
  summary: Record<string, unknown>;
  slaMs: number;
  expiryMs: number | null;
}

/** Input of the claim / release Updates every task-owning workflow answers; names the task acted on. */
export interface ClaimInput {
  taskId: string;
  actor: { userId: string; roles: string[] };
}

/** The task's claim after a claim or release. */
export interface ClaimResult {
  taskId: string;
  claimedBy: string | null;
}
