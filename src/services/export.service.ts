import { Clock } from '../domain/clock';
import {
  CSV_BOM,
  EVENT_COLUMNS,
  TICKET_COLUMNS,
  csvLine,
  eventRecord,
  ticketRecord,
} from '../domain/export/csv';
import {
  EXPORT_LINK_MINUTES,
  ExportLinkParams,
  LinkCheck,
  checkLink,
  linkQuery,
} from '../domain/export/export-link';
import { ExportRange, rangeInstants } from '../domain/export/export-range';
import { ExportKeyRepository } from '../storage/export-key.repository';
import { TicketRangeRepository } from '../storage/ticket-range.repository';

export type ExportFile = 'tickets' | 'events';

/** The paths the links point at (`src/edge/export.ts`). */
export const EXPORT_PATHS: Record<ExportFile, string> = {
  tickets: '/api/export/tickets.csv',
  events: '/api/export/events.csv',
};

export interface ExportLinks {
  tickets: string;
  events: string;
  expiresAt: Date;
}

export interface ExportDeps {
  keys: ExportKeyRepository;
  range: TicketRangeRepository;
  clock: Clock;
  /** the business time zone: the dates of a range are local days there */
  timeZone: string;
  /** where people reach the bot (`PUBLIC_URL`), without a trailing slash */
  publicUrl: () => string;
}

/**
 * CSV export through signed links (issue #7 item 6): an agent gets two links that work for 15
 * minutes; the bot checks them against the tenant's key and streams the files.
 */
export class ExportService {
  constructor(private readonly deps: ExportDeps) {}

  /** Signed links to both files of `range`, valid for EXPORT_LINK_MINUTES from now. */
  async links(tenantId: string, range: ExportRange): Promise<ExportLinks> {
    const key = await this.deps.keys.getOrCreate(tenantId);
    const expiresAt = new Date(this.deps.clock.now().getTime() + EXPORT_LINK_MINUTES * 60_000);
    const query = linkQuery(key, { tenant: tenantId, ...range, exp: expiresAt.getTime() });
    const base = this.deps.publicUrl();
    return {
      tickets: `${base}${EXPORT_PATHS.tickets}?${query}`,
      events: `${base}${EXPORT_PATHS.events}?${query}`,
      expiresAt,
    };
  }

  /** Checks a link's query on the server's clock (tests move it). */
  check(query: URLSearchParams): Promise<LinkCheck> {
    return checkLink(query, this.deps.clock.now(), (tenant) => this.deps.keys.find(tenant));
  }

  /**
   * Writes the file for a checked link: the BOM and header first, then one partition of tickets
   * at a time, oldest first, so memory holds one partition of tickets (100, or 250 in older
   * tables) whatever the range. `write` resolves when the receiver can take more. The partitions
   * are found before anything is written, so a storage failure then can still become a proper
   * error status.
   */
  async prepare(
    file: ExportFile,
    link: ExportLinkParams,
  ): Promise<(write: (chunk: string) => Promise<void>) => Promise<void>> {
    const { start, end } = rangeInstants(link, this.deps.timeZone);
    const tenant = link.tenant;
    const buckets = await this.deps.range.bucketsBetween(tenant, start, end);
    return async (write) => {
      await write(CSV_BOM + csvLine([...(file === 'tickets' ? TICKET_COLUMNS : EVENT_COLUMNS)]));
      for (const bucket of buckets) {
        const tickets = await this.deps.range.ticketsIn(tenant, bucket, start, end);
        if (tickets.length === 0) continue;
        if (file === 'tickets') {
          await write(tickets.map((t) => csvLine(ticketRecord(t))).join(''));
          continue;
        }
        const ids = new Map(tickets.map((t) => [t.number, t.trackingId]));
        const events = await this.deps.range.eventsIn(tenant, bucket, [...ids.keys()], start, end);
        if (events.length > 0) {
          await write(
            events.map((e) => csvLine(eventRecord(ids.get(e.number)!, e.event))).join(''),
          );
        }
      }
    };
  }
}
