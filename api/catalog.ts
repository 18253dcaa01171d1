import type { Knex } from 'knex';
import { formatBusinessNumber } from '../domain/businessNumber';
import { AppError } from '../domain/errors';
import type { SellerInfo } from '../domain/legal';
import {
  catalogCursors,
  imageUrl,
  originName,
  thumbUrl,
  type CatalogCard,
  type CatalogProduct,
  type CatalogQuery,
} from '../domain/product';

interface Row {
  productId: string;
  revisionId: string;
  partnerId: string;
  partnerName: string;
  status: 'live' | 'unpublished';
  name: string;
  description: string;
  originCountry: string;
  originRegion: string | null;
  originFarm: string | null;
  process: CatalogCard['process'];
  roastLevel: CatalogCard['roastLevel'];
  tastingNotes: string[];
  options: CatalogProduct['options'];
  minPrice: number;
  maxPrice: number;
  capacityPerCycle: number;
  imageId: string;
  subscriberCount: number;
  publishedAt: Date;
}

const CARD_COLUMNS = [
  'productId',
  'partnerId',
  'partnerName',
  'name',
  'originCountry',
  'originRegion',
  'process',
  'roastLevel',
  'tastingNotes',
  'minPrice',
  'maxPrice',
  'imageId',
  'subscriberCount',
  'publishedAt',
];

function card(r: Row): CatalogCard {
  return {
    id: r.productId,
    name: r.name,
    partner: { id: r.partnerId, name: r.partnerName },
    originCountry: r.originCountry,
    originRegion: r.originRegion,
    process: r.process,
    roastLevel: r.roastLevel,
    tastingNotes: r.tastingNotes,
    minPrice: r.minPrice,
    maxPrice: r.maxPrice,
    image: { id: r.imageId, url: imageUrl(r.imageId), thumbUrl: thumbUrl(r.imageId) },
    publishedAt: new Date(r.publishedAt).toISOString(),
  };
}

/** How each sort orders rows, and the keyset cursor of a page's last row (the query schema reads it back). */
const SORTS = {
  newest: {
    column: 'published_at',
    dir: 'desc',
    cast: 'timestamptz',
    next: (r: Row) => catalogCursors.byTime.encode(r.publishedAt, r.productId),
  },
  price_asc: {
    column: 'min_price',
    dir: 'asc',
    cast: 'int',
    next: (r: Row) => catalogCursors.byNumber.encode(r.minPrice, r.productId),
  },
  price_desc: {
    column: 'min_price',
    dir: 'desc',
    cast: 'int',
    next: (r: Row) => catalogCursors.byNumber.encode(r.minPrice, r.productId),
  },
  popular: {
    column: 'subscriber_count',
    dir: 'desc',
    cast: 'int',
    next: (r: Row) => catalogCursors.byNumber.encode(r.subscriberCount, r.productId),
  },
} as const;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The catalog's filters; a facet counts with every filter but its own. */
type Filter = 'roast' | 'origin' | 'process' | 'partner' | 'price' | 'q';
export type CatalogFilters = Partial<
  Pick<CatalogQuery, 'q' | 'roast' | 'origin' | 'process' | 'partner' | 'minPrice' | 'maxPrice'>
>;

/** Adds the active filters to a query over live catalog rows, all but `except`. */
function filtered(query: Knex.QueryBuilder, q: CatalogFilters, except?: Filter): Knex.QueryBuilder {
  query.where('status', 'live');
  if (except !== 'roast' && q.roast?.length) query.whereIn('roast_level', q.roast);
  if (except !== 'origin' && q.origin) query.whereRaw('lower(origin_country) = lower(?)', [q.origin]);
  if (except !== 'process' && q.process) query.where('process', q.process);
  if (except !== 'partner' && q.partner) query.where('partner_id', q.partner);
  // A product matches a price range when one of its weights is priced inside it.
  if (except !== 'price' && (q.minPrice !== undefined || q.maxPrice !== undefined)) {
    if (q.minPrice !== undefined) query.where('max_price', '>=', q.minPrice);
    if (q.maxPrice !== undefined) query.where('min_price', '<=', q.maxPrice);
    query.whereRaw(
      `EXISTS (SELECT 1 FROM jsonb_array_elements(options->'weights') w WHERE (w->>'priceKrw')::int BETWEEN ? AND ?)`,
      [q.minPrice ?? 0, q.maxPrice ?? 2_147_483_647],
    );
  }
  if (except !== 'q' && q.q)
    query.whereRaw(`search_text LIKE ? ESCAPE '\\'`, [`%${escapeLike(q.q.toLowerCase())}%`]);
  return query;
}

