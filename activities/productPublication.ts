import { ApplicationFailure } from '@temporalio/common';
import type { Knex } from 'knex';
import {
  originCodeOf,
  originSearchWords,
  priceIssues,
  priceRange,
  productFormSchema,
  type ProductForm,
  type ProductIssue,
} from '../domain/product';
import { toFieldIssues } from '../domain/validation';
import { invalidateCatalog } from '../infra/catalogCache';
import type { ActivityDeps } from './deps';
import { closeTask } from './reviewDesk';
import { enqueueNotification } from './outbox';

interface RevisionRow {
  id: string;
  productId: string;
  partnerId: string;
  number: number;
  status: string;
  name: string;
  description: string;
  originCountry: string;
  originRegion: string | null;
  originFarm: string | null;
  process: string;
  roastLevel: string;
  tastingNotes: string[];
  options: ProductForm['options'];
  capacityPerCycle: number;
  imageId: string;
}

/** The form a revision row was submitted as. */
export function formOf(r: RevisionRow): ProductForm {
  return {
    name: r.name,
    description: r.description,
    origin: {
      country: r.originCountry,
      region: r.originRegion ?? undefined,
      farm: r.originFarm ?? undefined,
    },
    process: r.process as ProductForm['process'],
    roastLevel: r.roastLevel as ProductForm['roastLevel'],
    tastingNotes: r.tastingNotes,
    options: r.options,
    capacityPerCycle: r.capacityPerCycle,
    imageId: r.imageId,
  };
}

const OPEN = ['validating', 'in_review'];
const now = (k: Knex) => k.fn.now() as unknown as Date;

async function partnerOwner(
  trx: Knex,
  partnerId: string,
): Promise<{ userId: string; companyName: string; status: string }> {
  const partner = await trx('partners').where({ id: partnerId }).first('user_id', 'company_name', 'status');
  if (!partner) throw ApplicationFailure.nonRetryable('Partner not found', 'NOT_FOUND');
  return { userId: partner.userId, companyName: partner.companyName, status: partner.status };
}

