import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import type { Knex } from 'knex';
import { z } from 'zod';
import { seoulMidnight } from '../../domain/calendar';
import { startSetPartnerCommission } from '../../domain/contracts/setPartnerCommission';
import {
  markPayoutUpdate,
  settlementStatementStartOptions,
  settlementStatementWorkflowType,
  type SettlementStatementWorkflow,
} from '../../domain/contracts/settlementStatement';
import { AppError } from '../../domain/errors';
import {
  commissionRateSchema,
  payoutSchema,
  SETTLEMENT_SCHEDULE_ID,
  settlementListCursor,
  settlementListQuerySchema,
  statementTotals,
  type NextPayout,
  type SettlementLine,
  type SettlementStatement,
  type SettlementStatementInput,
  type SetCommissionInput,
} from '../../domain/settlement';
import { bankName, maskAccount } from '../../domain/banks';
import { type ApiDeps, partnerIdOf } from '../context';
import { route, type RouteDef } from '../route';
import { fromTemporal } from '../temporalErrors';

const idParams = z.strictObject({ id: z.uuid() });
const notOpen = new AppError('STATEMENT_NOT_OPEN', 'This statement is not open for payout');

const iso = (d: unknown) => (d ? new Date(d as Date).toISOString() : null);

/** A statement; the account number masked except on the admin's payout view (`bank: 'full'`). */
function present(r: Record<string, unknown>, bank: 'masked' | 'full'): SettlementStatement {
  const code = r.bankCode as string | null;
  return {
    id: r.id as string,
    partner: {
      id: r.partnerId as string,
      name: r.partnerName as string,
      bankName: code ? bankName(code) : (r.bankName as string),
      bankAccount: bank === 'full' ? (r.bankAccount as string) : maskAccount(r.bankAccount as string),
      bankAccountHolder: (r.bankAccountHolder as string | null) ?? null,
    },
    periodStart: iso(r.periodStart)!,
    periodEnd: iso(r.periodEnd)!,
    grossSales: Number(r.grossSales),
    refunds: Number(r.refunds),
    netSales: Number(r.netSales),
    commissionRateBps: Number(r.commissionRateBps),
    commission: Number(r.commission),
    carriedIn: Number(r.carriedIn),
    payoutAmount: Number(r.payoutAmount),
    lineCount: Number(r.lineCount),
    status: r.status as SettlementStatement['status'],
    paidAt: iso(r.paidAt),
    payoutReference: (r.payoutReference as string | null) ?? null,
    payoutNote: (r.payoutNote as string | null) ?? null,
    createdAt: iso(r.createdAt)!,
  };
}

const statements = (db: Knex) =>
  db('settlement_statements as s')
    .join('partners as p', 'p.id', 's.partner_id')
    .select(
      's.*',
      'p.company_name as partner_name',
      'p.bank_code',
      'p.bank_name',
      'p.bank_account',
      'p.bank_account_holder',
    );

async function linesOf(db: Knex, statementId: string): Promise<SettlementLine[]> {
  const rows = (await db('settlement_lines as l')
    .join('payments as pay', 'pay.id', 'l.payment_id')
    .where('l.statement_id', statementId)
    .orderBy([{ column: 'l.at' }, { column: 'l.id' }])
    .select('l.id', 'l.kind', 'l.amount', 'l.at', 'l.payment_id', 'pay.order_id', 'pay.order_name')) as {
    id: number;
    kind: 'sale' | 'refund';
    amount: number;
    at: Date;
    paymentId: string;
    orderId: string;
    orderName: string;
  }[];
  return rows.map((l) => ({ ...l, at: new Date(l.at).toISOString() }));
}

/** When the Schedule settles next (null when it cannot be asked: the statements still show). */
async function nextPeriodEnd(deps: ApiDeps): Promise<string | null> {
  try {
    const described = await deps.temporal.schedule.getHandle(SETTLEMENT_SCHEDULE_ID).describe();
    return iso(described.info.nextActionTimes[0]);
  } catch {
    return null;
  }
}

