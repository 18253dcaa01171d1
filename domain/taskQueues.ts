/** One Temporal task queue per domain, so each can be served and scaled on its own. */
export const domains = ['accounts', 'catalog', 'billing', 'fulfilment', 'notifications'] as const;
export type Domain = (typeof domains)[number];

/** The queue name of a domain under a deployment's prefix (tests use a unique prefix each). */
export function taskQueue(prefix: string, domain: Domain): string {
  return `${prefix}-${domain}`;
}
