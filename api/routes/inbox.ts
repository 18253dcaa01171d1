import { z } from 'zod';
import type { Knex } from 'knex';
import { AppError } from '../../domain/errors';
import { inboxCursor, inboxQuerySchema, type InboxTask } from '../../domain/inbox';
import { reviewDecisionSchema } from '../../domain/partner';
import { PartnerApplication, Task } from '../../db/models';
import {
  claimTaskUpdate,
  decideUpdate,
  releaseTaskUpdate,
  reviewDeskHandle,
} from '../../domain/contracts/reviewDesk';
import type { ApiContext } from '../context';
import { route, type RouteDef } from '../route';
import { fromTemporal } from '../temporalErrors';
import { presentApplication } from './partnerApplications';
import { profileChangeSubject } from './partnerProfile';
import { presentRevision } from './products';

const idParams = z.strictObject({ id: z.uuid() });

interface TaskRow {
  id: string;
  kind: InboxTask['kind'];
  subjectId: string;
  workflowId: string;
  title: string;
  summary: Record<string, unknown>;
  state: InboxTask['state'];
  outcome: string | null;
  submittedAt: Date;
  slaDueAt: Date;
  expiresAt: Date | null;
  overdueAt: Date | null;
  ageSeconds: number;
  claimedById: string | null;
  claimedByName: string | null;
  claimedAt: Date | null;
  resolvedById: string | null;
  resolvedByName: string | null;
  resolvedAt: Date | null;
}

function taskQuery(db: Knex) {
  return db('tasks as t')
    .leftJoin('users as c', 'c.id', 't.claimed_by')
    .leftJoin('users as r', 'r.id', 't.resolved_by')
    .select(
      't.*',
      db.raw('extract(epoch from (coalesce(t.resolved_at, now()) - t.submitted_at))::int as age_seconds'),
      'c.id as claimed_by_id',
      'c.name as claimed_by_name',
      'r.id as resolved_by_id',
      'r.name as resolved_by_name',
    );
}

function present(r: TaskRow): InboxTask {
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  return {
    id: r.id,
    kind: r.kind,
    subjectId: r.subjectId,
    title: r.title,
    summary: r.summary,
    state: r.state,
    outcome: r.outcome,
    submittedAt: iso(r.submittedAt)!,
    slaDueAt: iso(r.slaDueAt)!,
    expiresAt: iso(r.expiresAt),
    overdue: r.state === 'open' && (r.overdueAt !== null || new Date(r.slaDueAt).getTime() < Date.now()),
    ageSeconds: r.ageSeconds,
    claimedBy: r.claimedById ? { id: r.claimedById, name: r.claimedByName ?? '' } : null,
    claimedAt: iso(r.claimedAt),
    resolvedBy: r.resolvedById ? { id: r.resolvedById, name: r.resolvedByName ?? '' } : null,
    resolvedAt: iso(r.resolvedAt),
  };
}

/** Sends an Update about an open task to the workflow that owns it; Temporal's refusals become our codes. */
async function updateTask<T>(deps: { db: Knex }, id: string, send: (task: Task) => Promise<T>): Promise<T> {
  const task = await Task.query(deps.db).findById(id);
  if (!task) throw new AppError('NOT_FOUND', 'No such task');
  if (task.state !== 'open') throw new AppError('TASK_NOT_OPEN', 'This task is no longer open');
  // A reconciler's finding has no workflow to decide it: it closes when a pass no longer finds the mismatch.
  if (task.kind === 'reconcile_mismatch')
    throw new AppError('TASK_NOT_OPEN', 'This task closes by itself once the mismatch is repaired');
  try {
    return await send(task);
  } catch (err) {
    throw fromTemporal(err);
  }
}

/** A product revision under review beside the live one it would replace (for the side-by-side diff). */
async function productReviewSubject(db: Knex, revisionId: string) {
  const revision = await db('product_revisions').where({ id: revisionId }).first();
  if (!revision) return null;
  const product = await db('products').where({ id: revision.productId }).first();
  const live =
    product?.liveRevisionId && product.liveRevisionId !== revisionId
      ? await db('product_revisions').where({ id: product.liveRevisionId }).first()
      : null;
  const partner = await db('partners').where({ id: revision.partnerId }).first('id', 'company_name');
  return {
    product: { id: product?.id, status: product?.status },
    partner: { id: partner?.id, name: partner?.companyName },
    revision: presentRevision(revision),
    live: live ? presentRevision(live) : null,
  };
}

const actorOf = (ctx: ApiContext) => ({ userId: ctx.state.user!.id, roles: ctx.state.user!.roles });

