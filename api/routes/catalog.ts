import send from 'koa-send';
import { z } from 'zod';
import { AppError } from '../../domain/errors';
import { catalogFacetsQuerySchema, catalogQuerySchema } from '../../domain/product';
import type Koa from 'koa';
import { urlKey } from '../edgeCache';
import { normaliseQuery, type CatalogCache, type Cached } from '../../infra/catalogCache';
import { bagsLeft } from '../../db/capacity';
import { catalogFacets, getCatalogProduct, listCatalog } from '../catalog';
import type { ApiContext } from '../context';
import { RESPONDED, route, type RouteDef } from '../route';

const idParams = z.strictObject({ id: z.uuid() });
const imageParams = z.strictObject({ file: z.string().regex(/^[a-f0-9]{64}(-480)?\.webp$/) });

/** Answers cached JSON with an ETag (304 when the client already has it). */
function respond(ctx: Koa.Context | ApiContext, cached: Cached): typeof RESPONDED {
  ctx.set('Cache-Control', 'public, no-cache');
  ctx.set('X-Cache', cached.source);
  ctx.etag = cached.etag;
  ctx.status = 200; // `fresh` only compares validators on a 2xx
  if (ctx.fresh) {
    ctx.status = 304;
    return RESPONDED;
  }
  ctx.type = 'application/json; charset=utf-8';
  ctx.body = cached.body;
  return RESPONDED;
}

/** The storefront's reads: cache-aside (memory → Redis → PostgreSQL), never a 5xx because Redis is down. */
export function catalogRoutes(cache: CatalogCache): RouteDef[] {
  return [
    route({
      method: 'GET',
      path: '/api/catalog/products',
      summary: 'The catalog (제품목록): filters, text search, sort and cursor paging',
      tag: 'catalog',
      access: 'public',
      query: catalogQuerySchema,
      async handler({ ctx, query, deps: { db } }) {
        const cached = await cache.get(
          normaliseQuery('list', query),
          async () => JSON.stringify(await listCatalog(db, query)),
          urlKey(ctx.url),
        );
        return respond(ctx, cached);
      },
    }),
    route({
      method: 'GET',
      path: '/api/catalog/products/:id',
      summary: 'A product with its order options and partner (제품상세)',
      tag: 'catalog',
      access: 'public',
      params: idParams,
      async handler({ ctx, params, deps: { db } }) {
        const cached = await cache.get(
          `product:${params.id}`,
          async () => JSON.stringify(await getCatalogProduct(db, params.id)),
          urlKey(ctx.url),
        );
        return respond(ctx, cached);
      },
    }),
    route({
      method: 'GET',
      path: '/api/catalog/products/:id/availability',
      summary:
        'Whether a product takes new subscriptions (품절 once its capacityPerCycle is taken); never cached',
      tag: 'catalog',
      access: 'public',
      params: idParams,
      async handler({ ctx, params, deps: { db } }) {
        const product = await db('catalog_products').where({ productId: params.id }).first('status');
        if (!product) throw new AppError('NOT_FOUND', 'No such product');
        ctx.set('Cache-Control', 'no-store');
        return { soldOut: product.status === 'live' && (await bagsLeft(db, params.id)) <= 0 };
      },
    }),
    route({
      method: 'GET',
      path: '/api/catalog/facets',
      summary:
        'Filter values on offer (origins with Korean names, partners, processes, roast levels, price span), each counted with the other active filters',
      tag: 'catalog',
      access: 'public',
      query: catalogFacetsQuerySchema,
      async handler({ ctx, query, deps: { db } }) {
        return respond(
          ctx,
          await cache.get(
            normaliseQuery('facets', query),
            async () => JSON.stringify(await catalogFacets(db, query)),
            urlKey(ctx.url),
          ),
        );
      },
    }),
    route({
      method: 'GET',
      path: '/images/:file',
      summary: 'A product image (WebP, content-addressed, cacheable forever); `-480` is the thumbnail',
      tag: 'catalog',
      access: 'public',
      params: imageParams,
      async handler({ ctx, params, deps: { images } }) {
        try {
          await send(ctx, params.file, { root: images.dir, immutable: true, maxage: 365 * 24 * 3600 * 1000 });
        } catch {
          throw new AppError('NOT_FOUND', 'No such image');
        }
        return RESPONDED;
      },
    }),
  ];
}
