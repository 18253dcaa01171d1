// The notifications workers' start-up duties (docs/architecture.md#messages): the deployment's notifier workflow
// running with this configuration, and the daily digest Schedule brought to it.
import {
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleOptions,
} from '@temporalio/client';
import { notificationDigestScheduleAction } from '../domain/contracts/notificationDigest';
import { ensureNotifierWorkflow } from '../domain/contracts/notifier';
import { NOTIFICATION_DIGEST_SCHEDULE_ID } from '../domain/notifications';
import { notifierSettings, type Config } from '../infra/config';

export { NOTIFICATION_DIGEST_SCHEDULE_ID };

/** Starts the notifier, or hands the running one this configuration's settings. */
export async function ensureNotifier(
  client: Client,
  config: Pick<Config, 'notify' | 'temporal'>,
): Promise<void> {
  await ensureNotifierWorkflow(client, config.temporal, notifierSettings(config.notify));
}

/** The digest Schedule as configuration describes it (daily 08:00 Asia/Seoul by default). */
export function digestScheduleOptions(config: Pick<Config, 'notify' | 'temporal'>): ScheduleOptions {
  return {
    scheduleId: NOTIFICATION_DIGEST_SCHEDULE_ID,
    spec: { cronExpressions: [config.notify.digestCron], timezone: config.notify.digestTimezone },
    action: notificationDigestScheduleAction(config.temporal, { timezone: config.notify.digestTimezone }),
    policies: {
      // A fire missed while Temporal was down still runs within the day; the next day's takes what is left anyway.
      catchupWindow: 12 * 3600_000,
      overlap: ScheduleOverlapPolicy.BUFFER_ONE,
    },
    memo: {
      purpose: 'Daily notification digest: one message per recipient (roasters’ orders, admins’ tasks)',
    },
  };
}

/** Creates the digest Schedule, or brings an existing one to the current configuration. */
export async function ensureDigestSchedule(
  client: Client,
  config: Pick<Config, 'notify' | 'temporal'>,
): Promise<void> {
  const options = digestScheduleOptions(config);
  try {
    await client.schedule.create(options);
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(NOTIFICATION_DIGEST_SCHEDULE_ID).update((prev) => ({
      ...prev,
      spec: options.spec,
      action: options.action,
      policies: { ...prev.policies, ...options.policies },
    }));
  }
}