/** The storefront list (제품목록): live products only, filtered, searched, sorted, keyset-paged. */
export async function listCatalog(
  db: Knex,
  q: CatalogQuery,
): Promise<{ items: CatalogCard[]; nextCursor: string | null }> {
  const sort = SORTS[q.sort];
  const query = filtered(db('catalog_products').select(CARD_COLUMNS), q);
  if (q.cursor) {
    const [value, id] = q.cursor;
    const op = sort.dir === 'desc' ? '<' : '>';
    query.whereRaw(`(${sort.column}, product_id) ${op} (?::${sort.cast}, ?::uuid)`, [value, id]);
  }
  query.orderBy([
    { column: sort.column, order: sort.dir },
    { column: 'product_id', order: sort.dir },
  ]);
  const rows = (await query.limit(q.limit + 1)) as Row[];
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(card),
    nextCursor: rows.length > q.limit && last ? sort.next(last) : null,
  };
}

/** The product detail (제품상세), listed or not (an unlisted product says so instead of vanishing). */
export async function getCatalogProduct(db: Knex, id: string): Promise<CatalogProduct> {
  const r = (await db('catalog_products').where('product_id', id).first()) as Row | undefined;
  if (!r) throw new AppError('NOT_FOUND', 'No such product');
  return {
    ...card(r),
    status: r.status,
    description: r.description,
    originFarm: r.originFarm,
    options: r.options,
    capacityPerCycle: r.capacityPerCycle,
    revisionId: r.revisionId,
  };
}

/**
 * What the filters can offer: origins (by code, with the Korean name), partners, processes, roast levels and the price
 * span of live products. Each facet is counted with every active filter except its own, so a choice never hides its
 * alternatives and every count is what choosing it would list; `total` is what all the filters list.
 */
export async function catalogFacets(db: Knex, q: CatalogFilters = {}) {
  const live = (except?: Filter) => filtered(db('catalog_products'), q, except);
  const [origins, partners, processes, roasts, span, all] = await Promise.all([
    live('origin')
      .select('origin_country as value')
      .count('* as count')
      .groupBy('origin_country')
      .orderBy('origin_country') as Promise<{ value: string; count: number | string }[]>,
    live('partner')
      .select('partner_id as id', 'partner_name as name')
      .count('* as count')
      .groupBy('partner_id', 'partner_name')
      .orderBy('partner_name'),
    live('process').select('process as value').count('* as count').groupBy('process').orderBy('process'),
    live('roast').select('roast_level as value').count('* as count').groupBy('roast_level'),
    live('price').min('min_price as min').max('max_price as max').first(),
    live().count('* as total').first(),
  ]);
  return {
    // Korean names, in Korean order; a legacy origin that named no listed country shows as it was typed.
    origins: origins
      .map((o) => ({ value: o.value, label: originName(o.value, 'ko'), count: o.count }))
      .sort((a, b) => a.label.localeCompare(b.label, 'ko')),
    partners,
    processes,
    roasts,
    price: { min: span?.min ?? 0, max: span?.max ?? 0 },
    total: Number(all?.total ?? 0),
  };
}

/**
 * A roaster's business information for its product pages (docs/architecture.md#terms-and-consents): only a partner
 * with a catalog entry (a seller) is shown. Read from `partners` on each request and never cached in Redis: the
 * contact details are public on the page, not data to keep copies of.
 */
export async function getSeller(db: Knex, partnerId: string): Promise<SellerInfo> {
  const p = (await db('partners as p')
    .where('p.id', partnerId)
    .whereExists(db('catalog_products as c').whereRaw('c.partner_id = p.id'))
    .first(
      'p.companyName',
      'p.representative',
      'p.businessNumber',
      'p.mailOrderNumber',
      'p.address',
      'p.phone',
      'p.email',
    )) as SellerInfo | undefined;
  if (!p) throw new AppError('NOT_FOUND', 'No such seller');
  return { ...p, businessNumber: formatBusinessNumber(p.businessNumber) };
}
