import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { CatalogCache } from '../infra/catalogCache';
import type { Logger } from '../infra/logger';
import { UNMATCHED, type HttpMetrics } from '../infra/metrics';

const STATIC_HEADERS = [
  'X-Content-Type-Options',
  'nosniff',
  'Cache-Control',
  'public, no-cache',
  'X-Cache',
  'memory',
];

/** The route pattern of a catalog path the edge answers (the label Koa's router would have given it). */
function edgeRoute(path: string): string {
  if (path === '/api/catalog/products' || path === '/api/catalog/facets') return path;
  if (path.startsWith('/api/catalog/products/')) return '/api/catalog/products/:id';
  return UNMATCHED;
}

/** The key under which the catalog routes remember an answer by its exact request URL. */
export const urlKey = (url: string) => `url:${url}`;

/**
 * The API's front door: a repeat of a public catalog request is answered from the in-process catalog cache before
 * Koa, sessions, CSRF, routing and validation run — what a caching reverse proxy would do, inside the process, so
 * it is invalidated the moment a product is published. Only answers that passed every one of those steps are ever
 * remembered; everything else goes to the app untouched.
 */
export function withEdgeCache(
  app: RequestListener,
  cache: CatalogCache,
  access: Logger,
  metrics?: HttpMetrics,
): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '';
    if (req.method === 'GET' && url.startsWith('/api/catalog/')) {
      const hit = cache.peek(urlKey(url));
      if (hit) {
        const started = performance.now();
        const incoming = req.headers['x-request-id'];
        const requestId =
          typeof incoming === 'string' && /^[A-Za-z0-9._-]{8,64}$/.test(incoming) ? incoming : randomUUID();
        const notModified = req.headers['if-none-match'] === hit.etag;
        // A flat header list: the same headers the app sends, without building an object per request.
        const headers = ['X-Request-Id', requestId, 'ETag', hit.etag, ...STATIC_HEADERS];
        if (notModified) {
          res.writeHead(304, headers).end();
        } else {
          headers.push(
            'Content-Type',
            'application/json; charset=utf-8',
            'Content-Length',
            String(hit.body.length),
          );
          res.writeHead(200, headers).end(hit.body);
        }
        const q = url.indexOf('?');
        const path = q < 0 ? url : url.slice(0, q);
        const elapsed = performance.now() - started;
        metrics?.observe('GET', edgeRoute(path), res.statusCode, elapsed / 1000);
        const ms = Math.round(elapsed * 10) / 10;
        access.info(
          {
            requestId,
            method: 'GET',
            path,
            route: 'edge',
            status: res.statusCode,
            ms,
          },
          'request',
        );
        return;
      }
    }
    app(req, res);
  };
}
