/** One Temporal task queue per domain, so each can be served and scaled on its own. */
export const domains = ['accounts', 'catalog', 'billing', 'fulfilment', 'notifications'] as const;
export type Domain = (typeof domains)[number];

/** The queue name of a domain under a deployment's prefix (tests use a unique prefix each). */
export function taskQueue(prefix: string, domain: Domain): string {
  return `${prefix}-${domain}`;
}

/**
 * The queue of the reconcile pass's activity, beside its workflow's (billing) queue: a pass is not stuck behind a burst
 * of charges' activities on the billing queue, and is not paced by that queue's activity rate limit.
 */
export function reconcileActivityQueueOf(workflowQueue: string): string {
  return `${workflowQueue}-reconcile`;
}
