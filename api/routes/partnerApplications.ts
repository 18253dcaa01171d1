import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { TypedSearchAttributes, WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { startPartnerApplication } from '../../domain/contracts/partnerApplication';
import { AppError } from '../../domain/errors';
import { partnerApplicationSchema, type PartnerApplicationInput } from '../../domain/partner';
import { ApplicantId, ReviewState } from '../../domain/searchAttributes';
import { PartnerApplication } from '../../db/models';
import { route, type RouteDef } from '../route';

const idParams = z.strictObject({ id: z.uuid() });

/** What an applicant (or an admin) sees of an application; the bank account is masked. */
export function presentApplication(a: PartnerApplication) {
  return {
    id: a.id,
    status: a.status,
    companyName: a.companyName,
    businessNumber: a.businessNumber,
    representative: a.representative,
    phone: a.phone,
    email: a.email,
    address: a.address,
    mailOrderNumber: a.mailOrderNumber,
    bankName: a.bankName,
    bankAccount: a.bankAccount.replace(/\d(?=[\d-]{4})/g, '*'),
    bankAccountHolder: a.bankAccountHolder,
    introduction: a.introduction,
    reasons: a.reasons,
    decisionReason: a.decisionReason,
    decidedAt: a.decidedAt,
    submittedAt: a.submittedAt,
    workflowId: a.workflowId,
  };
}

export function partnerApplicationRoutes(): RouteDef[] {
  return [
    route({
      method: 'POST',
      path: '/api/partner-applications',
      summary: 'Apply to become a partner (starts the partnerApplication workflow)',
      tag: 'partners',
      access: 'user',
      body: partnerApplicationSchema,
      status: 202,
      async handler({ ctx, body, deps: { temporal, config } }) {
        const user = ctx.state.user!;
        if (user.roles.includes('partner'))
          throw new AppError('ALREADY_PARTNER', 'You are already a partner');
        const input: PartnerApplicationInput = {
          applicationId: randomUUID(),
          applicantId: user.id,
          form: body,
          reviewSlaMs: config.partner.reviewSlaMs,
          expiryMs: config.partner.expiryMs,
        };
        try {
          await startPartnerApplication(temporal, config.temporal, input, {
            workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
            workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
            typedSearchAttributes: new TypedSearchAttributes([
              { key: ApplicantId, value: user.id },
              { key: ReviewState, value: 'validating' },
            ]),
          });
        } catch (err) {
          if (err instanceof WorkflowExecutionAlreadyStartedError) {
            throw new AppError('APPLICATION_OPEN', 'You already have an application under review');
          }
          throw err;
        }
        return { id: input.applicationId, status: 'validating' };
      },
    }),
    route({
      method: 'GET',
      path: '/api/partner-applications/mine',
      summary: "The signed-in user's applications, newest first",
      tag: 'partners',
      access: 'user',
      async handler({ ctx, deps: { db } }) {
        const rows = await PartnerApplication.query(db)
          .where({ applicantId: ctx.state.user!.id })
          .orderBy('submittedAt', 'desc')
          .limit(20);
        return { items: rows.map(presentApplication) };
      },
    }),
    route({
      method: 'GET',
      path: '/api/partner-applications/:id',
      summary: 'One application (its applicant or an admin)',
      tag: 'partners',
      access: 'user',
      params: idParams,
      async handler({ ctx, params, deps: { db } }) {
        const user = ctx.state.user!;
        const row = await PartnerApplication.query(db).findById(params.id);
        if (!row || (row.applicantId !== user.id && !user.roles.includes('admin'))) {
          throw new AppError('NOT_FOUND', 'No such application');
        }
        return presentApplication(row);
      },
    }),
  ];
}
