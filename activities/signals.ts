import { WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';

/** Signals a workflow; one that has ended since it was looked up has nothing to hear (false). */
export async function signalIfRunning<Args extends unknown[]>(
  handle: WorkflowHandle,
  signal: SignalDefinition<Args>,
  ...args: Args
): Promise<boolean> {
  try {
    await handle.signal(signal, ...args);
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}
