import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { AppError, isErrorCode } from '../domain/errors';

/**
 * Turns what Temporal says about an Update or start into the API's error codes: a validator's
 * `ApplicationFailure` type is already one of our codes; a finished workflow means the task is no longer open.
 */
export function fromTemporal(
  err: unknown,
  notOpen: AppError = new AppError('TASK_NOT_OPEN', 'This task is no longer open'),
): unknown {
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure && isErrorCode(cause.type)) {
      // A refusal may say more for the client (e.g. the provider's code of a refused card) as its first detail.
      const detail = cause.details?.[0];
      return new AppError(
        cause.type,
        cause.message,
        detail && typeof detail === 'object' && !Array.isArray(detail) ? detail : undefined,
      );
    }
    return err;
  }
  if (err instanceof WorkflowNotFoundError) return notOpen;
  const e = err as { name?: string; message?: string; code?: number };
  // Updating a closed workflow: gRPC NOT_FOUND "workflow execution already completed".
  if (e.code === 5 || /already completed/i.test(e.message ?? '')) return notOpen;
  if (err instanceof WorkflowExecutionAlreadyStartedError)
    return new AppError('CONFLICT', 'Already in progress');
  return err;
}
