import { DateTime } from 'luxon';

/** Days a range may span at most, both ends included. */
export const EXPORT_MAX_DAYS = 366;
/** Days exported when no date is given: the last 30, today included. */
export const EXPORT_DEFAULT_DAYS = 30;

/** A range of local days (`YYYY-MM-DD`, both included) in the business time zone. */
export interface ExportRange {
  from: string;
  to: string;
}

export type RangeProblem = 'format' | 'order' | 'tooLong';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The day `text` names, or undefined when it is not a real `YYYY-MM-DD` date. */
export function parseDay(text: string): DateTime | undefined {
  if (!DAY.test(text)) return undefined;
  const d = DateTime.fromISO(text, { zone: 'UTC' });
  return d.isValid ? d : undefined;
}

/** Days from `from` to `to`, both included (1 for the same day). */
function daysSpanned(from: DateTime, to: DateTime): number {
  return Math.round(to.diff(from, 'days').days) + 1;
}

/** Checks a range: real dates, `to` not before `from`, at most EXPORT_MAX_DAYS days. */
export function checkRange(
  from: string,
  to: string,
): { ok: true; range: ExportRange } | { ok: false; problem: RangeProblem } {
  const a = parseDay(from);
  const b = parseDay(to);
  if (!a || !b) return { ok: false, problem: 'format' };
  if (b < a) return { ok: false, problem: 'order' };
  if (daysSpanned(a, b) > EXPORT_MAX_DAYS) return { ok: false, problem: 'tooLong' };
  return { ok: true, range: { from, to } };
}

/**
 * The range of `export [from] [to]`: no date, the last EXPORT_DEFAULT_DAYS days up to today;
 * one date, from it up to today; two, exactly those. `now` is read in the business time zone.
 */
export function parseExportArgs(
  args: string,
  now: Date,
  timeZone: string,
): { ok: true; range: ExportRange } | { ok: false; problem: RangeProblem } {
  const words = args.trim().split(/\s+/).filter(Boolean);
  const today = DateTime.fromJSDate(now, { zone: timeZone }).toISODate()!;
  if (words.length === 0) {
    const from = DateTime.fromISO(today, { zone: 'UTC' })
      .minus({ days: EXPORT_DEFAULT_DAYS - 1 })
      .toISODate()!;
    return { ok: true, range: { from, to: today } };
  }
  if (words.length > 2) return { ok: false, problem: 'format' };
  return checkRange(words[0], words[1] ?? today);
}

/** The instants a range covers in `timeZone`: from the start of `from` to the end of `to`. */
export function rangeInstants(range: ExportRange, timeZone: string): { start: Date; end: Date } {
  const start = DateTime.fromISO(range.from, { zone: timeZone }).startOf('day');
  const end = DateTime.fromISO(range.to, { zone: timeZone }).startOf('day').plus({ days: 1 });
  return { start: start.toJSDate(), end: end.toJSDate() };
}
