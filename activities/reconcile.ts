// The reconciler (docs/architecture.md#reconciling-postgresql-and-temporal): every workflow-owned row compared with its
// workflow. Temporal is read through visibility list pages (running workflows of a type, with their search attributes),
// never one describe per row; PostgreSQL in keyset pages. Only the few candidates found that way are looked at one by
// one (describe, the workflow's query, the row again) — twice, a moment apart, so a step in flight is not reported.
import { activityInfo, heartbeat } from '@temporalio/activity';
import {
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  WorkflowNotFoundError,
  type Client,
  type WorkflowExecutionDescription,
  type WorkflowExecutionInfo,
} from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import {
  fulfilmentStateQuery,
  fulfilmentWorkflowId,
  fulfilmentWorkflowType,
  startFulfilment,
} from '../domain/contracts/fulfilment';
import { partnerApplicationWorkflowType } from '../domain/contracts/partnerApplication';
import { productPublicationWorkflowType } from '../domain/contracts/productPublication';
import {
  settlementStatementWorkflowType,
  startSettlementStatement,
} from '../domain/contracts/settlementStatement';
import {
  rewriteRowSignal,
  startSubscriptionWorkflow,
  subscriptionStateQuery,
  subscriptionWorkflowType,
} from '../domain/contracts/subscription';
import type { FulfilmentInput } from '../domain/fulfilment';
import { customerKeyFor } from '../domain/keys';
import {
  carriedStateFromRow,
  endedFulfilmentStatuses,
  endedSubscriptionStatuses,
  liveApplicationStatuses,
  liveRevisionStatuses,
  mismatchKinds,
  RECONCILE_RESULT_LIMIT,
  restartableRunStatuses,
  reconcileEntities,
  subscriptionDifferences,
  type Mismatch,
  type MismatchKind,
  type ReconcileEntity,
  type ReconcileInput,
  type ReconcileResult,
  type SubscriptionRowState,
} from '../domain/reconcile';
import {
  CustomerId,
  FulfilmentStatus,
  NextChargeAt,
  PartnerId,
  SubscriptionStatus,
} from '../domain/searchAttributes';
import type { SubscriptionInput } from '../domain/subscription';
import type { Logger } from '../infra/logger';
import type { BusinessMetrics } from '../infra/metrics';
import type { ActivityDeps, ReconcileSettings } from './deps';

export type { ReconcileSettings };
import { enqueueNotification } from './outbox';

/** Everything one pass uses (the reconcile activity builds it from its dependencies; tests may build their own). */
export interface ReconcileDeps {
  db: Knex;
  temporal: Client;
  metrics: BusinessMetrics;
  log: Logger;
  settings: ReconcileSettings;
}

/** Candidates looked at (and repairs made) at once: a lost store means many orphans, each a few round trips. */
const LOOKS_AT_ONCE = 16;

/** `fn` over `items`, at most `limit` at a time, answers in order. */
async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}

/** The inbox kind of a mismatch's task. */
const TASK_KIND = 'reconcile_mismatch';

/** A row as knex answers it (camelCase columns). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type DbRow = Record<string, any>;

/** A row as the pass compares it. */
interface RowView {
  id: string;
  workflowId: string;
  /** What the mismatch line shows of it. */
  view: Record<string, unknown>;
}

/** A running workflow as visibility lists it. */
interface WorkflowView {
  workflowId: string;
  runId: string;
  view: Record<string, unknown>;
}

/** A candidate found in the pages, looked at again before it is reported. */
interface Candidate {
  kind: MismatchKind;
  entity: ReconcileEntity;
  id: string;
  workflowId: string;
}

/** One entity's rows and workflows: how to page its live rows, find the rows of leftover workflows, and compare. */
interface EntitySpec {
  entity: ReconcileEntity;
  workflowType: string;
  /** Live rows after `after` (keyset by id), at most `limit`, of the given partners only when `partnerIds` is set. */
  liveRows(db: Knex, after: string | null, limit: number, partnerIds?: string[]): Promise<RowView[]>;
  /** For running workflows no live row claimed: the workflow ids that do have a row entitling them to run. */
  entitled(db: Knex, workflowIds: string[]): Promise<Set<string>>;
  /** Differences seen in the pages (search attributes against the row); none where the workflow publishes none. */
  differences?(row: RowView, wf: WorkflowView): string[];
  /** A candidate looked at again: the row now (null: none, or not live) and the workflow now (null: not running). */
  look(
    deps: ReconcileDeps,
    c: Candidate,
  ): Promise<{
    row: Record<string, unknown> | null;
    workflow: Record<string, unknown> | null;
    differs: boolean;
  }>;
}

