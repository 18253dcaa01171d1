import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InboxTask } from '../../domain/inbox';
import { PartnerApplication } from '../../db/models';
import { Browser } from '../browser';
import {
  applicationForm,
  eventually,
  makeUser,
  startStack,
  stopTemporal,
  uniq,
  type Stack,
} from '../harness';

interface App {
  id: string;
  status: string;
  reasons: { key: string }[];
  decisionReason: string | null;
  bankAccount: string;
}
interface InboxPage {
  items: InboxTask[];
  nextCursor: string | null;
  counts: Record<string, number>;
}

let stack: Stack;
let admin: Browser;
let adminId: string;
before(async () => {
  stack = await startStack();
  const a = await makeUser(stack, ['customer', 'admin']);
  admin = a.browser;
  adminId = a.me.id;
});
after(async () => {
  await stack.stop();
  await stopTemporal();
});

async function applicant() {
  const b = new Browser(stack.baseUrl);
  const me = await b.signUp(`applicant-${uniq()}@example.com`);
  return { b, me };
}

const mine = (b: Browser) => b.get<{ items: App[] }>('/api/partner-applications/mine');
const awaitStatus = (b: Browser, status: string) =>
  eventually(async () => {
    const res = await mine(b);
    return res.body.items[0]?.status === status ? res.body.items[0] : undefined;
  });

/** Finds the application's task by walking the inbox as an admin would (the test database is shared). */
async function taskFor(applicationId: string): Promise<InboxTask> {
  return eventually(async () => {
    let cursor: string | null = null;
    do {
      const page: { body: InboxPage } = await admin.get<InboxPage>(
        `/api/admin/tasks?state=open&limit=100&kind=partner_application${cursor ? `&cursor=${cursor}` : ''}`,
      );
      const found = page.body.items.find((t) => t.subjectId === applicationId);
      if (found) return found;
      cursor = page.body.nextCursor;
    } while (cursor);
    return undefined;
  });
}

