import { odata } from '@azure/data-tables';
import { z } from 'zod';
import { PRIORITIES, Priority } from '../domain/tickets/priority-matrix';
import {
  DayStats,
  EventStats,
  addToDay,
  addToOpen,
  emptyDay,
  emptyOpen,
} from '../domain/reports/stats';
import { countOnce } from './count-once';
import { BIN_EDGES, emptyDistribution } from '../domain/reports/distribution';
import { keyPart, pad } from './keys';
import { Tables, statusOf } from './tables';
import { guard } from './ticket.repository';

/**
 * The tenant's report totals (issue #7 item 3), in the `stats` table:
 * - `{tenant}|d|{YYYY-MM-DD}` / `day`: one day's totals (local date of the business calendar);
 * - `{tenant}|open` / `open`: the open tickets by priority, now;
 * - in each of those partitions, `m|{number:9}|{seq:6}`: one marker per counted event.
 * A report reads one row per day of its period and the open row (point reads), so its cost does
 * not grow with the number of tickets.
 */
export const dayPartition = (tenantId: string, day: string) => `${keyPart(tenantId)}|d|${day}`;
export const openPartition = (tenantId: string) => `${keyPart(tenantId)}|open`;
export const statsMarker = (number: number, seq: number) => `m|${pad(number, 9)}|${pad(seq, 6)}`;

const count = z.number().int().min(0).catch(0);
const perPriority = z
  .object({ alta: count, media: count, baja: count })
  .catch({ alta: 0, media: 0, baja: 0 });
const minutes = z
  .object({
    values: z.array(z.number().finite().min(0)),
    bins: z.array(z.number().int().min(0)).length(BIN_EDGES.length),
  })
  .catch(emptyDistribution);

const CountsSchema = z.object({
  opened: perPriority,
  closed: perPriority,
  cancelled: count,
  reopened: count,
  escalated: count,
  selfService: count,
  breaches: count,
  firstResponses: count,
  firstResponseMet: count,
  resolutions: count,
  resolutionMet: count,
  ratings: z.tuple([count, count, count, count, count]).catch([0, 0, 0, 0, 0]),
});
const LowSchema = z
  .array(
    z.object({
      trackingId: z.string(),
      title: z.string(),
      rating: z.number().int().min(1).max(5),
      comment: z.string(),
    }),
  )
  .catch([]);
const PlaybooksSchema = z.record(z.string(), count).catch({});
const AgentsSchema = z
  .record(
    z.string(),
    z.object({
      name: z.string(),
      handled: count,
      resolutionMinutes: minutes,
      resolutionMet: count,
      firstResponses: count,
      firstResponseMet: count,
      ratingSum: count,
      ratings: count,
    }),
  )
  .catch({});

function json(v: unknown): unknown {
  if (typeof v !== 'string' || !v) return undefined;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
}

/** A day row → totals; a damaged column reads as empty rather than failing the report. */
export function rowToDay(day: string, r: Record<string, unknown> | undefined): DayStats {
  if (!r) return emptyDay(day);
  const counts = CountsSchema.safeParse(json(r.counts));
  return {
    ...emptyDay(day),
    ...(counts.success ? counts.data : {}),
    firstResponseMinutes: minutes.parse(json(r.frMinutes)),
    resolutionMinutes: minutes.parse(json(r.resMinutes)),
    lowRatings: LowSchema.parse(json(r.low)),
    playbooks: PlaybooksSchema.parse(json(r.playbooks)),
    agents: AgentsSchema.parse(json(r.agents)),
    day,
  };
}

/** Totals → the day row's columns (allow-list; each JSON column stays far under 32K characters). */
export function dayToRow(d: DayStats): Record<string, unknown> {
  return {
    day: d.day,
    counts: JSON.stringify({
      opened: d.opened,
      closed: d.closed,
      cancelled: d.cancelled,
      reopened: d.reopened,
      escalated: d.escalated,
      selfService: d.selfService,
      breaches: d.breaches,
      firstResponses: d.firstResponses,
      firstResponseMet: d.firstResponseMet,
      resolutions: d.resolutions,
      resolutionMet: d.resolutionMet,
      ratings: d.ratings,
    }),
    frMinutes: JSON.stringify(d.firstResponseMinutes),
    resMinutes: JSON.stringify(d.resolutionMinutes),
    low: JSON.stringify(d.lowRatings),
    playbooks: JSON.stringify(d.playbooks),
    agents: JSON.stringify(d.agents),
  };
}

/** The stored sums, as they are (they may be below 0 for a moment: see `addToOpen`). */
function rowToOpen(r: Record<string, unknown> | undefined): Record<Priority, number> {
  const open = emptyOpen();
  for (const p of PRIORITIES) open[p] = Math.trunc(Number(r?.[p] ?? 0) || 0);
  return open;
}

