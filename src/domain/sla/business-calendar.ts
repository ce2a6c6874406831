import { DateTime } from 'luxon';
import { z } from 'zod';

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
 * The instant `minutes` business minutes after `start`: only working hours of working days count;
 * weekends and holidays count zero. Local times come from the calendar's zone (DST-aware).
 */
export function addBusinessMinutes(start: Date, minutes: number, cal: BusinessCalendar): Date {
  let t: DateTime = DateTime.fromJSDate(start, { zone: cal.timeZone });
  let remaining = minutes;
  // Bounded: a year of calendar days is far beyond any policy target.
  for (let i = 0; i < 800; i++) {
    const day = t.startOf('day');
    if (isWorkingDay(day, cal)) {
      const open = atTime(day, cal.start);
      const close = atTime(day, cal.end);
      if (t < open) t = open;
      if (t < close) {
        const available = close.diff(t, 'minutes').minutes;
        if (remaining <= available) return t.plus({ minutes: remaining }).toJSDate();
        remaining -= available;
      }
    }
    t = day.plus({ days: 1 });
  }
  throw new Error('business calendar has no working time within 800 days');
}
