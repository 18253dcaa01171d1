import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  applicationStatusQuery,
  startPartnerApplication,
  type PartnerApplicationWorkflow,
} from '../domain/contracts/partnerApplication';
import {
  claimTaskUpdate,
  decideUpdate,
  releaseTaskUpdate,
  reviewDeskHandle,
} from '../domain/contracts/reviewDesk';
import type { PartnerApplicationForm, PartnerApplicationResult } from '../domain/partner';
import { OutboxMessage, Partner, PartnerApplication, Task, User } from '../db/models';
import { applicationForm, eventually, makeUser, startStack, stopTemporal, type Stack } from '../test/harness';

let stack: Stack;
let admin: { userId: string; roles: string[] };
let admin2: { userId: string; roles: string[] };

before(async () => {
  stack = await startStack();
  const a = await makeUser(stack, ['customer', 'admin']);
  const b = await makeUser(stack, ['customer', 'admin']);
  admin = { userId: a.me.id, roles: a.me.roles };
  admin2 = { userId: b.me.id, roles: b.me.roles };
});
after(async () => {
  await stack.stop();
  await stopTemporal();
});

async function apply(
  form: PartnerApplicationForm = applicationForm(),
  opts: { reviewSlaMs?: number; expiryMs?: number; applicantId?: string } = {},
): Promise<{
  handle: WorkflowHandle<PartnerApplicationWorkflow>;
  applicationId: string;
  applicantId: string;
}> {
  const applicantId = opts.applicantId ?? (await makeUser(stack)).me.id;
  const applicationId = randomUUID();
  const handle = await startPartnerApplication(stack.client, stack.config.temporal, {
    applicationId,
    applicantId,
    form,
    reviewSlaMs: opts.reviewSlaMs ?? 60_000,
    expiryMs: opts.expiryMs ?? 120_000,
  });
  return { handle, applicationId, applicantId };
}

const openTask = (subjectId: string) =>
  eventually(() => Task.query(stack.db).findOne({ subjectId, state: 'open' }));

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof WorkflowUpdateFailedError, `expected an update failure, got ${String(err)}`);
    assert.ok(err.cause instanceof ApplicationFailure);
    return err.cause.type ?? '';
  }
  assert.fail('the update was accepted');
}

