// Security headers and cookie flags on the real app: a CSP without inline script (the build's own bootstrap allowed
// by its hash), frame-ancestors 'none', HSTS and Secure cookies only under https, cheap headers on JSON; uploads
// that are not exactly one image (polyglots, non-images, oversized) are refused before anything is stored.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { apiHandler, createApp } from '../../api/app';
import type { Config } from '../../infra/config';
import { signUpConsents } from '../consents';
import { Browser } from '../browser';
import { makePartner, makeUser, pngImage, startStack, stopTemporal, uniq, type Stack } from '../harness';

const BOOTSTRAP = '\n  window.__boot = 1;\n';
const OTHER_PAGE_SCRIPT = 'console.log("prerendered")';
const sha = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;

let stack: Stack;
let dist: string;
let images: string;
let https: { url: string; server: http.Server };
before(async () => {
  // A stand-in UI build: the SPA shell with an inline bootstrap, and a nested page with another inline script.
  dist = mkdtempSync(join(tmpdir(), 'dalgona-ui-'));
  images = mkdtempSync(join(tmpdir(), 'dalgona-images-'));
  writeFileSync(
    join(dist, 'index.html'),
    `<!doctype html><html><head><script type="module" src="/_app/x.js"></script></head>` +
      `<body><div style="display: contents"><script>${BOOTSTRAP}</script></div></body></html>`,
  );
  mkdirSync(join(dist, 'about'));
  writeFileSync(join(dist, 'about', 'index.html'), `<html><script>${OTHER_PAGE_SCRIPT}</script></html>`);
  stack = await startStack({ UI_DIST: dist, IMAGE_DIR: images });
  // The same app as deployed behind TLS (PUBLIC_URL https), served over plain HTTP as a TLS-terminating proxy would.
  const config: Readonly<Config> = {
    ...stack.config,
    api: { ...stack.config.api, publicUrl: 'https://shop.example', hsts: true },
    cookieSecure: true,
  };
  const server = http
    .createServer(apiHandler(createApp({ ...stack.apiDeps, config })))
    .listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  https = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
});
after(async () => {
  https?.server.closeAllConnections();
  await new Promise((r) => https?.server.close(r));
  await stack.stop();
  await stopTemporal();
  rmSync(dist, { recursive: true, force: true });
  rmSync(images, { recursive: true, force: true });
});

/** The policy as directive → sources. */
function csp(header: string | null): Map<string, string[]> {
  assert.ok(header, 'no Content-Security-Policy header');
  return new Map(
    header
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...sources]) => [name!, sources]),
  );
}

describe('security headers on pages', () => {
  it('HTML carries a CSP without inline script (the bootstrap by hash), frame-ancestors none and friends', async () => {
    for (const path of ['/', '/products/some-client-route', '/about']) {
      const res = await fetch(stack.baseUrl + path);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-type')!, /text\/html/);
      const policy = csp(res.headers.get('content-security-policy'));
      const script = policy.get('script-src')!;
      assert.ok(!script.includes("'unsafe-inline'") && !script.includes("'unsafe-eval'"), script.join(' '));
      assert.ok(script.includes(sha(BOOTSTRAP)) && script.includes(sha(OTHER_PAGE_SCRIPT)), script.join(' '));
      assert.equal(script.filter((s) => s.startsWith("'sha256-")).length, 2); // not the external one
      assert.ok(script.includes(new URL(stack.config.toss.sdkUrl).origin), 'the Toss SDK origin');
      // The postcode search: its script's host only, and nowhere else (it opens a popup, not a frame).
      assert.ok(script.includes('https://t1.daumcdn.net'), 'the postcode script');
      for (const [name, sources] of policy)
        if (name !== 'script-src') assert.ok(!sources.some((x) => x.includes('daum')), name);
      assert.deepEqual(policy.get('frame-ancestors'), ["'none'"]);
      assert.deepEqual(policy.get('object-src'), ["'none'"]);
      assert.deepEqual(policy.get('default-src'), ["'self'"]);
      assert.ok(!policy.has('upgrade-insecure-requests'));
      assert.equal(res.headers.get('x-frame-options'), 'DENY');
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('referrer-policy'), 'strict-origin-when-cross-origin');
      assert.match(res.headers.get('cross-origin-opener-policy')!, /^same-origin/);
      assert.equal(res.headers.get('strict-transport-security'), null, 'no HSTS over plain http');
    }
  });

  it('JSON under /api gets only the cheap headers: nosniff and no-store, no CSP', async () => {
    const res = await fetch(`${stack.baseUrl}/api/auth/me`);
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.headers.get('content-security-policy'), null);
    assert.equal(res.headers.get('strict-transport-security'), null);
  });

  it('under an https public URL: HSTS on pages and JSON, upgrade-insecure-requests', async () => {
    const page = await fetch(`${https.url}/`);
    assert.match(page.headers.get('strict-transport-security')!, /^max-age=\d{7,}/);
    assert.ok(csp(page.headers.get('content-security-policy')).has('upgrade-insecure-requests'));
    const json = await fetch(`${https.url}/api/catalog/products`);
    assert.match(json.headers.get('strict-transport-security')!, /^max-age=\d{7,}/);
  });

  it("the Temporal UI's codec preflight still gets its CORS answer", async () => {
    const origin = new URL(stack.config.temporal.uiUrl).origin;
    const res = await fetch(`${stack.baseUrl}/codec/decode`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST' },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), origin);
    assert.equal(res.headers.get('access-control-allow-credentials'), 'true');
    assert.equal(res.headers.get('cross-origin-resource-policy'), null);
  });
});

