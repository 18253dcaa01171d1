import { ApplicationFailure } from '@temporalio/common';
import {
  partnerApplicationSchema,
  partnerApplicationV1Schema,
  type AutoRejectReason,
  type PartnerApplicationForm,
  type PartnerApplicationFormV1,
} from '../domain/partner';
import { toFieldIssues } from '../domain/validation';
import { Partner, PartnerApplication } from '../db/models';
import type { ActivityDeps } from './deps';
import { closeTask } from './reviewDesk';
import { enqueueNotification } from './outbox';

const LIVE = ['pending', 'approved'] as const;
const OPEN = ['validating', 'pending'] as const;

function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as {
    code?: string;
    constraint?: string;
    nativeError?: { code?: string; constraint?: string };
  };
  const code = e.code ?? e.nativeError?.code;
  const name = e.constraint ?? e.nativeError?.constraint;
  return code === '23505' && (constraint === undefined || name === constraint);
}

/** The partnerApplication workflow's activities (docs/architecture.md#partner-approval). */
export function createPartnerApplicationActivities({ db }: ActivityDeps) {
  return {
    /** Stores the submitted application as `validating`; idempotent: the id comes from the API, a retry inserts nothing. */
    async recordApplication(input: {
      applicationId: string;
      applicantId: string;
      workflowId: string;
      form: PartnerApplicationForm | PartnerApplicationFormV1;
    }): Promise<void> {
      try {
        await PartnerApplication.query(db)
          .insert({
            id: input.applicationId,
            applicantId: input.applicantId,
            workflowId: input.workflowId,
            status: 'validating',
            ...input.form,
          })
          .onConflict('id')
          .ignore();
      } catch (err) {
        if (isUniqueViolation(err, 'partner_applications_one_open_per_applicant')) {
          throw ApplicationFailure.nonRetryable(
            'The applicant already has an open application',
            'APPLICATION_OPEN',
          );
        }
        throw err;
      }
    },

    /**
     * Checks fields, check digit and duplicates, and moves a clean application to `pending`.
     * Idempotent: a pending application is reported clean again; the live-number unique index settles races.
     */
    async validateApplication(input: {
      applicationId: string;
    }): Promise<{ ok: boolean; reasons: AutoRejectReason[] }> {
      const app = await PartnerApplication.query(db).findById(input.applicationId);
      if (!app) throw ApplicationFailure.nonRetryable('Application not found', 'NOT_FOUND');
      if (app.status === 'pending' || app.status === 'approved') return { ok: true, reasons: [] };
      if (app.status !== 'validating') return { ok: false, reasons: app.reasons };

      const reasons: AutoRejectReason[] = [];
      // An application recorded before 통신판매업 신고번호 and 예금주 were asked for has neither (both null).
      const legacy = app.mailOrderNumber === null && app.bankAccountHolder === null;
      const parsed = (legacy ? partnerApplicationV1Schema : partnerApplicationSchema).safeParse({
        companyName: app.companyName,
        businessNumber: app.businessNumber,
        representative: app.representative,
        phone: app.phone,
        email: app.email,
        address: app.address,
        mailOrderNumber: app.mailOrderNumber ?? undefined,
        bankName: app.bankName,
        bankAccount: app.bankAccount,
        bankAccountHolder: app.bankAccountHolder ?? undefined,
        introduction: app.introduction,
      });
      if (!parsed.success) {
        for (const issue of toFieldIssues(parsed.error)) {
          const key =
            issue.key === 'invalid_check_digit' || issue.key === 'invalid_business_number'
              ? issue.key
              : 'required';
          reasons.push({ field: issue.path, key, message: issue.message });
        }
      }
      const duplicate = await PartnerApplication.query(db)
        .where({ businessNumber: app.businessNumber })
        .whereIn('status', LIVE)
        .whereNot({ id: app.id })
        .first();
      const partnerExists = await Partner.query(db).findOne({ businessNumber: app.businessNumber });
      if (duplicate || partnerExists) reasons.push(duplicateReason());
      if (reasons.length > 0) return { ok: false, reasons };

      try {
        await PartnerApplication.query(db)
          .patch({ status: 'pending', updatedAt: db.fn.now() as unknown as Date })
          .where({ id: app.id, status: 'validating' });
      } catch (err) {
        if (isUniqueViolation(err, 'partner_applications_live_business_number')) {
          return { ok: false, reasons: [duplicateReason()] };
        }
        throw err;
      }
      return { ok: true, reasons: [] };
    },

    /** Ends an open application as auto-rejected, rejected or expired; idempotent: only an open one changes, notices are deduped. */
    async closeApplication(input: {
      applicationId: string;
      status: 'auto_rejected' | 'rejected' | 'expired';
      reasons?: AutoRejectReason[];
      decisionReason?: string;
      decidedBy?: string;
      taskId?: string;
    }): Promise<void> {
      await db.transaction(async (trx) => {
        const app = await PartnerApplication.query(trx)
          .patch({
            status: input.status,
            reasons: input.reasons ?? [],
            decisionReason: input.decisionReason ?? null,
            decidedBy: input.decidedBy ?? null,
            decidedAt: trx.fn.now() as unknown as Date,
            updatedAt: trx.fn.now() as unknown as Date,
          })
          .where({ id: input.applicationId })
          .whereIn('status', OPEN)
          .returning(['id', 'applicantId', 'companyName'])
          .first();
        if (input.taskId) {
          await closeTask(trx, input.taskId, {
            state: input.status === 'expired' ? 'expired' : 'done',
            outcome: input.status,
            resolvedBy: input.decidedBy ?? null,
            reason: input.decisionReason ?? null,
          });
        }
        if (!app) return;
        await enqueueNotification(trx, {
          dedupeKey: `partnerApplication:${input.applicationId}:${input.status}`,
          recipientUserId: app.applicantId,
          template: `partner_application_${input.status}`,
          payload: {
            applicationId: app.id,
            companyName: app.companyName,
            reasons: input.reasons ?? [],
            decisionReason: input.decisionReason ?? null,
          },
        });
      });
    },

    /**
     * Approves: creates the partner, grants the partner role, closes the task and notifies — one transaction.
     * Idempotent: the partner id comes from the workflow and inserts are ignored on conflict.
     */
    async approveApplication(input: {
      applicationId: string;
      partnerId: string;
      decidedBy: string;
      decisionReason?: string;
      taskId: string;
    }): Promise<{ partnerId: string }> {
      return db.transaction(async (trx) => {
        const app = await PartnerApplication.query(trx).findById(input.applicationId).forUpdate();
        if (!app) throw ApplicationFailure.nonRetryable('Application not found', 'NOT_FOUND');
        if (app.status === 'approved') {
          const existing = await Partner.query(trx).findOne({ applicationId: app.id });
          return { partnerId: existing?.id ?? input.partnerId };
        }
        if (app.status !== 'pending') {
          throw ApplicationFailure.nonRetryable(`Application is ${app.status}, not pending`, 'TASK_NOT_OPEN');
        }
        await Partner.query(trx)
          .insert({
            id: input.partnerId,
            userId: app.applicantId,
            applicationId: app.id,
            companyName: app.companyName,
            businessNumber: app.businessNumber,
            representative: app.representative,
            phone: app.phone,
            email: app.email,
            address: app.address,
            bankName: app.bankName,
            bankAccount: app.bankAccount,
            mailOrderNumber: app.mailOrderNumber,
            bankAccountHolder: app.bankAccountHolder,
            introduction: app.introduction,
            status: 'active',
            approvedAt: trx.fn.now() as unknown as Date,
          })
          .onConflict('applicationId')
          .ignore();
        await trx.raw(
          `UPDATE users SET roles = array_append(roles, 'partner'), updated_at = now()
           WHERE id = ? AND NOT ('partner' = ANY(roles))`,
          [app.applicantId],
        );
        await PartnerApplication.query(trx)
          .patch({
            status: 'approved',
            decisionReason: input.decisionReason ?? null,
            decidedBy: input.decidedBy,
            decidedAt: trx.fn.now() as unknown as Date,
            updatedAt: trx.fn.now() as unknown as Date,
          })
          .where({ id: app.id });
        await closeTask(trx, input.taskId, {
          state: 'done',
          outcome: 'approved',
          resolvedBy: input.decidedBy,
          reason: input.decisionReason ?? null,
        });
        await enqueueNotification(trx, {
          dedupeKey: `partnerApplication:${app.id}:approved`,
          recipientUserId: app.applicantId,
          template: 'partner_application_approved',
          payload: { applicationId: app.id, companyName: app.companyName, partnerId: input.partnerId },
        });
        return { partnerId: input.partnerId };
      });
    },
  };
}

function duplicateReason(): AutoRejectReason {
  return {
    field: 'businessNumber',
    key: 'duplicate_business_number',
    message: 'A partner or a pending application already uses this business registration number',
  };
}
