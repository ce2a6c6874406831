import { DateTime } from 'luxon';

/** A report's period: local dates (YYYY-MM-DD) in the business calendar's zone, oldest first. */
export interface Period {
  from: string;
  to: string;
  days: string[];
  /** the instant the period starts (local midnight of `from`) */
  start: Date;
}

function period(first: DateTime, count: number): Period {
  const days = Array.from({ length: count }, (_, i) => first.plus({ days: i }).toISODate() ?? '');
  return { from: days[0], to: days[days.length - 1], days, start: first.toJSDate() };
}

/** The last `n` local days up to and including today. */
export function lastDays(now: Date, n: number, timeZone: string): Period {
  const today = DateTime.fromJSDate(now, { zone: timeZone }).startOf('day');
  return period(today.minus({ days: n - 1 }), n);
}

/** Last week, Monday to Sunday, before the week that holds `now`. */
export function previousWeek(now: Date, timeZone: string): Period {
  const monday = DateTime.fromJSDate(now, { zone: timeZone }).startOf('week');
  return period(monday.minus({ weeks: 1 }), 7);
}

/** The weekly digest goes out on Mondays at this local time (issue #7 item 5). */
export const DIGEST_HOUR = 9;

/** The latest Monday 09:00 (local) at or before `now`: when this week's digest was due. */
export function lastDigestDue(now: Date, timeZone: string): Date {
  const local = DateTime.fromJSDate(now, { zone: timeZone });
  const thisWeek = local.startOf('week').set({ hour: DIGEST_HOUR });
  return (thisWeek > local ? thisWeek.minus({ weeks: 1 }) : thisWeek).toJSDate();
}
