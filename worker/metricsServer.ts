import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../infra/logger';
import { metricsAccess, type Registry } from '../infra/metrics';

/** Splits `host:port` / `[v6]:port`. */
function hostPort(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port: Number(address.slice(at + 1)) };
}

/**
 * Serves `registry` at GET /metrics on `address` (the same access rule as the API's /metrics). A busy port only
 * warns: the worker keeps working without its business metrics. Resolves to the server, or null when it could not
 * listen.
 */
export async function serveMetrics(
  registry: Registry,
  address: string,
  opts: { log: Logger; token: string | null },
): Promise<http.Server | null> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    const access = metricsAccess(req, opts.token);
    if (access !== 'ok') {
      const status = access === 'unauthenticated' ? 401 : 404;
      res
        .writeHead(status, { 'Content-Type': 'text/plain' })
        .end(status === 401 ? 'unauthorised\n' : 'not found\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(text),
      (err: Error) => {
        opts.log.warn({ err: err.message }, 'metrics collection failed');
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end('metrics unavailable\n');
      },
    );
  });
  const { host, port } = hostPort(address);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    opts.log.warn({ err: (err as Error).message, address }, 'worker business metrics unavailable');
    return null;
  }
  const bound = server.address() as AddressInfo;
  opts.log.info(
    { url: `http://${address.replace(/:\d+$/, `:${bound.port}`)}/metrics` },
    'worker metrics listening',
  );
  return server;
}
