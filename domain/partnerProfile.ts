import { z } from 'zod';
import { bankCodes } from './banks';
import { partnerApplicationSchema, type Actor } from './partner';
import { plainText } from './validation';

/** What a roaster may change of its profile (the application's fields but the business number). */
export const partnerProfileSchema = partnerApplicationSchema.pick({
  companyName: true,
  representative: true,
  phone: true,
  email: true,
  address: true,
  mailOrderNumber: true,
  introduction: true,
});
export type PartnerProfile = z.infer<typeof partnerProfileSchema>;

/** The settlement account: a bank from the code list, the account number and its holder (예금주). */
export const settlementAccountSchema = z.strictObject({
  bankCode: z.enum(bankCodes, { error: 'unknown_bank' }),
  bankAccount: partnerApplicationSchema.shape.bankAccount,
  bankAccountHolder: plainText('required').min(1, 'required').max(60, 'too_long'),
});
export type SettlementAccount = z.infer<typeof settlementAccountSchema>;

/** A roaster's request to change its profile, its settlement account or both; an admin reviews it first. */
export const profileChangeSchema = z
  .strictObject({
    profile: partnerProfileSchema.optional(),
    account: settlementAccountSchema.optional(),
  })
  .refine((c) => c.profile !== undefined || c.account !== undefined, {
    message: 'required',
    path: ['profile'],
  });
export type ProfileChange = z.infer<typeof profileChangeSchema>;

/** Where a change request stands. */
export const profileChangeStatuses = ['pending', 'approved', 'rejected'] as const;
export type ProfileChangeStatus = (typeof profileChangeStatuses)[number];

/** Input of the `partnerProfileChange` workflow (id `partnerProfileChange:<partner id>`, one open change per roaster). */
export interface PartnerProfileChangeInput {
  changeId: string;
  partnerId: string;
  requestedBy: Actor;
  change: ProfileChange;
  reviewSlaMs: number;
}

/** How a change request ended. */
export interface PartnerProfileChangeResult {
  changeId: string;
  status: Exclude<ProfileChangeStatus, 'pending'>;
  decisionReason?: string;
}

/** Live state answered by the workflow's `profileChangeStatus` query. */
export interface PartnerProfileChangeState {
  changeId: string;
  status: ProfileChangeStatus;
  taskId: string | null;
  overdue: boolean;
}

/** The live profile as the roaster (and everyone but the admin paying out) sees it: the account number masked. */
export interface PartnerProfileView extends PartnerProfile {
  businessNumber: string;
  bankCode: string | null;
  bankName: string;
  bankAccountMasked: string;
  bankAccountHolder: string | null;
}

/** A change request as the roaster sees it (account masked) or the admin reviews it (`account` in full). */
export interface ProfileChangeView {
  id: string;
  status: ProfileChangeStatus;
  profile: PartnerProfile | null;
  account: (Omit<SettlementAccount, 'bankAccount'> & { bankName: string; bankAccount: string }) | null;
  decisionReason: string | null;
  requestedAt: string;
  decidedAt: string | null;
}
