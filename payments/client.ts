import { randomUUID } from 'node:crypto';
import { Agent, errors as undiciErrors } from 'undici';
import { TossError, TossTransientError, tossErrorFrom, transportError } from './errors';
import type { TossRateLimiter } from './rateLimit';
import type {
  CancelPaymentRequest,
  ChargeBillingKeyRequest,
  IssueBillingKeyRequest,
  TossBilling,
  TossPayment,
} from './types';

export interface TossClientOptions {
  /** https://api.tosspayments.com, or the sandbox's URL. */
  baseUrl: string;
  /** `test_sk_…` or `live_sk_…`; sent as Basic auth, never logged. */
  secretKey: string;
  connectTimeoutMs?: number;
  /** How long to wait for an answer; Toss says a billing approval can take up to 60 s. */
  readTimeoutMs?: number;
  /** Extra headers on every request (e.g. `TossPayments-Test-Code` against a test key). */
  headers?: Record<string, string>;
  /** Takes a slot of the account's request limit before every request (payments/rateLimit.ts); none: unlimited. */
  limiter?: Pick<TossRateLimiter, 'acquire'>;
}

/** Options of one POST: its Idempotency-Key (one is made up if absent, so every POST carries one). */
export interface PostOptions {
  idempotencyKey?: string;
  headers?: Record<string, string>;
}

/**
 * The Toss Payments client: billing-key issue and charge, payment lookup, cancel. Every failure is a TossError
 * subclass whose `retryClass` says what to do (see errors.ts); secrets never appear in errors or logs.
 */
export function createTossClient(opts: TossClientOptions) {
  const origin = new URL(opts.baseUrl).origin;
  const readTimeout = opts.readTimeoutMs ?? 60_000;
  const agent = new Agent({
    connect: { timeout: opts.connectTimeoutMs ?? 3000 },
    headersTimeout: readTimeout,
    bodyTimeout: readTimeout,
    keepAliveTimeout: 10_000,
  });
  const authorization = `Basic ${Buffer.from(`${opts.secretKey}:`).toString('base64')}`;

  async function call<T>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
    post: PostOptions = {},
  ): Promise<T> {
    const headers: Record<string, string> = {
      authorization,
      accept: 'application/json',
      ...opts.headers,
      ...post.headers,
    };
    if (method === 'POST') {
      headers['content-type'] = 'application/json';
      headers['idempotency-key'] = post.idempotencyKey ?? randomUUID();
    }
    // Before anything leaves: a request refused here (TossRateLimitedError) was never sent.
    await opts.limiter?.acquire();
    let statusCode: number;
    let text: string;
    try {
      const res = await agent.request({
        origin,
        path,
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      statusCode = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      throw fromTransport(err, method);
    }
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON: judged by the status below.
    }
    if (statusCode >= 200 && statusCode < 300) {
      // A deletion answers with an empty body.
      if (method === 'DELETE') return parsed as T;
      if (parsed === null || typeof parsed !== 'object') {
        throw method === 'GET'
          ? new TossTransientError(
              'INVALID_RESPONSE',
              `Toss answered ${statusCode} without a JSON body`,
              statusCode,
            )
          : transportError('NETWORK_ERROR', `answer ${statusCode} without a JSON body`);
      }
      return parsed as T;
    }
    const error = tossErrorFrom(statusCode, parsed as { code?: string; message?: string } | null);
    // A lookup changes nothing and a deletion repeated finds the key gone, so any doubt is just "ask again".
    if (method !== 'POST' && error.retryClass === 'unknown_outcome') {
      throw new TossTransientError(error.code, error.message, error.status);
    }
    throw error;
  }

  return {
    /** Exchanges the one-time authKey from the card window for a billing key (`POST /v1/billing/authorizations/issue`). */
    issueBillingKey(req: IssueBillingKeyRequest, post?: PostOptions): Promise<TossBilling> {
      return call('POST', '/v1/billing/authorizations/issue', req, post);
    },

    /** Charges a billing key (`POST /v1/billing/{billingKey}`); pass an Idempotency-Key derived from the order. */
    chargeBillingKey(
      billingKey: string,
      req: ChargeBillingKeyRequest,
      post?: PostOptions,
    ): Promise<TossPayment> {
      return call('POST', `/v1/billing/${encodeURIComponent(billingKey)}`, req, post);
    },

    /** Looks a payment up by our orderId (`GET /v1/payments/orders/{orderId}`); TossNotFoundError when none. */
    getPaymentByOrderId(orderId: string): Promise<TossPayment> {
      return call('GET', `/v1/payments/orders/${encodeURIComponent(orderId)}`);
    },

    /** Looks a payment up by its paymentKey (`GET /v1/payments/{paymentKey}`). */
    getPayment(paymentKey: string): Promise<TossPayment> {
      return call('GET', `/v1/payments/${encodeURIComponent(paymentKey)}`);
    },

    /** Cancels a payment fully, or partly with `cancelAmount` (`POST /v1/payments/{paymentKey}/cancel`). */
    cancelPayment(paymentKey: string, req: CancelPaymentRequest, post?: PostOptions): Promise<TossPayment> {
      return call('POST', `/v1/payments/${encodeURIComponent(paymentKey)}/cancel`, req, post);
    },

    /**
     * Deletes a billing key at Toss (`DELETE /v1/billing/{billingKey}`): it can never be charged again. Safe to repeat:
     * a key Toss no longer knows (already deleted, or unknown) answers `{ deleted: false }`.
     */
    async deleteBillingKey(billingKey: string): Promise<{ deleted: boolean }> {
      try {
        await call('DELETE', `/v1/billing/${encodeURIComponent(billingKey)}`);
        return { deleted: true };
      } catch (err) {
        if (err instanceof TossError && BILLING_KEY_GONE.has(err.code)) return { deleted: false };
        throw err;
      }
    },

    close(): Promise<void> {
      return agent.close();
    },
  };
}
export type TossClient = ReturnType<typeof createTossClient>;

/** Toss's answers for a billing key it no longer has: its deletion is already done. */
const BILLING_KEY_GONE = new Set([
  'INVALID_BILL_KEY_REQUEST',
  'NOT_FOUND_BILLING',
  'ALREADY_REMOVED_BILLING_KEY',
]);

function fromTransport(err: unknown, method: string): TossError {
  const detail = (err as Error)?.message ?? String(err);
  const code = (err as { code?: string })?.code ?? '';
  if (
    err instanceof undiciErrors.ConnectTimeoutError ||
    ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH'].includes(code)
  ) {
    return transportError('CONNECT_FAILED', code || 'connect timeout');
  }
  const timedOut =
    err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError;
  if (method !== 'POST')
    return new TossTransientError(
      timedOut ? 'TIMEOUT' : 'NETWORK_ERROR',
      `Toss lookup failed: ${code || detail}`,
      0,
    );
  return transportError(timedOut ? 'TIMEOUT' : 'NETWORK_ERROR', code || detail);
}
