import { bodyParser } from '@koa/bodyparser';
import Koa from 'koa';
import type { RequestListener } from 'node:http';
import { withEdgeCache } from './edgeCache';
import { AppError } from '../domain/errors';
import type { ApiDeps, ApiState } from './context';
import { csrf } from './middleware/csrf';
import { errorHandler } from './middleware/errors';
import { requestLog } from './middleware/requestLog';
import { openApiDocument } from './openapi';
import { buildRouter } from './router';
import type { RouteDef } from './route';
import { createCatalogCache, type CatalogCache } from '../infra/catalogCache';
import { createAccessLogger } from '../infra/logger';
import { createHttpMetrics } from '../infra/metrics';
import { httpMetrics } from './middleware/metrics';
import { metricsRoutes } from './routes/metrics';
import { accountRoutes } from './routes/account';
import { authRoutes } from './routes/auth';
import { configRoutes } from './routes/config';
import { dashboardRoutes } from './routes/dashboard';
import { catalogRoutes } from './routes/catalog';
import { paymentRoutes } from './routes/payments';
import { adminRoutes } from './routes/admin';
import { fulfilmentRoutes } from './routes/fulfilment';
import { codecCors, codecRoutes } from './routes/codec';
import { settlementRoutes } from './routes/settlements';
import { productRoutes } from './routes/products';
import { subscriptionRoutes } from './routes/subscriptions';
import { withdrawalRoutes } from './routes/withdrawals';
import { healthRoutes } from './routes/health';
import { inboxRoutes } from './routes/inbox';
import { notificationFailureRoutes } from './routes/notificationFailures';
import { notificationRoutes } from './routes/notifications';
import { addressRoutes } from './routes/addresses';
import { cardRoutes } from './routes/cards';
import { legalRoutes } from './routes/legal';
import { partnerApplicationRoutes } from './routes/partnerApplications';
import { partnerProfileRoutes } from './routes/partnerProfile';
import { securityHeaders } from './securityHeaders';
import { createSessions } from './sessions';
import { serveUi } from './static';

/** Every route of the API, in one table: the router, OpenAPI and the matrix / fuzz tests read it. */
export function allRoutes(
  deps: ApiDeps,
  cache: CatalogCache = catalogCacheFor({ ...deps, subscriber: undefined }),
): RouteDef[] {
  return [
    ...healthRoutes(),
    ...metricsRoutes(),
    ...configRoutes(),
    ...legalRoutes(),
    ...authRoutes(deps),
    ...accountRoutes(deps),
    ...partnerApplicationRoutes(),
    ...partnerProfileRoutes(),
    ...inboxRoutes(),
    ...catalogRoutes(cache),
    ...productRoutes(),
    ...subscriptionRoutes(),
    ...paymentRoutes(),
    ...fulfilmentRoutes(),
    ...withdrawalRoutes(),
    ...codecRoutes(deps),
    ...settlementRoutes(),
    ...dashboardRoutes(),
    ...notificationFailureRoutes(),
    ...adminRoutes(),
    ...notificationRoutes(),
    ...addressRoutes(),
    ...cardRoutes(),
  ];
}

/** The catalog cache for this process (its subscriber hears every instance's invalidations). */
function catalogCacheFor(deps: ApiDeps): CatalogCache {
  return createCatalogCache({
    redis: deps.redis,
    subscriber: deps.subscriber,
    prefix: deps.config.redisKeyPrefix,
    ttlMs: deps.config.catalog.cacheTtlMs,
    onError: (err) =>
      deps.log.debug({ err: (err as Error).message }, 'catalog cache unavailable; answering from PostgreSQL'),
  });
}

/** The Temporal UI's origin, as configured and with localhost / 127.0.0.1 swapped (both reach the dev server). */
function uiOrigins(uiUrl: string): string[] {
  const origin = new URL(uiUrl).origin;
  return [origin, origin.replace('//127.0.0.1', '//localhost'), origin.replace('//localhost', '//127.0.0.1')];
}

/** The Koa app: thin — validate, authorise, then start / update / query a workflow or read a read model. */
export function createApp(given: ApiDeps): Koa<ApiState> {
  const deps: ApiDeps = { ...given, metrics: given.metrics ?? createHttpMetrics() };
  const app = new Koa<ApiState>();
  app.proxy = deps.config.api.trustProxy;
  const sessions = createSessions(deps);
  const catalogCache = catalogCacheFor(deps);
  const routes = allRoutes(deps, catalogCache);
  const openapi = openApiDocument(routes);
  const router = buildRouter(routes, { ...deps, sessions });
  router.get('/api/openapi.json', (ctx) => {
    ctx.body = openapi;
  });

  const access = createAccessLogger('api', deps.config.logLevel);
  app.use(httpMetrics(deps.metrics!));
  app.use(requestLog(deps.log, access));
  app.use(errorHandler());
  app.use(
    securityHeaders({
      uiDist: deps.config.api.uiDist,
      tossSdkUrl: deps.config.toss.sdkUrl,
      https: deps.config.api.hsts,
    }),
  );
  app.use(codecCors(uiOrigins(deps.config.temporal.uiUrl)));
  app.use(async (ctx, next) => {
    await sessions.load(ctx);
    await next();
  });
  // The Temporal UI's codec calls carry no CSRF token: CORS admits only the UI's origin, and decoding changes nothing.
  app.use(csrf(sessions, (path) => path.startsWith('/codec/')));
  const onError = (err: Error) => {
    const status = (err as { status?: number }).status;
    if (status === 413) throw new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large');
    if (status === 415) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported content type');
    throw new AppError('INVALID_JSON', 'The request body is not valid JSON');
  };
  // A history's payloads can be large: the codec takes up to 8 MB, everything else 64 KB.
  const codecBody = bodyParser({ enableTypes: ['json'], jsonLimit: '8mb', encoding: 'utf-8', onError });
  // DELETE bodies are parsed too, so the router can refuse one a route does not take (and accept an empty one).
  const body = bodyParser({
    enableTypes: ['json'],
    jsonLimit: '64kb',
    encoding: 'utf-8',
    parsedMethods: ['POST', 'PUT', 'PATCH', 'DELETE'],
    onError,
  });
  app.use((ctx, next) => (ctx.path.startsWith('/codec/') ? codecBody(ctx, next) : body(ctx, next)));
  app.use(router.routes());
  app.use(
    router.allowedMethods({
      throw: true,
      methodNotAllowed: () => new AppError('METHOD_NOT_ALLOWED', 'This method is not allowed here'),
      notImplemented: () => new AppError('METHOD_NOT_ALLOWED', 'This method is not implemented'),
    }),
  );
  app.use(serveUi(deps.config.api.uiDist));
  edges.set(app, withEdgeCache(app.callback(), catalogCache, access, deps.metrics!));
  return app;
}

const edges = new WeakMap<Koa<ApiState>, RequestListener>();

/** The request handler to serve: the app behind its edge cache (what `http.createServer` should be given). */
export function apiHandler(app: Koa<ApiState>): RequestListener {
  return edges.get(app) ?? app.callback();
}
