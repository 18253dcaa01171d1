import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { bankName, maskAccount } from '../../domain/banks';
import { formatBusinessNumber } from '../../domain/businessNumber';
import { startPartnerProfileChange } from '../../domain/contracts/partnerProfileChange';
import { AppError } from '../../domain/errors';
import {
  profileChangeSchema,
  type PartnerProfile,
  type PartnerProfileView,
  type ProfileChangeView,
  type SettlementAccount,
} from '../../domain/partnerProfile';
import { partnerIdOf } from '../context';
import { route, type RouteDef } from '../route';

interface ChangeRow {
  id: string;
  partnerId: string;
  status: ProfileChangeView['status'];
  profile: PartnerProfile | null;
  account: SettlementAccount | null;
  previous: Record<string, string | null>;
  decisionReason: string | null;
  requestedAt: Date;
  decidedAt: Date | null;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** A change request; the account number masked unless `full` (only the admin reviewing it). */
export function presentChange(r: ChangeRow, full = false): ProfileChangeView {
  return {
    id: r.id,
    status: r.status,
    profile: r.profile,
    account: r.account
      ? {
          ...r.account,
          bankName: bankName(r.account.bankCode),
          bankAccount: full ? r.account.bankAccount : maskAccount(r.account.bankAccount),
        }
      : null,
    decisionReason: r.decisionReason,
    requestedAt: iso(r.requestedAt)!,
    decidedAt: iso(r.decidedAt),
  };
}

/** The live profile, the account number masked. */
async function liveProfile(db: Knex, partnerId: string): Promise<PartnerProfileView> {
  const p = await db('partners').where({ id: partnerId }).first();
  if (!p) throw new AppError('NOT_FOUND', 'No such partner');
  return {
    companyName: p.companyName,
    businessNumber: formatBusinessNumber(p.businessNumber),
    representative: p.representative,
    phone: p.phone,
    email: p.email,
    address: p.address,
    mailOrderNumber: p.mailOrderNumber ?? '',
    introduction: p.introduction,
    bankCode: p.bankCode ?? null,
    bankName: p.bankCode ? bankName(p.bankCode) : p.bankName,
    bankAccountMasked: maskAccount(p.bankAccount),
    bankAccountHolder: p.bankAccountHolder ?? null,
  };
}

/**
 * What the admin reviews in the inbox: the request in full (the account number too) beside the values live when it
 * was asked.
 */
export async function profileChangeSubject(db: Knex, changeId: string) {
  const row = (await db('partner_profile_changes').where({ id: changeId }).first()) as ChangeRow | undefined;
  if (!row) return null;
  const prev = row.previous;
  return {
    partnerId: row.partnerId,
    change: presentChange(row, true),
    previous: {
      ...prev,
      bankName: prev.bankCode ? bankName(prev.bankCode) : prev.bankName,
    },
  };
}

/** A roaster's profile and settlement account (프로필 · 정산 계좌): read, and ask for a change. */
export function partnerProfileRoutes(): RouteDef[] {
  return [
    route({
      method: 'GET',
      path: '/api/partner/profile',
      summary:
        "The roaster's profile and settlement account (number masked), its open change request and the last decision",
      tag: 'partners',
      access: 'partner',
      async handler({ ctx, deps: { db } }) {
        const partnerId = partnerIdOf(ctx);
        const changes = (await db('partner_profile_changes')
          .where({ partnerId })
          .orderBy('requestedAt', 'desc')
          .limit(2)) as ChangeRow[];
        const pending = changes.find((c) => c.status === 'pending') ?? null;
        const decided = changes.find((c) => c.status !== 'pending') ?? null;
        return {
          profile: await liveProfile(db, partnerId),
          pending: pending && presentChange(pending),
          lastDecision: decided && presentChange(decided),
        };
      },
    }),
    route({
      method: 'POST',
      path: '/api/partner/profile/changes',
      summary:
        'Ask to change the profile and / or the settlement account (starts the partnerProfileChange workflow: an admin reviews it)',
      tag: 'partners',
      access: 'partner',
      body: profileChangeSchema,
      status: 202,
      async handler({ ctx, body, deps: { db, temporal, config } }) {
        const partnerId = partnerIdOf(ctx);
        const user = ctx.state.user!;
        const open = await db('partner_profile_changes').where({ partnerId, status: 'pending' }).first('id');
        if (open) throw pendingError();
        const changeId = randomUUID();
        try {
          await startPartnerProfileChange(
            temporal,
            config.temporal,
            {
              changeId,
              partnerId,
              requestedBy: { userId: user.id, roles: user.roles },
              change: body,
              reviewSlaMs: config.partner.reviewSlaMs,
            },
            {
              workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
              workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
            },
          );
        } catch (err) {
          if (err instanceof WorkflowExecutionAlreadyStartedError) throw pendingError();
          throw err;
        }
        return { id: changeId, status: 'pending' };
      },
    }),
  ];
}

const pendingError = () =>
  new AppError('PROFILE_CHANGE_PENDING', 'A change is already waiting for review', {
    reason: 'profile_change_pending',
  });
