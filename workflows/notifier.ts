import {
  continueAsNew,
  proxyActivities,
  setHandler,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  notifierSettingsSignal,
  notifierStatsQuery,
  type NotifierWorkflow,
} from '../domain/contracts/notifier';
import type { DeliverRoundResult, NotifierInput } from '../domain/notifications';

/** Rounds (activities) per run before it continues as new, whatever Temporal suggests first. */
const ROUNDS_PER_RUN = 500;

/** The delivery activity's options: it runs for its span, heartbeating; a dead worker's span is retried elsewhere. */
function deliveryOptions(input: NotifierInput): ActivityOptions {
  return {
    startToCloseTimeout: input.activitySpanMs + input.settings.leaseMs + 60_000,
    heartbeatTimeout: input.heartbeatTimeoutMs,
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
  };
}

/**
 * The notifier (docs/architecture.md#messages): one per deployment, on the `notifications` task queue. Each lane runs
 * the delivery activity again and again — each call delivers the outbox for `activitySpanMs` (plan, claim a batch,
 * send, record) — so nothing here grows with the number of notifications: one workflow loop, not one workflow per
 * message. New settings arrive by signal and apply from the next call; the run continues as new before its history
 * grows long.
 */
export async function notifier(input: NotifierInput): Promise<void> {
  let current = input;
  const stats: DeliverRoundResult & { rounds: number } = {
    planned: 0,
    sent: 0,
    retried: 0,
    failed: 0,
    rounds: 0,
  };
  setHandler(notifierSettingsSignal, (next) => {
    current = { ...next, roundsBefore: current.roundsBefore };
  });
  setHandler(notifierStatsQuery, () => stats);
  const done = () => stats.rounds >= ROUNDS_PER_RUN || workflowInfo().continueAsNewSuggested;

  const lane = async () => {
    while (!done()) {
      const acts = proxyActivities<Activities>(deliveryOptions(current));
      const r = await acts.deliverNotifications({
        settings: current.settings,
        spanMs: current.activitySpanMs,
      });
      stats.rounds += 1;
      stats.planned += r.planned;
      stats.sent += r.sent;
      stats.retried += r.retried;
      stats.failed += r.failed;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, current.lanes) }, lane));
  await continueAsNew<NotifierWorkflow>({
    ...current,
    roundsBefore: (current.roundsBefore ?? 0) + stats.rounds,
  });
}
notifier satisfies NotifierWorkflow;
