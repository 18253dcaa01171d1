import type { TossErrorBody } from './types';

/**
 * What a caller should do about a failure:
 * - `transient`: nothing happened; retry the same request (same Idempotency-Key) with backoff.
 * - `unknown_outcome`: the charge may or may not have happened; look the order up before anything else.
 * - `retry_later`: declined for now (limits, issuer refusal); a later attempt may succeed (dunning).
 * - `new_card`: this card or billing key will never work again; the customer must register a new card.
 * - `configuration`: our keys or contract are wrong; no retry fixes it, page a human.
 * - `invalid`: the request itself is wrong (a bug, or a refund the payment cannot take); do not retry.
 */
export type RetryClass =
  'transient' | 'unknown_outcome' | 'retry_later' | 'new_card' | 'configuration' | 'invalid';

/** A failure talking to Toss. Never carries the secret key or a billing key. */
export class TossError extends Error {
  override name = 'TossError';
  readonly retryClass: RetryClass = 'invalid';

  constructor(
    /** Toss's error code (or ours for transport failures: TIMEOUT, NETWORK_ERROR, INVALID_RESPONSE). */
    readonly code: string,
    message: string,
    /** HTTP status, or 0 when no response arrived. */
    readonly status: number,
  ) {
    super(message);
  }
}

export class TossTransientError extends TossError {
  override name = 'TossTransientError';
  override readonly retryClass = 'transient';
}
export class TossUnknownOutcomeError extends TossError {
  override name = 'TossUnknownOutcomeError';
  override readonly retryClass = 'unknown_outcome';
}
export class TossRetryLaterError extends TossError {
  override name = 'TossRetryLaterError';
  override readonly retryClass = 'retry_later';
}
export class TossNeedsNewCardError extends TossError {
  override name = 'TossNeedsNewCardError';
  override readonly retryClass = 'new_card';
}
export class TossConfigurationError extends TossError {
  override name = 'TossConfigurationError';
  override readonly retryClass = 'configuration';
}
export class TossInvalidRequestError extends TossError {
  override name = 'TossInvalidRequestError';
  override readonly retryClass = 'invalid';
}
/**
 * Our own request limit for Toss (payments/rateLimit.ts) had no slot soon enough: nothing was sent, so the same request
 * may simply run again after `retryAfterMs` (same Idempotency-Key, nothing to look up because of it).
 */
export class TossRateLimitedError extends TossTransientError {
  override name = 'TossRateLimitedError';

  constructor(
    message: string,
    /** When a slot is likely to be free again. */
    readonly retryAfterMs: number,
  ) {
    super('RATE_LIMITED', message, 0);
  }
}
/** The payment or order does not exist (404 NOT_FOUND_PAYMENT): an answer, not a failure, for a lookup. */
export class TossNotFoundError extends TossInvalidRequestError {
  override name = 'TossNotFoundError';
}

