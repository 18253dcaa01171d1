import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { TypedSearchAttributes, WorkflowIdConflictPolicy } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  productPublicationHandle,
  productPublicationStartOptions,
  productPublicationWorkflowType,
  setListingUpdate,
  submitRevisionUpdate,
  type ProductPublicationWorkflow,
} from '../../domain/contracts/productPublication';
import { AppError } from '../../domain/errors';
import {
  imageUrl,
  listingSchema,
  productFormSchema,
  thumbUrl,
  type ProductPublicationInput,
} from '../../domain/product';
import { PartnerId, ReviewState } from '../../domain/searchAttributes';
import { ACCEPTED_IMAGE_TYPES, InvalidImageError } from '../../infra/imageStore';
import { type ApiContext, type ApiDeps, partnerIdOf } from '../context';
import { route, type RouteDef } from '../route';
import { fromTemporal } from '../temporalErrors';

const idParams = z.strictObject({ id: z.uuid() });

interface ProductRow {
  id: string;
  partnerId: string;
  workflowId: string;
  status: string;
  liveRevisionId: string | null;
  latestRevisionId: string | null;
  publishedAt: Date | null;
  unpublishedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const actorOf = (ctx: ApiContext) => ({ userId: ctx.state.user!.id, roles: ctx.state.user!.roles });

/** The product if it belongs to the signed-in partner; someone else's is "not found". */
async function ownProduct(deps: ApiDeps, ctx: ApiContext, id: string): Promise<ProductRow> {
  const row = (await deps
    .db('products')
    .where({ id, partnerId: partnerIdOf(ctx) })
    .first()) as ProductRow | undefined;
  if (!row) throw new AppError('NOT_FOUND', 'No such product');
  return row;
}

/** A revision as its partner (and the admin reviewing it) sees it. */
export function presentRevision(r: Record<string, unknown>) {
  return {
    id: r.id,
    number: r.number,
    status: r.status,
    form: {
      name: r.name,
      description: r.description,
      origin: {
        country: r.originCountry,
        region: r.originRegion ?? undefined,
        farm: r.originFarm ?? undefined,
      },
      process: r.process,
      roastLevel: r.roastLevel,
      tastingNotes: r.tastingNotes,
      options: r.options,
      capacityPerCycle: r.capacityPerCycle,
      imageId: r.imageId,
    },
    image: { url: imageUrl(r.imageId as string), thumbUrl: thumbUrl(r.imageId as string) },
    reasons: r.reasons,
    decisionReason: r.decisionReason ?? null,
    submittedAt: r.submittedAt,
    decidedAt: r.decidedAt ?? null,
  };
}

export function productRoutes(): RouteDef[] {
  return [
    route({
      method: 'POST',
      path: '/api/images',
      summary: 'Upload a product image (JPEG, PNG or WebP; re-encoded to WebP); returns its id',
      tag: 'products',
      access: 'partner',
      raw: { types: ACCEPTED_IMAGE_TYPES, maxBytes: 5 * 1024 * 1024 },
      status: 201,
      async handler({ ctx, body, deps: { images, config } }) {
        partnerIdOf(ctx);
        const bytes = body as unknown as Buffer;
        if (bytes.length > config.images.maxBytes)
          throw new AppError('PAYLOAD_TOO_LARGE', 'The image is too large');
        try {
          const stored = await images.save(bytes, ctx.request.type);
          return { ...stored, url: imageUrl(stored.id), thumbUrl: thumbUrl(stored.id) };
        } catch (err) {
          if (err instanceof InvalidImageError) {
            throw new AppError('VALIDATION_FAILED', err.message, {
              fields: [{ path: 'image', key: 'invalid_image', message: err.message }],
            });
          }
          throw err;
        }
      },
    }),
    route({
      method: 'GET',
      path: '/api/partner/products',
      summary: "The signed-in partner's products with their live and latest revisions (my products)",
      tag: 'products',
      access: 'partner',
      async handler({ ctx, deps: { db } }) {
        const partnerId = partnerIdOf(ctx);
        const products = (await db('products')
          .where({ partnerId })
          .orderBy('createdAt', 'desc')) as ProductRow[];
        const ids = products
          .flatMap((p) => [p.liveRevisionId, p.latestRevisionId])
          .filter((x): x is string => !!x);
        const revisions = ids.length ? await db('product_revisions').whereIn('id', ids) : [];
        const byId = new Map(revisions.map((r: Record<string, unknown>) => [r.id, presentRevision(r)]));
        return {
          items: products.map((p) => ({
            id: p.id,
            status: p.status,
            live: p.liveRevisionId ? (byId.get(p.liveRevisionId) ?? null) : null,
            latest: p.latestRevisionId ? (byId.get(p.latestRevisionId) ?? null) : null,
            publishedAt: p.publishedAt,
            unpublishedAt: p.unpublishedAt,
            updatedAt: p.updatedAt,
          })),
        };
      },
    }),
    route({
      method: 'GET',
      path: '/api/partner/products/:id',
      summary: 'One of my products with every revision',
      tag: 'products',
      access: 'partner',
      params: idParams,
      async handler({ ctx, params, deps }) {
        const product = await ownProduct(deps, ctx, params.id);
        const revisions = await deps
          .db('product_revisions')
          .where({ productId: product.id })
          .orderBy('number', 'desc');
        return {
          id: product.id,
          status: product.status,
          liveRevisionId: product.liveRevisionId,
          latestRevisionId: product.latestRevisionId,
          publishedAt: product.publishedAt,
          unpublishedAt: product.unpublishedAt,
          workflowId: product.workflowId,
          revisions: revisions.map(presentRevision),
        };
      },
    }),
    route({
      method: 'POST',
      path: '/api/partner/products',
      summary: 'Register a product (제품 등록): starts its productPublication workflow',
      tag: 'products',
      access: 'partner',
      body: productFormSchema,
      status: 202,
      async handler({ ctx, body, deps: { temporal, config } }) {
        const partnerId = partnerIdOf(ctx);
        const productId = randomUUID();
        const revisionId = randomUUID();
        const input: ProductPublicationInput = {
          productId,
          partnerId,
          ownerUserId: ctx.state.user!.id,
          reviewSlaMs: config.product.reviewSlaMs,
        };
        // Start the product's workflow and submit its first revision in one call (Update-with-Start): when
        // this answers, the revision is recorded and the partner's list shows it.
        const start = new WithStartWorkflowOperation<ProductPublicationWorkflow>(
          productPublicationWorkflowType,
          {
            ...productPublicationStartOptions(config.temporal, input, {
              typedSearchAttributes: new TypedSearchAttributes([
                { key: PartnerId, value: partnerId },
                { key: ReviewState, value: 'validating' },
              ]),
            }),
            workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
          },
        );
        try {
          await temporal.workflow.executeUpdateWithStart(submitRevisionUpdate, {
            args: [{ revisionId, form: body, actor: actorOf(ctx) }],
            startWorkflowOperation: start,
          });
        } catch (err) {
          if (err instanceof WorkflowExecutionAlreadyStartedError)
            throw new AppError('CONFLICT', 'Already submitted');
          throw fromTemporal(err);
        }
        return { productId, revisionId, number: 1, status: 'validating' };
      },
    }),
    route({
      method: 'POST',
      path: '/api/partner/products/:id/revisions',
      summary: 'Submit an edit: a new revision reviewed while the live one stays',
      tag: 'products',
      access: 'partner',
      params: idParams,
      body: productFormSchema,
      status: 202,
      async handler({ ctx, params, body, deps }) {
        const product = await ownProduct(deps, ctx, params.id);
        const revisionId = randomUUID();
        try {
          const res = await productPublicationHandle(deps.temporal, product.id).executeUpdate(
            submitRevisionUpdate,
            { args: [{ revisionId, form: body, actor: actorOf(ctx) }] },
          );
          return { productId: product.id, revisionId, number: res.number, status: 'validating' };
        } catch (err) {
          throw fromTemporal(err, new AppError('CONFLICT', 'This product can no longer be edited'));
        }
      },
    }),
    ...(['unpublish', 'republish'] as const).map((action) =>
      route({
        method: 'POST',
        path: `/api/partner/products/:id/${action}`,
        summary:
          action === 'unpublish'
            ? 'Take a product off the catalog: no new subscriptions (existing ones continue)'
            : 'Put an unlisted product back in the catalog',
        tag: 'products',
        access: 'partner',
        params: idParams,
        body: listingSchema,
        async handler({ ctx, params, body, deps }) {
          const product = await ownProduct(deps, ctx, params.id);
          try {
            return await productPublicationHandle(deps.temporal, product.id).executeUpdate(setListingUpdate, {
              args: [
                {
                  listed: action === 'republish',
                  actor: actorOf(ctx),
                  reason: body.reason,
                  requestId: randomUUID(),
                },
              ],
            });
          } catch (err) {
            throw fromTemporal(err, new AppError('CONFLICT', 'This product cannot be changed now'));
          }
        },
      }),
    ),
  ];
}
