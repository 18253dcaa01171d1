// Keyset paging cursors: the opaque token a list hands out for its next page (base64url of `|`-separated parts,
// the sort value(s) and the row's id) and the zod schema that reads it back, part by part and by kind, so a crafted
// cursor is a 400 at the edge and never reaches SQL. No Node APIs: domain/ is imported by the UI.
import { z } from 'zod';
import { findInvisible, YEARS } from './validation';

/** One part of a cursor: how a row's value is written into the token, and the schema that reads it back. */
export interface CursorPart<T, In> {
  write(value: In): string;
  read: z.ZodType<T, string>;
}

// One refinement per kind: zod runs every check, so a later one must not meet what an earlier one refused.
const INTEGER = /^(0|-?[1-9]\d{0,18})$/;
const integer = (min: bigint, max: bigint) =>
  z.string().refine((v) => INTEGER.test(v) && BigInt(v) >= min && BigInt(v) <= max);

// The exact form `Date#toISOString` writes, which PostgreSQL reads as it is.
const INSTANT = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The kinds a part can be, each bounded by what its column can hold. */
export const cursorParts = {
  /** A `timestamptz` (a Date in, a Date out): a real instant in YEARS, in toISOString's exact form. */
  timestamp: {
    write: (v: Date | string | number) => new Date(v).toISOString(),
    read: z
      .string()
      .refine((v) => {
        const year = Number(INSTANT.exec(v)?.[1]);
        const at = new Date(v);
        // A day past the month's end rolls over, and so reads back as another string.
        return (
          year >= YEARS.min && year <= YEARS.max && !Number.isNaN(at.getTime()) && at.toISOString() === v
        );
      })
      .transform((v) => new Date(v)),
  } satisfies CursorPart<Date, Date | string | number>,
  /** An `integer` column (int4): a number. */
  int4: {
    write: (v: number) => String(v),
    read: integer(-(2n ** 31n), 2n ** 31n - 1n).transform(Number),
  } satisfies CursorPart<number, number>,
  /** A `bigint` column (int8, e.g. a bigserial id): kept as its decimal string, exact past 2^53. */
  int8: {
    write: (v: string | number | bigint) => String(v),
    read: integer(-(2n ** 63n), 2n ** 63n - 1n),
  } satisfies CursorPart<string, string | number | bigint>,
  /** A `uuid` column. */
  uuid: { write: (v: string) => v, read: z.uuid() } satisfies CursorPart<string, string>,
  /** A text column, at most `max` characters, no control or invisible format characters. */
  text: (max: number): CursorPart<string, string> => ({
    write: (v) => v,
    read: z
      .string()
      .max(max)
      .refine((v) => !/\p{Cc}/u.test(v) && findInvisible(v) === null),
  }),
};

type Reads<P extends readonly CursorPart<unknown, never>[]> = {
  -readonly [K in keyof P]: P[K] extends CursorPart<infer T, never> ? T : never;
};
type Writes<P extends readonly CursorPart<unknown, never>[]> = {
  -readonly [K in keyof P]: P[K] extends CursorPart<unknown, infer In> ? In : never;
};

/** A cursor over a list's sort key: `encode` for the last row of a page, `schema` for the route's query. */
export interface KeysetCursor<T extends unknown[], In extends unknown[]> {
  encode(...values: In): string;
  /** Reads a token into its typed parts; anything else is an issue keyed `invalid_cursor`. */
  schema: z.ZodType<T, string>;
}

/** How a cursor shows in the JSON Schema (OpenAPI, and how the fuzz test finds every cursor parameter). */
export const CURSOR_META = {
  format: 'cursor',
  description: "Opaque: the previous page's nextCursor, passed back as it came",
} as const;

/** Longest token read: the longest cursor any list writes is under 100 characters. */
const MAX_TOKEN = 200;

function toBase64Url(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The UTF-8 text of a base64url token, or null unless the token is exactly what toBase64Url writes for it. */
function fromBase64Url(token: string): string | null {
  if (!/^[A-Za-z0-9_-]*$/.test(token)) return null;
  try {
    const binary = atob(token.replace(/-/g, '+').replace(/_/g, '/'));
    const text = new TextDecoder('utf-8', { fatal: true }).decode(
      Uint8Array.from(binary, (c) => c.charCodeAt(0)),
    );
    return toBase64Url(text) === token ? text : null;
  } catch {
    return null;
  }
}

// `|` separates the parts and `%` escapes; neither occurs in a timestamp, an integer or a uuid.
const escapePart = (v: string) => v.replace(/%/g, '%25').replace(/\|/g, '%7C');
const unescapePart = (v: string): string | null =>
  /%(?!25|7C)/.test(v) ? null : v.replace(/%7C/g, '|').replace(/%25/g, '%');

/** A keyset cursor made of these parts, in the order the list sorts by them (the row's id last). */
export function keysetCursor<const P extends readonly CursorPart<unknown, never>[]>(
  ...parts: P
): KeysetCursor<Reads<P>, Writes<P>> {
  const schema = z
    .string({ error: 'invalid_cursor' })
    .transform((token, ctx) => {
      const refuse = () => {
        ctx.issues.push({ code: 'custom', message: 'invalid_cursor', input: token });
        return z.NEVER;
      };
      const text = token.length <= MAX_TOKEN ? fromBase64Url(token) : null;
      const raw = text?.split('|');
      if (!raw || raw.length !== parts.length) return refuse();
      const values: unknown[] = [];
      for (const [i, part] of parts.entries()) {
        const value = unescapePart(raw[i]!);
        const read = value === null ? null : part.read.safeParse(value);
        if (!read?.success) return refuse();
        values.push(read.data);
      }
      return values as Reads<P>;
    })
    .meta(CURSOR_META);
  return {
    schema,
    encode(...values) {
      const written = parts.map((part, i) => (part.write as (v: unknown) => string)(values[i]));
      // A value its own schema would refuse is a bug here, not a cursor to hand out.
      parts.forEach((part, i) => {
        if (!part.read.safeParse(written[i]).success) throw new Error(`Unencodable cursor part ${i}`);
      });
      return toBase64Url(written.map(escapePart).join('|'));
    },
  };
}