/** What the partner can expect next: every ledger line not yet on a statement, less commission and any carry. */
async function nextPayout(deps: ApiDeps, partnerId: string): Promise<NextPayout> {
  const { db, config } = deps;
  const [lines, partner, carried, periodEnd] = await Promise.all([
    db('partner_ledger as l')
      .where('l.partner_id', partnerId)
      .whereNotExists(db('settlement_lines as s').whereRaw('s.ledger_id = l.id'))
      .select('l.kind', 'l.amount') as Promise<{ kind: 'sale' | 'refund'; amount: number }[]>,
    db('partners').where({ id: partnerId }).first('commissionRateBps') as Promise<
      { commissionRateBps: number | null } | undefined
    >,
    db('settlement_statements as c')
      .where({ 'c.partner_id': partnerId, 'c.status': 'carried' })
      .where('c.payout_amount', '<', 0)
      .whereNotExists(db('settlement_statements as n').whereRaw('n.carried_from_id = c.id'))
      .orderBy('c.period_end', 'desc')
      .first('c.payout_amount') as Promise<{ payoutAmount: number } | undefined>,
    nextPeriodEnd(deps),
  ]);
  const rate = partner?.commissionRateBps ?? config.settlement.commissionBps;
  const carriedIn = lines.length ? (carried?.payoutAmount ?? 0) : 0;
  const t = statementTotals(lines, rate, carriedIn);
  return {
    periodEnd,
    grossSales: t.grossSales,
    refunds: t.refunds,
    netSales: t.netSales,
    commissionRateBps: rate,
    commission: t.commission,
    carriedIn,
    payoutAmount: t.payoutAmount,
    lineCount: lines.length,
  };
}

