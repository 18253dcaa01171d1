import helmet from 'koa-helmet';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Koa from 'koa';

/** What the headers depend on: the built UI (its inline scripts), the Toss SDK's origin, TLS. */
export interface SecurityHeaderOptions {
  uiDist: string;
  tossSdkUrl: string;
  /** Served over https (PUBLIC_URL or API_HSTS): send HSTS and upgrade insecure requests. */
  https: boolean;
}

const INLINE_SCRIPT = /<script\b(?![^>]*\bsrc\s*=)[^>]*>([\s\S]*?)<\/script\s*>/gi;

/**
 * CSP `'sha256-…'` sources of every inline `<script>` in the built UI's HTML files (SvelteKit's bootstrap), so the
 * policy allows exactly the bytes we serve and no other inline script. Read once: the API serves one build.
 */
export function inlineScriptHashes(dist: string): string[] {
  const hashes = new Set<string>();
  let files: string[];
  try {
    files = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.html'));
  } catch {
    return []; // No build (API-only tests, `npm run api` before `ui:build`): nothing inline to allow.
  }
  for (const file of files) {
    for (const m of readFileSync(join(dist, file), 'utf8').matchAll(INLINE_SCRIPT)) {
      hashes.add(`'sha256-${createHash('sha256').update(m[1]!, 'utf8').digest('base64')}'`);
    }
  }
  return [...hashes].sort();
}

/**
 * Where the Toss SDK comes from. Toss's own script loads further code, frames its card window and calls its
 * servers on *.tosspayments.com; the sandbox serves one script and redirects to its own page.
 */
export function tossSources(sdkUrl: string): string[] {
  const url = new URL(sdkUrl);
  if (url.hostname === 'tosspayments.com' || url.hostname.endsWith('.tosspayments.com')) {
    return ['https://*.tosspayments.com'];
  }
  return [url.origin];
}

/**
 * The Kakao (Daum) postcode search's script (ui/src/lib/postcode.ts): it loads its further code from the same host
 * and opens its search as a popup window (a navigation, not a frame), so a script source is all it needs.
 */
export const POSTCODE_SCRIPT_ORIGIN = 'https://t1.daumcdn.net';

/** The page's Content-Security-Policy directives: no inline script except the build's own bootstrap. */
export function cspDirectives(opts: SecurityHeaderOptions): Record<string, string[]> {
  const toss = tossSources(opts.tossSdkUrl);
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'", ...inlineScriptHashes(opts.uiDist), ...toss, POSTCODE_SCRIPT_ORIGIN],
    // Stylesheets only from us; style *attributes* (Svelte's style: directives, app.html's wrapper) are inline.
    'style-src': ["'self'"],
    'style-src-attr': ["'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:', ...toss],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'", ...toss],
    'frame-src': toss,
    'frame-ancestors': ["'none'"],
    'form-action': ["'self'", ...toss],
    'base-uri': ["'none'"],
    'object-src': ["'none'"],
    ...(opts.https ? { 'upgrade-insecure-requests': [] } : {}),
  };
}

const HSTS = { maxAge: 180 * 24 * 3600, includeSubDomains: false };

/**
 * Security headers: pages and files get koa-helmet's set (CSP, frame-ancestors, Referrer-Policy, COOP, nosniff, HSTS
 * under TLS); JSON under /api and /codec — never rendered, framed or navigated to, and the hot path — only nosniff,
 * no-store and HSTS.
 */
export function securityHeaders(opts: SecurityHeaderOptions): Koa.Middleware {
  const pages = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: cspDirectives(opts) },
    strictTransportSecurity: opts.https ? HSTS : false,
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    // Payment providers may open their card window as a popup that reports back to its opener.
    crossOriginOpenerPolicy: { policy: 'same-origin-allow-popups' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    xFrameOptions: { action: 'deny' },
  });
  const hsts = `max-age=${HSTS.maxAge}`;
  return async (ctx, next) => {
    if (ctx.path.startsWith('/api/') || ctx.path.startsWith('/codec/')) {
      ctx.set('X-Content-Type-Options', 'nosniff');
      if (opts.https) ctx.set('Strict-Transport-Security', hsts);
      try {
        await next();
      } finally {
        // Error answers too (the error middleware renders them further out).
        if (!ctx.response.get('Cache-Control')) ctx.set('Cache-Control', 'no-store');
      }
      return;
    }
    return pages(ctx, next);
  };
}
