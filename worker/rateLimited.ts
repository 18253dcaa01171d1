import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInterceptors } from '@temporalio/worker';
import { TossRateLimitedError } from '../payments/errors';

/**
 * Activities that found no free slot of the Toss request limit fail retryably with `nextRetryDelay`, so Temporal
 * (local or regular activity alike) runs them again when a slot is likely free instead of on the usual backoff.
 * Nothing was sent, so the retry is the same request (same Idempotency-Key).
 */
const LOCAL_RETRY_AS_TIMER_MS = 11_000;

export const rateLimitedRetries = (): ActivityInterceptors => ({
  inbound: {
    async execute(input, next) {
      try {
        return await next(input);
      } catch (err) {
        if (!(err instanceof TossRateLimitedError)) throw err;
        throw ApplicationFailure.create({
          type: err.name,
          message: err.message,
          // A local activity's retry within its localRetryThreshold (10 s, workflows/subscription.ts) waits inside
          // the workflow task, holding its slot and heartbeating it; a longer one is a workflow timer and frees both.
          nextRetryDelay: Context.current().info.isLocal
            ? Math.max(err.retryAfterMs, LOCAL_RETRY_AS_TIMER_MS)
            : err.retryAfterMs,
          cause: err,
        });
      }
    },
  },
});