export function inboxRoutes(): RouteDef[] {
  return [
    route({
      method: 'GET',
      path: '/api/admin/tasks',
      summary: 'The admin inbox: tasks of every kind, oldest first, filtered by kind and state',
      tag: 'inbox',
      access: 'admin',
      query: inboxQuerySchema,
      async handler({ ctx, query, deps: { db } }) {
        const q = taskQuery(db)
          .orderBy([{ column: 't.submitted_at' }, { column: 't.id' }])
          .limit(query.limit + 1);
        if (query.kind) q.where('t.kind', query.kind);
        if (query.q)
          q.whereRaw(`t.title ILIKE ? ESCAPE '\\'`, [`%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`]);
        if (query.state === 'closed') q.whereNot('t.state', 'open');
        else if (query.state !== 'all') q.where('t.state', 'open');
        if (query.state === 'overdue')
          q.where((w) => w.whereNotNull('t.overdue_at').orWhere('t.sla_due_at', '<', db.fn.now()));
        if (query.state === 'unclaimed') q.whereNull('t.claimed_by');
        if (query.state === 'mine') q.where('t.claimed_by', ctx.state.user!.id);
        // Keyset paging over (submitted_at, id): stable under inserts, no OFFSET scans.
        if (query.cursor) {
          const [at, id] = query.cursor;
          q.whereRaw('(t.submitted_at, t.id) > (?::timestamptz, ?::uuid)', [at, id]);
        }
        const rows = (await q) as TaskRow[];
        const page = rows.slice(0, query.limit);
        const counts = await db('tasks')
          .where('state', 'open')
          .select(
            db.raw('count(*)::int as open'),
            db.raw('count(*) filter (where overdue_at is not null or sla_due_at < now())::int as overdue'),
            db.raw('count(*) filter (where claimed_by is null)::int as unclaimed'),
            db.raw('count(*) filter (where claimed_by = ?)::int as mine', [ctx.state.user!.id]),
          )
          .first();
        return {
          items: page.map(present),
          nextCursor:
            rows.length > query.limit
              ? inboxCursor.encode(page[page.length - 1]!.submittedAt, page[page.length - 1]!.id)
              : null,
          counts,
        };
      },
    }),
    route({
      method: 'GET',
      path: '/api/admin/tasks/:id',
      summary: 'One task with its subject (e.g. the partner application)',
      tag: 'inbox',
      access: 'admin',
      params: idParams,
      async handler({ params, deps: { db } }) {
        const row = (await taskQuery(db).where('t.id', params.id).first()) as TaskRow | undefined;
        if (!row) throw new AppError('NOT_FOUND', 'No such task');
        let subject: unknown = null;
        if (row.kind === 'partner_application') {
          const app = await PartnerApplication.query(db).findById(row.subjectId);
          subject = app ? { ...presentApplication(app), bankAccount: app.bankAccount } : null;
        } else if (row.kind === 'product_review') {
          subject = await productReviewSubject(db, row.subjectId);
        } else if (row.kind === 'reconcile_mismatch') {
          // What the reconciler saw: the row, the workflow, and what its repair did.
          subject = row.summary;
        } else if (row.kind === 'partner_profile_change') {
          subject = await profileChangeSubject(db, row.subjectId);
        } else if (row.kind === 'fulfilment_escalation') {
          subject =
            (await db('fulfilment_orders as o')
              .join('partners as p', 'p.id', 'o.partnerId')
              .join('users as u', 'u.id', 'o.customerId')
              .where('o.id', row.subjectId)
              .first(
                'o.id',
                'o.productName',
                'o.grams',
                'o.grind',
                'o.quantity',
                'o.cycle',
                'o.status',
                'o.shipBy',
                'o.createdAt',
                'o.escalatedAt',
                'o.shippedAt',
                'o.carrier',
                'o.trackingNumber',
                'p.companyName as partnerName',
                'p.phone as partnerPhone',
                'p.email as partnerEmail',
                'u.name as customerName',
              )) ?? null;
        }
        return { task: present(row), subject, workflowId: row.workflowId };
      },
    }),
    route({
      method: 'POST',
      path: '/api/admin/tasks/:id/claim',
      summary: 'Claim a task so other admins see who is on it',
      tag: 'inbox',
      access: 'admin',
      params: idParams,
      handler: ({ ctx, params, deps }) =>
        updateTask(deps, params.id, (task) =>
          reviewDeskHandle(deps.temporal, task).executeUpdate(claimTaskUpdate, {
            args: [{ taskId: task.id, actor: actorOf(ctx) }],
          }),
        ),
    }),
    route({
      method: 'POST',
      path: '/api/admin/tasks/:id/release',
      summary: 'Release a task you hold',
      tag: 'inbox',
      access: 'admin',
      params: idParams,
      handler: ({ ctx, params, deps }) =>
        updateTask(deps, params.id, (task) =>
          reviewDeskHandle(deps.temporal, task).executeUpdate(releaseTaskUpdate, {
            args: [{ taskId: task.id, actor: actorOf(ctx) }],
          }),
        ),
    }),
    route({
      method: 'POST',
      path: '/api/admin/tasks/:id/decision',
      summary: 'Approve or reject (with a reason) the subject of a review task',
      tag: 'inbox',
      access: 'admin',
      params: idParams,
      body: reviewDecisionSchema,
      handler: ({ ctx, params, body, deps }) =>
        updateTask(deps, params.id, (task) =>
          reviewDeskHandle(deps.temporal, task).executeUpdate(decideUpdate, {
            args: [{ ...body, taskId: task.id, actor: actorOf(ctx) }],
          }),
        ),
    }),
  ];
}
