import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ReconcileWorkflow } from '../domain/contracts/reconcile';
import type { ReconcileInput, ReconcileResult } from '../domain/reconcile';
import { reconcileActivityQueueOf } from '../domain/taskQueues';

// One pass reads every workflow-owned row in pages: long, so it heartbeats, and a retry starts the pass again (every
// repair is idempotent: a start under a fixed id, a rewrite of the same values). Its activity has a queue of its own
// (served by the billing workers): a burst of charges on the billing queue does not hold it up.
const passActivities = () =>
  proxyActivities<Activities>({
    taskQueue: reconcileActivityQueueOf(workflowInfo().taskQueue),
    startToCloseTimeout: '30m',
    heartbeatTimeout: '1m',
    retry: { initialInterval: '10s', backoffCoefficient: 2, maximumInterval: '5m', maximumAttempts: 3 },
  });

/**
 * One reconcile pass (docs/architecture.md#reconciling-postgresql-and-temporal): every workflow-owned row compared with
 * its workflow through visibility pages; orphans and disagreements counted, listed in the inbox and, when `repair`,
 * repaired by their owners. Fired by the `reconcile` Schedule.
 */
export const reconcile: ReconcileWorkflow = async (input: ReconcileInput): Promise<ReconcileResult> => {
  return passActivities().reconcilePass(input);
};
