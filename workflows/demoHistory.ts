import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { DemoHistoryResult } from '../activities/demoHistory';
import type { DemoHistoryInput } from '../domain/demoHistory';

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '2m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 5 },
});

/**
 * A demo partner's past weeks of sales (`npm start` only), imported in one transaction. Workflow id
 * `demoHistory:<partnerId>`; the imported subscriptions name it as theirs.
 */
export async function demoHistory(input: DemoHistoryInput): Promise<DemoHistoryResult> {
  return acts.importDemoHistory(input);
}
