/** Korean business registration numbers (사업자등록번호): 10 digits, the last a check digit. */

const WEIGHTS = [1, 3, 7, 1, 3, 7, 1, 3, 5] as const;

/** Strips dashes and spaces; returns null unless exactly 10 digits remain. */
export function normaliseBusinessNumber(input: string): string | null {
  const digits = input.replace(/[\s-]/g, '');
  return /^\d{10}$/.test(digits) ? digits : null;
}

/** The check digit the first nine digits call for (National Tax Service rule). */
export function businessNumberCheckDigit(firstNine: string): number {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(firstNine[i]) * WEIGHTS[i]!;
  sum += Math.floor((Number(firstNine[8]) * 5) / 10);
  return (10 - (sum % 10)) % 10;
}

/** True when the number is 10 digits and its check digit matches. */
export function isValidBusinessNumber(input: string): boolean {
  const digits = normaliseBusinessNumber(input);
  return digits !== null && businessNumberCheckDigit(digits.slice(0, 9)) === Number(digits[9]);
}

/** Formats 10 digits as 123-45-67890. */
export function formatBusinessNumber(digits: string): string {
  return `${digits.slice(0, 3)}-${digits.slice(3, 5)}-${digits.slice(5)}`;
}
