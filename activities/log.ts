import { Context } from '@temporalio/activity';
import type { Logger } from '../infra/logger';

const children = new WeakMap<Context, Logger>();

function current(base: Logger): Logger {
  let ctx: Context;
  try {
    ctx = Context.current();
  } catch {
    return base; // not inside an activity (start-up, a Redis error handler)
  }
  let child = children.get(ctx);
  if (!child) {
    const { workflowExecution, activityType, activityId, attempt, isLocal } = ctx.info;
    child = base.child({
      workflowId: workflowExecution?.workflowId,
      runId: workflowExecution?.runId,
      activityType,
      activityId,
      attempt,
      ...(isLocal ? { local: true } : {}),
    });
    children.set(ctx, child);
  }
  return child;
}

/**
 * The activities' logger: inside an activity (local ones too) every line carries the workflow id, run id, activity
 * type, id and attempt, read from the SDK's activity context (one child logger per execution); elsewhere it is
 * `base`. Activities keep writing `log.warn(...)`: nothing to thread through.
 */
export function activityScopedLogger(base: Logger): Logger {
  return new Proxy(base, {
    get(_target, prop) {
      const logger = current(base);
      const value = Reflect.get(logger, prop, logger) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(logger) : value;
    },
  });
}