export class StatsRepository {
  constructor(private readonly tables: Tables) {}

  /**
   * Adds one event's contribution to its day (and to the open count) exactly once, however often
   * its `stats.tally` job runs.
   */
  async tally(
    tenantId: string,
    number: number,
    seq: number,
    day: string,
    stats: EventStats,
  ): Promise<void> {
    await guard(async () => {
      const work: Promise<unknown>[] = [
        countOnce(
          this.tables.stats,
          {
            partitionKey: dayPartition(tenantId, day),
            rowKey: 'day',
            marker: statsMarker(number, seq),
          },
          (row) => rowToDay(day, row),
          (current) => dayToRow(addToDay(current, stats)),
        ),
      ];
      if (stats.open) {
        const delta = stats.open;
        work.push(
          countOnce(
            this.tables.stats,
            {
              partitionKey: openPartition(tenantId),
              rowKey: 'open',
              marker: statsMarker(number, seq),
            },
            rowToOpen,
            (current) => addToOpen(current, delta),
          ),
        );
      }
      await Promise.all(work);
    });
  }

  /** The totals of the given days (a day without a row is empty): one point read per day. */
  async days(tenantId: string, days: string[]): Promise<DayStats[]> {
    return guard(() =>
      Promise.all(
        days.map(async (day) => {
          try {
            const row = await this.tables.stats.getEntity<Record<string, unknown>>(
              dayPartition(tenantId, day),
              'day',
            );
            return rowToDay(day, row);
          } catch (e) {
            if (statusOf(e) === 404) return emptyDay(day);
            throw e;
          }
        }),
      ),
    );
  }

  /** The last day whose markers were removed (`compact`), if any. */
  async compactedThrough(tenantId: string): Promise<string | undefined> {
    return guard(async () => {
      try {
        const row = await this.tables.stats.getEntity<{ day?: string }>(
          openPartition(tenantId),
          'compacted',
        );
        return typeof row.day === 'string' ? row.day : undefined;
      } catch (e) {
        if (statusOf(e) === 404) return undefined;
        throw e;
      }
    });
  }

  /**
   * Removes a finished day's markers (its totals stay): they only guard against a tally job
   * running twice, which happens within minutes of the event, and they would otherwise make the
   * day's partition grow with its events. Returns how many were removed.
   */
  async compact(tenantId: string, day: string): Promise<number> {
    const removed = await this.removeMarkers(dayPartition(tenantId, day));
    await guard(() =>
      this.tables.stats.upsertEntity(
        { partitionKey: openPartition(tenantId), rowKey: 'compacted', day },
        'Merge',
      ),
    );
    return removed;
  }

  /** Removes the open counts' markers counted before `before` (same reason as `compact`). */
  async trimOpenMarkers(tenantId: string, before: Date): Promise<number> {
    return this.removeMarkers(openPartition(tenantId), before);
  }

  private async removeMarkers(pk: string, before?: Date): Promise<number> {
    return guard(async () => {
      const keys: string[] = [];
      const filter = before
        ? odata`PartitionKey eq ${pk} and RowKey ge 'm|' and RowKey lt 'm}' and at lt ${before}`
        : odata`PartitionKey eq ${pk} and RowKey ge 'm|' and RowKey lt 'm}'`;
      for await (const r of this.tables.stats.listEntities<Record<string, unknown>>({
        queryOptions: { filter, select: ['RowKey'] },
      })) {
        keys.push(String(r.rowKey));
      }
      for (let i = 0; i < keys.length; i += 100) {
        await this.tables.stats
          .submitTransaction(
            keys.slice(i, i + 100).map((rowKey) => ['delete', { partitionKey: pk, rowKey }]),
          )
          .catch(async (e) => {
            // another instance removed some meanwhile: one by one, ignoring the missing ones
            if (statusOf(e) !== 404) throw e;
            for (const rowKey of keys.slice(i, i + 100)) {
              await this.tables.stats.deleteEntity(pk, rowKey).catch((err) => {
                if (statusOf(err) !== 404) throw err;
              });
            }
          });
      }
      return keys.length;
    });
  }

  /** The open tickets by priority, now (never below 0). */
  async open(tenantId: string): Promise<Record<Priority, number>> {
    const sums = await this.openSums(tenantId);
    return {
      alta: Math.max(0, sums.alta),
      media: Math.max(0, sums.media),
      baja: Math.max(0, sums.baja),
    };
  }

  private async openSums(tenantId: string): Promise<Record<Priority, number>> {
    return guard(async () => {
      try {
        return rowToOpen(
          await this.tables.stats.getEntity<Record<string, unknown>>(
            openPartition(tenantId),
            'open',
          ),
        );
      } catch (e) {
        if (statusOf(e) === 404) return emptyOpen();
        throw e;
      }
    });
  }
}
