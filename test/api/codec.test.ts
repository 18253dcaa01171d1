// Workflow payloads are encrypted in Temporal; the Temporal UI sees them through the API's codec endpoint, which
// decodes for a signed-in admin only (CORS for the UI's origin, credentials included).
import { Client } from '@temporalio/client';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Browser } from '../browser';
import { makeUser, startStack, stopTemporal, type Stack } from '../harness';
import { signUpWorkflowId } from '../../infra/workflowIds';

let stack: Stack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  await stack.stop();
  await stopTemporal();
});

const b64 = (s: string) => Buffer.from(s).toString('base64');

const unb64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

describe('payload encryption and the codec endpoint', () => {
  it('the stored history holds ciphertext; an admin decodes it through /codec/decode, nobody else', async () => {
    const user = await makeUser(stack); // signed up through the signUp workflow
    // A client without the codec reads the history as Temporal stores it.
    const raw = new Client({ connection: stack.env.connection });
    const history = await raw.workflow
      .getHandle(signUpWorkflowId(stack.config.workflowIdSecret, user.email))
      .fetchHistory();
    const started = history.events![0]!.workflowExecutionStartedEventAttributes!;
    const input = started.input!.payloads![0]!;
    assert.equal(Buffer.from(input.metadata!.encoding!).toString(), 'binary/encrypted');
    // Every payload of every event (inputs, activity arguments and results, the workflow's result) is ciphertext.
    // (A local activity's marker also carries the SDK's own bookkeeping — seq, attempt, activity type — as plain
    // JSON: no user data, and it must not hold any.)
    type P = { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null };
    const payloads: { path: string; p: P }[] = [];
    const walk = (node: unknown, path: string): void => {
      if (!node || typeof node !== 'object' || node instanceof Uint8Array) return;
      for (const [key, value] of Object.entries(node)) {
        if (key === 'payloads' && Array.isArray(value)) payloads.push(...value.map((p: P) => ({ path, p })));
        else walk(value, `${path}.${key}`);
      }
    };
    walk(history, '');
    assert.ok(payloads.length >= 3, `payloads found: ${payloads.length}`);
    for (const { path, p } of payloads) {
      assert.ok(
        !Buffer.from(p.data ?? [])
          .toString('latin1')
          .includes(user.email),
        `no e-mail in ${path}`,
      );
      if (path.endsWith('markerRecordedEventAttributes.details.data')) continue;
      assert.equal(Buffer.from(p.metadata!.encoding!).toString(), 'binary/encrypted', path);
    }

    const wire = {
      payloads: [
        {
          metadata: Object.fromEntries(
            Object.entries(input.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
          ),
          data: Buffer.from(input.data!).toString('base64'),
        },
      ],
    };
    const admin = await makeUser(stack, ['customer', 'admin']);
    const decoded = await admin.browser.post<{
      payloads: { metadata: Record<string, string>; data: string }[];
    }>('/codec/decode', wire, { csrf: false });
    assert.equal(decoded.status, 200, JSON.stringify(decoded.body));
    assert.equal(unb64(decoded.body.payloads[0]!.metadata.encoding!), 'json/plain');
    assert.equal(JSON.parse(unb64(decoded.body.payloads[0]!.data)).email, user.email);

    const customer = await makeUser(stack);
    assert.equal((await customer.browser.post('/codec/decode', wire, { csrf: false })).status, 403);
    assert.equal((await new Browser(stack.baseUrl).post('/codec/decode', wire, { csrf: false })).status, 401);

    // Encode answers ciphertext that decodes back.
    const plain = { payloads: [{ metadata: { encoding: b64('json/plain') }, data: b64('{"a":1}') }] };
    const enc = await admin.browser.post<typeof wire>('/codec/encode', plain, { csrf: false });
    assert.equal(unb64(enc.body.payloads[0]!.metadata.encoding!), 'binary/encrypted');
    const back = await admin.browser.post<typeof wire>('/codec/decode', enc.body, { csrf: false });
    assert.equal(unb64(back.body.payloads[0]!.data), '{"a":1}');
    const bad = await admin.browser.post(
      '/codec/decode',
      { payloads: [{ ...enc.body.payloads[0], data: b64('x'.repeat(40)) }] },
      { csrf: false },
    );
    assert.equal(bad.status, 400, 'a tampered payload is a 400, not a 500');
  });

  it('answers the Temporal UI’s preflight for its own origin only', async () => {
    const ui = new URL(stack.config.temporal.uiUrl).origin;
    const ok = await fetch(`${stack.baseUrl}/codec/decode`, {
      method: 'OPTIONS',
      headers: {
        origin: ui,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-namespace',
      },
    });
    assert.equal(ok.status, 204);
    assert.equal(ok.headers.get('access-control-allow-origin'), ui);
    assert.equal(ok.headers.get('access-control-allow-credentials'), 'true');
    const evil = await fetch(`${stack.baseUrl}/codec/decode`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(evil.headers.get('access-control-allow-origin'), null);
  });
});
