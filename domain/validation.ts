import type { z } from 'zod';

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
  invalid_business_number: 'Enter 10 digits (e.g. 124-81-00998)',
  invalid_check_digit: 'The check digit does not match: please check the number',
  invalid_bank_account: 'Enter the account number (digits and dashes)',
  weak_password: 'Use at least 10 characters',
  reason_required: 'A reason is required to reject',
};

/** Flattens zod issues into `{path, key, message}` rows (first issue per path wins). */
export function toFieldIssues(error: z.ZodError): FieldIssue[] {
  const seen = new Set<string>();
  const out: FieldIssue[] = [];
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.') || '(root)';
    if (seen.has(path)) continue;
    seen.add(path);
    const key = issue.code === 'custom' || issue.message in validationMessages ? issue.message : issue.code;
    out.push({ path, key, message: validationMessages[key] ?? issue.message });
  }
  return out;
}
