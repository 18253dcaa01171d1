import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from '../infra/logger';
import { createBusinessMetrics } from '../infra/metrics';
import { serveMetrics } from './metricsServer';

function capture() {
  const lines: { msg: string; address?: string }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { log: createLogger('worker', 'info', stream), lines };
}

describe('worker metrics server', () => {
  it('serves the business counters at /metrics, and asks for the token when one is set', async () => {
    const metrics = createBusinessMetrics();
    metrics.charges.inc({ outcome: 'approved' });
    const { log } = capture();
    const open = await serveMetrics(metrics.registry, '127.0.0.1:0', { log, token: null });
    const guarded = await serveMetrics(metrics.registry, '127.0.0.1:0', {
      log,
      token: 'worker-metrics-token-0001',
    });
    try {
      const url = (s: http.Server | null, path = '/metrics') =>
        `http://127.0.0.1:${(s!.address() as AddressInfo).port}${path}`;
      const res = await fetch(url(open));
      assert.equal(res.status, 200);
      assert.match(await res.text(), /dalgona_charges_total\{outcome="approved"\} 1/);
      assert.equal((await fetch(url(open, '/'))).status, 404);
      assert.equal((await fetch(url(open), { headers: { 'x-forwarded-for': '203.0.113.9' } })).status, 404);
      assert.equal((await fetch(url(guarded))).status, 401);
      const ok = await fetch(url(guarded), {
        headers: { authorization: 'Bearer worker-metrics-token-0001' },
      });
      assert.equal(ok.status, 200);
    } finally {
      open?.close();
      guarded?.close();
    }
  });

  it('a busy port warns and the worker goes on without it', async () => {
    const squatter = http.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => squatter.once('listening', r));
    const address = `127.0.0.1:${(squatter.address() as AddressInfo).port}`;
    const { log, lines } = capture();
    try {
      assert.equal(await serveMetrics(createBusinessMetrics().registry, address, { log, token: null }), null);
      log.flush();
      assert.ok(lines.some((l) => l.msg === 'worker business metrics unavailable' && l.address === address));
    } finally {
      squatter.close();
    }
  });
});