describe('partnerApplication workflow (real dev server, real PostgreSQL)', () => {
  it('approves: creates the partner, grants the role, closes the task and notifies the applicant', async () => {
    const { handle, applicationId, applicantId } = await apply();
    const task = await openTask(applicationId);
    assert.equal((await handle.query(applicationStatusQuery)).status, 'pending');

    const outcome = await handle.executeUpdate(decideUpdate, {
      args: [{ taskId: task.id, decision: 'approve', actor: admin }],
    });
    assert.deepEqual(outcome, { status: 'approved', subjectId: applicationId });
    const result: PartnerApplicationResult = await handle.result();
    assert.equal(result.status, 'approved');

    const partner = await Partner.query(stack.db).findOne({ applicationId });
    assert.equal(partner?.id, result.partnerId);
    assert.equal(partner?.userId, applicantId);
    assert.ok((await User.query(stack.db).findById(applicantId))!.roles.includes('partner'));
    const closed = await Task.query(stack.db).findById(task.id);
    assert.equal(closed?.state, 'done');
    assert.equal(closed?.outcome, 'approved');
    assert.equal(closed?.resolvedBy, admin.userId);
    const notice = await OutboxMessage.query(stack.db).findOne({ recipientUserId: applicantId });
    assert.equal(notice?.template, 'partner_application_approved');
  });

  it('rejects with the reason the applicant will read', async () => {
    const { handle, applicationId } = await apply();
    const task = await openTask(applicationId);
    await handle.executeUpdate(decideUpdate, {
      args: [
        {
          taskId: task.id,
          decision: 'reject',
          reason: 'The bank account holder does not match',
          actor: admin,
        },
      ],
    });
    const result = await handle.result();
    assert.equal(result.status, 'rejected');
    const app = await PartnerApplication.query(stack.db).findById(applicationId);
    assert.equal(app?.status, 'rejected');
    assert.equal(app?.decisionReason, 'The bank account holder does not match');
    assert.equal((await Task.query(stack.db).findById(task.id))?.outcome, 'rejected');
  });

  it('auto-rejects a wrong check digit with a reason, without opening a task', async () => {
    const { handle, applicationId } = await apply(applicationForm({ businessNumber: '1248100999' }));
    const result = await handle.result();
    assert.equal(result.status, 'auto_rejected');
    assert.deepEqual(
      result.reasons?.map((r) => r.key),
      ['invalid_check_digit'],
    );
    const app = await PartnerApplication.query(stack.db).findById(applicationId);
    assert.equal(app?.status, 'auto_rejected');
    assert.equal(app?.reasons[0]?.field, 'businessNumber');
    assert.equal(await Task.query(stack.db).findOne({ subjectId: applicationId }), undefined);
  });

  it('auto-rejects a business number already pending or approved', async () => {
    const form = applicationForm();
    const first = await apply(form);
    const task = await openTask(first.applicationId);
    const second = await apply({ ...form, companyName: 'Copycat Coffee' });
    const result = await second.handle.result();
    assert.equal(result.status, 'auto_rejected');
    assert.deepEqual(
      result.reasons?.map((r) => r.key),
      ['duplicate_business_number'],
    );
    await first.handle.executeUpdate(decideUpdate, {
      args: [{ taskId: task.id, decision: 'approve', actor: admin }],
    });
    const third = await apply({ ...form, companyName: 'Late Copycat' });
    assert.equal((await third.handle.result()).status, 'auto_rejected');
  });

  it('refuses decisions that break the rules (Update validator)', async () => {
    const { handle, applicationId } = await apply();
    const task = await openTask(applicationId);
    const customer = { userId: randomUUID(), roles: ['customer', 'partner'] };
    assert.equal(
      await refusal(
        handle.executeUpdate(decideUpdate, {
          args: [{ taskId: task.id, decision: 'approve', actor: customer }],
        }),
      ),
      'FORBIDDEN',
    );
    assert.equal(
      await refusal(
        handle.executeUpdate(decideUpdate, {
          args: [{ taskId: task.id, decision: 'reject', reason: ' ', actor: admin }],
        }),
      ),
      'VALIDATION_FAILED',
    );
    // An Update must name the task the admin is looking at; a stale or made-up one is refused.
    assert.equal(
      await refusal(
        handle.executeUpdate(decideUpdate, {
          args: [{ taskId: randomUUID(), decision: 'approve', actor: admin }],
        }),
      ),
      'TASK_NOT_OPEN',
    );
    await handle.executeUpdate(claimTaskUpdate, { args: [{ taskId: task.id, actor: admin }] });
    assert.equal(
      await refusal(
        handle.executeUpdate(decideUpdate, {
          args: [{ taskId: task.id, decision: 'approve', actor: admin2 }],
        }),
      ),
      'TASK_CLAIMED',
    );
    assert.equal(
      await refusal(handle.executeUpdate(claimTaskUpdate, { args: [{ taskId: task.id, actor: admin2 }] })),
      'TASK_CLAIMED',
    );
    assert.equal(
      await refusal(handle.executeUpdate(releaseTaskUpdate, { args: [{ taskId: task.id, actor: admin2 }] })),
      'TASK_CLAIMED',
    );
    const released = await handle.executeUpdate(releaseTaskUpdate, {
      args: [{ taskId: task.id, actor: admin }],
    });
    assert.equal(released.claimedBy, null);
    await handle.executeUpdate(decideUpdate, {
      args: [{ taskId: task.id, decision: 'approve', actor: admin2 }],
    });
    assert.equal((await handle.result()).status, 'approved');
    // Nothing is open any more: the finished workflow refuses further Updates.
    await assert.rejects(
      handle.executeUpdate(decideUpdate, {
        args: [{ taskId: task.id, decision: 'reject', reason: 'late', actor: admin }],
      }),
    );
  });

  it('records who claimed a task in the inbox read model', async () => {
    const { handle, applicationId } = await apply();
    const task = await openTask(applicationId);
    await handle.executeUpdate(claimTaskUpdate, { args: [{ taskId: task.id, actor: admin }] });
    assert.equal((await Task.query(stack.db).findById(task.id))?.claimedBy, admin.userId);
    await handle.executeUpdate(releaseTaskUpdate, { args: [{ taskId: task.id, actor: admin }] });
    assert.equal((await Task.query(stack.db).findById(task.id))?.claimedBy, null);
    await handle.terminate('test done');
  });

  it('flags the task overdue after the SLA and reminds the admins, and still accepts a decision', async () => {
    const { handle, applicationId } = await apply(applicationForm(), { reviewSlaMs: 700, expiryMs: 60_000 });
    const task = await openTask(applicationId);
    const overdue = await eventually(async () => {
      const row = await Task.query(stack.db).findById(task.id);
      return row?.overdueAt ? row : undefined;
    });
    assert.equal(overdue.state, 'open');
    assert.equal((await handle.query(applicationStatusQuery)).overdue, true);
    // One reminder per admin (role-addressed notifications fan out to each holder of the role).
    const reminder = await OutboxMessage.query(stack.db).findOne({
      dedupeKey: `task:${task.id}:overdue:${admin.userId}`,
    });
    assert.equal(reminder?.recipientRole, 'admin');
    const described = await eventually(async () => {
      const d = await handle.describe();
      const v = d.searchAttributes.ReviewState as string[] | undefined;
      return v?.[0] === 'overdue' ? v : undefined;
    });
    assert.deepEqual(described, ['overdue']);
    await handle.executeUpdate(decideUpdate, {
      args: [{ taskId: task.id, decision: 'approve', actor: admin }],
    });
    assert.equal((await handle.result()).status, 'approved');
  });

  it('expires when nobody decides in time, and tells the applicant', async () => {
    const { handle, applicationId, applicantId } = await apply(applicationForm(), {
      reviewSlaMs: 300,
      expiryMs: 1200,
    });
    const task = await openTask(applicationId);
    const result = await handle.result();
    assert.equal(result.status, 'expired');
    assert.equal((await Task.query(stack.db).findById(task.id))?.state, 'expired');
    assert.equal((await PartnerApplication.query(stack.db).findById(applicationId))?.status, 'expired');
    const notice = await OutboxMessage.query(stack.db).findOne({
      recipientUserId: applicantId,
      template: 'partner_application_expired',
    });
    assert.ok(notice);
  });

  it('lets a rejected applicant apply again; the old task cannot touch the new application', async () => {
    const first = await apply();
    const oldTask = await openTask(first.applicationId);
    await first.handle.executeUpdate(decideUpdate, {
      args: [{ taskId: oldTask.id, decision: 'reject', reason: 'Missing photos', actor: admin }],
    });
    await first.handle.result();

    const second = await apply(applicationForm(), { applicantId: first.applicantId });
    const newTask = await openTask(second.applicationId);
    assert.notEqual(newTask.id, oldTask.id);
    // The old task's chain is finished: an Update aimed at it must not reach the new run.
    const oldHandle = reviewDeskHandle(stack.client, oldTask);
    await assert.rejects(
      oldHandle.executeUpdate(claimTaskUpdate, { args: [{ taskId: oldTask.id, actor: admin }] }),
    );
    assert.equal((await Task.query(stack.db).findById(newTask.id))?.claimedBy, null);

    await second.handle.executeUpdate(decideUpdate, {
      args: [{ taskId: newTask.id, decision: 'approve', actor: admin }],
    });
    assert.equal((await second.handle.result()).status, 'approved');
    const apps = await PartnerApplication.query(stack.db)
      .where({ applicantId: first.applicantId })
      .orderBy('submittedAt');
    assert.deepEqual(
      apps.map((a) => a.status),
      ['rejected', 'approved'],
    );
  });
});
