import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { DemoHistoryWorkflow } from '../domain/contracts/demoHistory';
import type { DemoHistoryInput, DemoHistoryResult } from '../domain/demoHistory';

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '2m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 5 },
});

/** A demo partner's past weeks of sales (`npm start` only), imported in one transaction; one per partner. */
export async function demoHistory(input: DemoHistoryInput): Promise<DemoHistoryResult> {
  return acts.importDemoHistory(input);
}
demoHistory satisfies DemoHistoryWorkflow;
