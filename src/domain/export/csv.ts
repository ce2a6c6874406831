import { Ticket, TicketEvent } from '../tickets/ticket';

/**
 * CSV as RFC 4180 writes it, for Excel and for analysis tools: UTF-8 with a byte-order mark
 * (Excel reads the file as UTF-8 only with it), CRLF line ends, every cell that needs it quoted
 * with its quotes doubled. A cell that a spreadsheet would read as a formula (`=`, `+`, `-`, `@`,
 * tab, CR first) gets a leading `'`, so that a ticket title cannot run in the reader's Excel.
 */
export const CSV_BOM = '\uFEFF';
export const CSV_EOL = '\r\n';

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell: text as is, numbers and booleans as written, dates in ISO 8601 (UTC), empty for none. */
export type CsvValue = string | number | boolean | Date | undefined | null;

export function csvCell(value: CsvValue): string {
  let text: string;
  if (value === undefined || value === null) text = '';
  else if (value instanceof Date) text = value.toISOString();
  else text = String(value);
  // Only text is defused: a negative number stays a number.
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, ended by CRLF. */
export function csvLine(values: CsvValue[]): string {
  return values.map(csvCell).join(',') + CSV_EOL;
}

/**
 * Column names are stable identifiers, the same in both languages, so that an analysis script
 * reads every export alike; values are ids too (`alta`, `in_progress`, `network`).
 */
export const TICKET_COLUMNS = [
  'tracking_id',
  'title',
  'category',
  'impact',
  'severity',
  'priority',
  'status',
  'intake_channel',
  'requester',
  'owner',
  'tier',
  'created_at',
  'first_response_at',
  'resolved_at',
  'closed_at',
  'first_response_sla_met',
  'resolution_sla_met',
  'reopen_count',
] as const;

export const EVENT_COLUMNS = [
  'tracking_id',
  'seq',
  'type',
  'at',
  'actor',
  'channel',
  'data',
] as const;

/**
 * Whether the first-response target was met: known once someone answered (the clock stopped),
 * or `false` as soon as it was breached; undefined (empty cell) while it still runs.
 */
export function firstResponseMet(t: Ticket): boolean | undefined {
  const fr = t.sla.firstResponse;
  if (t.firstResponseAt) {
    return fr.actualMinutes !== undefined ? fr.actualMinutes <= fr.targetMinutes : !fr.breachedAt;
  }
  return fr.breachedAt ? false : undefined;
}

/** Whether the resolution target was met (pauses excluded), as `firstResponseMet` does. */
export function resolutionMet(t: Ticket): boolean | undefined {
  const res = t.sla.resolution;
  if ((t.resolvedAt || t.closedAt) && res.actualMinutes !== undefined) {
    return res.actualMinutes <= res.targetMinutes;
  }
  return res.breachedAt ? false : undefined;
}

export function ticketRecord(t: Ticket): CsvValue[] {
  return [
    t.trackingId,
    t.title,
    t.category,
    t.impact,
    t.severity,
    t.priority,
    t.status,
    t.intakeChannel,
    t.requester.name,
    t.owner?.name,
    t.tier,
    t.createdAt,
    t.firstResponseAt,
    t.resolvedAt,
    t.closedAt,
    firstResponseMet(t),
    resolutionMet(t),
    t.reopenCount ?? 0,
  ];
}

/** An event of the ticket `trackingId`; its data as compact JSON. */
export function eventRecord(trackingId: string, e: TicketEvent): CsvValue[] {
  return [trackingId, e.seq, e.type, e.at, e.actor.name, e.channel, JSON.stringify(e.data)];
}
