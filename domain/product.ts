import { z } from 'zod';
import type { Actor } from './partner';
import { grindTypes, processes, roastLevels, type Process, type RoastLevel } from './catalog';
import { CURSOR_META, cursorParts, keysetCursor } from './cursor';
import { originCodeOf, originCodes } from './origins';
import { plainText } from './validation';

export * from './catalog';
export * from './origins';

const text = (max: number) => plainText('required').min(1, 'required').max(max, 'too_long');
const optionalText = (max: number) =>
  plainText()
    .max(max, 'too_long')
    .transform((v) => (v ? v : undefined))
    .optional();
const unique = <T>(items: T[]) => new Set(items).size === items.length;

/** One weight on offer and its price per delivery, in integer KRW. */
export const weightOptionSchema = z.strictObject({
  grams: z.number({ error: 'required' }).int('integer').min(50, 'too_small').max(5000, 'too_big'),
  priceKrw: z.number({ error: 'required' }).int('integer').min(1000, 'too_small').max(1_000_000, 'too_big'),
});
export type WeightOption = z.infer<typeof weightOptionSchema>;

export const productOptionsSchema = z.strictObject({
  weights: z
    .array(weightOptionSchema)
    .min(1, 'required')
    .max(6, 'too_many')
    .refine((w) => unique(w.map((o) => o.grams)), 'duplicate_weight'),
  grinds: z.array(z.enum(grindTypes)).min(1, 'required').refine(unique, 'duplicate'),
  cycles: z
    .array(z.union([z.literal(1), z.literal(2), z.literal(4)]))
    .min(1, 'required')
    .refine(unique, 'duplicate'),
});
export type ProductOptions = z.infer<typeof productOptionsSchema>;

/** A product revision as the partner submits it (제품 등록). The image is uploaded first, then named by id. */
export const productFormSchema = z.strictObject({
  name: text(80),
  description: plainText('required').min(20, 'too_short').max(3000, 'too_long'),
  origin: z.strictObject({
    /** A code from the fixed list (domain/origins.ts); a name on it ("Ethiopia", "에티오피아") is taken as its code. */
    country: text(60)
      .transform((v) => originCodeOf(v) ?? v)
      .pipe(z.enum(originCodes, { error: 'unknown_origin' })),
    region: optionalText(80),
    farm: optionalText(80),
  }),
  process: z.enum(processes, { error: 'required' }),
  roastLevel: z.enum(roastLevels, { error: 'required' }),
  tastingNotes: z.array(text(30)).min(1, 'required').max(8, 'too_many'),
  options: productOptionsSchema,
  capacityPerCycle: z
    .number({ error: 'required' })
    .int('integer')
    .min(1, 'too_small')
    .max(100_000, 'too_big'),
  imageId: z.string({ error: 'required' }).regex(/^[a-f0-9]{64}$/, 'invalid_image'),
});
/**
 * A revision's form. The schema turns `origin.country` into a code from the list; runs and rows from before the list
 * carry the country as typed, so the type keeps it a string (domain/origins.ts `originName` shows either).
 */
export type ProductForm = Omit<z.infer<typeof productFormSchema>, 'origin'> & {
  origin: { country: string; region?: string | undefined; farm?: string | undefined };
};

/** A problem the automatic review found; the partner sees it. */
export interface ProductIssue {
  field: string;
  key: string;
  message: string;
}

/**
 * Price sanity, checked in the browser as a hint and by the validation activity as a rule: between 1,500 and
 * 100,000 KRW per 100 g, in whole tens of won, and a larger bag never costs less than a smaller one.
 */
export function priceIssues(options: Pick<ProductOptions, 'weights'>): ProductIssue[] {
  const issues: ProductIssue[] = [];
  const sorted = [...options.weights].sort((a, b) => a.grams - b.grams);
  sorted.forEach((w, i) => {
    const per100 = (w.priceKrw * 100) / w.grams;
    if (per100 < 1500 || per100 > 100_000) {
      issues.push({
        field: `options.weights.${i}.priceKrw`,
        key: 'price_out_of_range',
        message: `${w.grams} g at ${w.priceKrw} KRW is ${Math.round(per100)} KRW per 100 g (allowed 1,500–100,000)`,
      });
    }
    if (w.priceKrw % 10 !== 0) {
      issues.push({
        field: `options.weights.${i}.priceKrw`,
        key: 'price_not_round',
        message: 'Prices are in whole tens of won',
      });
    }
    const prev = sorted[i - 1];
    if (prev && w.priceKrw < prev.priceKrw) {
      issues.push({
        field: `options.weights.${i}.priceKrw`,
        key: 'price_not_monotonic',
        message: `${w.grams} g costs less than ${prev.grams} g`,
      });
    }
  });
  return issues;
}

