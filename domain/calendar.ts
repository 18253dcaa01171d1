// Calendar arithmetic in Asia/Seoul (UTC+9, no daylight saving since 1988), with no I/O.

const SEOUL_OFFSET_MS = 9 * 3600_000;
const DAY_MS = 24 * 3600_000;

/** The Asia/Seoul calendar date of an instant, as YYYY-MM-DD. */
export function seoulDate(instant: Date | number): string {
  return new Date(new Date(instant).getTime() + SEOUL_OFFSET_MS).toISOString().slice(0, 10);
}

/**
 * The instant `weeks` weeks after `from`, on the same Seoul wall-clock time: the calendar date moves by 7·weeks
 * days (so month ends and leap days fall where the calendar puts them), the time of day stays.
 */
export function addWeeksSeoul(from: Date | number, weeks: number): Date {
  const local = new Date(new Date(from).getTime() + SEOUL_OFFSET_MS);
  const moved = Date.UTC(
    local.getUTCFullYear(),
    local.getUTCMonth(),
    local.getUTCDate() + weeks * 7,
    local.getUTCHours(),
    local.getUTCMinutes(),
    local.getUTCSeconds(),
    local.getUTCMilliseconds(),
  );
  return new Date(moved - SEOUL_OFFSET_MS);
}

/**
 * The next charge after `from` for a cycle of `weeks` weeks. With a configured week of exactly seven days this is
 * calendar arithmetic in Seoul; a shorter test or demo "week" is plain milliseconds.
 */
export function nextCycle(from: Date | number, weeks: number, weekMs: number): Date {
  return weekMs === 7 * DAY_MS
    ? addWeeksSeoul(from, weeks)
    : new Date(new Date(from).getTime() + weeks * weekMs);
}

/** Seoul midnight of a YYYY-MM-DD date, as an instant. */
export function seoulMidnight(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00+09:00`));
}
