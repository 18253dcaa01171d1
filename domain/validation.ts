import { z } from 'zod';

/** One field's problem, keyed by a stable message key the UI translates. */
export interface FieldIssue {
  path: string;
  key: string;
  message: string;
}

/** Human English for the message keys our schemas use; anything else falls back to zod's own message. */
export const validationMessages: Record<string, string> = {
  required: 'This field is required',
  too_long: 'This is too long',
  too_short: 'This is too short',
  invalid_email: 'Enter a valid e-mail address',
  invalid_phone: 'Enter a valid phone number',
  invalid_postcode: 'Enter the 5-digit postcode (우편번호)',
  invalid_business_number: 'Enter 10 digits (e.g. 124-81-00998)',
  invalid_check_digit: 'The check digit does not match: please check the number',
  invalid_bank_account: 'Enter the account number (digits and dashes)',
  weak_password: 'Use at least 10 characters',
  reason_required: 'A reason is required to reject',
  invalid_date: 'Enter a real calendar date (YYYY-MM-DD)',
  invalid_cursor: 'Not a page of this list: load the list again from the first page',
  consent_required: 'This consent is required',
  under_14: 'You must be 14 or older to sign up',
  invalid_version: 'Not a document version',
  invalid_mail_order_number: 'Enter the 통신판매업 신고번호 like 2024-서울강남-01234',
  unknown_origin: 'Choose the country of origin from the list',
  unknown_bank: 'Choose the bank from the list',
  invisible_characters:
    'Invisible control characters (text-direction marks, zero-width characters) are not allowed',
};

/** Flattens zod issues into `{path, key, message}` rows (first issue per path wins). */
export function toFieldIssues(error: z.ZodError): FieldIssue[] {
  const seen = new Set<string>();
  const out: FieldIssue[] = [];
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.') || '(root)';
    if (seen.has(path)) continue;
    seen.add(path);
    // A custom issue may carry its key apart from a message that names the very input refused.
    const own = issue.code === 'custom' ? (issue.params as { key?: unknown } | undefined)?.key : undefined;
    if (typeof own === 'string') {
      out.push({ path, key: own, message: issue.message });
      continue;
    }
    const key = issue.code === 'custom' || issue.message in validationMessages ? issue.message : issue.code;
    out.push({ path, key, message: validationMessages[key] ?? issue.message });
  }
  return out;
}

/** The years a date or timestamp from a request may name: four digits, and far from either engine's limits. */
export const YEARS = { min: 1900, max: 9999 } as const;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `value` is a YYYY-MM-DD date that exists (no 2026-13-01, 0000-00-00 or 2026-02-30), within YEARS. */
export function isCalendarDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < YEARS.min || year > YEARS.max || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate(); // day 0 of the next month: this month's last
}

/**
 * A calendar date (YYYY-MM-DD) that exists, for every date a query string or body carries. Key `invalid_date`;
 * `format: date` in the JSON Schema (OpenAPI, and how the fuzz test finds every date parameter).
 */
export const isoDate = () =>
  z
    .string({ error: 'invalid_date' })
    .refine(isCalendarDate, { message: 'invalid_date', abort: true })
    .meta({ format: 'date', description: 'A calendar date, YYYY-MM-DD' });

// Unicode category Cf: invisible, yet they reorder (bidi controls) or hide (zero-width) what a reader sees.
const INVISIBLE = /\p{Cf}/u;
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/u;

/** The first invisible format character in `value` and what kind it is, or null when there is none. */
export function findInvisible(value: string): { char: string; codePoint: string; kind: string } | null {
  const char = INVISIBLE.exec(value)?.[0];
  if (char === undefined) return null;
  const codePoint = `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  const kind = BIDI.test(char)
    ? 'a text-direction control'
    : ZERO_WIDTH.test(char)
      ? 'a zero-width character'
      : 'an invisible formatting character';
  return { char, codePoint, kind };
}

/** A refinement for every free-text and name field: refuses Unicode format characters (key `invisible_characters`). */
export function refuseInvisible(value: string, ctx: z.RefinementCtx): void {
  const found = findInvisible(value);
  if (!found) return;
  ctx.addIssue({
    code: 'custom',
    message: `Invisible characters are not allowed: ${found.codePoint} is ${found.kind}`,
    params: { key: 'invisible_characters' },
  });
}

/**
 * Free text a person typed: trimmed, and no invisible format characters. Chain min / max after it; `error` is the
 * key for a missing or non-string value (`required` on a required field).
 */
export const plainText = (error?: string) =>
  (error ? z.string({ error }) : z.string()).trim().superRefine(refuseInvisible);
