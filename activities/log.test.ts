import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createLogger } from '../infra/logger';
import { activityScopedLogger } from './log';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { log: activityScopedLogger(createLogger('worker', 'info', stream)), lines };
}

describe('activity logs', () => {
  it('carry the workflow id, run id and activity type of the activity that wrote them', async () => {
    const { log, lines } = capture();
    const info = {
      workflowExecution: { workflowId: 'subscription:s1', runId: 'run-1' },
      activityType: 'chargeCycle',
      activityId: '7',
      attempt: 2,
      isLocal: true,
    };
    await new MockActivityEnvironment(info).run(async () => {
      log.warn({ orderId: 'o1' }, 'duplicated order id');
      log.child({ step: 'lookup' }).info('looking the order up');
    });
    await new MockActivityEnvironment({
      ...info,
      workflowExecution: { workflowId: 'refund:r1', runId: 'run-2' },
      activityType: 'executeRefund',
      isLocal: false,
    }).run(async () => log.info('refunded'));
    log.info('outside any activity');
    log.flush();
    assert.equal(lines.length, 4);
    assert.deepEqual(
      lines.map((l) => [l.msg, l.workflowId, l.runId, l.activityType, l.local]),
      [
        ['duplicated order id', 'subscription:s1', 'run-1', 'chargeCycle', true],
        ['looking the order up', 'subscription:s1', 'run-1', 'chargeCycle', true],
        ['refunded', 'refund:r1', 'run-2', 'executeRefund', undefined],
        ['outside any activity', undefined, undefined, undefined, undefined],
      ],
    );
    assert.equal(lines[0]!.orderId, 'o1');
    assert.equal(lines[0]!.attempt, 2);
    assert.equal(lines[1]!.step, 'lookup');
  });
});