/** The attributes of the named cookie in a response, lower-cased. */
function cookieFlags(res: { headers: Headers }, name: string): string[] {
  const line = res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  assert.ok(line, `no ${name} cookie`);
  return line
    .split(';')
    .slice(1)
    .map((a) => a.trim().toLowerCase());
}

describe('cookie flags', () => {
  const signUp = async (base: string) => {
    const b = new Browser(base);
    return b.post('/api/auth/signup', {
      email: `flags-${uniq()}@example.com`,
      password: 'correct-horse-1',
      name: 'flags',
      consents: await signUpConsents(b),
    });
  };

  it('over http: the session cookie is HttpOnly, SameSite=Lax, Path=/, not Secure; the CSRF cookie is Strict', async () => {
    const res = await signUp(stack.baseUrl);
    assert.equal(res.status, 201);
    const sid = cookieFlags(res, 'dalgona_sid');
    for (const flag of ['httponly', 'samesite=lax', 'path=/']) assert.ok(sid.includes(flag), sid.join('; '));
    assert.ok(!sid.includes('secure'));
    const csrf = cookieFlags(res, 'dalgona_csrf');
    assert.ok(csrf.includes('samesite=strict') && !csrf.includes('httponly'), csrf.join('; '));
  });

  it('under an https public URL both cookies are Secure, even with TLS ended at a proxy', async () => {
    const res = await signUp(https.url);
    assert.equal(res.status, 201);
    const sid = cookieFlags(res, 'dalgona_sid');
    for (const flag of ['httponly', 'samesite=lax', 'path=/', 'secure']) {
      assert.ok(sid.includes(flag), sid.join('; '));
    }
    assert.ok(cookieFlags(res, 'dalgona_csrf').includes('secure'));
  });
});

describe('image uploads', () => {
  it('refuses polyglots, non-images, lies about the type and oversized bodies, storing nothing', async () => {
    const admin = await makeUser(stack, ['customer', 'admin']);
    const partner = await makePartner(stack, admin.me.id);
    const upload = (body: Uint8Array, type = 'image/png') =>
      partner.browser.request<{ error: { code: string } }>('POST', '/api/images', body, {
        headers: { 'content-type': type },
      });
    const png = await pngImage('#336699');
    const html = Buffer.from('<html><script>alert(document.cookie)</script></html>');
    const refused: [string, Uint8Array, string, number][] = [
      ['PNG followed by an HTML page', Buffer.concat([png, html]), 'image/png', 400],
      [
        'PNG followed by a zip archive',
        Buffer.concat([png, Buffer.from('PK\x03\x04zipzipzip')]),
        'image/png',
        400,
      ],
      ['HTML behind a PNG signature', Buffer.concat([png.subarray(0, 8), html]), 'image/png', 400],
      ['a truncated PNG', png.subarray(0, png.length - 40), 'image/png', 400],
      ['HTML sent as an image', html, 'image/png', 400],
      [
        'SVG (script-capable)',
        Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'),
        'image/svg+xml',
        415,
      ],
      ['a PNG declared as JPEG', png, 'image/jpeg', 400],
      ['6 MB', Buffer.concat([png, Buffer.alloc(6 * 1024 * 1024)]), 'image/png', 413],
    ];
    for (const [what, body, type, status] of refused) {
      const res = await upload(body, type);
      assert.equal(res.status, status, `${what}: ${JSON.stringify(res.body)}`);
    }
    assert.deepEqual(readdirSync(images), [], 'nothing stored');
    // The same image, clean, is accepted and stored re-encoded (two WebP files: full size and thumbnail).
    const ok = await upload(png);
    assert.equal(ok.status, 201);
    assert.equal(readdirSync(images).filter((f) => f.endsWith('.webp')).length, 2);
  });
});
