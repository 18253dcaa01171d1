// Replays committed workflow histories against today's workflow code: a change that would break running
// workflows (non-determinism) fails here. `UPDATE_HISTORIES=1 npm test -- test/replay` records them afresh.
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { taskQueue } from '../../domain/taskQueues';
import { Task } from '../../db/models';
import { decideUpdate, claimTaskUpdate } from '../../workflows/messages';
import { getWorkflowBundle } from '../../worker/bundle';
import {
  applicationForm,
  eventually,
  makePartner,
  makeUser,
  pngImage,
  productForm,
  startStack,
  stopTemporal,
  type Stack,
} from '../harness';

const dir = fileURLToPath(new URL('./histories', import.meta.url));

/** Runs each recorded scenario on the real dev server and writes its history as JSON. */
async function record(stack: Stack): Promise<void> {
  const admin = await makeUser(stack, ['customer', 'admin']);
  const actor = { userId: admin.me.id, roles: admin.me.roles };
  const scenarios: Record<
    string,
    { form?: object; decide?: 'approve' | 'reject'; sla?: number; expiry?: number }
  > = {
    'partnerApplication-approved': { decide: 'approve' },
    'partnerApplication-rejected': { decide: 'reject' },
    'partnerApplication-auto-rejected': { form: { businessNumber: '1248100999' } },
    'partnerApplication-overdue-expired': { sla: 300, expiry: 900 },
  };
  const keep = async (name: string) =>
    process.env.UPDATE_HISTORIES !== 'all' &&
    (await readFile(join(dir, `${name}.json`)).then(
      () => true,
      () => false,
    ));
  for (const [name, s] of Object.entries(scenarios)) {
    if (await keep(name)) continue;
    const applicant = await makeUser(stack);
    const applicationId = randomUUID();
    const handle = await stack.client.workflow.start('partnerApplication', {
      workflowId: `partnerApplication:${applicant.me.id}`,
      taskQueue: taskQueue(stack.config.temporal.taskQueuePrefix, 'accounts'),
      args: [
        {
          applicationId,
          applicantId: applicant.me.id,
          form: applicationForm(s.form as never),
          reviewSlaMs: s.sla ?? 60_000,
          expiryMs: s.expiry ?? 120_000,
        },
      ],
    });
    if (s.decide) {
      const task = await eventually(() => Task.query(stack.db).findOne({ subjectId: applicationId }));
      await handle.executeUpdate(claimTaskUpdate, { args: [{ taskId: task.id, actor }] });
      await handle.executeUpdate(decideUpdate, {
        args: [
          {
            taskId: task.id,
            decision: s.decide,
            reason: s.decide === 'reject' ? 'Not a roastery' : undefined,
            actor,
          },
        ],
      });
    }
    await handle.result();
    await writeFile(join(dir, `${name}.json`), historyToJSON(await handle.fetchHistory()));
  }

  // A product: published, an edit superseded by a newer one, the newer one rejected, then unlisted.
  if (!(await keep('productPublication-lifecycle'))) {
    const partner = await makePartner(stack, actor.userId);
    const upload = await partner.browser.request<{ id: string }>('POST', '/api/images', await pngImage(), {
      headers: { 'content-type': 'image/png' },
    });
    const form = productForm(upload.body.id);
    const created = await partner.browser.post<{ productId: string; revisionId: string }>(
      '/api/partner/products',
      form,
    );
    const handle = stack.client.workflow.getHandle(`productPublication:${created.body.productId}`);
    const decide = async (revisionId: string, decision: 'approve' | 'reject') => {
      const task = await eventually(() =>
        Task.query(stack.db).findOne({ subjectId: revisionId, state: 'open' }),
      );
      await handle.executeUpdate(decideUpdate, {
        args: [
          { taskId: task.id, decision, reason: decision === 'reject' ? 'Blurry photo' : undefined, actor },
        ],
      });
    };
    await decide(created.body.revisionId, 'approve');
    const edit = (d: string) =>
      partner.browser.post<{ revisionId: string }>(
        `/api/partner/products/${created.body.productId}/revisions`,
        {
          ...form,
          description: `${form.description} ${d}`,
        },
      );
    const first = await edit('first edit');
    await eventually(() => Task.query(stack.db).findOne({ subjectId: first.body.revisionId, state: 'open' }));
    const second = await edit('second edit');
    await decide(second.body.revisionId, 'reject');
    await partner.browser.post(`/api/partner/products/${created.body.productId}/unpublish`, {});
    await writeFile(
      join(dir, 'productPublication-lifecycle.json'),
      historyToJSON(await handle.fetchHistory()),
    );
  }
}

describe('replay of committed workflow histories', () => {
  if (process.env.UPDATE_HISTORIES) {
    let stack: Stack;
    before(async () => {
      stack = await startStack();
    });
    after(async () => {
      await stack.stop();
      await stopTemporal();
    });
    it('records fresh histories', async () => {
      await record(stack);
    });
  }

  it('replays every committed history without non-determinism', async () => {
    const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
    assert.ok(files.length >= 5, 'committed histories are present');
    const workflowBundle = await getWorkflowBundle();
    for (const file of files) {
      const history = historyFromJSON(JSON.parse(await readFile(join(dir, file), 'utf8')));
      await Worker.runReplayHistory({ workflowBundle, replayName: file }, history);
    }
  });
});
