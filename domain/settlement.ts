import { z } from 'zod';
import { cursorParts, keysetCursor } from './cursor';
import type { Actor } from './partner';
import { isoDate, plainText } from './validation';

/** The settlement Schedule's id in the Temporal UI (Schedules); each run is `settlementRun-<scheduled time>`. */
export const SETTLEMENT_SCHEDULE_ID = 'settlement';

/** Status of a settlement statement: `open` (to be paid out), `paid`, or `carried` (nothing to pay: ≤ 0 KRW). */
export type StatementStatus = 'open' | 'paid' | 'carried';

/** The platform's commission on a net amount, in whole won: basis points, rounded half away from zero. */
export function commissionOf(netSales: number, rateBps: number): number {
  const magnitude = Math.floor((Math.abs(netSales) * rateBps + 5000) / 10000);
  return netSales < 0 ? 0 - magnitude : magnitude; // 0 - 0 is +0, never -0
}

/** A statement's money, from its ledger lines (sales positive, refunds negative) and a carried balance. */
export function statementTotals(
  lines: { kind: 'sale' | 'refund'; amount: number }[],
  rateBps: number,
  carriedIn = 0,
): {
  grossSales: number;
  refunds: number;
  netSales: number;
  commission: number;
  payoutAmount: number;
  status: StatementStatus;
} {
  let grossSales = 0;
  let refunds = 0;
  for (const l of lines) {
    if (l.kind === 'sale') grossSales += l.amount;
    else refunds -= l.amount;
  }
  const netSales = grossSales - refunds;
  const commission = commissionOf(netSales, rateBps);
  const payoutAmount = netSales - commission + carriedIn;
  return {
    grossSales,
    refunds,
    netSales,
    commission,
    payoutAmount,
    status: payoutAmount > 0 ? 'open' : 'carried',
  };
}

/** Input of one settlement run (`settlementRun` workflow): the period ending at `periodEnd`. */
export interface SettlementRunInput {
  /** The period's end (exclusive); absent when started by the Schedule, which supplies its scheduled time. */
  periodEnd?: string;
  /** Length of a period (the statement's `period_start` is `periodEnd - periodMs`). */
  periodMs: number;
  /** The platform commission when a partner has no override, in basis points (1000 = 10 %). */
  defaultCommissionBps: number;
}

/** What a settlement run did. */
export interface SettlementRunResult {
  periodStart: string;
  periodEnd: string;
  statements: { statementId: string; partnerId: string; payoutAmount: number; status: StatementStatus }[];
}

/** Input of one partner's statement for a period (an activity). */
export interface SettlePartnerInput {
  partnerId: string;
  periodStart: string;
  periodEnd: string;
  defaultCommissionBps: number;
}

/** The statement made (or found, when the run is repeated); null when there was nothing to settle. */
export type SettlePartnerResult = {
  statementId: string;
  partnerId: string;
  payoutAmount: number;
  status: StatementStatus;
  created: boolean;
} | null;

/** Input of a statement's payout workflow (`settlementStatement:<id>`). */
export interface SettlementStatementInput {
  statementId: string;
  partnerId: string;
  payoutAmount: number;
}

/** An admin marks a statement paid: the bank transfer's reference is required. */
export const payoutSchema = z.strictObject({
  reference: plainText('required').min(2, 'required').max(100, 'too_long'),
  note: plainText().max(500, 'too_long').optional(),
});
export type PayoutForm = z.infer<typeof payoutSchema>;

/** The Update an admin sends to a statement's workflow. */
export interface PayoutCommand extends PayoutForm {
  actor: Actor;
}

/** Live state of a statement's payout workflow. */
export interface StatementPayoutState {
  statementId: string;
  status: 'open' | 'paid';
  payoutAmount: number;
  paidAt: string | null;
  paidBy: string | null;
  reference: string | null;
}

/** An admin sets a partner's own commission rate (basis points), or clears it back to the platform default. */
export const commissionRateSchema = z.strictObject({
  rateBps: z.union([z.number().int().min(0).max(10000), z.null()], { error: 'required' }),
});
export type CommissionRateForm = z.infer<typeof commissionRateSchema>;

/** Input of `setPartnerCommission` (workflow and activity). */
export interface SetCommissionInput {
  partnerId: string;
  rateBps: number | null;
  actorId: string;
}

/** Result of `setPartnerCommission` (workflow and activity): the partner's own rate now, null for the default. */
export interface SetCommissionResult {
  rateBps: number | null;
}

/** The admin list's keyset cursor: (period_end, id) of the page's last statement, newest first. */
export const settlementListCursor = keysetCursor(cursorParts.timestamp, cursorParts.uuid);

/** Admin list filters (정산 관리). */
export const settlementListQuerySchema = z.strictObject({
  status: z.enum(['open', 'paid', 'carried']).optional(),
  partner: z.uuid().optional(),
  from: isoDate().optional(),
  to: isoDate().optional(),
  cursor: settlementListCursor.schema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type SettlementListQuery = z.infer<typeof settlementListQuerySchema>;

/** A statement as the API presents it. */
export interface SettlementStatement {
  id: string;
  /** The account number is masked except on the admin's payout view. */
  partner: {
    id: string;
    name: string;
    bankName?: string;
    bankAccount?: string;
    bankAccountHolder?: string | null;
  };
  periodStart: string;
  periodEnd: string;
  grossSales: number;
  refunds: number;
  netSales: number;
  commissionRateBps: number;
  commission: number;
  carriedIn: number;
  payoutAmount: number;
  lineCount: number;
  status: StatementStatus;
  paidAt: string | null;
  payoutReference: string | null;
  payoutNote: string | null;
  createdAt: string;
}

/** One ledger line of a statement. */
export interface SettlementLine {
  id: number;
  kind: 'sale' | 'refund';
  amount: number;
  at: string;
  paymentId: string;
  orderId: string;
  orderName: string;
}

/** What a partner expects next: the unsettled lines so far, less commission, paid after the next period end. */
export interface NextPayout {
  periodEnd: string | null;
  grossSales: number;
  refunds: number;
  netSales: number;
  commissionRateBps: number;
  commission: number;
  carriedIn: number;
  payoutAmount: number;
  lineCount: number;
}
