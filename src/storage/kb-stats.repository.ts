import { odata } from '@azure/data-tables';
import { keyPart, pad } from './keys';
import { Tables } from './tables';
import { countOnce } from './count-once';
import { guard } from './ticket.repository';

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
  constructor(private readonly tables: Tables) {}

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
  }

  /** The tenant's counters, by playbook id. */
  async stats(tenantId: string): Promise<Map<string, PlaybookStats>> {
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
