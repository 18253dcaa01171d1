import {
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleOptions,
} from '@temporalio/client';
import { settlementRunScheduleAction } from '../domain/contracts/settlementRun';
import { SETTLEMENT_SCHEDULE_ID, type SettlementRunInput } from '../domain/settlement';
import type { Config } from '../infra/config';

export { SETTLEMENT_SCHEDULE_ID };

/** The Schedule as configuration describes it (weekly on Monday 00:00 Asia/Seoul by default). */
export function settlementScheduleOptions(config: Pick<Config, 'settlement' | 'temporal'>): ScheduleOptions {
  const s = config.settlement;
  const input: SettlementRunInput = { periodMs: s.periodMs, defaultCommissionBps: s.commissionBps };
  return {
    scheduleId: SETTLEMENT_SCHEDULE_ID,
    spec: s.intervalMs
      ? { intervals: [{ every: s.intervalMs }] }
      : { cronExpressions: [s.cron], timezone: s.timezone },
    // Temporal appends the scheduled time to the run's id: one workflow id per period (a re-fire while it runs is
    // refused; after, the run finds its statements made and changes nothing).
    action: settlementRunScheduleAction(config.temporal, input),
    policies: {
      // A fire missed while Temporal was down still runs if it is less than a period late; one missed longer is
      // skipped, and the next run's statement takes its lines (nothing is lost, the period is just longer).
      catchupWindow: Math.max(10_000, Math.min(s.periodMs, 7 * 24 * 3600_000)),
      // Runs are short; should one overlap the next fire, that fire waits instead of running beside it.
      overlap: ScheduleOverlapPolicy.BUFFER_ONE,
    },
    memo: { purpose: 'Partner settlement (정산): one statement per partner and period' },
  };
}

/** Creates the Schedule, or brings an existing one to the current configuration; safe from every worker at once. */
export async function ensureSettlementSchedule(
  client: Client,
  config: Pick<Config, 'settlement' | 'temporal'>,
): Promise<void> {
  const options = settlementScheduleOptions(config);
  try {
    await client.schedule.create(options);
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(SETTLEMENT_SCHEDULE_ID).update((prev) => ({
      ...prev,
      spec: options.spec,
      action: options.action,
      policies: { ...prev.policies, ...options.policies },
    }));
  }
}
