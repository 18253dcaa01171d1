// Workflow payloads are encrypted in Temporal; the Temporal UI and CLI see them through the API's codec endpoint,
// which decodes for a signed-in admin or the operators' CODEC_TOKEN only (CORS for the UI's origin, credentials
// included; any other origin refused).
import { Client } from '@temporalio/client';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Browser } from '../browser';
import { makeUser, startStack, stopTemporal, type Stack } from '../harness';
import { signUpHandle } from '../../domain/contracts/signUp';
import { signUpStartContext } from '../../infra/emailDigest';
import { ensureTemporalCli } from '../../scripts/temporal';

// The operators' token of this stack (CODEC_TOKEN): 32+ printable characters.
const TOKEN = 'test-codec-token-0123456789abcdef0123';
let stack: Stack;
before(async () => {
  stack = await startStack({ CODEC_TOKEN: TOKEN });
});
after(async () => {
  await stack.stop();
  await stopTemporal();
});

const b64 = (s: string) => Buffer.from(s).toString('base64');

const unb64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

type WirePayload = { metadata: Record<string, string>; data: string };

/** POSTs JSON to the codec endpoint as a tool would: no cookie, no CSRF token, the given headers. */
async function codecPost(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${stack.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

/** The encrypted input of a sign-up's workflow, in the codec's wire form, and the e-mail it holds. */
async function encryptedSignUpInput() {
  const user = await makeUser(stack);
  const raw = new Client({ connection: stack.env.connection });
  const history = await signUpHandle(raw, signUpStartContext(stack.config), user.email).fetchHistory();
  const input = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
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
  return { wire, email: user.email };
}

describe('payload encryption and the codec endpoint', () => {
  it('the stored history holds ciphertext; an admin decodes it through /codec/decode, nobody else', async () => {
    const user = await makeUser(stack); // signed up through the signUp workflow
    // A client without the codec reads the history as Temporal stores it.
    const raw = new Client({ connection: stack.env.connection });
    const history = await signUpHandle(raw, signUpStartContext(stack.config), user.email).fetchHistory();
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

  it('answers an empty payload set ({} or {"payloads":[]}, as the Temporal CLI sends) with 200 {"payloads":[]}', async () => {
    const admin = await makeUser(stack, ['customer', 'admin']);
    for (const op of ['decode', 'encode']) {
      for (const body of [{}, { payloads: [] }]) {
        const res = await admin.browser.post(`/codec/${op}`, body, { csrf: false });
        assert.equal(res.status, 200, `${op} ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
        assert.deepEqual(res.body, { payloads: [] });
      }
    }
    const token = { authorization: `Bearer ${TOKEN}` };
    assert.deepEqual((await codecPost('/codec/decode', {}, token)).body, { payloads: [] });
    // Still a strict shape: anything else is a 400.
    assert.equal((await codecPost('/codec/decode', { payload: [] }, token)).status, 400);
  });

  it('refuses a request from any origin but the Temporal UI’s with 403, even for an admin or the token', async () => {
    const { wire, email } = await encryptedSignUpInput();
    const admin = await makeUser(stack, ['customer', 'admin']);
    for (const origin of ['https://evil.example', 'null', stack.baseUrl]) {
      const res = await admin.browser.post('/codec/decode', wire, { csrf: false, headers: { origin } });
      assert.equal(res.status, 403, `${origin}: ${JSON.stringify(res.body)}`);
      assert.ok(!JSON.stringify(res.body).includes(email));
      assert.equal(res.headers.get('access-control-allow-origin'), null);
      const withToken = await codecPost('/codec/decode', wire, {
        origin,
        authorization: `Bearer ${TOKEN}`,
      });
      assert.equal(withToken.status, 403, origin);
    }
    // The UI's own origin still decodes with the admin's cookie, CORS with credentials.
    const ui = new URL(stack.config.temporal.uiUrl).origin;
    const ok = await admin.browser.post<{ payloads: { data: string }[] }>('/codec/decode', wire, {
      csrf: false,
      headers: { origin: ui },
    });
    assert.equal(ok.status, 200);
    assert.equal(JSON.parse(unb64(ok.body.payloads[0]!.data)).email, email);
    assert.equal(ok.headers.get('access-control-allow-origin'), ui);
    assert.equal(ok.headers.get('access-control-allow-credentials'), 'true');
  });

  it('decodes for the CODEC_TOKEN bearer token without a session', async () => {
    const { wire, email } = await encryptedSignUpInput();
    const res = await codecPost('/codec/decode', wire, {
      authorization: `Bearer ${TOKEN}`,
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const payloads = res.body.payloads as { data: string }[];
    assert.equal(JSON.parse(unb64(payloads[0]!.data)).email, email);
    const enc = await codecPost('/codec/encode', wire, {
      authorization: `bearer ${TOKEN}`,
    });
    assert.equal(enc.status, 200, 'the scheme is case-insensitive');
  });

  it('answers 401 to a wrong token, with or without an admin session beside it', async () => {
    const { wire, email } = await encryptedSignUpInput();
    const admin = await makeUser(stack, ['customer', 'admin']);
    const wrong = [
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(0, -1)}`,
      'Bearer ',
      `Basic ${Buffer.from(`${TOKEN}:`).toString('base64')}`,
      TOKEN,
    ];
    for (const authorization of wrong) {
      // A wrong credential is refused even where the admin's cookie alone would have been enough.
      const signedIn = await admin.browser.post('/codec/decode', wire, {
        csrf: false,
        headers: { authorization },
      });
      assert.equal(signedIn.status, 401, `${authorization} beside a session`);
      assert.ok(!JSON.stringify(signedIn.body).includes(email));
      const anon = await codecPost('/codec/decode', wire, { authorization });
      assert.equal(anon.status, 401, authorization);
      assert.equal(anon.headers.get('www-authenticate'), 'Bearer');
    }
  });

  it('the Temporal CLI shows decoded payloads with --codec-endpoint and --codec-auth (and ciphertext without)', async () => {
    const user = await makeUser(stack); // its signUp workflow's input holds the e-mail
    const { workflowId } = signUpHandle(stack.client, signUpStartContext(stack.config), user.email);
    const show = (...extra: string[]) =>
      promisify(execFile)(
        ensureTemporalCli(),
        ['workflow', 'show', '-w', workflowId, '--address', stack.env.address, '-o', 'json', ...extra],
        // Only what the CLI needs from the environment (no TEMPORAL_* settings of the machine).
        { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' }, timeout: 30_000 },
      );
    const decoded = await show(
      '--codec-endpoint',
      `${stack.baseUrl}/codec`,
      '--codec-auth',
      `Bearer ${TOKEN}`,
      '--command-timeout',
      '20s',
    );
    // `workflow show -o json` prints each payload as the codec returned it: metadata and data in base64.
    const input = (stdout: string) => {
      const { events } = JSON.parse(stdout) as {
        events: { workflowExecutionStartedEventAttributes?: { input: { payloads: WirePayload[] } } }[];
      };
      const p = events[0]!.workflowExecutionStartedEventAttributes!.input.payloads[0]!;
      return { encoding: unb64(p.metadata.encoding!), data: unb64(p.data) };
    };
    const shown = input(decoded.stdout);
    assert.equal(shown.encoding, 'json/plain');
    assert.equal(JSON.parse(shown.data).email, user.email);
    const plain = input((await show()).stdout);
    assert.equal(plain.encoding, 'binary/encrypted', 'without the codec the CLI sees ciphertext only');
    assert.ok(!plain.data.includes(user.email));
    // A wrong token gets nothing decoded.
    await assert.rejects(
      show(
        '--codec-endpoint',
        `${stack.baseUrl}/codec`,
        '--codec-auth',
        'Bearer wrong',
        '--command-timeout',
        '5s',
      ),
    );
  });
});
