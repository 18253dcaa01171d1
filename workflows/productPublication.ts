import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  productStatusQuery,
  setListingUpdate,
  submitRevisionUpdate,
  type ProductPublicationWorkflow,
} from '../domain/contracts/productPublication';
import type { Actor } from '../domain/partner';
import type { ProductPublicationInput, ProductPublicationState, RevisionSubmission } from '../domain/product';
import { ReviewState } from '../domain/searchAttributes';
import { dbActivityOptions } from './options';
import { ReviewDesk } from './reviewDesk';

const acts = proxyActivities<Activities>(dbActivityOptions);
// Cache invalidation is best effort: after a few minutes the cache's own TTL has done the job anyway.
const cache = proxyActivities<Activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 12 },
});

// Telling every subscription of a product can take a while: heartbeats carry the progress.
const announce = proxyActivities<Activities>({
  startToCloseTimeout: '30m',
  heartbeatTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

interface Queued extends RevisionSubmission {
  number: number;
}

function refuse(message: string, type: string): never {
  throw ApplicationFailure.nonRetryable(message, type);
}

/**
 * A product's publication, for as long as the product exists (docs/architecture.md#product-publication). Each
 * revision: automatic validation → an admin review task in the shared inbox → approve (Update) → the catalog entry is
 * written and the catalog cache invalidated, the partner notified; or rejected with a reason. An edit is a new
 * revision reviewed the same way while the live one stays; a newer edit supersedes one still waiting. Listing /
 * unlisting are Updates too. One per product; continues as new when its history grows.
 */
export async function productPublication(input: ProductPublicationInput): Promise<void> {
  const { productId, partnerId, ownerUserId } = input;
  let nextNumber = input.carried?.nextNumber ?? 1;
  let listed = input.carried?.listed ?? true;
  let liveRevisionId = input.carried?.liveRevisionId ?? null;
  let queued: Queued | null = input.first ? { ...input.first, number: nextNumber++ } : null;
  let reviewing: string | null = null;
  const desk = new ReviewDesk();

  const isOwner = (actor: Actor | undefined) =>
    actor?.userId === ownerUserId && actor.roles.includes('partner');
  const record = (sub: Queued) =>
    acts.recordRevision({
      productId,
      partnerId,
      workflowId: workflowInfo().workflowId,
      revisionId: sub.revisionId,
      number: sub.number,
      form: sub.form,
    });

  setHandler(productStatusQuery, (): ProductPublicationState => ({
    productId,
    listed,
    liveRevisionId,
    reviewing,
    queued: queued?.revisionId ?? null,
  }));

  setHandler(
    submitRevisionUpdate,
    async ({ revisionId, form }) => {
      const sub: Queued = { revisionId, form, number: nextNumber++ };
      const replaced = queued;
      queued = sub;
      // Recorded before answering, so the partner's "my products" shows it the moment the API replies.
      await record(sub);
      if (replaced) await acts.closeRevision({ revisionId: replaced.revisionId, status: 'superseded' });
      return { revisionId, number: sub.number };
    },
    {
      validator: ({ revisionId, actor }) => {
        if (!isOwner(actor)) refuse('Only the partner who owns this product can edit it', 'FORBIDDEN');
        if (typeof revisionId !== 'string' || !revisionId)
          refuse('A revision id is required', 'VALIDATION_FAILED');
      },
    },
  );

  setHandler(
    setListingUpdate,
    // Runs beside a review that may wait for days: listing never waits for the inbox.
    async (cmd) => {
      await acts.setListing({
        productId,
        listed: cmd.listed,
        actorId: cmd.actor.userId,
        reason: cmd.reason,
        requestId: cmd.requestId,
      });
      listed = cmd.listed;
      await cache.invalidateCatalogCache();
      return { listed };
    },
    {
      validator: ({ actor, listed: wanted }) => {
        if (!isOwner(actor) && !actor?.roles?.includes('admin'))
          refuse('Only the owner or an admin can list or unlist', 'FORBIDDEN');
        if (!liveRevisionId) refuse('The product has not been published yet', 'CONFLICT');
        if (typeof wanted !== 'boolean') refuse('listed must be true or false', 'VALIDATION_FAILED');
      },
    },
  );

  async function review(sub: Queued): Promise<void> {
    reviewing = sub.revisionId;
    await record(sub);
    const validation = await acts.validateRevision({ revisionId: sub.revisionId });
    if (!validation.ok) {
      await acts.closeRevision({
        revisionId: sub.revisionId,
        status: 'auto_rejected',
        reasons: validation.reasons,
      });
      return;
    }
    const taskId = await desk.open({
      kind: 'product_review',
      subjectId: sub.revisionId,
      workflowId: workflowInfo().workflowId,
      workflowRunId: workflowInfo().firstExecutionRunId,
      title: sub.form.name,
      summary: { productId, revisionNumber: sub.number, edit: liveRevisionId !== null },
      slaMs: input.reviewSlaMs,
      expiryMs: null,
    });
    upsertSearchAttributes([{ key: ReviewState, value: 'pending' }]);
    const overdueAt = Date.now() + input.reviewSlaMs;
    let overdue = false;
    for (;;) {
      const waiting = () => desk.decision !== undefined || queued !== null;
      if (overdue) await condition(waiting);
      else if (!(await condition(waiting, Math.max(1, overdueAt - Date.now())))) {
        await acts.markTaskOverdue({ taskId });
        upsertSearchAttributes([{ key: ReviewState, value: 'overdue' }]);
        overdue = true;
        continue;
      }
      if (desk.decision !== undefined) break;
      // A newer edit arrived while this one waited: it replaces this one in the inbox.
      desk.close();
      if (desk.decision === undefined) {
        await acts.closeRevision({ revisionId: sub.revisionId, status: 'superseded', taskId });
        return;
      }
      break;
    }
    const decision = desk.decision!;
    if (decision.decision === 'approve') {
      const published = await acts.publishRevision({
        productId,
        revisionId: sub.revisionId,
        decidedBy: decision.actor.userId,
        decisionReason: decision.reason,
        taskId,
      });
      liveRevisionId = sub.revisionId;
      listed = published.listed;
      // Each live subscription's own workflow takes the new prices (runs recorded before this wrote them directly).
      if (patched('price-change-via-subscriptions')) {
        await announce.announcePriceChange({ productId, revisionId: sub.revisionId });
      }
      await cache.invalidateCatalogCache();
      desk.settle({ status: 'approved', subjectId: sub.revisionId });
    } else {
      await acts.closeRevision({
        revisionId: sub.revisionId,
        status: 'rejected',
        decisionReason: decision.reason,
        decidedBy: decision.actor.userId,
        taskId,
      });
      desk.settle({ status: 'rejected', subjectId: sub.revisionId });
    }
  }

  for (;;) {
    await condition(() => queued !== null);
    const sub = queued!;
    queued = null;
    await review(sub);
    reviewing = null;
    upsertSearchAttributes([{ key: ReviewState, value: 'idle' }]);
    if (
      workflowInfo().continueAsNewSuggested ||
      workflowInfo().historyLength > (input.historyLimit ?? 2000)
    ) {
      await condition(() => allHandlersFinished());
      if (queued === null) {
        await continueAsNew<ProductPublicationWorkflow>({
          productId,
          partnerId,
          ownerUserId,
          reviewSlaMs: input.reviewSlaMs,
          historyLimit: input.historyLimit,
          carried: { nextNumber, listed, liveRevisionId },
        });
      }
    }
  }
}
productPublication satisfies ProductPublicationWorkflow;
