// What every contract's start helper shares. Type imports only from the client: contract modules are imported by
// workflow code too, and a value import of @temporalio/client would break the workflow bundle.
import type { WorkflowStartOptions } from '@temporalio/client';
import type { Workflow } from '@temporalio/common';

/** What a start helper needs from the deployment (`config.temporal` has it). */
export interface StartContext {
  /** Every task queue's prefix (tests use a unique one each). */
  taskQueuePrefix: string;
}

/**
 * Start options a caller may add (id reuse and conflict policies, search attributes, timeouts); the contract fixes
 * the workflow type, its id, its task queue and its arguments.
 */
export type StartOptions<W extends Workflow> = Omit<
  WorkflowStartOptions<W>,
  'workflowId' | 'taskQueue' | 'args'
>;