/** Settlement (정산): partners read their statements; admins review them and mark payouts. */
export function settlementRoutes(): RouteDef[] {
  return [
    route({
      method: 'GET',
      path: '/api/partner/settlements',
      summary: "The partner's own settlement statements (newest first) and the expected next payout",
      tag: 'settlements',
      access: 'partner',
      async handler({ ctx, deps }) {
        const partnerId = partnerIdOf(ctx);
        const rows = (await statements(deps.db)
          .where('s.partner_id', partnerId)
          .orderBy('s.period_end', 'desc')
          .limit(200)) as Record<string, unknown>[];
        return { items: rows.map((r) => present(r, 'masked')), next: await nextPayout(deps, partnerId) };
      },
    }),
    route({
      method: 'GET',
      path: '/api/partner/settlements/:id',
      summary: "One of the partner's own statements with its ledger lines (someone else's is not found)",
      tag: 'settlements',
      access: 'partner',
      params: idParams,
      async handler({ ctx, params, deps: { db } }) {
        const row = (await statements(db)
          .where({ 's.id': params.id, 's.partner_id': partnerIdOf(ctx) })
          .first()) as Record<string, unknown> | undefined;
        if (!row) throw new AppError('NOT_FOUND', 'No such statement');
        return { ...present(row, 'masked'), lines: await linesOf(db, params.id) };
      },
    }),
    route({
      method: 'GET',
      path: '/api/admin/settlements',
      summary:
        'Every settlement statement, newest period first, filtered (status, partner, period) and paged',
      tag: 'settlements',
      access: 'admin',
      query: settlementListQuerySchema,
      async handler({ query, deps: { db, config } }) {
        const q = statements(db)
          .orderBy([
            { column: 's.period_end', order: 'desc' },
            { column: 's.id', order: 'desc' },
          ])
          .limit(query.limit + 1);
        if (query.status) q.where('s.status', query.status);
        if (query.partner) q.where('s.partner_id', query.partner);
        if (query.from) q.where('s.period_end', '>', seoulMidnight(query.from));
        if (query.to)
          q.where('s.period_end', '<=', new Date(seoulMidnight(query.to).getTime() + 24 * 3600_000));
        if (query.cursor) {
          const [at, id] = query.cursor;
          q.whereRaw('(s.period_end, s.id) < (?::timestamptz, ?::uuid)', [at, id]);
        }
        const rows = (await q) as Record<string, unknown>[];
        const page = rows.slice(0, query.limit);
        const last = page[page.length - 1];
        const totals = (await db('settlement_statements')
          .where({ status: 'open' })
          .first(
            db.raw('count(*)::int as count'),
            db.raw('coalesce(sum(payout_amount), 0)::bigint as amount'),
          )) as {
          count: number;
          amount: number;
        };
        const partnerRate = query.partner
          ? ((await db('partners').where({ id: query.partner }).first('commissionRateBps')) as
              { commissionRateBps: number | null } | undefined)
          : undefined;
        return {
          items: page.map((r) => present(r, 'masked')),
          // With a partner filter: that partner's own rate (null: the platform default applies).
          commission: {
            defaultBps: config.settlement.commissionBps,
            partnerBps: partnerRate?.commissionRateBps ?? null,
          },
          nextCursor:
            rows.length > query.limit && last
              ? settlementListCursor.encode(last.periodEnd as Date, last.id as string)
              : null,
          openTotal: { count: totals.count, amount: Number(totals.amount) },
        };
      },
    }),
    route({
      method: 'GET',
      path: '/api/admin/settlements/:id',
      summary: 'A settlement statement with its ledger lines',
      tag: 'settlements',
      access: 'admin',
      params: idParams,
      async handler({ params, deps: { db } }) {
        const row = (await statements(db).where('s.id', params.id).first()) as
          Record<string, unknown> | undefined;
        if (!row) throw new AppError('NOT_FOUND', 'No such statement');
        return { ...present(row, 'full'), lines: await linesOf(db, params.id) };
      },
    }),
    route({
      method: 'POST',
      path: '/api/admin/settlements/:id/payout',
      summary:
        "Mark a statement paid with the bank transfer's reference (an Update to its settlementStatement workflow)",
      tag: 'settlements',
      access: 'admin',
      params: idParams,
      body: payoutSchema,
      async handler({ ctx, params, body, deps: { db, temporal, config } }) {
        const row = (await db('settlement_statements').where({ id: params.id }).first()) as
          { id: string; partnerId: string; payoutAmount: number; status: string } | undefined;
        if (!row) throw new AppError('NOT_FOUND', 'No such statement');
        if (row.status !== 'open') throw notOpen;
        const owner = (await db('partners').where({ id: row.partnerId }).first('status')) as {
          status: string;
        };
        if (owner.status === 'suspended')
          throw new AppError(
            'PARTNER_SUSPENDED',
            'This partner is suspended: payouts are held until it is resumed',
            {
              reason: 'payout_held',
            },
          );
        const input: SettlementStatementInput = {
          statementId: row.id,
          partnerId: row.partnerId,
          payoutAmount: Number(row.payoutAmount),
        };
        // Normally the settlement run started the statement's workflow; should it be missing, this starts it.
        const start = new WithStartWorkflowOperation<SettlementStatementWorkflow>(
          settlementStatementWorkflowType,
          {
            ...settlementStatementStartOptions(config.temporal, input, {
              workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
            }),
            workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
          },
        );
        try {
          const state = await temporal.workflow.executeUpdateWithStart(markPayoutUpdate, {
            args: [
              {
                reference: body.reference,
                note: body.note,
                actor: { userId: ctx.state.user!.id, roles: ctx.state.user!.roles },
              },
            ],
            startWorkflowOperation: start,
          });
          return { id: row.id, ...state };
        } catch (err) {
          if (err instanceof WorkflowExecutionAlreadyStartedError) throw notOpen;
          throw fromTemporal(err, notOpen);
        }
      },
    }),
    route({
      method: 'PUT',
      path: '/api/admin/partners/:id/commission',
      summary:
        "Set a partner's own commission rate in basis points (null: the platform default) for statements to come",
      tag: 'settlements',
      access: 'admin',
      params: idParams,
      body: commissionRateSchema,
      async handler({ ctx, params, body, deps: { db, temporal, config } }) {
        const partner = (await db('partners').where({ id: params.id }).first('id')) as
          { id: string } | undefined;
        if (!partner) throw new AppError('NOT_FOUND', 'No such partner');
        const input: SetCommissionInput = {
          partnerId: partner.id,
          rateBps: body.rateBps,
          actorId: ctx.state.user!.id,
        };
        try {
          const result = await (await startSetPartnerCommission(temporal, config.temporal, input)).result();
          return {
            partnerId: partner.id,
            rateBps: result.rateBps,
            defaultBps: config.settlement.commissionBps,
          };
        } catch (err) {
          throw fromTemporal(err, new AppError('CONFLICT', 'Already in progress'));
        }
      },
    }),
  ];
}
