import {
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleOptions,
} from '@temporalio/client';
import { RETENTION_SCHEDULE_ID } from '../domain/accountLifecycle';
import { retentionSweepScheduleAction } from '../domain/contracts/account';
import type { Config } from '../infra/config';

export { RETENTION_SCHEDULE_ID };

/**
 * The retention sweep's Schedule (docs/architecture.md#accounts): every RETENTION_SWEEP_INTERVAL (daily by default) it
 * erases the records deleted accounts kept for the 전자상거래법 once their time is up.
 */
export function retentionScheduleOptions(config: Pick<Config, 'account' | 'temporal'>): ScheduleOptions {
  return {
    scheduleId: RETENTION_SCHEDULE_ID,
    spec: { intervals: [{ every: config.account.sweepIntervalMs }] },
    action: retentionSweepScheduleAction(config.temporal),
    policies: {
      // A sweep missed while Temporal was down is not worth running late: the next one erases the same rows.
      catchupWindow: Math.max(10_000, Math.min(config.account.sweepIntervalMs, 24 * 3600_000)),
      overlap: ScheduleOverlapPolicy.SKIP,
    },
    memo: {
      purpose: '회원 탈퇴: erase kept records (contract, payment, delivery 5 years; complaints 3 years)',
    },
  };
}

/** Creates the Schedule, or brings an existing one to the current configuration; safe from every worker at once. */
export async function ensureRetentionSchedule(
  client: Client,
  config: Pick<Config, 'account' | 'temporal'>,
): Promise<void> {
  const options = retentionScheduleOptions(config);
  try {
    await client.schedule.create(options);
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(RETENTION_SCHEDULE_ID).update((prev) => ({
      ...prev,
      spec: options.spec,
      action: options.action,
      policies: { ...prev.policies, ...options.policies },
    }));
  }
}
