import { odata } from '@azure/data-tables';
import { keyPart, pad } from './keys';
import { Tables } from './tables';
import { countOnce } from './count-once';
import { guard } from './ticket.repository';
import { BriefCache, BriefCacheOptions } from './brief-cache';

/** How a playbook's steps went for one tenant: the outcomes requesters reported. */
export interface PlaybookStats {
  worked: number;
  failed: number;
}

/**
 * Playbook success rates per tenant (spec 3.3): one counter row per playbook and one marker row
 * per counted outcome, in the tenant's `kb` partition of the `tenants` table. Counting is one
 * transaction (create the marker, update the counter with its etag), so an outcome counts once
 * even when its outbox job runs twice.
 */
export class KbStatsRepository {
  /** The rates shown on triage cards: trusted for a few seconds, as every card shows them. */
  private readonly cache: BriefCache<Map<string, PlaybookStats>>;

  constructor(
    private readonly tables: Tables,
    cache?: BriefCacheOptions,
  ) {
    this.cache = new BriefCache(cache);
  }

  private partition(tenantId: string): string {
    return `${keyPart(tenantId)}|kb`;
  }

  async tally(
    tenantId: string,
    number: number,
    seq: number,
    playbook: string,
    worked: boolean,
  ): Promise<void> {
    const pk = this.partition(tenantId);
    try {
      await guard(() =>
        countOnce(
          this.tables.tenants,
          {
            partitionKey: pk,
            rowKey: `p|${keyPart(playbook)}`,
            marker: `m|${pad(number, 9)}|${pad(seq, 6)}`,
          },
          (row) => ({ worked: Number(row?.worked ?? 0), failed: Number(row?.failed ?? 0) }),
          (c) => ({
            playbook,
            worked: c.worked + (worked ? 1 : 0),
            failed: c.failed + (worked ? 0 : 1),
          }),
        ),
      );
    } finally {
      this.cache.forget(tenantId); // a read started meanwhile may hold the old counts
    }
  }

  /** The tenant's counters, by playbook id. */
  async stats(tenantId: string): Promise<Map<string, PlaybookStats>> {
    const cached = await this.cache.get(tenantId, () => this.read(tenantId));
    return new Map([...cached].map(([k, v]) => [k, { ...v }]));
  }

  private async read(tenantId: string): Promise<Map<string, PlaybookStats>> {
    const pk = this.partition(tenantId);
    const out = new Map<string, PlaybookStats>();
    await guard(async () => {
      for await (const r of this.tables.tenants.listEntities<Record<string, unknown>>({
        queryOptions: {
          filter: odata`PartitionKey eq ${pk} and RowKey ge 'p|' and RowKey lt 'p}'`,
        },
      })) {
        out.set(String(r.playbook ?? ''), {
          worked: Number(r.worked ?? 0),
          failed: Number(r.failed ?? 0),
        });
      }
    });
    return out;
  }
}
