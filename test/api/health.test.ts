import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Koa from 'koa';
import type { AddressInfo } from 'node:net';
import { errorHandler } from '../../api/middleware/errors';
import { Browser } from '../browser';
import { startStack, stopTemporal, type Stack } from '../harness';

let stack: Stack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  await stack.stop();
  await stopTemporal();
});

describe('health and the API contract', () => {
  it('/healthz answers while the process is up; /readyz checks PostgreSQL, Redis and Temporal', async () => {
    const b = new Browser(stack.baseUrl);
    assert.deepEqual((await b.get('/healthz')).body, { status: 'ok' });
    const ready = await b.get<{ checks: Record<string, string> }>('/readyz');
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.body.checks, { postgres: 'up', redis: 'up', temporal: 'up' });
  });

  it('publishes an OpenAPI document covering every route', async () => {
    const doc = await new Browser(stack.baseUrl).get<{
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    }>('/api/openapi.json');
    assert.equal(doc.body.openapi, '3.1.0');
    assert.ok(doc.body.paths['/api/partner-applications']?.post);
    assert.ok(doc.body.paths['/api/admin/tasks/{id}/decision']?.post);
    const body = doc.body.paths['/api/auth/signup']?.post as {
      requestBody: { content: Record<string, { schema: { required: string[] } }> };
    };
    assert.deepEqual(body.requestBody.content['application/json']!.schema.required.sort(), [
      'consents',
      'email',
      'name',
      'password',
    ]);
  });
});

describe('readiness with Redis down', () => {
  // A second API on the same stack, pointed at a port where no Redis listens.
  it('names Redis with a 503 and keeps public routes answering', async () => {
    const { createApp } = await import('../../api/app');
    const { createRedis } = await import('../../infra/redis');
    const { createLogger } = await import('../../infra/logger');
    const deadRedis = createRedis('redis://127.0.0.1:6390/0', 'x:');
    deadRedis.on('error', () => undefined);
    const app = createApp({
      ...stack.apiDeps,
      redis: deadRedis,
      subscriber: undefined,
      log: createLogger('t', 'silent'),
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const b = new Browser(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      const ready = await b.get<{
        error: { code: string; message: string; details: { checks: Record<string, string> } };
      }>('/readyz');
      assert.equal(ready.status, 503);
      assert.equal(ready.body.error.code, 'UNAVAILABLE');
      assert.match(ready.body.error.message, /redis/);
      assert.deepEqual(ready.body.error.details.checks, { postgres: 'up', redis: 'down', temporal: 'up' });
      assert.equal((await b.get('/healthz')).status, 200);
      // A signed-in route says sign-in is unavailable rather than failing with a 500.
      const me = await b.request('GET', '/api/auth/me', undefined, {
        headers: { cookie: 'dalgona_sid=abc' },
      });
      assert.equal(me.status, 503);
    } finally {
      server.close();
      deadRedis.disconnect();
    }
  });
});

describe('error middleware', () => {
  it('hides internals on a 5xx and gives the request id instead', async () => {
    const app = new Koa();
    app.use(async (ctx, next) => {
      ctx.state.requestId = 'req-123';
      await next();
    });
    app.use(errorHandler());
    app.use(() => {
      throw new Error('password=hunter2 at db.internal:5432');
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      const text = await res.text();
      assert.equal(res.status, 500);
      assert.ok(!text.includes('hunter2') && !text.includes('db.internal'));
      assert.deepEqual(JSON.parse(text), {
        error: {
          code: 'INTERNAL',
          message: 'Something went wrong on our side',
          details: { requestId: 'req-123' },
        },
      });
    } finally {
      server.close();
    }
  });
});