const byCode: Record<string, RetryClass> = {
  // In flight elsewhere, or throttled: the same request again, later.
  IDEMPOTENT_REQUEST_PROCESSING: 'transient',
  FORBIDDEN_CONSECUTIVE_REQUEST: 'transient',
  // Toss says "try again" but the provider may have acted: find out first.
  PROVIDER_ERROR: 'unknown_outcome',
  FAILED_INTERNAL_SYSTEM_PROCESSING: 'unknown_outcome',
  FAILED_PAYMENT_INTERNAL_SYSTEM_PROCESSING: 'unknown_outcome',
  FAILED_CARD_COMPANY_RESPONSE: 'unknown_outcome',
  FAILED_DB_PROCESSING: 'unknown_outcome',
  UNKNOWN_PAYMENT_ERROR: 'unknown_outcome',
  COMMON_ERROR: 'unknown_outcome',
  UNKNOWN_ERROR: 'unknown_outcome',
  ALREADY_PROCESSED_PAYMENT: 'unknown_outcome',
  DUPLICATED_ORDER_ID: 'unknown_outcome',
  // Declined this time; limits reset and issuers change their minds.
  REJECT_CARD_PAYMENT: 'retry_later',
  REJECT_CARD_COMPANY: 'retry_later',
  EXCEED_MAX_DAILY_PAYMENT_COUNT: 'retry_later',
  EXCEED_MAX_PAYMENT_AMOUNT: 'retry_later',
  EXCEED_MAX_AMOUNT: 'retry_later',
  EXCEED_MAX_MONTHLY_PAYMENT_AMOUNT: 'retry_later',
  EXCEED_MAX_ONE_DAY_AMOUNT: 'retry_later',
  CARD_PROCESSING_ERROR: 'retry_later',
  FDS_ERROR: 'retry_later',
  // This card or billing key is finished.
  INVALID_STOPPED_CARD: 'new_card',
  INVALID_CARD_EXPIRATION: 'new_card',
  INVALID_CARD_LOST_OR_STOLEN: 'new_card',
  INVALID_CARD_NUMBER: 'new_card',
  INVALID_REJECT_CARD: 'new_card',
  NOT_SUPPORTED_CARD_TYPE: 'new_card',
  NOT_FOUND_BILLING: 'new_card',
  INVALID_BILL_KEY_REQUEST: 'new_card',
  INVALID_BILLING_AUTH: 'new_card',
  ALREADY_REMOVED_BILLING_KEY: 'new_card',
  EXCEED_MAX_AUTH_COUNT: 'new_card',
  // Our side is misconfigured.
  UNAUTHORIZED_KEY: 'configuration',
  INVALID_API_KEY: 'configuration',
  INVALID_CLIENT_KEY: 'configuration',
  INCORRECT_BASIC_AUTH_FORMAT: 'configuration',
  NOT_SUPPORTED_METHOD: 'configuration',
  FORBIDDEN_REQUEST: 'configuration',
  NOT_MATCHES_CUSTOMER_KEY: 'configuration',
};

const classes: Record<RetryClass, new (code: string, message: string, status: number) => TossError> = {
  transient: TossTransientError,
  unknown_outcome: TossUnknownOutcomeError,
  retry_later: TossRetryLaterError,
  new_card: TossNeedsNewCardError,
  configuration: TossConfigurationError,
  invalid: TossInvalidRequestError,
};

/** Which class a Toss error code belongs to; unlisted codes by status (5xx and 429 are unknown / transient). */
export function retryClassOf(code: string, status: number): RetryClass {
  const known = byCode[code];
  if (known) return known;
  if (status === 429) return 'transient';
  if (status >= 500) return 'unknown_outcome';
  return 'invalid';
}

/** The one factory: the error object for a Toss error response. */
export function tossErrorFrom(status: number, body: Partial<TossErrorBody> | null): TossError {
  const code =
    typeof body?.code === 'string' ? body.code : status >= 500 ? 'UNKNOWN_ERROR' : 'INVALID_RESPONSE';
  const message = typeof body?.message === 'string' ? body.message : `HTTP ${status}`;
  if (status === 404 && (code === 'NOT_FOUND_PAYMENT' || code === 'NOT_FOUND'))
    return new TossNotFoundError(code, message, status);
  return new classes[retryClassOf(code, status)](code, message, status);
}

/** A request that got no usable answer: it may or may not have been acted on, unless it never left. */
export function transportError(
  kind: 'TIMEOUT' | 'NETWORK_ERROR' | 'CONNECT_FAILED',
  detail: string,
): TossError {
  // A connection that was never made cannot have charged anyone.
  if (kind === 'CONNECT_FAILED')
    return new TossTransientError(kind, `Could not connect to Toss: ${detail}`, 0);
  return new TossUnknownOutcomeError(kind, `No answer from Toss (${kind.toLowerCase()}): ${detail}`, 0);
}

/**
 * Who can fix a failed billing-key issue (`POST /v1/billing/authorizations/issue`): the customer — the card window's
 * authKey belongs to another customerKey, is unknown or used, or the card was refused — or nobody right now: the
 * provider or the network failed, or our keys are wrong, and a later attempt may work. A customer's failure is
 * answered at once and never retried; the same code on a charge can mean something else (a wrong customerKey there
 * is our bug), so this is judged for the issue request alone.
 */
export function issueFailureIsCustomers(err: TossError): boolean {
  if (err.code === 'NOT_MATCHES_CUSTOMER_KEY') return true;
  return err.retryClass === 'new_card' || err.retryClass === 'retry_later' || err.retryClass === 'invalid';
}
