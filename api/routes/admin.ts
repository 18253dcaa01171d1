import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  customerSearchSchema,
  onBehalfCancelSchema,
  onBehalfSchema,
  partnerDirectoryQuerySchema,
  partnerStatusSchema,
  type CustomerMatch,
} from '../../domain/admin';
import { seoulMidnight } from '../../domain/calendar';
import { auditCursor, auditQuerySchema, type AuditLine, type AuditPage } from '../../domain/audit';
import { changePartnerStatus } from '../../domain/contracts/partnerStatus';
import { recordAuditLine } from '../../domain/contracts/recordAudit';
import {
  cancelSubscriptionUpdate,
  pauseUpdate,
  resumeUpdate,
  subscriptionHandle,
  type SubscriptionAction,
  type SubscriptionState,
} from '../../domain/contracts/subscription';
import { AppError } from '../../domain/errors';
import type { PartnerDirectoryRow, PartnerStatusResult } from '../../domain/partnerStatus';
import type { ApiContext, ApiDeps } from '../context';
import { route, type RouteDef } from '../route';
import { fromTemporal } from '../temporalErrors';

const idParams = z.strictObject({ id: z.uuid() });
const iso = (d: unknown) => (d ? new Date(d as Date).toISOString() : null);
const like = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** An admin's action on a customer's subscription, with the reason the audit line keeps. */
async function onBehalf<A>(
  deps: ApiDeps,
  ctx: ApiContext,
  id: string,
  update: UpdateDefinition<SubscriptionState, [SubscriptionAction<A>]>,
  args: A,
  reason: string,
): Promise<SubscriptionState> {
  const row = await deps.db('subscriptions').where({ id }).first('id');
  if (!row) throw new AppError('NOT_FOUND', 'No such subscription');
  try {
    return await subscriptionHandle(deps.temporal, id).executeUpdate(update, {
      args: [{ actor: { userId: ctx.state.user!.id, roles: ctx.state.user!.roles }, args, reason }],
    });
  } catch (err) {
    throw fromTemporal(err, new AppError('CONFLICT', 'This subscription has ended'));
  }
}

