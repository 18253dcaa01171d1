import type { UpdateDefinition } from '@temporalio/client';
import { stringify } from 'csv-stringify/sync';
import { randomUUID } from 'node:crypto';
import { recordAuditLine } from '../../domain/contracts/recordAudit';
import { z } from 'zod';
import {
  confirmDeliveredUpdate,
  fulfilmentHandle,
  markRoastedUpdate,
  markShippedUpdate,
} from '../../domain/contracts/fulfilment';
import { AppError } from '../../domain/errors';
import {
  bulkShipSchema,
  carriers,
  partnerOrdersCursor,
  partnerOrdersQuerySchema,
  shipSchema,
  type FulfilmentState,
  type OrderActor,
  type PartnerOrdersQuery,
} from '../../domain/fulfilment';
import { exportLayouts, exportTable, type ExportOrder } from '../../domain/orderExport';
import { type ApiContext, type ApiDeps, partnerIdOf } from '../context';
import { RESPONDED, route, type RouteDef } from '../route';
import { fromTemporal } from '../temporalErrors';

const idParams = z.strictObject({ id: z.uuid() });

const actorOf = (ctx: ApiContext): OrderActor => ({
  userId: ctx.state.user!.id,
  roles: ctx.state.user!.roles,
  partnerId: ctx.state.user!.partnerId ?? null,
});

const orderColumns = [
  'id',
  'subscriptionId',
  'paymentId',
  'cycle',
  'productId',
  'productName',
  'grams',
  'grind',
  'quantity',
  'shipTo',
  'shipBy',
  'status',
  'canceledAt',
  'cancelCause',
  'carrier',
  'trackingNumber',
  'roastedAt',
  'shippedAt',
  'deliveredAt',
  'deliveredBy',
  'escalatedAt',
  'createdAt',
] as const;

type OrderRow = Record<(typeof orderColumns)[number], unknown>;

function present(r: OrderRow) {
  return {
    ...r,
    carrierName: r.carrier ? (carriers[r.carrier as keyof typeof carriers] ?? r.carrier) : null,
    overdue: (r.status === 'to_roast' || r.status === 'roasted') && new Date(r.shipBy as string) < new Date(),
  };
}

/** The signed-in partner's orders for a status view, keyset-paged (open ones by deadline, others newest first). */
function partnerOrders(db: ApiDeps['db'], partnerId: string, query: PartnerOrdersQuery) {
  const q = db('fulfilment_orders').where({ partnerId });
  const byDeadline = query.status === 'open' || query.status === 'overdue';
  if (query.status === 'open') q.whereIn('status', ['to_roast', 'roasted']);
  else if (query.status === 'overdue')
    q.whereIn('status', ['to_roast', 'roasted']).where('shipBy', '<', new Date());
  else if (query.status !== 'all') q.where({ status: query.status });
  if (query.cursor) {
    const [at, id] = query.cursor;
    if (byDeadline) q.whereRaw('(ship_by, id) > (?::timestamptz, ?::uuid)', [at, id]);
    else q.whereRaw('(created_at, id) < (?::timestamptz, ?::uuid)', [at, id]);
  }
  if (byDeadline) q.orderBy([{ column: 'shipBy' }, { column: 'id' }]);
  else
    q.orderBy([
      { column: 'createdAt', order: 'desc' },
      { column: 'id', order: 'desc' },
    ]);
  return { q: q.select(...orderColumns), byDeadline };
}

/** Sends one Update to an order's fulfilment workflow, after checking the order is the caller's to act on. */
async function act<A extends object>(
  deps: ApiDeps,
  ctx: ApiContext,
  orderId: string,
  update: UpdateDefinition<FulfilmentState, [{ actor: OrderActor } & A]>,
  args: A,
  owner: 'partner' | 'customer',
): Promise<FulfilmentState> {
  const row = await deps.db('fulfilment_orders').where({ id: orderId }).first('partnerId', 'customerId');
  const user = ctx.state.user!;
  const mine = owner === 'partner' ? row?.partnerId === user.partnerId : row?.customerId === user.id;
  if (!row || !mine) throw new AppError('NOT_FOUND', 'No such order');
  try {
    return await fulfilmentHandle(deps.temporal, orderId).executeUpdate(update, {
      args: [{ actor: actorOf(ctx), ...args }],
    });
  } catch (err) {
    throw fromTemporal(err, new AppError('CONFLICT', 'This order is already delivered'));
  }
}