const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);
/** The business id in a workflow id (`subscription:<id>` → `<id>`). */
const idOf = (workflowId: string) => workflowId.slice(workflowId.indexOf(':') + 1);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A stable uuid for a key (a mismatch's inbox task is the same task every pass that finds it). */
export function keyUuid(key: string): string {
  const h = createHash('sha256').update(key).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The workflow now: its status and, when running, what it reports (null: not running or not found). */
async function describeRunning(
  temporal: Client,
  workflowId: string,
): Promise<WorkflowExecutionDescription | null> {
  try {
    const d = await temporal.workflow.getHandle(workflowId).describe();
    return d.status.name === 'RUNNING' ? d : null;
  } catch (err) {
    // Temporal out of reach is not "not running": the activity retries rather than report a false orphan.
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
}

/** The latest run of a workflow id that is not running: how it ended (null: Temporal has none under the id). */
async function lastRunOf(temporal: Client, workflowId: string): Promise<Mismatch['lastRun']> {
  try {
    const d = await temporal.workflow.getHandle(workflowId).describe();
    return { status: d.status.name, closedAt: d.closeTime ? d.closeTime.toISOString() : null };
  } catch (err) {
    // Only "no such workflow" means lost (a store swapped or restored without it). Any other failure is retried: a
    // completed run read as lost would bring a row restored from a backup back to life.
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
}

const subscriptionColumns = [
  'id',
  'workflowId',
  'status',
  'paymentState',
  'cycle',
  'nextChargeAt',
  'nextRetryAt',
  'unitPrice',
] as const;

function subscriptionRowView(r: Record<string, unknown>): Record<string, unknown> {
  return {
    status: r.status,
    paymentState: r.paymentState,
    cycle: r.cycle,
    nextChargeAt: iso(r.nextChargeAt),
    nextRetryAt: iso(r.nextRetryAt),
    unitPrice: r.unitPrice,
  };
}

/** Running or not, as a spec for the entities whose workflows publish no state to compare. */
function presenceLook(
  rowNow: (db: Knex, id: string) => Promise<Record<string, unknown> | null>,
): EntitySpec['look'] {
  return async ({ db, temporal }, c) => {
    const [row, wf] = await Promise.all([rowNow(db, c.id), describeRunning(temporal, c.workflowId)]);
    return { row, workflow: wf ? { runId: wf.runId, status: 'running' } : null, differs: false };
  };
}

const specs: EntitySpec[] = [
  {
    entity: 'subscription',
    workflowType: subscriptionWorkflowType,
    async liveRows(db, after, limit, partnerIds) {
      const rows = await db('subscriptions')
        .whereNotIn('status', endedSubscriptionStatuses)
        .modify((q) => (partnerIds ? q.whereIn('partnerId', partnerIds) : q))
        .modify((q) => (after ? q.where('id', '>', after) : q))
        .orderBy('id')
        .limit(limit)
        .select(subscriptionColumns);
      return (rows as DbRow[]).map((r) => ({
        id: r.id,
        workflowId: r.workflowId,
        view: subscriptionRowView(r),
      }));
    },
    async entitled(db, workflowIds) {
      const rows = await db('subscriptions')
        .whereIn(
          'id',
          workflowIds.map(idOf).filter((id) => UUID.test(id)),
        )
        .whereNotIn('status', endedSubscriptionStatuses)
        .select('workflowId');
      return new Set((rows as DbRow[]).map((r) => r.workflowId as string));
    },
    differences(row, wf) {
      // The search attributes say status and the next attempt (a retry's time, else the charge date).
      if (wf.view.status == null) return [];
      return subscriptionDifferences(
        {
          status: row.view.status as string,
          nextChargeAt: (row.view.nextRetryAt ?? row.view.nextChargeAt) as string | null,
        },
        { status: wf.view.status as string, nextChargeAt: (wf.view.nextChargeAt as string | null) ?? null },
      );
    },
    async look({ db, temporal }, c) {
      const r = await db('subscriptions').where({ id: c.id }).first(subscriptionColumns);
      const live = r && !endedSubscriptionStatuses.includes(r.status);
      const row = r ? subscriptionRowView(r) : null;
      const wf = await describeRunning(temporal, c.workflowId);
      if (!wf) return { row: live ? row : null, workflow: null, differs: false };
      let workflow: Record<string, unknown>;
      try {
        const s = await temporal.workflow.getHandle(c.workflowId).query(subscriptionStateQuery);
        workflow = {
          status: s.status,
          paymentState: s.paymentState,
          cycle: s.cycle,
          nextChargeAt: s.nextChargeAt,
          nextRetryAt: s.nextRetryAt ?? null,
          unitPrice: s.unitPrice,
        };
      } catch {
        // A run that answers no query (no worker for it right now): what it published stands in.
        workflow = {
          status: wf.typedSearchAttributes.get(SubscriptionStatus) ?? null,
          nextChargeAt: iso(wf.typedSearchAttributes.get(NextChargeAt)),
        };
      }
      const differs =
        !!r &&
        subscriptionDifferences(
          { status: r.status, nextChargeAt: iso(r.nextChargeAt), unitPrice: r.unitPrice },
          {
            status: workflow.status as string,
            nextChargeAt: (workflow.nextChargeAt as string | null) ?? null,
            unitPrice: workflow.unitPrice as number | undefined,
          },
        ).length > 0;
      return { row: live || differs ? row : null, workflow, differs };
    },
  },
  {
    entity: 'fulfilment_order',
    workflowType: fulfilmentWorkflowType,
    async liveRows(db, after, limit, partnerIds) {
      const rows = await db('fulfilment_orders')
        .whereNotIn('status', endedFulfilmentStatuses)
        .modify((q) => (partnerIds ? q.whereIn('partnerId', partnerIds) : q))
        .modify((q) => (after ? q.where('id', '>', after) : q))
        .orderBy('id')
        .limit(limit)
        .select('id', 'status');
      return (rows as DbRow[]).map((r) => ({
        id: r.id,
        workflowId: fulfilmentWorkflowId(r.id),
        view: { status: r.status },
      }));
    },
    async entitled(db, workflowIds) {
      const rows = await db('fulfilment_orders')
        .whereIn(
          'id',
          workflowIds.map(idOf).filter((id) => UUID.test(id)),
        )
        .whereNotIn('status', endedFulfilmentStatuses)
        .select('id');
      return new Set((rows as DbRow[]).map((r) => fulfilmentWorkflowId(r.id)));
    },
    differences(row, wf) {
      const published = wf.view.status;
      // The workflow ends canceled or delivered right after its row says so; only a live step is compared.
      return published != null && published !== row.view.status ? ['status'] : [];
    },
    async look({ db, temporal }, c) {
      const r = await db('fulfilment_orders').where({ id: c.id }).first('id', 'status');
      const live = r && !(endedFulfilmentStatuses as readonly string[]).includes(r.status);
      const wf = await describeRunning(temporal, c.workflowId);
      if (!wf) return { row: live ? { status: r.status } : null, workflow: null, differs: false };
      let status: string | null;
      try {
        status = (await temporal.workflow.getHandle(c.workflowId).query(fulfilmentStateQuery)).status;
      } catch {
        status = (wf.typedSearchAttributes.get(FulfilmentStatus) as string | undefined) ?? null;
      }
      const differs = !!live && status !== null && status !== r.status;
      return { row: live ? { status: r.status } : null, workflow: { runId: wf.runId, status }, differs };
    },
  },
  {
    entity: 'partner_application',
    workflowType: partnerApplicationWorkflowType,
    async liveRows(db, after, limit, partnerIds) {
      const rows = await db('partner_applications')
        .whereIn('status', liveApplicationStatuses)
        .modify((q) =>
          partnerIds
            ? q.whereIn('applicantId', db('partners').whereIn('id', partnerIds).select('userId'))
            : q,
        )
        .modify((q) => (after ? q.where('id', '>', after) : q))
        .orderBy('id')
        .limit(limit)
        .select('id', 'workflowId', 'status', 'applicantId');
      return (rows as DbRow[]).map((r) => ({
        id: r.id,
        workflowId: r.workflowId,
        view: { status: r.status, applicantId: r.applicantId },
      }));
    },
    async entitled(db, workflowIds) {
      const rows = await db('partner_applications')
        .whereIn(
          'applicantId',
          workflowIds.map(idOf).filter((id) => UUID.test(id)),
        )
        .whereIn('status', liveApplicationStatuses)
        .select('workflowId');
      return new Set((rows as DbRow[]).map((r) => r.workflowId as string));
    },
    look: presenceLook(async (db, id) => {
      const r = await db('partner_applications')
        .where({ id })
        .whereIn('status', liveApplicationStatuses)
        .first('status');
      return r ? { status: r.status } : null;
    }),
  },
  {
    entity: 'product_revision',
    workflowType: productPublicationWorkflowType,
    async liveRows(db, after, limit, partnerIds) {
      const rows = await db('product_revisions as r')
        .join('products as p', 'p.id', 'r.productId')
        .whereIn('r.status', liveRevisionStatuses)
        .modify((q) => (partnerIds ? q.whereIn('r.partnerId', partnerIds) : q))
        .modify((q) => (after ? q.where('r.id', '>', after) : q))
        .orderBy('r.id')
        .limit(limit)
        .select('r.id', 'r.status', 'r.productId', 'p.workflowId');
      return (rows as DbRow[]).map((r) => ({
        id: r.id,
        workflowId: r.workflowId,
        view: { status: r.status, productId: r.productId },
      }));
    },
    // A product's publication runs for the product's whole life: only one without its product is an orphan.
    async entitled(db, workflowIds) {
      const rows = await db('products')
        .whereIn(
          'id',
          workflowIds.map(idOf).filter((id) => UUID.test(id)),
        )
        .select('workflowId');
      return new Set((rows as DbRow[]).map((r) => r.workflowId as string));
    },
    look: presenceLook(async (db, id) => {
      // A revision's candidate id is the revision; a publication's (orphan workflow) is the product.
      const rev = await db('product_revisions')
        .where({ id })
        .whereIn('status', liveRevisionStatuses)
        .first('status');
      if (rev) return { status: rev.status };
      const product = await db('products').where({ id }).first('status');
      return product ? { product: product.status } : null;
    }),
  },
  {
    entity: 'settlement_statement',
    workflowType: settlementStatementWorkflowType,
    async liveRows(db, after, limit, partnerIds) {
      const rows = await db('settlement_statements')
        .where({ status: 'open' })
        .modify((q) => (partnerIds ? q.whereIn('partnerId', partnerIds) : q))
        .whereNotNull('workflowId')
        .modify((q) => (after ? q.where('id', '>', after) : q))
        .orderBy('id')
        .limit(limit)
        .select('id', 'workflowId', 'status', 'payoutAmount');
      return (rows as DbRow[]).map((r) => ({
        id: r.id,
        workflowId: r.workflowId,
        view: { status: r.status, payoutAmount: Number(r.payoutAmount) },
      }));
    },
    async entitled(db, workflowIds) {
      const rows = await db('settlement_statements')
        .whereIn(
          'id',
          workflowIds.map(idOf).filter((id) => UUID.test(id)),
        )
        .where({ status: 'open' })
        .select('workflowId');
      return new Set((rows as DbRow[]).map((r) => r.workflowId as string));
    },
    look: presenceLook(async (db, id) => {
      const r = await db('settlement_statements').where({ id, status: 'open' }).first('status');
      return r ? { status: r.status } : null;
    }),
  },
];

/** What a listed workflow publishes, per entity (the search attributes a row is compared with). */
function publishedView(entity: ReconcileEntity, info: WorkflowExecutionInfo): Record<string, unknown> {
  const sa = info.typedSearchAttributes;
  if (entity === 'subscription')
    return { status: sa.get(SubscriptionStatus) ?? null, nextChargeAt: iso(sa.get(NextChargeAt)) };
  if (entity === 'fulfilment_order') return { status: sa.get(FulfilmentStatus) ?? null };
  return {};
}

/** Every running workflow of a type, through visibility list pages. */
async function runningWorkflows(
  deps: ReconcileDeps,
  spec: EntitySpec,
  tick: () => void,
): Promise<Map<string, WorkflowView>> {
  const out = new Map<string, WorkflowView>();
  const list = deps.temporal.workflow.list({
    query: `WorkflowType = '${spec.workflowType}' AND ExecutionStatus = 'Running'`,
    pageSize: deps.settings.pageSize ?? 1000,
  });
  for await (const info of list) {
    out.set(info.workflowId, {
      workflowId: info.workflowId,
      runId: info.runId,
      view: publishedView(spec.entity, info),
    });
    if (out.size % 1000 === 0) tick();
  }
  return out;
}

/** One entity's candidates: live rows with no running workflow or disagreeing with it; workflows with no live row. */
async function scanEntity(
  deps: ReconcileDeps,
  spec: EntitySpec,
  partnerIds: string[] | undefined,
  tick: () => void,
  seen: { rows: Set<string>; running: Set<string> },
): Promise<{ candidates: Candidate[]; rows: number; workflows: number }> {
  const running = await runningWorkflows(deps, spec, tick);
  for (const workflowId of running.keys()) seen.running.add(idOf(workflowId));
  const claimed = new Set<string>();
  const candidates: Candidate[] = [];
  const limit = deps.settings.pageSize ?? 1000;
  let after: string | null = null;
  let rows = 0;
  for (;;) {
    const page = await spec.liveRows(deps.db, after, limit, partnerIds);
    for (const row of page) {
      seen.rows.add(row.id);
      const wf = running.get(row.workflowId);
      const base = { entity: spec.entity, id: row.id, workflowId: row.workflowId };
      if (!wf) candidates.push({ kind: 'orphan_row', ...base });
      else {
        claimed.add(row.workflowId);
        if (spec.differences?.(row, wf).length) candidates.push({ kind: 'disagreement', ...base });
      }
    }
    rows += page.length;
    tick();
    if (page.length < limit) break;
    after = page[page.length - 1]!.id;
  }
  const leftover = [...running.keys()].filter((id) => !claimed.has(id));
  for (let i = 0; i < leftover.length; i += limit) {
    const chunk = leftover.slice(i, i + limit);
    const entitled = await spec.entitled(deps.db, chunk);
    for (const workflowId of chunk) {
      if (!entitled.has(workflowId))
        candidates.push({ kind: 'orphan_workflow', entity: spec.entity, id: idOf(workflowId), workflowId });
    }
    tick();
  }
  return { candidates, rows, workflows: running.size };
}

/** A candidate looked at again: the mismatch it still is, or null (it settled, or was a page read mid-step). */
async function confirm(deps: ReconcileDeps, c: Candidate): Promise<Mismatch | null> {
  const spec = specs.find((s) => s.entity === c.entity)!;
  const { row, workflow, differs } = await spec.look(deps, c);
  if (c.kind === 'orphan_row' && row && !workflow) {
    const lastRun = await lastRunOf(deps.temporal, c.workflowId);
    return { kind: c.kind, entity: c.entity, id: c.id, row, workflow, lastRun };
  }
  if (c.kind === 'orphan_workflow' && workflow && !row)
    return { kind: c.kind, entity: c.entity, id: c.id, row, workflow };
  if (differs) return { kind: 'disagreement', entity: c.entity, id: c.id, row, workflow };
  // A candidate of one kind can be found to be another (a row changed since its page): looked at next pass.
  return null;
}

/** Restarts a lost subscription from its row as a carried run (see domain/reconcile.ts carriedStateFromRow). */
async function restartSubscription(deps: ReconcileDeps, id: string): Promise<Mismatch['repair']> {
  const r = await deps.db('subscriptions').where({ id }).first();
  // A checkout whose card never connected has no card to charge: the customer starts again (reported only).
  if (!r || endedSubscriptionStatuses.includes(r.status) || r.status === 'connecting' || !r.cardId)
    return 'reported';
  const carried = carriedStateFromRow(r as SubscriptionRowState);
  const input: SubscriptionInput = {
    subscriptionId: r.id,
    customerId: r.customerId,
    customerKey: customerKeyFor(r.customerId),
    productId: r.productId,
    partnerId: r.partnerId,
    productName: r.productName,
    options: carried.options,
    unitPrice: r.unitPrice,
    shipTo: r.shipTo,
    firstChargeAt: carried.nextChargeAt ?? new Date().toISOString(),
    settings: deps.settings.subscriptionSettings,
    carried,
  };
  await startSubscriptionWorkflow(deps.temporal, { taskQueuePrefix: deps.settings.taskQueuePrefix }, input, {
    // A second repair (or one racing another worker's) finds the run this one started: nothing new.
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
  });
  return 'restarted';
}

/** Restarts a lost order's fulfilment from its row, at the step the row had reached. */
async function restartFulfilment(deps: ReconcileDeps, id: string): Promise<Mismatch['repair']> {
  const r = await deps.db('fulfilment_orders').where({ id }).first();
  if (!r || (endedFulfilmentStatuses as readonly string[]).includes(r.status)) return 'reported';
  // The lost run's escalation task cannot be decided any more (its owner is gone); the new run opens its own if due.
  if (r.escalationTaskId)
    await deps
      .db('tasks')
      .where({ id: r.escalationTaskId, state: 'open' })
      .update({ state: 'cancelled', outcome: 'restarted', resolvedAt: deps.db.fn.now() });
  const input: FulfilmentInput = {
    orderId: r.id,
    paymentId: r.paymentId,
    subscriptionId: r.subscriptionId,
    customerId: r.customerId,
    partnerId: r.partnerId,
    productName: r.productName,
    cycle: r.cycle,
    shipBy: new Date(r.shipBy).toISOString(),
    settings: deps.settings.fulfilmentSettings,
    resume: { status: r.status, carrier: r.carrier ?? null, trackingNumber: r.trackingNumber ?? null },
  };
  await startFulfilment(deps.temporal, { taskQueuePrefix: deps.settings.taskQueuePrefix }, input, {
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    typedSearchAttributes: new TypedSearchAttributes([
      { key: CustomerId, value: r.customerId },
      { key: PartnerId, value: r.partnerId },
      { key: FulfilmentStatus, value: r.status },
    ]),
  });
  return 'restarted';
}

/** Restarts a lost statement's payout workflow: it waits for the admin's payout again (its input is the row). */
async function restartStatement(deps: ReconcileDeps, id: string): Promise<Mismatch['repair']> {
  const r = await deps.db('settlement_statements').where({ id, status: 'open' }).first();
  if (!r) return 'reported';
  await startSettlementStatement(
    deps.temporal,
    { taskQueuePrefix: deps.settings.taskQueuePrefix },
    { statementId: r.id, partnerId: r.partnerId, payoutAmount: Number(r.payoutAmount) },
    {
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      typedSearchAttributes: new TypedSearchAttributes([{ key: PartnerId, value: r.partnerId }]),
    },
  );
  return 'restarted';
}

/**
 * Repairs what is safe to repair: a lost subscription, fulfilment or statement payout restarts from its row; a subscription whose row
 * disagrees is asked to write its row again (the owner is the only writer). Orphan workflows are never terminated.
 */
async function repair(deps: ReconcileDeps, m: Mismatch, workflowId: string): Promise<Mismatch['repair']> {
  // A run that completed (or failed) under the id says the row is the stale side: never resurrected from it.
  const lost = !m.lastRun || (restartableRunStatuses as readonly string[]).includes(m.lastRun.status);
  if (m.kind === 'orphan_row' && !lost) return 'reported';
  if (m.kind === 'orphan_row' && m.entity === 'subscription') return restartSubscription(deps, m.id);
  if (m.kind === 'orphan_row' && m.entity === 'fulfilment_order') return restartFulfilment(deps, m.id);
  if (m.kind === 'orphan_row' && m.entity === 'settlement_statement') return restartStatement(deps, m.id);
  if (m.kind === 'disagreement' && m.entity === 'subscription') {
    await deps.temporal.workflow.getHandle(workflowId).signal(rewriteRowSignal);
    return 'rewrite_requested';
  }
  return 'reported';
}

const titles: Record<MismatchKind, string> = {
  orphan_row: '워크플로 없는 행',
  orphan_workflow: '행 없는 워크플로',
  disagreement: '행과 워크플로 불일치',
};
const entityNames: Record<ReconcileEntity, string> = {
  subscription: '구독',
  fulfilment_order: '배송 주문',
  partner_application: '파트너 신청',
  product_revision: '상품 검토',
  settlement_statement: '정산서',
};

/**
 * The inbox follows the mismatches: a task per mismatch (opened, or opened again, when it is new) and every open one
 * whose mismatch this pass no longer finds closed as cleared. Idempotent: the task id is derived from the mismatch.
 */
async function syncTasks(
  deps: ReconcileDeps,
  found: { m: Mismatch; workflowId: string }[],
  scope: { rows: Set<string>; running: Set<string> } | null,
): Promise<{ opened: number; closed: number }> {
  const { db } = deps;
  const ids = new Set<string>();
  let opened = 0;
  for (const { m, workflowId } of found) {
    const taskId = keyUuid(`reconcile:${m.kind}:${m.entity}:${m.id}`);
    ids.add(taskId);
    const title = `${entityNames[m.entity]} — ${titles[m.kind]}`;
    const summary = {
      kind: m.kind,
      entity: m.entity,
      id: m.id,
      row: m.row,
      workflow: m.workflow,
      repair: m.repair,
    };
    await db.transaction(async (trx) => {
      const rows = (await trx.raw(
        `INSERT INTO tasks (id, kind, subject_id, workflow_id, workflow_run_id, title, summary, state, submitted_at, sla_due_at)
         VALUES (?, ?, ?, ?, '', ?, ?::jsonb, 'open', now(), now() + (? * interval '1 millisecond'))
         ON CONFLICT (id) DO UPDATE SET state = 'open', outcome = NULL, resolved_by = NULL, resolved_at = NULL,
           overdue_at = NULL, summary = excluded.summary, submitted_at = now(), sla_due_at = excluded.sla_due_at
         WHERE tasks.state <> 'open'
         RETURNING id, extract(epoch from submitted_at) * 1000 AS at`,
        [
          taskId,
          TASK_KIND,
          UUID.test(m.id) ? m.id : taskId,
          workflowId,
          title,
          JSON.stringify(summary),
          deps.settings.taskSlaMs,
        ],
      )) as { rows: { id: string; at: number }[] };
      const task = rows.rows[0];
      if (!task) return;
      opened += 1;
      await enqueueNotification(trx, {
        dedupeKey: `task:${taskId}:opened:${Math.round(Number(task.at))}`,
        recipientRole: 'admin',
        template: 'task_opened',
        payload: { taskId, kind: TASK_KIND, title, slaDueAt: null },
      });
    });
  }
  // Cleared: open findings this pass no longer finds — of what it looked at, when it was scoped to some roasters (a
  // pass over one roaster says nothing of another's findings).
  const open = (await db('tasks')
    .where({ kind: TASK_KIND, state: 'open' })
    .select('id', 'subjectId', 'summary')) as { id: string; subjectId: string; summary: { kind?: string } }[];
  const lookedAt = (t: (typeof open)[number]) =>
    !scope ||
    scope.rows.has(t.subjectId) ||
    scope.running.has(t.subjectId) ||
    // An orphan workflow that no longer runs is over whoever's it was (every running workflow was listed).
    (t.summary?.kind === 'orphan_workflow' && !scope.running.has(t.subjectId));
  const stale = open.filter((t) => !ids.has(t.id) && lookedAt(t)).map((t) => t.id);
  const cleared = stale.length
    ? await db('tasks')
        .whereIn('id', stale)
        .where({ state: 'open' })
        .update({ state: 'done', outcome: 'cleared', resolvedAt: db.fn.now() })
        .returning('id')
    : [];
  return { opened, closed: cleared.length };
}

/**
 * One pass over every workflow-owned entity: candidates from the pages, each looked at twice (`settleMs` apart),
 * then counted (the `dalgona_reconcile_mismatches` gauge), listed in the inbox and, when `input.repair`, repaired.
 */
export async function runReconcile(
  deps: ReconcileDeps,
  input: ReconcileInput,
  hooks: { tick?: () => void } = {},
): Promise<ReconcileResult> {
  const started = Date.now();
  const tick = hooks.tick ?? (() => {});
  const scanned = Object.fromEntries(
    reconcileEntities.map((e) => [e, { rows: 0, workflows: 0 }]),
  ) as ReconcileResult['scanned'];
  const candidates: Candidate[] = [];
  // What a pass scoped to some roasters looked at (their rows; running workflows are listed whole): only findings about
  // those can be cleared by it.
  const seen = { rows: new Set<string>(), running: new Set<string>() };
  for (const spec of specs) {
    const r = await scanEntity(deps, spec, input.partnerIds, tick, seen);
    scanned[spec.entity] = { rows: r.rows, workflows: r.workflows };
    candidates.push(...r.candidates);
  }
  // Two looks, a moment apart: a workflow that publishes before its row is written, or a row inserted just before its
  // workflow starts, is not a mismatch.
  const lookAll = async (cs: Candidate[]) => {
    const looked = await mapLimit(cs, LOOKS_AT_ONCE, async (c, i) => {
      if (i % 100 === 99) tick();
      const m = await confirm(deps, c);
      return m ? { c, m } : null;
    });
    return looked.filter((x): x is { c: Candidate; m: Mismatch } => x !== null);
  };
  let looked = await lookAll(candidates);
  const firstLook = looked.length;
  if (looked.length) {
    await new Promise((r) => setTimeout(r, deps.settings.settleMs));
    looked = await lookAll(looked.map(({ c }) => c));
  }
  const found = await mapLimit(looked, LOOKS_AT_ONCE, async ({ c, m }, i) => {
    if (i % 100 === 99) tick();
    m.repair = input.repair ? await repair(deps, m, c.workflowId) : 'reported';
    if (m.repair !== 'reported') deps.metrics.reconcileRepairs.inc({ kind: m.kind, entity: m.entity });
    return { m, workflowId: c.workflowId };
  });
  for (const kind of mismatchKinds)
    for (const entity of reconcileEntities)
      deps.metrics.reconcileMismatches.set(
        { kind, entity },
        found.filter(({ m }) => m.kind === kind && m.entity === entity).length,
      );
  const tasks = await syncTasks(deps, found, input.partnerIds ? seen : null);
  const result: ReconcileResult = {
    mismatches: found.slice(0, RECONCILE_RESULT_LIMIT).map(({ m }) => m),
    counts: Object.fromEntries(
      mismatchKinds.map((k) => [k, found.filter(({ m }) => m.kind === k).length]),
    ) as ReconcileResult['counts'],
    scanned,
    tasksOpened: tasks.opened,
    tasksClosed: tasks.closed,
    durationMs: Date.now() - started,
    candidates: { found: candidates.length, firstLook },
  };
  deps.log.info(
    { mismatches: found.length, repair: input.repair, durationMs: result.durationMs, scanned },
    'reconcile pass',
  );
  return result;
}

/** The reconcile workflow's activity (built with the others from their dependencies). */
export function createReconcileActivities(deps: ActivityDeps) {
  return {
    /**
     * One reconcile pass (see runReconcile); heartbeats page by page. Idempotent: a retried pass finds what is still
     * wrong, and every repair is a start under a fixed id or a rewrite of the same values.
     */
    async reconcilePass(input: ReconcileInput): Promise<ReconcileResult> {
      const attempt = activityInfo().attempt;
      return runReconcile(
        {
          db: deps.db,
          temporal: deps.temporal,
          metrics: deps.metrics,
          log: deps.log,
          settings: deps.reconcile,
        },
        input,
        { tick: () => heartbeat({ attempt }) },
      );
    },
  };
}
