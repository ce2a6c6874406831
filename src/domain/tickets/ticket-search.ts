import { parseTrackingId } from './tracking-number';

/** What a search box holds: a ticket number, words to find, or nothing (the initial run). */
export type TicketQuery =
  { kind: 'recent' } | { kind: 'number'; number: number } | { kind: 'words'; words: string[] };

/** Longest query looked at (characters); Teams sends what the person typed so far. */
export const QUERY_MAX = 200;

/** Lower case without accents: "Impresión" matches "impresion". */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** `SUP-000123`, `sup-123`, `SUP123` or a bare `123` are numbers; anything else is words. */
export function parseTicketQuery(text: string | undefined, trackingPrefix: string): TicketQuery {
  const clean = (text ?? '').slice(0, QUERY_MAX).trim();
  if (clean === '') return { kind: 'recent' };
  if (/^#?\d{1,9}$/.test(clean)) {
    const n = Number(clean.replace('#', ''));
    if (n > 0) return { kind: 'number', number: n };
  }
  const tracked = parseTrackingId(trackingPrefix, clean);
  if (tracked !== undefined) return { kind: 'number', number: tracked };
  const words = fold(clean)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
    .slice(0, 10);
  return words.length > 0 ? { kind: 'words', words } : { kind: 'recent' };
}

/** Every word appears in the ticket's title or tracking number (prefixes count: "impre"). */
export function matchesWords(
  entry: { title: string; trackingId: string },
  words: string[],
): boolean {
  const hay = fold(`${entry.title} ${entry.trackingId}`);
  return words.every((w) => hay.includes(w));
}
