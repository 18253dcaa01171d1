import type { ActivityOptions } from '@temporalio/workflow';

/** Database-writing activities: short, retried with backoff until the database is back. */
export const dbActivityOptions: ActivityOptions = {
  startToCloseTimeout: '15s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '30s' },
};