export function fulfilmentRoutes(): RouteDef[] {
  return [
    route({
      method: 'GET',
      path: '/api/partner/orders',
      summary: "Orders to roast and ship (the partner's work list), or any status; with counts per view",
      tag: 'fulfilment',
      access: 'partner',
      query: partnerOrdersQuerySchema,
      async handler({ ctx, query, deps: { db } }) {
        const partnerId = partnerIdOf(ctx);
        const { q, byDeadline } = partnerOrders(db, partnerId, query);
        const rows = (await q.limit(query.limit + 1)) as OrderRow[];
        const page = rows.slice(0, query.limit);
        const last = page.at(-1);
        const [counts] = await db('fulfilment_orders')
          .where({ partnerId })
          .select(
            db.raw(`count(*) FILTER (WHERE status IN ('to_roast','roasted'))::int AS open`),
            db.raw(
              `count(*) FILTER (WHERE status IN ('to_roast','roasted') AND ship_by < now())::int AS overdue`,
            ),
            db.raw(`count(*) FILTER (WHERE status = 'shipped')::int AS shipped`),
          );
        return {
          items: page.map(present),
          counts,
          nextCursor:
            rows.length > query.limit && last
              ? partnerOrdersCursor.encode(
                  (byDeadline ? last.shipBy : last.createdAt) as Date,
                  last.id as string,
                )
              : null,
        };
      },
    }),
    route({
      method: 'GET',
      path: '/api/partner/orders/export.csv',
      summary:
        "The orders of a view as CSV (UTF-8 with BOM, opens in Excel): Korean headers and values, Seoul times, the 배송 메모; `layout=courier` for the courier's bulk upload (택배사 대량 등록 양식)",
      tag: 'fulfilment',
      access: 'partner',
      query: partnerOrdersQuerySchema
        .omit({ cursor: true, limit: true })
        .extend({ layout: z.enum(exportLayouts).default('orders') }),
      async handler({ ctx, query, deps: { db, temporal, config } }) {
        const partnerId = partnerIdOf(ctx);
        const { q } = partnerOrders(db, partnerId, { ...query, limit: 10_000 });
        const rows = (await q.limit(10_000)) as OrderRow[];
        // Customers' names, phones and addresses leave here: recorded before the file is sent (a failure sends none).
        await recordAuditLine(temporal, config.temporal, {
          auditId: randomUUID(),
          actorId: ctx.state.user!.id,
          action: 'export.orders_csv',
          targetType: 'partner',
          targetId: partnerId,
          details: { filters: query, rows: rows.length },
        });
        const { header, rows: table } = exportTable(query.layout, rows as unknown as ExportOrder[]);
        const csv = stringify(table, {
          header: true,
          columns: header,
          // A cell a spreadsheet would run as a formula is quoted as text.
          cast: {
            string: (v) => (/^[=+\-@\t\r]/.test(v) ? { value: `'${v}`, quoted: true } : v),
          },
        });
        const file = `${query.layout === 'courier' ? 'courier' : 'orders'}-${query.status}.csv`;
        ctx.set('Content-Disposition', `attachment; filename="${file}"`);
        ctx.set('Cache-Control', 'no-store');
        ctx.type = 'text/csv; charset=utf-8';
        ctx.body = `\uFEFF${csv}`;
        return RESPONDED;
      },
    }),
    route({
      method: 'POST',
      path: '/api/partner/orders/:id/roasted',
      summary: "Mark an order roasted (the fulfilment workflow's Update)",
      tag: 'fulfilment',
      access: 'partner',
      params: idParams,
      async handler({ ctx, params, deps }) {
        partnerIdOf(ctx);
        return act(deps, ctx, params.id, markRoastedUpdate, {}, 'partner');
      },
    }),
    route({
      method: 'POST',
      path: '/api/partner/orders/:id/ship',
      summary: 'Mark an order shipped with its carrier and tracking number; the customer is told',
      tag: 'fulfilment',
      access: 'partner',
      params: idParams,
      body: shipSchema,
      async handler({ ctx, params, body, deps }) {
        partnerIdOf(ctx);
        return act(deps, ctx, params.id, markShippedUpdate, body, 'partner');
      },
    }),
    route({
      method: 'POST',
      path: '/api/partner/orders/ship',
      summary: "Ship many orders at once; answers each order's outcome (one failing does not stop the rest)",
      tag: 'fulfilment',
      access: 'partner',
      body: bulkShipSchema,
      async handler({ ctx, body, deps }) {
        partnerIdOf(ctx);
        const ids = body.items.map((i) => i.orderId);
        if (new Set(ids).size !== ids.length)
          throw new AppError('VALIDATION_FAILED', 'An order appears twice', {
            fields: [{ path: 'items', key: 'duplicate', message: 'An order appears twice' }],
          });
        const results = [];
        // Ten at a time: a bulk upload of hundreds must not flood the workflow service.
        for (let i = 0; i < body.items.length; i += 10) {
          const batch = body.items.slice(i, i + 10);
          results.push(
            ...(await Promise.all(
              batch.map(async ({ orderId, carrier, trackingNumber }) => {
                try {
                  const state = await act(
                    deps,
                    ctx,
                    orderId,
                    markShippedUpdate,
                    { carrier, trackingNumber },
                    'partner',
                  );
                  return { orderId, ok: true as const, status: state.status };
                } catch (err) {
                  if (!(err instanceof AppError)) throw err;
                  return { orderId, ok: false as const, error: { code: err.code, message: err.message } };
                }
              }),
            )),
          );
        }
        return { results, shipped: results.filter((r) => r.ok).length };
      },
    }),
    route({
      method: 'POST',
      path: '/api/me/deliveries/:id/confirm',
      summary: 'Confirm a shipped delivery arrived (수령 확인)',
      tag: 'fulfilment',
      access: 'user',
      params: idParams,
      async handler({ ctx, params, deps }) {
        return act(deps, ctx, params.id, confirmDeliveredUpdate, {}, 'customer');
      },
    }),
  ];
}