/** Lowest and highest price per delivery. */
export function priceRange(options: Pick<ProductOptions, 'weights'>): { min: number; max: number } {
  const prices = options.weights.map((w) => w.priceKrw);
  return { min: Math.min(...prices), max: Math.max(...prices) };
}

/** Where a product stands. */
export type ProductStatus = 'in_review' | 'published' | 'unpublished' | 'rejected';
/** Where one revision stands. */
export type RevisionStatus =
  'validating' | 'in_review' | 'approved' | 'rejected' | 'auto_rejected' | 'superseded' | 'replaced';

/** A revision submitted to the productPublication workflow. */
export interface RevisionSubmission {
  revisionId: string;
  form: ProductForm;
}

/** Input of the `productPublication` workflow (one per product, id `productPublication:<productId>`). */
export interface ProductPublicationInput {
  productId: string;
  partnerId: string;
  ownerUserId: string;
  reviewSlaMs: number;
  /** The first revision; absent after continue-as-new. */
  first?: RevisionSubmission;
  /** Continue as new once the history has this many events (default 2000; tests use less). */
  historyLimit?: number;
  /** Carried across continue-as-new. */
  carried?: { nextNumber: number; listed: boolean; liveRevisionId: string | null };
}

/** Live state answered by the `productStatus` query. */
export interface ProductPublicationState {
  productId: string;
  listed: boolean;
  liveRevisionId: string | null;
  reviewing: string | null;
  queued: string | null;
}

/** The body of unpublish / republish: an optional reason. */
export const listingSchema = z.strictObject({ reason: plainText().max(500, 'too_long').optional() });

/** The partner's (or an admin's) request to list or unlist a product. */
export interface ListingCommand {
  actor: Actor;
  reason?: string;
}

/** The catalog's keyset cursors: the sort's value (`published_at`, or an int4 column) and the product id. */
export const catalogCursors = {
  byTime: keysetCursor(cursorParts.timestamp, cursorParts.uuid),
  byNumber: keysetCursor(cursorParts.int4, cursorParts.uuid),
};

/** The catalog's filters (제품목록 and its facets). */
const catalogFilterShape = {
  q: plainText().max(100).optional(),
  roast: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').filter(Boolean) : undefined))
    .pipe(z.array(z.enum(roastLevels)).max(5).optional()),
  // A code, or a name on the list taken as its code; other text matches products that kept their typed origin.
  origin: plainText()
    .max(60)
    .optional()
    .transform((v) => (v ? (originCodeOf(v) ?? v) : undefined)),
  process: z.enum(processes).optional(),
  partner: z.uuid().optional(),
  minPrice: z.coerce.number().int().min(0).max(10_000_000).optional(),
  maxPrice: z.coerce.number().int().min(0).max(10_000_000).optional(),
};

/** Catalog list query (제품목록): filters, text search, sort and a keyset cursor of that sort. */
export const catalogQuerySchema = z
  .strictObject({
    ...catalogFilterShape,
    sort: z.enum(['newest', 'price_asc', 'price_desc', 'popular']).default('newest'),
    cursor: z
      .union([catalogCursors.byTime.schema, catalogCursors.byNumber.schema], { error: 'invalid_cursor' })
      .meta(CURSOR_META)
      .optional(),
    limit: z.coerce.number().int().min(1).max(48).default(24),
  })
  .superRefine((q, ctx) => {
    // A cursor handed out under one sort means nothing under another.
    if (q.cursor && q.cursor[0] instanceof Date !== (q.sort === 'newest'))
      ctx.addIssue({ code: 'custom', path: ['cursor'], message: 'invalid_cursor' });
  });
/** The facets' query: the list's filters (each facet is counted with all of them but its own). */
export const catalogFacetsQuerySchema = z.strictObject(catalogFilterShape);
export type CatalogFacetsQuery = z.infer<typeof catalogFacetsQuerySchema>;
export type CatalogQuery = z.infer<typeof catalogQuerySchema>;

/** A product card in the catalog list. */
export interface CatalogCard {
  id: string;
  name: string;
  partner: { id: string; name: string };
  originCountry: string;
  originRegion: string | null;
  process: Process;
  roastLevel: RoastLevel;
  tastingNotes: string[];
  minPrice: number;
  maxPrice: number;
  image: { id: string; url: string; thumbUrl: string };
  publishedAt: string;
}

/** The product detail (제품상세): everything the order options need. */
export interface CatalogProduct extends CatalogCard {
  status: 'live' | 'unpublished' | 'suspended';
  description: string;
  originFarm: string | null;
  options: ProductOptions;
  capacityPerCycle: number;
  revisionId: string;
}
