/** Every error code the API can answer with, and the HTTP status each one maps to (one table, tRPC-style). */
export const errorStatus = {
  VALIDATION_FAILED: 400,
  INVALID_JSON: 400,
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  CSRF_FAILED: 403,
  CARD_DECLINED: 402,
  /** The card window's answer does not fit this customer (another account's, expired or used): register again. */
  CARD_AUTH_INVALID: 400,
  /** A password-reset or verification link that is unknown, used, replaced by a newer one or expired. */
  TOKEN_INVALID: 400,
  /** The password re-entered to confirm an account action is wrong. */
  WRONG_PASSWORD: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  EMAIL_TAKEN: 409,
  APPLICATION_OPEN: 409,
  ALREADY_PARTNER: 409,
  TASK_NOT_OPEN: 409,
  TASK_CLAIMED: 409,
  PRODUCT_UNAVAILABLE: 409,
  /** A consent named a document version (or an amount) that is no longer the one in force: read it and agree again. */
  CONSENT_OUTDATED: 409,
  REFUND_REFUSED: 409,
  STATEMENT_NOT_OPEN: 409,
  /** The partner is suspended (its payouts are held until it is resumed). */
  PARTNER_SUSPENDED: 409,
  /** 회원 탈퇴 is refused for partner and admin accounts (their obligations outlive the account). */
  ACCOUNT_DELETION_REFUSED: 409,
  /** A roaster's profile change is still waiting for an admin: one at a time. */
  PROFILE_CHANGE_PENDING: 409,
  /** The product's places for new subscriptions (capacityPerCycle) are all taken. */
  SOLD_OUT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  /** The payment provider did not answer in time; nothing was changed. */
  PAYMENT_PROVIDER_UNAVAILABLE: 503,
} as const;

/** A stable, machine-readable error code. */
export type ErrorCode = keyof typeof errorStatus;

/** The one error body every failure is answered with. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorStatus, value);
}

/** An error meant for the client: its code decides the status, its message is shown as is. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return errorStatus[this.code];
  }
}
