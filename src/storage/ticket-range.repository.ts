import { odata } from '@azure/data-tables';
import { Ticket, TicketEvent } from '../domain/tickets/ticket';
import { keyPart } from './keys';
import { Tables, statusOf } from './tables';
import { bucketSize } from './ticket-layout';
import { bucketPartition, guard, rowToEvent, rowToTicket, ticketRowKey } from './ticket.repository';

const TICKET_ROW = /^t\d{9}$/;
const EVENT_ROW = /^t(\d{9})\|e\|\d{6}$/;

/**
 * Reads the tickets created in a time range, and their events, for the CSV export. Tickets are
 * numbered in creation order and kept `bucketSize()` to a partition (100, or 250 in older
 * tables), so the range is a run of partitions: found by walking from the newest partition back
 * until one starts before the range, then read one partition at a time (the caller streams each
 * before asking for the next).
 */
export class TicketRangeRepository {
  constructor(private readonly tables: Tables) {}

  /**
   * The partitions (buckets) that may hold tickets created in [start, end), oldest first. One
   * point read per partition walked: its first ticket's creation time. A partition whose first
   * ticket is from `end` on is skipped; the walk stops at the first that starts before `start`.
   */
  async bucketsBetween(tenantId: string, start: Date, end: Date): Promise<number[]> {
    return guard(async () => {
      let newest = await this.headBucket(tenantId);
      // The head row may lag behind (its write is best effort): look one partition further.
      while ((await this.firstCreatedAt(tenantId, newest + 1)) !== undefined) newest += 1;
      const out: number[] = [];
      for (let b = newest; b >= 0; b--) {
        const first = await this.firstCreatedAt(tenantId, b);
        if (first === undefined) continue; // an empty partition (nothing created there yet)
        if (first < end) out.push(b);
        if (first < start) break;
      }
      return out.reverse();
    });
  }

  /** The tickets of partition `bucket` created in [start, end), in number order. */
  async ticketsIn(tenantId: string, bucket: number, start: Date, end: Date): Promise<Ticket[]> {
    return guard(async () => {
      const pk = bucketPartition(tenantId, bucket);
      const rows = this.tables.tickets.listEntities<Record<string, unknown>>({
        queryOptions: {
          filter: odata`PartitionKey eq ${pk} and RowKey ge 't' and RowKey lt 'u' and createdAt ge ${start} and createdAt lt ${end}`,
        },
      });
      const out: Ticket[] = [];
      for await (const r of rows) if (TICKET_ROW.test(r.rowKey ?? '')) out.push(rowToTicket(r));
      return out.sort((a, b) => a.number - b.number);
    });
  }

  /**
   * The events in [start, end) of the given tickets of partition `bucket`, by ticket number then
   * sequence: one range query over those tickets' rows.
   */
  async eventsIn(
    tenantId: string,
    bucket: number,
    numbers: number[],
    start: Date,
    end: Date,
  ): Promise<Array<{ number: number; event: TicketEvent }>> {
    if (numbers.length === 0) return [];
    return guard(async () => {
      const pk = bucketPartition(tenantId, bucket);
      const low = ticketRowKey(Math.min(...numbers));
      const high = `${ticketRowKey(Math.max(...numbers))}|~`;
      const wanted = new Set(numbers);
      const rows = this.tables.tickets.listEntities<Record<string, unknown>>({
        queryOptions: {
          filter: odata`PartitionKey eq ${pk} and RowKey ge ${low} and RowKey lt ${high} and at ge ${start} and at lt ${end}`,
        },
      });
      const out: Array<{ number: number; event: TicketEvent }> = [];
      for await (const r of rows) {
        const m = EVENT_ROW.exec(r.rowKey ?? '');
        if (m && wanted.has(Number(m[1]))) out.push({ number: Number(m[1]), event: rowToEvent(r) });
      }
      return out.sort((a, b) => a.number - b.number || a.event.seq - b.event.seq);
    });
  }

  private async headBucket(tenantId: string): Promise<number> {
    try {
      const h = await this.tables.tenants.getEntity<{ bucket?: number }>(keyPart(tenantId), 'head');
      return Number(h.bucket ?? 0) || 0;
    } catch (e) {
      if (statusOf(e) === 404) return 0;
      throw e;
    }
  }

  /** Creation time of the first ticket of partition `bucket`; undefined when there is none. */
  private async firstCreatedAt(tenantId: string, bucket: number): Promise<Date | undefined> {
    const number = Math.max(1, bucket * bucketSize());
    try {
      const row = await this.tables.tickets.getEntity<{ createdAt?: unknown }>(
        bucketPartition(tenantId, bucket),
        ticketRowKey(number),
        { queryOptions: { select: ['createdAt'] } },
      );
      const at = row.createdAt instanceof Date ? row.createdAt : new Date(String(row.createdAt));
      return Number.isNaN(at.getTime()) ? undefined : at;
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw e;
    }
  }
}
