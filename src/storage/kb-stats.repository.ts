import { odata } from '@azure/data-tables';
import { keyPart, pad } from './keys';
import { Tables, statusOf } from './tables';
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
    const counterKey = `p|${keyPart(playbook)}`;
    await guard(async () => {
      for (let attempt = 0; attempt < 10; attempt++) {
        let current: { worked: number; failed: number; etag?: string } = { worked: 0, failed: 0 };
        try {
          const row = await this.tables.tenants.getEntity<Record<string, unknown>>(pk, counterKey);
          current = {
            worked: Number(row.worked ?? 0),
            failed: Number(row.failed ?? 0),
            etag: row.etag,
          };
        } catch (e) {
          if (statusOf(e) !== 404) throw e;
        }
        const counter = {
          partitionKey: pk,
          rowKey: counterKey,
          playbook,
          worked: current.worked + (worked ? 1 : 0),
          failed: current.failed + (worked ? 0 : 1),
        };
        try {
          await this.tables.tenants.submitTransaction([
            ['create', { partitionKey: pk, rowKey: `m|${pad(number, 9)}|${pad(seq, 6)}` }],
            current.etag
              ? ['update', counter, 'Replace', { etag: current.etag }]
              : ['create', counter],
          ]);
          return;
        } catch (e) {
          const status = statusOf(e);
          if (status === 412) continue; // another outcome counted meanwhile: read again
          if (status === 409) {
            // either this outcome was counted already, or the counter was just created
            const seen = await this.tables.tenants
              .getEntity(pk, `m|${pad(number, 9)}|${pad(seq, 6)}`)
              .then(() => true)
              .catch(() => false);
            if (seen) return;
            continue;
          }
          throw e;
        }
      }
      throw new Error('playbook stats: too many concurrent updates');
    });
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
