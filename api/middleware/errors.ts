import type Koa from 'koa';
import { AppError, errorStatus, isErrorCode, type ErrorBody, type ErrorCode } from '../../domain/errors';
import type { ApiState } from '../context';

const bodyParserCodes: Record<number, ErrorCode> = {
  400: 'INVALID_JSON',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/** Answers every failure with the one error shape; hides internals on 5xx and logs them with the request id. */
export function errorHandler(): Koa.Middleware<ApiState> {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw new AppError('NOT_FOUND', 'No such resource');
    } catch (err) {
      const body = toErrorBody(err);
      const status = errorStatus[body.error.code];
      if (body.error.code === 'INTERNAL') {
        ctx.state.log?.error({ err, requestId: ctx.state.requestId }, 'request failed');
        body.error.details = { requestId: ctx.state.requestId };
      }
      if (body.error.code === 'RATE_LIMITED') {
        const retry = (body.error.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
        if (retry) ctx.set('Retry-After', String(retry));
      }
      ctx.status = status;
      ctx.body = body;
    }
  };
}

function toErrorBody(err: unknown): ErrorBody {
  if (err instanceof AppError) {
    return {
      error: {
        code: err.code,
        message: err.message,
        ...(err.details !== undefined ? { details: err.details } : {}),
      },
    };
  }
  const e = err as {
    status?: number;
    statusCode?: number;
    expose?: boolean;
    message?: string;
    type?: string;
    code?: string;
  };
  const status = e.status ?? e.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = isErrorCode(e.code)
      ? e.code
      : (bodyParserCodes[status] ??
        (status === 404 ? 'NOT_FOUND' : status === 405 ? 'METHOD_NOT_ALLOWED' : 'BAD_REQUEST'));
    const message = e.expose && e.message ? e.message : 'Bad request';
    return { error: { code, message } };
  }
  return { error: { code: 'INTERNAL', message: 'Something went wrong on our side' } };
}
