import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleOptions,
} from '@temporalio/client';
import { RECONCILE_SCHEDULE_ID, reconcileScheduleAction } from '../domain/contracts/reconcile';
import type { Config } from '../infra/config';

export { RECONCILE_SCHEDULE_ID };

/**
 * The reconciler's Schedule (docs/architecture.md#reconciling-postgresql-and-temporal): every RECONCILE_INTERVAL (15
 * minutes by default) one pass compares every workflow-owned row with its workflow, and repairs when RECONCILE_REPAIR
 * says so.
 */
export function reconcileScheduleOptions(
  config: Pick<Config, 'reconcile' | 'temporal'>,
): ScheduleOptions | null {
  const r = config.reconcile;
  if (r.intervalMs === null) return null;
  return {
    scheduleId: RECONCILE_SCHEDULE_ID,
    spec: { intervals: [{ every: r.intervalMs }] },
    action: reconcileScheduleAction(config.temporal, { repair: r.repair }),
    policies: {
      // A pass missed while Temporal was down is not worth running late: the next one finds the same mismatches.
      catchupWindow: Math.max(10_000, Math.min(r.intervalMs, 3600_000)),
      // A long pass is never run beside the next one.
      overlap: ScheduleOverlapPolicy.SKIP,
    },
    memo: {
      purpose: 'PostgreSQL ↔ Temporal: orphan rows, orphan workflows and disagreements found and repaired',
    },
  };
}

/**
 * Creates the Schedule, or brings an existing one to the current configuration; safe from every worker at once.
 * With RECONCILE_INTERVAL=off an existing Schedule is paused (kept for its history), none created. Answers whether
 * passes are scheduled.
 */
export async function ensureReconcileSchedule(
  client: Client,
  config: Pick<Config, 'reconcile' | 'temporal'>,
): Promise<boolean> {
  const options = reconcileScheduleOptions(config);
  if (!options) {
    await client.schedule
      .getHandle(RECONCILE_SCHEDULE_ID)
      .pause('RECONCILE_INTERVAL=off')
      .catch((err: unknown) => {
        if (!(err instanceof ScheduleNotFoundError)) throw err;
      });
    return false;
  }
  try {
    await client.schedule.create(options);
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(RECONCILE_SCHEDULE_ID).update((prev) => ({
      ...prev,
      spec: options.spec,
      action: options.action,
      policies: { ...prev.policies, ...options.policies },
      state: { ...prev.state, paused: false },
    }));
  }
  return true;
}
