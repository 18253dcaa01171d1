// The productPublication workflow's contract (docs/architecture.md#product-publication): a product's revisions
// reviewed in the admin inbox (the reviewDesk protocol) and published, for as long as the product exists.
import type { Client, WorkflowHandle, WorkflowStartOptions } from '@temporalio/client';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../partner';
import type { ProductForm, ProductPublicationInput, ProductPublicationState } from '../product';
import { taskQueue, type Domain } from '../taskQueues';
import type { StartContext, StartOptions } from './start';

export type { ProductPublicationInput, ProductPublicationState };

/** The workflow type (what workflows/productPublication.ts exports). */
export const productPublicationWorkflowType = 'productPublication';
/** Served by the catalog workers. */
export const productPublicationDomain: Domain = 'catalog';
/** One per product: `productPublication:<product id>`. */
export const productPublicationWorkflowId = (productId: string) => `productPublication:${productId}`;
/** The workflow's signature (it runs as long as the product exists); the implementation is checked against it. */
export type ProductPublicationWorkflow = (input: ProductPublicationInput) => Promise<void>;

/** A partner's new product revision (an edit goes through the same review while the live one stays). */
export const submitRevisionUpdate = defineUpdate<
  { revisionId: string; number: number },
  [{ revisionId: string; form: ProductForm; actor: Actor }]
>('submitRevision');
/** List or unlist a published product (unlisting stops new subscriptions). */
export const setListingUpdate = defineUpdate<
  { listed: boolean },
  [{ listed: boolean; actor: Actor; reason?: string; requestId: string }]
>('setListing');
/** The live state of the publication. */
export const productStatusQuery = defineQuery<ProductPublicationState>('productStatus');

/** The options that start a product's publication (for `start`, or an Update-with-Start). */
export function productPublicationStartOptions(
  ctx: StartContext,
  input: ProductPublicationInput,
  opts: StartOptions<ProductPublicationWorkflow> = {},
): WorkflowStartOptions<ProductPublicationWorkflow> {
  return {
    ...opts,
    workflowId: productPublicationWorkflowId(input.productId),
    taskQueue: taskQueue(ctx.taskQueuePrefix, productPublicationDomain),
    args: [input],
  };
}

/** Starts a product's publication. */
export function startProductPublication(
  client: Client,
  ctx: StartContext,
  input: ProductPublicationInput,
  opts?: StartOptions<ProductPublicationWorkflow>,
) {
  return client.workflow.start<ProductPublicationWorkflow>(
    productPublicationWorkflowType,
    productPublicationStartOptions(ctx, input, opts),
  );
}

/** A product's publication. */
export function productPublicationHandle(
  client: Client,
  productId: string,
): WorkflowHandle<ProductPublicationWorkflow> {
  return client.workflow.getHandle<ProductPublicationWorkflow>(productPublicationWorkflowId(productId));
}
