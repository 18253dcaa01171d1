// The reconciler's vocabulary (docs/architecture.md#reconciling-postgresql-and-temporal): which rows a workflow owns,
// how the two can disagree, and the pure rules that rebuild a workflow's carried state from its row. No I/O here.
import type { SubscriptionOptions, SubscriptionState, SubscriptionStatus } from './subscription';

/** The workflow-owned entities the reconciler compares with their workflows. */
export const reconcileEntities = [
  'subscription',
  'fulfilment_order',
  'partner_application',
  'product_revision',
  'settlement_statement',
] as const;
export type ReconcileEntity = (typeof reconcileEntities)[number];

/**
 * How a row and its workflow can disagree: the row is live but no workflow runs for it (`orphan_row`); a workflow
 * runs but its row is missing or ended (`orphan_workflow`); both are there but report different states
 * (`disagreement`).
 */
export const mismatchKinds = ['orphan_row', 'orphan_workflow', 'disagreement'] as const;
export type MismatchKind = (typeof mismatchKinds)[number];

/** One mismatch, as `npm run reconcile` prints it (one JSON line each). */
export interface Mismatch {
  kind: MismatchKind;
  entity: ReconcileEntity;
  /** The row's id (a subscription's, an order's, an application's, a revision's, a statement's). */
  id: string;
  /** What the row says (null: no row). */
  row: Record<string, unknown> | null;
  /** What the workflow says (null: none running). */
  workflow: Record<string, unknown> | null;
  /**
   * An orphan row's last run, if Temporal has one: how it ended. Only a lost run (terminated, timed out, or none at
   * all) is restarted; one that completed or failed means the row is the stale side (a restored backup), reported.
   */
  lastRun?: { status: string; closedAt: string | null } | null;
  /** What a repair did: restarted, asked the owner to rewrite its row, or nothing (reported only). */
  repair?: 'restarted' | 'already_running' | 'rewrite_requested' | 'reported';
}

/** At most this many mismatches travel in a pass's result (and are printed by `npm run reconcile`). */
export const RECONCILE_RESULT_LIMIT = 1000;

/** What one pass is asked to do. */
export interface ReconcileInput {
  /** Repair what can be repaired safely (restart orphan rows, ask owners to rewrite their rows). */
  repair: boolean;
  /**
   * Only these roasters' rows (an operator's look at one partner; tests sharing a database). Absent: every row.
   * Workflows are listed whole either way.
   */
  partnerIds?: string[];
}

/** What one pass found. */
export interface ReconcileResult {
  /** The mismatches, the first RECONCILE_RESULT_LIMIT of them (a workflow's result has a size limit). */
  mismatches: Mismatch[];
  /** How many there were in all, by kind (the inbox and the gauge have every one). */
  counts: Record<MismatchKind, number>;
  /** Rows and running workflows compared, per entity. */
  scanned: Record<ReconcileEntity, { rows: number; workflows: number }>;
  /** Inbox tasks opened for new mismatches, and closed for those that cleared. */
  tasksOpened: number;
  tasksClosed: number;
  durationMs: number;
  /**
   * What the pages turned up before the looks (`found`), and what was still wrong at the first look (`firstLook`):
   * under load many are steps in flight (a row written just after its workflow published), cleared by the second look.
   */
  candidates?: { found: number; firstLook: number };
}

/** How a lost run ended: the only closed runs the reconciler restarts from their rows. */
export const restartableRunStatuses = ['TERMINATED', 'TIMED_OUT'] as const;

/** Subscription statuses whose workflow has ended: the row is no longer live. */
export const endedSubscriptionStatuses: readonly SubscriptionStatus[] = ['canceled', 'card_failed'];
/** Fulfilment statuses whose workflow has ended. */
export const endedFulfilmentStatuses = ['delivered', 'canceled'] as const;
/** Partner applications and product revisions waiting on their workflow. */
export const liveApplicationStatuses = ['validating', 'pending'] as const;
export const liveRevisionStatuses = ['validating', 'in_review'] as const;

/** The subscription row's columns the reconciler reads (camelCase, as knex answers them). */
export interface SubscriptionRowState {
  id: string;
  status: SubscriptionStatus;
  paymentState: string;
  cycle: number;
  nextChargeAt: Date | string | null;
  nextRetryAt: Date | string | null;
  unitPrice: number;
  grams: number;
  grind: string;
  quantity: number;
  cycleWeeks: number;
  cardId: string | null;
  cardMasked: string | null;
  skipNext: boolean;
  cancelAtPeriodEnd: boolean;
  dunningStep: number;
  lastError: string | null;
  pendingChange: SubscriptionState['pendingPrice'] | null;
  canceledAt: Date | string | null;
  cancelReasonCode?: string | null;
  cancelReasonNote?: string | null;
  cancelReasonAt?: Date | string | null;
}

const iso = (v: Date | string | null | undefined) => (v ? new Date(v).toISOString() : null);

/**
 * The state a restarted subscription carries, rebuilt from its row. The payment is marked `retrying`: the first
 * charge of the new run looks its order up at the provider before charging, so a cycle charged but never recorded is
 * recorded, not charged again (the order id is fixed per cycle).
 */
export function carriedStateFromRow(row: SubscriptionRowState): SubscriptionState {
  const options = {
    grams: row.grams,
    grind: row.grind,
    quantity: row.quantity,
    cycleWeeks: row.cycleWeeks,
  } as SubscriptionOptions;
  const needsNewCard = row.status === 'suspended';
  return {
    status: row.status,
    paymentState: 'retrying',
    cycle: row.cycle,
    nextChargeAt: iso(row.nextChargeAt),
    options,
    unitPrice: row.unitPrice,
    cardId: row.cardId,
    cardMasked: row.cardMasked,
    skipNext: row.skipNext,
    cancelAtPeriodEnd: row.cancelAtPeriodEnd,
    dunningStep: row.dunningStep,
    firstDeclineAt: null,
    needsNewCard,
    lastPayment: null,
    lastError: null,
    pausedFrom: row.status === 'paused' ? 'active' : null,
    nextRetryAt: iso(row.nextRetryAt),
    chargeAttempts: 0,
    retryNow: false,
    pendingPrice: row.pendingChange ?? null,
    priceRevisionId: row.pendingChange?.revisionId ?? null,
    canceledAt: iso(row.canceledAt),
    chargeNoticeFor: null,
    endReason: null,
    cancelReason: row.cancelReasonAt
      ? {
          code: (row.cancelReasonCode ?? null) as never,
          note: row.cancelReasonNote ?? null,
          at: iso(row.cancelReasonAt)!,
        }
      : null,
  };
}

/** What a subscription's row and its workflow are compared on: status and the next charge (to the second). */
export interface SubscriptionView {
  status: string;
  nextChargeAt: string | null;
  unitPrice?: number;
}

/** The fields on which a row and its workflow differ (empty: they agree). */
export function subscriptionDifferences(row: SubscriptionView, workflow: SubscriptionView): string[] {
  const out: string[] = [];
  if (row.status !== workflow.status) out.push('status');
  const second = (v: string | null) => (v ? Math.floor(Date.parse(v) / 1000) : null);
  // A canceled subscription publishes no next charge; its row keeps the last one.
  if (workflow.status !== 'canceled' && second(row.nextChargeAt) !== second(workflow.nextChargeAt))
    out.push('nextChargeAt');
  if (row.unitPrice !== undefined && workflow.unitPrice !== undefined && row.unitPrice !== workflow.unitPrice)
    out.push('unitPrice');
  return out;
}
