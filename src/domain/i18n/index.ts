import { DateTime } from 'luxon';
import { en, StringKey } from './en';
import { es } from './es';
import '../zone-offsets';
import { memoize } from '../memo';

export type Locale = 'es' | 'en';
export type { StringKey };

const TABLES: Record<Locale, Record<StringKey, string>> = { en, es };

/** Spanish for `es-*` client locales, English otherwise; a stored preference wins. */
export function resolveLocale(clientLocale: string | undefined, preference?: Locale): Locale {
  if (preference) return preference;
  return /^es(\b|[-_])/i.test(clientLocale ?? '') ? 'es' : 'en';
}

/**
 * A string split at its `{name}` placeholders: literal text at even places, names at odd ones.
 * Split once per string: a card reads dozens of strings, most of them without placeholders.
 */
const partsOf = memoize(2_000, (text: string) => text.split(/\{(\w+)\}/));

export function t(
  locale: Locale,
  key: StringKey,
  params: Record<string, string | number> = {},
): string {
  const text = TABLES[locale][key];
  if (!text.includes('{')) return text;
  const parts = partsOf(text);
  let out = parts[0];
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i];
    out += (name in params ? String(params[name]) : `{${name}}`) + parts[i + 1];
  }
  return out;
}

/** A date and time as a person reads it, in the given zone ("Fri 27 Nov, 10:15"). */
export function formatDateTime(locale: Locale, at: Date, timeZone: string): string {
  // Shown to the minute: every card names a few of the same minutes, formatted once each.
  return formattedMinute(`${locale}|${timeZone}|${Math.floor(at.getTime() / 60_000)}`);
}

const formattedMinute = memoize(10_000, (key: string) => {
  const [locale, timeZone, minute] = key.split('|');
  return DateTime.fromMillis(Number(minute) * 60_000, { zone: timeZone })
    .setLocale(locale === 'es' ? 'es-MX' : 'en-US')
    .toFormat(locale === 'es' ? "ccc d 'de' LLL, HH:mm" : 'ccc d LLL, h:mm a');
});

/** A duration in minutes as a person reads it: "10 min", "8 h", "1 h 30 min". */
export function formatMinutes(locale: Locale, minutes: number): string {
  const total = Math.round(minutes);
  const hours = Math.floor(total / 60);
  const rest = total % 60;
  if (hours === 0) return t(locale, 'duration.minutes', { minutes: rest });
  if (rest === 0) return t(locale, 'duration.hours', { hours });
  return t(locale, 'duration.hoursMinutes', { hours, minutes: rest });
}