describe('partner approval through the API', () => {
  it('applicant applies, admin claims and approves in the inbox, applicant becomes a partner', async () => {
    const { b } = await applicant();
    const form = applicationForm();
    const submitted = await b.post<{ id: string; status: string }>('/api/partner-applications', {
      ...form,
      businessNumber: `${form.businessNumber.slice(0, 3)}-${form.businessNumber.slice(3, 5)}-${form.businessNumber.slice(5)}`,
    });
    assert.equal(submitted.status, 202);
    const pending = await awaitStatus(b, 'pending');
    assert.equal(pending.id, submitted.body.id);
    assert.match(pending.bankAccount, /^\*+/, 'the bank account is masked for the applicant');

    const task = await taskFor(submitted.body.id);
    assert.equal(task.state, 'open');
    assert.equal(task.claimedBy, null);
    assert.equal(task.overdue, false);
    const detail = await admin.get<{ subject: { businessNumber: string; bankAccount: string } }>(
      `/api/admin/tasks/${task.id}`,
    );
    assert.equal(detail.status, 200);
    assert.equal(detail.body.subject.businessNumber, form.businessNumber);
    assert.equal(
      detail.body.subject.bankAccount,
      form.bankAccount,
      'admins see the full account to verify it',
    );

    const claim = await admin.post<{ claimedBy: string }>(`/api/admin/tasks/${task.id}/claim`);
    assert.equal(claim.status, 200);
    assert.equal(claim.body.claimedBy, adminId);
    const mineTab = await admin.get<InboxPage>('/api/admin/tasks?state=mine&limit=100');
    assert.ok(mineTab.body.items.some((t) => t.id === task.id));

    const decided = await admin.post<{ status: string }>(`/api/admin/tasks/${task.id}/decision`, {
      decision: 'approve',
    });
    assert.equal(decided.status, 200);
    assert.equal(decided.body.status, 'approved');
    await awaitStatus(b, 'approved');
    const me = await b.get<{ roles: string[]; partnerId: string | null }>('/api/auth/me');
    assert.ok(me.body.roles.includes('partner'));
    assert.ok(me.body.partnerId);

    const again = await b.post<{ error: { code: string } }>('/api/partner-applications', applicationForm());
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'ALREADY_PARTNER');
    const late = await admin.post<{ error: { code: string } }>(`/api/admin/tasks/${task.id}/decision`, {
      decision: 'approve',
    });
    assert.equal(late.status, 409);
    assert.equal(late.body.error.code, 'TASK_NOT_OPEN');
  });

  it('one open application at a time; rejected applicants see the reason and may apply again', async () => {
    const { b } = await applicant();
    const first = await b.post<{ id: string }>('/api/partner-applications', applicationForm());
    assert.equal(first.status, 202);
    const second = await b.post<{ error: { code: string } }>('/api/partner-applications', applicationForm());
    assert.equal(second.status, 409);
    assert.equal(second.body.error.code, 'APPLICATION_OPEN');

    const task = await taskFor(first.body.id);
    const noReason = await admin.post<{ error: { code: string } }>(`/api/admin/tasks/${task.id}/decision`, {
      decision: 'reject',
    });
    assert.equal(noReason.status, 400);
    const rejected = await admin.post(`/api/admin/tasks/${task.id}/decision`, {
      decision: 'reject',
      reason: '사업자 정보와 계좌 명의가 다릅니다',
    });
    assert.equal(rejected.status, 200);
    const app = await awaitStatus(b, 'rejected');
    assert.equal(app.decisionReason, '사업자 정보와 계좌 명의가 다릅니다');

    const retry = await b.post<{ id: string }>('/api/partner-applications', applicationForm());
    assert.equal(retry.status, 202);
    await awaitStatus(b, 'pending');
    const list = await mine(b);
    assert.deepEqual(
      list.body.items.map((a) => a.status),
      ['pending', 'rejected'],
    );
  });

  it('auto-rejects a duplicate business number with a reason the applicant sees', async () => {
    const form = applicationForm();
    const one = await applicant();
    await one.b.post('/api/partner-applications', form);
    await awaitStatus(one.b, 'pending');
    const two = await applicant();
    assert.equal(
      (await two.b.post('/api/partner-applications', { ...form, companyName: 'Copy' })).status,
      202,
    );
    const app = await awaitStatus(two.b, 'auto_rejected');
    assert.deepEqual(
      app.reasons.map((r) => r.key),
      ['duplicate_business_number'],
    );
  });

  it('validates the form field by field, check digit included, and writes nothing', async () => {
    const { b, me } = await applicant();
    const res = await b.post<{
      error: { code: string; details: { fields: { path: string; key: string }[] } };
    }>(
      '/api/partner-applications',
      applicationForm({ businessNumber: '124-81-00999', email: 'not-an-email', introduction: 'short' }),
    );
    assert.equal(res.status, 400);
    assert.deepEqual(Object.fromEntries(res.body.error.details.fields.map((f) => [f.path, f.key])), {
      businessNumber: 'invalid_check_digit',
      email: 'invalid_email',
      introduction: 'too_short',
    });
    assert.equal((await PartnerApplication.query(stack.db).where({ applicantId: me.id })).length, 0);
  });

  it('inbox: filters by kind and state, pages with a cursor, counts tabs, guards claims', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { b } = await applicant();
      ids.push((await b.post<{ id: string }>('/api/partner-applications', applicationForm())).body.id);
    }
    const tasks = await Promise.all(ids.map(taskFor));
    const other = await makeUser(stack, ['customer', 'admin']);
    assert.equal((await other.browser.post(`/api/admin/tasks/${tasks[0]!.id}/claim`)).status, 200);
    const stolen = await admin.post<{ error: { code: string } }>(`/api/admin/tasks/${tasks[0]!.id}/claim`);
    assert.equal(stolen.status, 409);
    assert.equal(stolen.body.error.code, 'TASK_CLAIMED');
    const blocked = await admin.post<{ error: { code: string } }>(
      `/api/admin/tasks/${tasks[0]!.id}/decision`,
      { decision: 'approve' },
    );
    assert.equal(blocked.body.error.code, 'TASK_CLAIMED');

    const unclaimed = await admin.get<InboxPage>('/api/admin/tasks?state=unclaimed&limit=100');
    assert.ok(!unclaimed.body.items.some((t) => t.id === tasks[0]!.id));
    assert.ok(unclaimed.body.items.some((t) => t.id === tasks[1]!.id));
    const reviews = (await admin.get<InboxPage>('/api/admin/tasks?kind=product_review&limit=100')).body.items;
    assert.ok(reviews.every((t) => t.kind === 'product_review'));
    assert.ok(!reviews.some((t) => tasks.some((mine) => mine.id === t.id)));
    // Search by title finds exactly the one application.
    const byName = await admin.get<InboxPage>(`/api/admin/tasks?q=${encodeURIComponent(tasks[1]!.title)}`);
    assert.deepEqual(
      byName.body.items.map((t) => t.id),
      [tasks[1]!.id],
    );

    // Walk the open list two at a time: every task once, oldest first.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: InboxPage } = await admin.get<InboxPage>(
        `/api/admin/tasks?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.body.items.map((t) => t.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    assert.equal(new Set(seen).size, seen.length);
    for (const t of tasks) assert.ok(seen.includes(t.id));
    assert.ok(seen.indexOf(tasks[0]!.id) < seen.indexOf(tasks[2]!.id));
    const counts = (await admin.get<InboxPage>('/api/admin/tasks')).body.counts;
    assert.ok(counts.open! >= 3 && counts.unclaimed! >= 2);

    const badCursor = await admin.get<{ error: { code: string } }>('/api/admin/tasks?cursor=garbage');
    assert.equal(badCursor.status, 400);
    const badState = await admin.get('/api/admin/tasks?state=everything');
    assert.equal(badState.status, 400);
    const unknown = await admin.get('/api/admin/tasks/00000000-0000-4000-8000-000000000000');
    assert.equal(unknown.status, 404);
  });
});
