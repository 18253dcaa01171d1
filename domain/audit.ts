// The audit log (docs/architecture.md#back-office): every admin action and every export of personal data — who,
// what, on what, when, the state before and after, and why. Written only by the activity that makes the change, in
// its transaction; an export (a read) is written by the `recordAudit` workflow before the file is sent.
import { z } from 'zod';
import { cursorParts, keysetCursor } from './cursor';
import { isoDate, plainText } from './validation';

/** What an audit line records (the activity adds it in its own transaction). */
export interface AuditEntry {
  /** The admin (or the partner, for their own export); null for the system. */
  actorId: string | null;
  /** A dotted verb, e.g. `payment.refund`, `partner.suspend`, `export.orders_csv` (see AUDIT_ACTIONS). */
  action: AuditAction;
  targetType: string;
  targetId: string;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
  /** Makes the write idempotent: the same key is written once. */
  dedupeKey: string;
}

/** Every action the log knows (the audit page's filter lists them). */
export const AUDIT_ACTIONS = [
  'inbox.decide',
  'payment.refund',
  'partner.commission',
  'partner.suspend',
  'partner.resume',
  'partner.profile_change',
  'settlement.payout',
  'subscription.pause',
  'subscription.resume',
  'subscription.cancel',
  'subscription.skip',
  'subscription.change',
  'customer.view',
  'export.orders_csv',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** An export of personal data to record before the file leaves (the `recordAudit` workflow's input). */
export interface RecordAuditInput {
  /** Fixed by the caller (the workflow id carries it), so a second start of the same record finds the first. */
  auditId: string;
  actorId: string;
  action: AuditAction;
  targetType: string;
  targetId: string;
  /** What was exported (filters, row count, columns): the `after` of the line. */
  details: Record<string, unknown>;
}

export const auditCursor = keysetCursor(cursorParts.timestamp, cursorParts.int8);

/** The audit page's filters. */
export const auditQuerySchema = z.strictObject({
  /** Who acted: their e-mail (as admins know each other) or user id. */
  actor: z
    .union([z.uuid(), z.email()])
    .transform((v) => v.toLowerCase())
    .optional(),
  action: z.enum(AUDIT_ACTIONS).optional(),
  target: plainText().min(1).max(100).optional(),
  from: isoDate().optional(),
  to: isoDate().optional(),
  cursor: auditCursor.schema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;

/** One line on the audit page. */
export interface AuditLine {
  id: string;
  at: string;
  actor: { id: string; name: string; email: string } | null;
  action: AuditAction;
  targetType: string;
  targetId: string;
  before: unknown;
  after: unknown;
  reason: string | null;
}

export interface AuditPage {
  items: AuditLine[];
  nextCursor: string | null;
}
