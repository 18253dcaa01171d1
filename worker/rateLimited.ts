import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInterceptors } from '@temporalio/worker';
import { TossRateLimitedError } from '../payments/errors';

/**
 * Activities that found no free slot of the Toss request limit fail retryably with `nextRetryDelay`, so Temporal
 * (local or regular activity alike) runs them again when a slot is likely free instead of on the usual backoff.
 * Nothing was sent, so the retry is the same request (same Idempotency-Key).
 */
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
          nextRetryDelay: err.retryAfterMs,
          cause: err,
        });
      }
    },
  },
});
