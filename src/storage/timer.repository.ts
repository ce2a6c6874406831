import { TableEntityResult, TransactionAction, odata } from '@azure/data-tables';
import { DateTime } from 'luxon';
import { keyPart, pad } from './keys';
import { Tables, statusOf } from './tables';

/**
 * Durable SLA timers, indexed by due time: one small "wake" row per (ticket, instant) in the
 * `timers` table, partitioned by the UTC hour it falls due. A sweep reads only the rows that are
 * due (a key-range query), so its cost does not grow with the number of open tickets. A wake row
 * is only a reminder to look at a ticket: the ticket row decides what is due, and records it
 * with its etag, so a stale, early or duplicated wake-up sends nothing twice.
 */
export interface Wake {
  tenantId: string;
  number: number;
  at: Date;
  partitionKey: string;
  rowKey: string;
  etag: string;
}

const PREFIX = 'w|';
const hourOf = (at: Date) => DateTime.fromJSDate(at, { zone: 'utc' }).toFormat('yyyyMMddHH');
/** Row keys sort by due time: milliseconds since 1970, zero-padded. */
const instant = (at: Date) => pad(Math.max(0, at.getTime()), 13);

export function wakeKeys(tenantId: string, number: number, at: Date) {
  return {
    partitionKey: `${PREFIX}${hourOf(at)}`,
    rowKey: `${instant(at)}|${keyPart(tenantId)}|${pad(number, 9)}`,
  };
}

export class TimerRepository {
  constructor(private readonly tables: Tables) {}

  /** Sets a wake-up for the ticket at `at` (idempotent: the same instant is one row). */
  async arm(tenantId: string, number: number, at: Date): Promise<void> {
    await this.tables.timers.upsertEntity(
      { ...wakeKeys(tenantId, number, at), tenantId, number, at },
      'Replace',
    );
  }

  /** Wake rows due at `now`, oldest first, at most `limit`. */
  async due(now: Date, limit: number): Promise<Wake[]> {
    const last = `${PREFIX}${hourOf(now)}`;
    const upTo = `${instant(now)}|~`;
    const out: Wake[] = [];
    const pages = this.tables.timers
      .listEntities<Record<string, unknown>>({
        queryOptions: {
          filter: odata`PartitionKey ge ${PREFIX} and PartitionKey le ${last} and RowKey le ${upTo}`,
        },
      })
      .byPage({ maxPageSize: Math.min(1000, limit) });
    for await (const page of pages) {
      for (const r of page as TableEntityResult<Record<string, unknown>>[]) {
        out.push({
          tenantId: String(r.tenantId ?? ''),
          number: Number(r.number),
          at: r.at instanceof Date ? r.at : new Date(String(r.at)),
          partitionKey: r.partitionKey ?? '',
          rowKey: r.rowKey ?? '',
          etag: r.etag,
        });
        if (out.length >= limit) return out;
      }
    }
    return out;
  }

  /** Every ticket that has a wake row (any time): used once after a policy change. */
  async ticketsWithWakes(): Promise<{ tenantId: string; number: number }[]> {
    const seen = new Map<string, { tenantId: string; number: number }>();
    for await (const r of this.tables.timers.listEntities<Record<string, unknown>>({
      queryOptions: {
        filter: odata`PartitionKey ge ${PREFIX} and PartitionKey lt ${'w}'}`,
        select: ['tenantId', 'number'],
      },
    })) {
      const item = { tenantId: String(r.tenantId ?? ''), number: Number(r.number) };
      seen.set(`${item.tenantId}|${item.number}`, item);
    }
    return [...seen.values()];
  }

  /** Sets wake-ups for many tickets at one instant: one transaction per partition and 100 rows. */
  async armAll(items: { tenantId: string; number: number }[], at: Date): Promise<void> {
    const byPartition = new Map<string, TransactionAction[]>();
    for (const x of items) {
      const keys = wakeKeys(x.tenantId, x.number, at);
      const list = byPartition.get(keys.partitionKey) ?? [];
      list.push(['upsert', { ...keys, tenantId: x.tenantId, number: x.number, at }, 'Replace']);
      byPartition.set(keys.partitionKey, list);
    }
    for (const actions of byPartition.values()) {
      for (let i = 0; i < actions.length; i += 100) {
        await this.tables.timers.submitTransaction(actions.slice(i, i + 100));
      }
    }
  }

  /**
   * Records the policy fingerprint in use; true when it changed since the last start (and this
   * instance won the etag race to say so: with several instances, one re-arms the timers).
   */
  async policyChanged(fingerprint: string): Promise<boolean> {
    const pk = 'policy';
    const rk = 'current';
    try {
      const row = await this.tables.timers.getEntity<{ fingerprint?: string }>(pk, rk);
      if (row.fingerprint === fingerprint) return false;
      await this.tables.timers.updateEntity(
        { partitionKey: pk, rowKey: rk, fingerprint },
        'Replace',
        { etag: row.etag },
      );
      return true;
    } catch (e) {
      const status = statusOf(e);
      if (status === 412 || status === 409) return false; // another instance is on it
      if (status !== 404) throw e;
      await this.tables.timers
        .createEntity({ partitionKey: pk, rowKey: rk, fingerprint })
        .catch((err) => {
          if (statusOf(err) !== 409) throw err;
        });
      return false; // first start: every ticket already uses this policy
    }
  }

  /** Removes a handled wake row, unless it was set again since it was read. */
  async remove(wake: Wake): Promise<void> {
    await this.tables.timers
      .deleteEntity(wake.partitionKey, wake.rowKey, { etag: wake.etag })
      .catch((e) => {
        if (statusOf(e) !== 404 && statusOf(e) !== 412) throw e;
      });
  }
}