/** The back office: audit log, partner directory and suspension, customer lookup and actions on their behalf. */
export function adminRoutes(): RouteDef[] {
  const status = (action: 'suspend' | 'resume', summary: string) =>
    route({
      method: 'POST',
      path: `/api/admin/partners/:id/${action}`,
      summary,
      tag: 'admin',
      access: 'admin',
      params: idParams,
      body: partnerStatusSchema,
      async handler({ ctx, params, body, deps: { db, temporal, config } }): Promise<PartnerStatusResult> {
        const partner = await db('partners').where({ id: params.id }).first('status');
        if (!partner) throw new AppError('NOT_FOUND', 'No such partner');
        if (partner.status === (action === 'suspend' ? 'suspended' : 'active'))
          throw new AppError(
            'CONFLICT',
            action === 'suspend' ? 'This partner is already suspended' : 'This partner is not suspended',
            { reason: action === 'suspend' ? 'partner_already_suspended' : 'partner_not_suspended' },
          );
        try {
          return await changePartnerStatus(temporal, config.temporal, {
            partnerId: params.id,
            action,
            reason: body.reason,
            actorId: ctx.state.user!.id,
          });
        } catch (err) {
          if (err instanceof WorkflowExecutionAlreadyStartedError)
            throw new AppError('CONFLICT', 'Another status change of this partner is under way', {
              reason: 'partner_status_busy',
            });
          throw err;
        }
      },
    });
  const act = <A>(
    path: string,
    summary: string,
    update: UpdateDefinition<SubscriptionState, [SubscriptionAction<A>]>,
    body: z.ZodType<{ reason: string }>,
  ) =>
    route({
      method: 'POST',
      path: `/api/admin/subscriptions/:id/${path}`,
      summary,
      tag: 'admin',
      access: 'admin',
      params: idParams,
      body,
      handler: ({ ctx, params, body: b, deps }) => {
        // The cancel Update keeps the reason with the cancellation too; pause and resume take no arguments.
        const { reason, ...rest } = b;
        const args = (update === cancelSubscriptionUpdate ? b : rest) as A;
        return onBehalf(deps, ctx, params.id, update, args, reason);
      },
    });

  return [
    route({
      method: 'GET',
      path: '/api/admin/audit',
      summary: 'The audit log: every admin action and personal-data export, newest first, filtered and paged',
      tag: 'admin',
      access: 'admin',
      query: auditQuerySchema,
      async handler({ query, deps: { db } }): Promise<AuditPage> {
        const q = db('audit_log as a')
          .leftJoin('users as u', 'u.id', 'a.actor_id')
          .select('a.*', 'u.name as actor_name', 'u.email as actor_email')
          .orderBy([
            { column: 'a.at', order: 'desc' },
            { column: 'a.id', order: 'desc' },
          ])
          .limit(query.limit + 1);
        if (query.actor) q.where(query.actor.includes('@') ? 'u.email' : 'a.actor_id', query.actor);
        if (query.action) q.where('a.action', query.action);
        if (query.target) {
          q.where((w) =>
            w
              .where('a.target_id', query.target!)
              .orWhereRaw(`a.target_type ILIKE ? ESCAPE '\\'`, [like(query.target!)]),
          );
        }
        if (query.from) q.where('a.at', '>=', seoulMidnight(query.from));
        if (query.to) q.where('a.at', '<', new Date(seoulMidnight(query.to).getTime() + 24 * 3600_000));
        if (query.cursor) {
          const [at, id] = query.cursor;
          q.whereRaw('(a.at, a.id) < (?::timestamptz, ?::bigint)', [at, id]);
        }
        const rows = (await q) as Record<string, unknown>[];
        const page = rows.slice(0, query.limit);
        const last = page[page.length - 1];
        return {
          items: page.map((r): AuditLine => ({
            id: String(r.id),
            at: iso(r.at)!,
            actor: r.actorId
              ? { id: String(r.actorId), name: String(r.actorName), email: String(r.actorEmail) }
              : null,
            action: r.action as AuditLine['action'],
            targetType: String(r.targetType),
            targetId: String(r.targetId),
            before: r.before ?? null,
            after: r.after ?? null,
            reason: (r.reason as string | null) ?? null,
          })),
          nextCursor:
            rows.length > query.limit && last ? auditCursor.encode(last.at as Date, String(last.id)) : null,
        };
      },
    }),
    route({
      method: 'GET',
      path: '/api/admin/partners',
      summary: 'The partner directory: status, products, subscribers and the last payout of every partner',
      tag: 'admin',
      access: 'admin',
      query: partnerDirectoryQuerySchema,
      async handler({ query, deps: { db } }): Promise<{ items: PartnerDirectoryRow[] }> {
        const q = db('partners as p')
          .select(
            'p.id',
            'p.company_name',
            'p.representative',
            'p.email',
            'p.status',
            'p.suspended_at',
            'p.suspension_reason',
            'p.approved_at',
            db.raw('(SELECT count(*) FROM products x WHERE x.partner_id = p.id)::int AS products'),
            db.raw(
              `(SELECT count(*) FROM catalog_products c WHERE c.partner_id = p.id AND c.status = 'live')::int AS live_products`,
            ),
            db.raw(
              `(SELECT count(DISTINCT s.customer_id) FROM subscriptions s WHERE s.partner_id = p.id
                AND s.status IN ('active','past_due','paused'))::int AS subscribers`,
            ),
            db.raw(
              `(SELECT count(*) FROM settlement_statements st WHERE st.partner_id = p.id AND st.status = 'open'
                AND p.status = 'suspended')::int AS held_statements`,
            ),
            db.raw(
              `(SELECT json_build_object('paidAt', st.paid_at, 'amount', st.payout_amount) FROM settlement_statements st
                WHERE st.partner_id = p.id AND st.status = 'paid' ORDER BY st.paid_at DESC LIMIT 1) AS last_payout`,
            ),
          )
          .orderBy([{ column: 'p.company_name' }, { column: 'p.id' }])
          .limit(500);
        if (query.status) q.where('p.status', query.status);
        if (query.q) q.whereRaw(`p.company_name ILIKE ? ESCAPE '\\'`, [like(query.q)]);
        const rows = (await q) as Record<string, unknown>[];
        return {
          items: rows.map((r) => {
            const payout = r.lastPayout as { paidAt: string; amount: number } | null;
            return {
              id: String(r.id),
              companyName: String(r.companyName),
              representative: String(r.representative),
              email: String(r.email),
              status: r.status as PartnerDirectoryRow['status'],
              suspendedAt: iso(r.suspendedAt),
              suspensionReason: (r.suspensionReason as string | null) ?? null,
              approvedAt: iso(r.approvedAt)!,
              products: Number(r.products),
              liveProducts: Number(r.liveProducts),
              subscribers: Number(r.subscribers),
              heldStatements: Number(r.heldStatements),
              lastPayout: payout
                ? { paidAt: new Date(payout.paidAt).toISOString(), amount: Number(payout.amount) }
                : null,
            };
          }),
        };
      },
    }),
    status(
      'suspend',
      'Suspend a partner: products leave the catalog, live subscriptions pause, payouts are held',
    ),
    status(
      'resume',
      'Resume a suspended partner: products, the subscriptions the suspension paused and payouts return',
    ),
    route({
      method: 'GET',
      path: '/api/admin/customers',
      summary: 'Look customers up by e-mail, name or phone (part of one)',
      tag: 'admin',
      access: 'admin',
      query: customerSearchSchema,
      async handler({ query, deps: { db } }): Promise<{ items: CustomerMatch[] }> {
        const digits = query.q.replace(/[^0-9]/g, '');
        const rows = (await db('users as u')
          .where((w) => {
            w.whereRaw(`u.email ILIKE ? ESCAPE '\\'`, [like(query.q)]).orWhereRaw(
              `u.name ILIKE ? ESCAPE '\\'`,
              [like(query.q)],
            );
            if (digits.length >= 4)
              w.orWhereExists(
                db('subscriptions as s')
                  .whereRaw('s.customer_id = u.id')
                  .whereRaw(`regexp_replace(s.ship_to->>'phone', '[^0-9]', '', 'g') LIKE ?`, [`%${digits}%`]),
              );
          })
          .select(
            'u.id',
            'u.email',
            'u.name',
            'u.created_at',
            db.raw(
              `(SELECT coalesce(array_agg(DISTINCT s.ship_to->>'phone'), '{}') FROM subscriptions s WHERE s.customer_id = u.id) AS phones`,
            ),
            db.raw('(SELECT count(*) FROM subscriptions s WHERE s.customer_id = u.id)::int AS subscriptions'),
            db.raw(
              `(SELECT count(*) FROM subscriptions s WHERE s.customer_id = u.id
                AND s.status IN ('active','past_due','paused'))::int AS live_subscriptions`,
            ),
          )
          .orderBy([{ column: 'u.email' }])
          .limit(50)) as Record<string, unknown>[];
        return {
          items: rows.map((r) => ({
            id: String(r.id),
            email: String(r.email),
            name: String(r.name),
            phones: ((r.phones as (string | null)[] | null) ?? []).filter((p): p is string => !!p),
            subscriptions: Number(r.subscriptions),
            liveSubscriptions: Number(r.liveSubscriptions),
            createdAt: iso(r.createdAt)!,
          })),
        };
      },
    }),
    route({
      method: 'GET',
      path: '/api/admin/customers/:id',
      summary: "A customer's subscriptions, payments and deliveries (the look is recorded in the audit log)",
      tag: 'admin',
      access: 'admin',
      params: idParams,
      async handler({ ctx, params, deps: { db, temporal, config } }) {
        const user = await db('users')
          .where({ id: params.id })
          .first('id', 'email', 'name', 'roles', 'createdAt');
        if (!user) throw new AppError('NOT_FOUND', 'No such customer');
        const [subscriptions, payments, deliveries] = await Promise.all([
          db('subscriptions as s')
            .join('partners as p', 'p.id', 's.partner_id')
            .where('s.customer_id', user.id)
            .orderBy('s.started_at', 'desc')
            .limit(100)
            .select(
              's.id',
              's.status',
              's.product_name',
              's.amount',
              's.cycle',
              's.cycle_weeks',
              's.next_charge_at',
              's.skip_next',
              's.cancel_at_period_end',
              's.ship_to',
              's.card_masked',
              's.started_at',
              's.canceled_at',
              'p.id as partner_id',
              'p.company_name as partner_name',
              'p.status as partner_status',
            ),
          db('payments')
            .where({ customerId: user.id })
            .orderBy('approvedAt', 'desc')
            .limit(100)
            .select(
              'id',
              'subscriptionId',
              'cycle',
              'orderName',
              'amount',
              'refundedAmount',
              'status',
              'approvedAt',
            ),
          db('fulfilment_orders')
            .where({ customerId: user.id })
            .orderBy('createdAt', 'desc')
            .limit(100)
            .select(
              'id',
              'subscriptionId',
              'cycle',
              'productName',
              'status',
              'carrier',
              'trackingNumber',
              'shipBy',
              'shippedAt',
              'deliveredAt',
              'canceledAt',
            ),
        ]);
        // An admin's look at a customer's personal data is recorded before it is shown.
        await recordAuditLine(temporal, config.temporal, {
          auditId: randomUUID(),
          actorId: ctx.state.user!.id,
          action: 'customer.view',
          targetType: 'customer',
          targetId: user.id,
          details: {
            subscriptions: subscriptions.length,
            payments: payments.length,
            deliveries: deliveries.length,
          },
        });
        return {
          customer: { id: user.id, email: user.email, name: user.name, createdAt: iso(user.createdAt) },
          subscriptions,
          payments: (payments as Record<string, unknown>[]).map((p) => ({
            ...p,
            refundable: Number(p.amount) - Number(p.refundedAmount),
          })),
          deliveries,
        };
      },
    }),
    act(
      'pause',
      "Pause a customer's subscription for them (a reason is required and audited)",
      pauseUpdate,
      onBehalfSchema,
    ),
    act(
      'resume',
      "Resume a customer's subscription for them (a reason is required and audited)",
      resumeUpdate,
      onBehalfSchema,
    ),
    act(
      'cancel',
      "Cancel a customer's subscription for them, now or at the end of the cycle (a reason is required and audited)",
      cancelSubscriptionUpdate,
      onBehalfCancelSchema,
    ),
  ];
}
