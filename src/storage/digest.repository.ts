import { odata } from '@azure/data-tables';
import { keyPart } from './keys';
import { Tables, statusOf } from './tables';
import { guard } from './ticket.repository';

/**
 * The weekly digest's bookkeeping, in the `timers` table, partition `digest`:
 * - `t|{tenant}`: the tenant gets digests for the weeks due after `since` (its setup);
 * - `w|{tenant}|{YYYY-MM-DD}`: the digest of the week starting that Monday: created by the one
 *   instance that sends it (a create fails with 409 for every other one), then marked `sent`.
 * A claim older than `STALE_MS` that never became `sent` (its instance died) is taken over with
 * its etag, so a digest is neither lost nor sent twice by racing instances.
 */
const PK = 'digest';
export const STALE_MS = 2 * 60_000;

export interface DigestTenant {
  tenantId: string;
  since: Date;
}

export class DigestRepository {
  constructor(private readonly tables: Tables) {}

  /** Starts the tenant's digests from `since` (kept when it already gets them). */
  async enroll(tenantId: string, since: Date): Promise<void> {
    await guard(() =>
      this.tables.timers
        .createEntity({ partitionKey: PK, rowKey: `t|${keyPart(tenantId)}`, tenantId, since })
        .catch((e) => {
          if (statusOf(e) !== 409) throw e;
        }),
    );
  }

  async tenants(): Promise<DigestTenant[]> {
    return guard(async () => {
      const out: DigestTenant[] = [];
      for await (const r of this.tables.timers.listEntities<Record<string, unknown>>({
        queryOptions: {
          filter: odata`PartitionKey eq ${PK} and RowKey ge 't|' and RowKey lt 't}'`,
        },
      })) {
        out.push({
          tenantId: String(r.tenantId ?? ''),
          since: r.since instanceof Date ? r.since : new Date(String(r.since)),
        });
      }
      return out;
    });
  }

  /** True when this instance is the one to send the week's digest now. */
  async claim(tenantId: string, week: string, now: Date): Promise<boolean> {
    const rowKey = `w|${keyPart(tenantId)}|${week}`;
    return guard(async () => {
      try {
        await this.tables.timers.createEntity({
          partitionKey: PK,
          rowKey,
          state: 'sending',
          claimedAt: now,
        });
        return true;
      } catch (e) {
        if (statusOf(e) !== 409) throw e;
      }
      const row = await this.tables.timers.getEntity<Record<string, unknown>>(PK, rowKey);
      const claimedAt =
        row.claimedAt instanceof Date ? row.claimedAt : new Date(String(row.claimedAt));
      if (row.state === 'sent' || now.getTime() - claimedAt.getTime() < STALE_MS) return false;
      try {
        await this.tables.timers.updateEntity(
          { partitionKey: PK, rowKey, state: 'sending', claimedAt: now },
          'Replace',
          { etag: row.etag },
        );
        return true;
      } catch (e) {
        if (statusOf(e) === 412) return false; // another instance took it over
        throw e;
      }
    });
  }

  async markSent(tenantId: string, week: string, at: Date): Promise<void> {
    await guard(() =>
      this.tables.timers.updateEntity(
        { partitionKey: PK, rowKey: `w|${keyPart(tenantId)}|${week}`, state: 'sent', sentAt: at },
        'Merge',
      ),
    );
  }

  /** Lets another sweep send it again (sending failed). */
  async release(tenantId: string, week: string): Promise<void> {
    await guard(() =>
      this.tables.timers.deleteEntity(PK, `w|${keyPart(tenantId)}|${week}`).catch((e) => {
        if (statusOf(e) !== 404) throw e;
      }),
    );
  }
}
