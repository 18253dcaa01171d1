import { z } from 'zod';
import { emailSchema } from './accounts';
import { isValidBusinessNumber, normaliseBusinessNumber } from './businessNumber';
import { mailOrderNumberSchema } from './legal';
import { plainText } from './validation';

const text = (max: number) => plainText('required').min(1, 'required').max(max, 'too_long');

/** The partner application form (파트너쉽 신청), as the applicant fills it in. */
export const partnerApplicationSchema = z.strictObject({
  companyName: text(100),
  businessNumber: z
    .string({ error: 'required' })
    .trim()
    .min(1, 'required')
    .refine((v) => normaliseBusinessNumber(v) !== null, 'invalid_business_number')
    .refine((v) => normaliseBusinessNumber(v) === null || isValidBusinessNumber(v), 'invalid_check_digit')
    .transform((v) => normaliseBusinessNumber(v) ?? v),
  representative: text(60),
  phone: z
    .string({ error: 'required' })
    .trim()
    .min(1, 'required')
    .regex(/^\+?[0-9][0-9 -]{7,18}[0-9]$/, 'invalid_phone'),
  email: emailSchema,
  address: text(300),
  /** 통신판매업 신고번호, shown on every product page with the rest of the seller's information. */
  mailOrderNumber: mailOrderNumberSchema,
  bankName: text(40),
  bankAccount: z
    .string({ error: 'required' })
    .trim()
    .min(1, 'required')
    .regex(/^[0-9][0-9-]{5,28}[0-9]$/, 'invalid_bank_account'),
  /** 예금주: the settlement account's holder, checked against the company by the admin. */
  bankAccountHolder: text(60),
  introduction: plainText('required').min(20, 'too_short').max(2000, 'too_long'),
});
export type PartnerApplicationForm = z.infer<typeof partnerApplicationSchema>;

/** The fields the application asked for before 통신판매업 신고번호 and 예금주 (runs and rows from then). */
export type PartnerApplicationFormV1 = Omit<PartnerApplicationForm, 'mailOrderNumber' | 'bankAccountHolder'>;

/** How an application recorded before those fields is checked again: the same rules, the two fields optional. */
export const partnerApplicationV1Schema = partnerApplicationSchema.extend({
  mailOrderNumber: mailOrderNumberSchema.optional(),
  bankAccountHolder: text(60).optional(),
});

/** Where an application is in its life. */
export const applicationStatuses = [
  'validating',
  'pending',
  'approved',
  'rejected',
  'auto_rejected',
  'expired',
] as const;
export type ApplicationStatus = (typeof applicationStatuses)[number];

/** A reason an application was turned down automatically; the applicant sees it. */
export interface AutoRejectReason {
  field: string;
  key: 'required' | 'invalid_check_digit' | 'invalid_business_number' | 'duplicate_business_number';
  message: string;
}

/** Input of the `partnerApplication` workflow; durations come from config, never from the workflow. */
export interface PartnerApplicationInput {
  applicationId: string;
  applicantId: string;
  /** Runs started before the 통신판매업 신고번호 and 예금주 fields carry the older form. */
  form: PartnerApplicationForm | PartnerApplicationFormV1;
  reviewSlaMs: number;
  expiryMs: number;
}

/** How a partner application ended. */
export interface PartnerApplicationResult {
  applicationId: string;
  status: Extract<ApplicationStatus, 'approved' | 'rejected' | 'auto_rejected' | 'expired'>;
  partnerId?: string;
  reasons?: AutoRejectReason[];
  decisionReason?: string;
}

/** Live state answered by the workflow's `status` query. */
export interface PartnerApplicationState {
  applicationId: string;
  status: ApplicationStatus;
  taskId: string | null;
  claimedBy: string | null;
  overdue: boolean;
}

/** An admin's decision on an open review task (partner applications and product reviews alike). */
export const reviewDecisionSchema = z
  .strictObject({
    decision: z.enum(['approve', 'reject']),
    reason: plainText().max(1000, 'too_long').optional(),
  })
  .refine((d) => d.decision === 'approve' || (d.reason !== undefined && d.reason.length > 0), {
    message: 'reason_required',
    path: ['reason'],
  });
export type ReviewDecisionForm = z.infer<typeof reviewDecisionSchema>;

/** The decision as the workflow's Update receives it: which task, and who decided. */
export interface ReviewDecision extends ReviewDecisionForm {
  taskId: string;
  actor: Actor;
}

/** Who is acting, as checked by the API and again by every Update validator. */
export interface Actor {
  userId: string;
  roles: string[];
}
