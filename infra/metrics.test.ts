import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  counterValue,
  createBusinessMetrics,
  createHttpMetrics,
  isPrivateAddress,
  metricsAccess,
} from './metrics';

const req = (remoteAddress: string, headers: Record<string, string> = {}) => ({
  headers,
  socket: { remoteAddress },
});

describe('metrics access', () => {
  it('knows loopback and private addresses from public ones', () => {
    for (const a of [
      '127.0.0.1',
      '::1',
      '::ffff:127.0.0.1',
      '10.1.2.3',
      '172.18.0.5',
      '192.168.1.9',
      'fd00::1',
    ])
      assert.ok(isPrivateAddress(a), a);
    for (const a of ['8.8.8.8', '172.32.0.1', '::ffff:1.2.3.4', '2001:db8::1', '', 'localhost'])
      assert.ok(!isPrivateAddress(a), a);
  });

  it('without a token: direct requests from private addresses only, never a proxied one', () => {
    assert.equal(metricsAccess(req('172.18.0.7'), null), 'ok');
    assert.equal(metricsAccess(req('203.0.113.9'), null), 'hidden');
    // Behind a reverse proxy the peer is private but the client is not: the proxy's header gives it away.
    assert.equal(metricsAccess(req('127.0.0.1', { 'x-forwarded-for': '203.0.113.9' }), null), 'hidden');
    assert.equal(metricsAccess(req('127.0.0.1', { forwarded: 'for=203.0.113.9' }), null), 'hidden');
  });

  it('with a token: exactly that bearer token, from anywhere', () => {
    const token = 'a-long-metrics-token-123';
    assert.equal(metricsAccess(req('203.0.113.9', { authorization: `Bearer ${token}` }), token), 'ok');
    assert.equal(metricsAccess(req('127.0.0.1'), token), 'unauthenticated');
    assert.equal(
      metricsAccess(req('127.0.0.1', { authorization: `Bearer ${token}x` }), token),
      'unauthenticated',
    );
    assert.equal(metricsAccess(req('127.0.0.1', { authorization: token }), token), 'unauthenticated');
  });
});

describe('metrics registries', () => {
  it('counts requests by method, route pattern and status, with their durations', async () => {
    const m = createHttpMetrics();
    m.observe('GET', '/api/catalog/products/:id', 200, 0.004);
    m.observe('GET', '/api/catalog/products/:id', 200, 0.2);
    m.observe('GET', 'unmatched', 404, 0.001);
    const text = await m.registry.metrics();
    assert.match(
      text,
      /http_requests_total\{method="GET",route="\/api\/catalog\/products\/:id",status="200"\} 2/,
    );
    assert.match(text, /http_requests_total\{method="GET",route="unmatched",status="404"\} 1/);
    assert.match(
      text,
      /http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/api\/catalog\/products\/:id",status="200"\} 1/,
    );
    assert.ok(!/process_cpu/.test(text), 'process metrics only when asked for');
    assert.match(
      await createHttpMetrics({ processMetrics: true }).registry.metrics(),
      /process_cpu_seconds_total/,
    );
  });

  it('keeps each process its own business counters', async () => {
    const a = createBusinessMetrics();
    const b = createBusinessMetrics();
    a.charges.inc({ outcome: 'approved' });
    a.charges.inc({ outcome: 'declined' });
    assert.equal(await counterValue(a.charges), 2);
    assert.equal(await counterValue(a.charges, { outcome: 'approved' }), 1);
    assert.equal(await counterValue(b.charges), 0);
    assert.match(await a.registry.metrics(), /dalgona_charges_total\{outcome="approved"\} 1/);
  });
});
