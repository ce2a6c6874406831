import { DateTime } from 'luxon';
import { z } from 'zod';
import '../zone-offsets';
import { memoize } from '../memo';

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:mm');

export const BusinessCalendarSchema = z
  .object({
    /** IANA time zone, e.g. America/Mexico_City. */
    timeZone: z.string().refine((zone) => DateTime.local().setZone(zone).isValid, 'unknown zone'),
    /** ISO weekdays: 1 = Monday … 7 = Sunday. */
    workingDays: z.array(z.number().int().min(1).max(7)).min(1),
    start: HHMM,
    end: HHMM,
    /** Local dates (YYYY-MM-DD) that count zero business minutes. */
    holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)),
  })
  .refine((c) => c.start < c.end, 'start must be before end');
export type BusinessCalendar = z.infer<typeof BusinessCalendarSchema>;

function atTime(day: DateTime, hhmm: string): DateTime {
  const [hour, minute] = hhmm.split(':').map(Number);
  return day.set({ hour, minute, second: 0, millisecond: 0 });
}

function isWorkingDay(day: DateTime, cal: BusinessCalendar): boolean {
  return cal.workingDays.includes(day.weekday) && !cal.holidays.includes(day.toISODate() ?? '');
}

/**
 * The working hours of one local day, as instants (ms); `working` false for a day off; `next`:
 * the instant the next local day begins.
 */
interface DayWindow {
  working: boolean;
  open: number;
  close: number;
  next: number;
}

/**
 * Working hours of the local day that holds `ms`, memoised per 15 minutes of UTC: every zone's
 * offset is a multiple of 15 minutes, so such a span never crosses a local midnight.
 */
function dayWindow(ms: number, cal: BusinessCalendar): DayWindow {
  let ofSpan = windows.get(cal);
  if (!ofSpan) {
    ofSpan = memoize(10_000, (span: number) => {
      const day = DateTime.fromMillis(span * QUARTER_MS, { zone: cal.timeZone }).startOf('day');
      return {
        working: isWorkingDay(day, cal),
        open: atTime(day, cal.start).toMillis(),
        close: atTime(day, cal.end).toMillis(),
        next: day.plus({ days: 1 }).toMillis(),
      };
    });
    windows.set(cal, ofSpan);
  }
  return ofSpan(Math.floor(ms / QUARTER_MS));
}

const QUARTER_MS = 15 * 60_000;
const windows = new WeakMap<BusinessCalendar, (span: number) => DayWindow>();

/**
 * The instant `minutes` business minutes after `start`: only working hours of working days count;
 * weekends and holidays count zero. Local times come from the calendar's zone (DST-aware).
 */
export function addBusinessMinutes(start: Date, minutes: number, cal: BusinessCalendar): Date {
  let t = start.getTime();
  let remaining = minutes * 60_000;
  // Bounded: a year of calendar days is far beyond any policy target.
  for (let i = 0; i < 800; i++) {
    const day = dayWindow(t, cal);
    if (day.working) {
      const from = Math.max(t, day.open);
      if (from < day.close) {
        const available = day.close - from;
        if (remaining <= available) return new Date(from + remaining);
        remaining -= available;
      }
    }
    t = day.next;
  }
  throw new Error('business calendar has no working time within 800 days');
}

/**
 * Business minutes between two instants (0 when `to` is not after `from`): the working time of
 * the calendar that lies in [from, to). The inverse of `addBusinessMinutes`.
 */
export function businessMinutesBetween(from: Date, to: Date, cal: BusinessCalendar): number {
  const end = to.getTime();
  let t = from.getTime();
  let total = 0;
  // Each pass moves to the next local day: bounded by the days between the two instants.
  while (t < end) {
    const day = dayWindow(t, cal);
    if (day.working) {
      const open = Math.max(day.open, t);
      const close = Math.min(day.close, end);
      if (close > open) total += (close - open) / 60_000;
    }
    t = day.next;
  }
  return total;
}

/** True when the local date of `at` is a working day (not a weekend day, not a holiday). */
export function isBusinessDay(at: Date, cal: BusinessCalendar): boolean {
  return isWorkingDay(DateTime.fromJSDate(at, { zone: cal.timeZone }).startOf('day'), cal);
}

/** The local date (YYYY-MM-DD) of an instant in the calendar's zone. */
export function localDate(at: Date, cal: BusinessCalendar): string {
  return DateTime.fromJSDate(at, { zone: cal.timeZone }).toISODate() ?? '';
}

/**
 * The working day `n` working days after the local date of `from` (n ≥ 1), as YYYY-MM-DD. Used
 * for "parts within 1–5 business days": the first allowed date is the next working day.
 */
export function addBusinessDays(from: Date, n: number, cal: BusinessCalendar): string {
  // Day by day through the memoised working hours of each local day (`dayWindow`): a card that
  // shows these dates is drawn on every click.
  let t = from.getTime();
  let left = n;
  for (let i = 0; i < 800 && left > 0; i++) {
    t = dayWindow(t, cal).next;
    if (dayWindow(t, cal).working) left -= 1;
  }
  if (left > 0) throw new Error('business calendar has no working time within 800 days');
  return localDate(new Date(t), cal);
}

/** Working days after the local date of `from` up to and including `date` (YYYY-MM-DD). */
export function businessDaysUntil(from: Date, date: string, cal: BusinessCalendar): number {
  let day = DateTime.fromJSDate(from, { zone: cal.timeZone }).startOf('day');
  const target = DateTime.fromISO(date, { zone: cal.timeZone }).startOf('day');
  if (!target.isValid) return Number.NaN;
  let count = 0;
  for (let i = 0; i < 800 && day < target; i++) {
    day = day.plus({ days: 1 });
    if (isWorkingDay(day, cal)) count += 1;
  }
  return count;
}

/** The instant a local date's working day opens or closes (`start` / `end` of the calendar). */
export function businessDayEdge(date: string, edge: 'start' | 'end', cal: BusinessCalendar): Date {
  const day = DateTime.fromISO(date, { zone: cal.timeZone }).startOf('day');
  return atTime(day, edge === 'start' ? cal.start : cal.end).toJSDate();
}

/** The opening time of the first working day after the local date of `from`. */
export function nextBusinessMorning(from: Date, cal: BusinessCalendar): Date {
  return businessDayEdge(addBusinessDays(from, 1, cal), 'start', cal);
}

/** Working minutes in one working day of the calendar (09:00–18:00: 540). */
export function businessDayMinutes(cal: BusinessCalendar): number {
  const minutes = (hhmm: string) => {
    const [h, m] = hhmm.split(':').map(Number);
    return h * 60 + m;
  };
  return minutes(cal.end) - minutes(cal.start);
}

/** A local date (YYYY-MM-DD) as a person reads it ("Wed 2 Dec" / "mié 2 de dic"). */
export function formatLocalDate(locale: 'es' | 'en', date: string, timeZone: string): string {
  return DateTime.fromISO(date, { zone: timeZone })
    .setLocale(locale === 'es' ? 'es-MX' : 'en-US')
    .toFormat(locale === 'es' ? "ccc d 'de' LLL" : 'ccc d LLL');
}