/** The productPublication workflow's activities (docs/architecture.md#product-publication). */
export function createProductPublicationActivities({ db, redis, redisPrefix, images }: ActivityDeps) {
  return {
    /** Stores a submitted revision (and the product on its first); idempotent: ids come from the API / workflow. */
    async recordRevision(input: {
      productId: string;
      partnerId: string;
      workflowId: string;
      revisionId: string;
      number: number;
      form: ProductForm;
    }): Promise<void> {
      const f = input.form;
      await db.transaction(async (trx) => {
        await trx('products')
          .insert({
            id: input.productId,
            partnerId: input.partnerId,
            workflowId: input.workflowId,
            status: 'in_review',
          })
          .onConflict('id')
          .ignore();
        await trx('product_revisions')
          .insert({
            id: input.revisionId,
            productId: input.productId,
            partnerId: input.partnerId,
            number: input.number,
            status: 'validating',
            name: f.name,
            description: f.description,
            // A run from before the origin list carries the country as typed: its code when it names one.
            originCountry: originCodeOf(f.origin.country) ?? f.origin.country,
            originRegion: f.origin.region ?? null,
            originFarm: f.origin.farm ?? null,
            process: f.process,
            roastLevel: f.roastLevel,
            tastingNotes: f.tastingNotes,
            options: JSON.stringify(f.options),
            capacityPerCycle: f.capacityPerCycle,
            imageId: f.imageId,
          })
          .onConflict('id')
          .ignore();
        await trx('products')
          .where({ id: input.productId })
          .update({ latestRevisionId: input.revisionId, updatedAt: now(trx) });
      });
    },

    /**
     * Automatic review: required fields, price sanity, a name the partner does not already use, the image on file.
     * A clean revision moves to `in_review`; idempotent: a revision already past validation reports as it stands.
     */
    async validateRevision(input: { revisionId: string }): Promise<{ ok: boolean; reasons: ProductIssue[] }> {
      const rev = (await db('product_revisions').where({ id: input.revisionId }).first()) as
        (RevisionRow & { reasons: ProductIssue[] }) | undefined;
      if (!rev) throw ApplicationFailure.nonRetryable('Revision not found', 'NOT_FOUND');
      if (rev.status !== 'validating')
        return { ok: rev.status === 'in_review' || rev.status === 'approved', reasons: rev.reasons };
      const form = formOf(rev);
      const reasons: ProductIssue[] = [];
      const parsed = productFormSchema.safeParse(form);
      if (!parsed.success)
        reasons.push(
          ...toFieldIssues(parsed.error).map((i) => ({ field: i.path, key: i.key, message: i.message })),
        );
      else reasons.push(...priceIssues(form.options));
      const duplicate = await db('product_revisions as r')
        .join('products as p', 'p.id', 'r.product_id')
        .where('r.partner_id', rev.partnerId)
        .whereNot('r.product_id', rev.productId)
        .whereRaw('lower(r.name) = lower(?)', [rev.name])
        .whereRaw('r.id = coalesce(p.live_revision_id, p.latest_revision_id)')
        .whereNot('p.status', 'rejected')
        .first('p.id');
      if (duplicate)
        reasons.push({
          field: 'name',
          key: 'duplicate_name',
          message: 'You already have a product with this name',
        });
      const image = await images.describe(rev.imageId);
      if (!image)
        reasons.push({
          field: 'imageId',
          key: 'image_missing',
          message: 'The image was not found: upload it again',
        });
      if (reasons.length) return { ok: false, reasons };
      await db.transaction(async (trx) => {
        await trx('images')
          .insert({
            id: image!.id,
            partnerId: rev.partnerId,
            width: image!.width,
            height: image!.height,
            bytes: image!.bytes,
          })
          .onConflict('id')
          .ignore();
        await trx('product_revisions')
          .where({ id: rev.id, status: 'validating' })
          .update({ status: 'in_review' });
      });
      return { ok: true, reasons: [] };
    },

    /** Ends a revision that will not go live; idempotent: only an open revision changes, the notice is deduped. */
    async closeRevision(input: {
      revisionId: string;
      status: 'auto_rejected' | 'rejected' | 'superseded';
      reasons?: ProductIssue[];
      decisionReason?: string;
      decidedBy?: string;
      taskId?: string;
    }): Promise<void> {
      await db.transaction(async (trx) => {
        const [rev] = await trx('product_revisions')
          .where({ id: input.revisionId })
          .whereIn('status', OPEN)
          .update({
            status: input.status,
            reasons: JSON.stringify(input.reasons ?? []),
            decisionReason: input.decisionReason ?? null,
            decidedBy: input.decidedBy ?? null,
            decidedAt: now(trx),
          })
          .returning(['productId', 'partnerId', 'name', 'number']);
        if (input.taskId) {
          await closeTask(trx, input.taskId, {
            state: input.status === 'superseded' ? 'cancelled' : 'done',
            outcome: input.status,
            resolvedBy: input.decidedBy ?? null,
            reason: input.decisionReason ?? null,
          });
        }
        if (!rev) return;
        // A product that never went live is rejected with its only revision.
        if (input.status !== 'superseded') {
          await trx('products')
            .where({ id: rev.productId, status: 'in_review' })
            .whereNull('liveRevisionId')
            .update({ status: 'rejected', updatedAt: now(trx) });
          const owner = await partnerOwner(trx, rev.partnerId);
          await enqueueNotification(trx, {
            dedupeKey: `productRevision:${input.revisionId}:${input.status}`,
            recipientUserId: owner.userId,
            template: `product_revision_${input.status}`,
            payload: {
              productId: rev.productId,
              revisionId: input.revisionId,
              name: rev.name,
              reasons: input.reasons ?? [],
              decisionReason: input.decisionReason ?? null,
            },
          });
        }
      });
    },

    /**
     * Publishes an approved revision: the revision, the product and its catalog entry (product + partner,
     * denormalised) change in one transaction; the revision it replaces stays on record.
     * Idempotent: an approved revision is written again with the same values.
     */
    async publishRevision(input: {
      productId: string;
      revisionId: string;
      decidedBy: string;
      decisionReason?: string;
      taskId: string;
    }): Promise<{ listed: boolean }> {
      return db.transaction(async (trx) => {
        const product = await trx('products').where({ id: input.productId }).forUpdate().first();
        const rev = (await trx('product_revisions').where({ id: input.revisionId }).first()) as
          RevisionRow | undefined;
        if (!product || !rev)
          throw ApplicationFailure.nonRetryable('Product or revision not found', 'NOT_FOUND');
        if (rev.status !== 'approved') {
          if (rev.status !== 'in_review')
            throw ApplicationFailure.nonRetryable(`Revision is ${rev.status}`, 'TASK_NOT_OPEN');
          await trx('product_revisions')
            .where({ id: rev.id })
            .update({
              status: 'approved',
              decisionReason: input.decisionReason ?? null,
              decidedBy: input.decidedBy,
              decidedAt: now(trx),
            });
        }
        if (product.liveRevisionId && product.liveRevisionId !== rev.id) {
          await trx('product_revisions').where({ id: product.liveRevisionId }).update({ status: 'replaced' });
        }
        const listed = product.status !== 'unpublished';
        const firstPublication = !product.publishedAt;
        await trx('products')
          .where({ id: product.id })
          .update({
            liveRevisionId: rev.id,
            status: listed ? 'published' : 'unpublished',
            publishedAt: product.publishedAt ?? now(trx),
            updatedAt: now(trx),
          });
        const owner = await partnerOwner(trx, rev.partnerId);
        const { min, max } = priceRange(rev.options);
        const entry = {
          productId: product.id,
          revisionId: rev.id,
          partnerId: rev.partnerId,
          partnerName: owner.companyName,
          // A suspended partner's products stay out of the catalog until it is resumed.
          status: listed ? (owner.status === 'suspended' ? 'suspended' : 'live') : 'unpublished',
          name: rev.name,
          description: rev.description,
          originCountry: rev.originCountry,
          originRegion: rev.originRegion,
          originFarm: rev.originFarm,
          process: rev.process,
          roastLevel: rev.roastLevel,
          tastingNotes: rev.tastingNotes,
          options: JSON.stringify(rev.options),
          minPrice: min,
          maxPrice: max,
          capacityPerCycle: rev.capacityPerCycle,
          imageId: rev.imageId,
          searchText: [
            rev.name,
            owner.companyName,
            ...originSearchWords(rev.originCountry),
            rev.originRegion,
            rev.originFarm,
            ...rev.tastingNotes,
            rev.process,
            rev.roastLevel,
          ]
            .filter(Boolean)
            .join(' ')
            .toLowerCase(),
          updatedAt: now(trx),
        };
        await trx('catalog_products')
          .insert({ ...entry, publishedAt: now(trx) })
          .onConflict('productId')
          .merge(Object.keys(entry).filter((k) => k !== 'productId'));
        await closeTask(trx, input.taskId, {
          state: 'done',
          outcome: 'approved',
          resolvedBy: input.decidedBy,
          reason: input.decisionReason ?? null,
        });
        await enqueueNotification(trx, {
          dedupeKey: `productRevision:${rev.id}:approved`,
          recipientUserId: owner.userId,
          template: firstPublication ? 'product_published' : 'product_revision_approved',
          payload: { productId: product.id, revisionId: rev.id, name: rev.name, number: rev.number },
        });
        return { listed };
      });
    },

    /** Lists or unlists a product in the catalog; idempotent: it sets the state, never toggles. */
    async setListing(input: {
      productId: string;
      listed: boolean;
      actorId: string;
      reason?: string;
      requestId: string;
    }): Promise<void> {
      await db.transaction(async (trx) => {
        const product = await trx('products').where({ id: input.productId }).forUpdate().first();
        if (!product?.liveRevisionId)
          throw ApplicationFailure.nonRetryable('The product has never been published', 'CONFLICT');
        await trx('products')
          .where({ id: product.id })
          .update({
            status: input.listed ? 'published' : 'unpublished',
            unpublishedAt: input.listed ? null : now(trx),
            updatedAt: now(trx),
          });
        const owner = await partnerOwner(trx, product.partnerId);
        // A suspended partner's products stay out of the catalog until it is resumed.
        const listedAs = owner.status === 'suspended' ? 'suspended' : 'live';
        await trx('catalog_products')
          .where({ productId: product.id })
          .update({ status: input.listed ? listedAs : 'unpublished', updatedAt: now(trx) });
        if (owner.userId !== input.actorId) {
          const live = (await trx('product_revisions')
            .where({ id: product.liveRevisionId })
            .first('name')) as { name: string } | undefined;
          await enqueueNotification(trx, {
            dedupeKey: `product:${product.id}:listing:${input.requestId}`,
            recipientUserId: owner.userId,
            template: input.listed ? 'product_relisted' : 'product_unlisted_by_admin',
            payload: { productId: product.id, name: live?.name ?? null, reason: input.reason ?? null },
          });
        }
      });
    },

    /** Makes every API instance drop cached catalog answers; idempotent: bumping the version again is harmless. */
    async invalidateCatalogCache(): Promise<number> {
      return invalidateCatalog(redis, redisPrefix);
    },
  };
}
