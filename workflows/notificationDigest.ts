import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { NotificationDigestWorkflow } from '../domain/contracts/notificationDigest';
import type { NotificationDigestInput, NotificationDigestResult } from '../domain/notifications';
import { TemporalScheduledStartTime } from '../domain/searchAttributes';
import { dbActivityOptions } from './options';

const acts = proxyActivities<Activities>({ ...dbActivityOptions, startToCloseTimeout: '2m' });

/**
 * One digest run (docs/architecture.md#messages), fired daily by the `notificationDigest` Schedule: for each
 * recipient with notifications waiting for the digest, one `digest` notification for the scheduled day, delivered by
 * the notifier like any other. A re-fired or repeated run makes no second digest for a day.
 */
export async function notificationDigest(input: NotificationDigestInput): Promise<NotificationDigestResult> {
  const scheduled = workflowInfo().typedSearchAttributes.get(TemporalScheduledStartTime);
  const asOf = new Date(input.asOf ?? scheduled ?? workflowInfo().startTime).toISOString();
  return acts.composeDigests({ timezone: input.timezone, asOf });
}
notificationDigest satisfies NotificationDigestWorkflow;
