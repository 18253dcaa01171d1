import type { ActivityOptions } from '@temporalio/workflow';

/** Database-writing activities: short, retried with backoff until the database is back. */
export const dbActivityOptions: ActivityOptions = {
  startToCloseTimeout: '15s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '30s' },
};

/** Talking to the provider: up to 60 s per answer, retried while the answer is uncertain (the Idempotency-Key makes it safe). */
export const providerActivityOptions: ActivityOptions = {
  startToCloseTimeout: '90s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
};
