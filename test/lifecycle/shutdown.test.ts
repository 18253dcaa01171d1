// SIGTERM, as an orchestrator sends it: the real worker and API processes finish what they are doing and exit 0.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import { hostname } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { startSetPartnerCommission } from '../../domain/contracts/setPartnerCommission';
import { makePartner, makeUser, startStack, stopTemporal, uniq, type Stack } from '../harness';
import { kill, processEnvFor, startProcess, type Proc } from './processes';

let stack: Stack;
const procs: Proc[] = [];
before(async () => {
  stack = await startStack();
});
after(async () => {
  procs.forEach(kill);
  await stack.stop();
  await stopTemporal();
});

const envFor = (over: Record<string, string> = {}) => processEnvFor(stack, over);

function start(script: string, env: Record<string, string>): Proc {
  const proc = startProcess(script, env);
  procs.push(proc);
  return proc;
}

describe('worker shutdown', () => {
  it('SIGTERM drains: the in-flight activity finishes, the process exits 0, and nothing is lost', async () => {
    const admin = await makeUser(stack, ['customer', 'admin']);
    const partner = await makePartner(stack, admin.me.id);
    const partnerId = partner.me.partnerId!;
    // Task queues only the spawned workers serve (setPartnerCommission's is billing).
    const prefix = `t${uniq()}`;
    const env = envFor({
      TEMPORAL_TASK_QUEUE_PREFIX: prefix,
      WORKER_DOMAINS: 'billing',
      WORKER_SHUTDOWN_GRACE: '5m',
    });
    const worker = start('worker/main.ts', env);
    await worker.waitFor((l) => l.msg === 'worker started');
    const metricsUrl = (await worker.waitFor((l) => l.msg === 'worker metrics listening')).url as string;
    const scraped = await fetch(metricsUrl);
    assert.equal(scraped.status, 200);
    assert.match(await scraped.text(), /# TYPE dalgona_charges_total counter/);

    // The test holds the partner's row: the activity's UPDATE waits for it, in flight for as long as we like.
    const trx = await stack.db.transaction();
    try {
      await trx('partners').where({ id: partnerId }).forUpdate().first('id');
      const handle = await startSetPartnerCommission(
        stack.client,
        { taskQueuePrefix: prefix },
        { partnerId, rateBps: 850, actorId: admin.me.id },
      );
      // The activity locks the partner's row first (the audit line keeps the rate before): it waits there.
      await waitUntil(async () => {
        const { rows } = await stack.db.raw(
          `select count(*)::int as n from pg_stat_activity
           where wait_event_type = 'Lock' and query ilike '%from "partners"%for update%'`,
        );
        return rows[0].n > 0;
      });

      worker.child.kill('SIGTERM');
      await worker.waitFor((l) => l.msg === 'draining worker');
      assert.equal(worker.child.exitCode, null, 'the worker waits for its activity');
      await trx.commit();
      assert.deepEqual(await worker.exited, { code: 0, signal: null }, worker.stderr());
      assert.ok(worker.lines.some((l) => l.msg === 'worker stopped'));

      // The activity's write is in, and it was the draining worker that completed it.
      const row = await stack.db('partners').where({ id: partnerId }).first('commissionRateBps');
      assert.equal(row.commissionRateBps, 850);
      const { events } = await handle.fetchHistory();
      const completed = events!.filter((e) => e.activityTaskCompletedEventAttributes);
      assert.equal(completed.length, 1);
      assert.equal(
        completed[0]!.activityTaskCompletedEventAttributes!.identity,
        `${worker.child.pid}@${hostname()}`,
      );

      // Nothing lost: the workflow itself finishes on the next worker to come up.
      const second = start('worker/main.ts', env);
      assert.deepEqual(await handle.result(), { rateBps: 850 });
      second.child.kill('SIGTERM');
      assert.deepEqual(await second.exited, { code: 0, signal: null }, second.stderr());
    } finally {
      if (!trx.isCompleted()) await trx.rollback();
    }
  });
});

describe('API shutdown', () => {
  it('SIGTERM: stops accepting, answers the request in flight, closes its pools and exits 0', async () => {
    const user = await makeUser(stack);
    const api = start('api/main.ts', envFor());
    const base = (await api.waitFor((l) => l.msg === 'api listening')).url as string;
    const csrf = await fetch(`${base}/api/auth/csrf`);
    const token = /dalgona_csrf=([^;]+)/.exec(csrf.headers.get('set-cookie') ?? '')![1]!;
    const body = JSON.stringify({ email: user.email, password: user.password });
    // "Expect: 100-continue": the server's 100 proves the request has reached the app before the body is sent.
    const req = http.request(`${base}/api/auth/login`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        expect: '100-continue',
        cookie: `dalgona_csrf=${token}`,
        'x-csrf-token': token,
      },
    });
    const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      });
      req.on('error', reject);
    });
    req.flushHeaders();
    await once(req, 'continue');

    api.child.kill('SIGTERM');
    await api.waitFor((l) => l.msg === 'closing api');
    assert.equal(api.child.exitCode, null, 'the API waits for the request in flight');
    await assert.rejects(fetch(`${base}/healthz`), 'no new connections once closing');
    req.end(body);
    const res = await answered;
    assert.equal(res.status, 200, res.body);
    assert.equal((JSON.parse(res.body) as { email: string }).email, user.email);
    assert.deepEqual(await api.exited, { code: 0, signal: null }, api.stderr());
    assert.ok(api.lines.some((l) => l.msg === 'api stopped'));
  });
});

async function waitUntil(fn: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`not true within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
