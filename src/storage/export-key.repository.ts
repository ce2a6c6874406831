import { randomBytes } from 'node:crypto';
import { keyPart } from './keys';
import { Tables, statusOf } from './tables';
import { guard } from './ticket.repository';

/** Row of the tenant's export-link key in `tenants` (docs/storage.md). */
const KEY_ROW = 'exportKey';
/** bytes of the HMAC-SHA256 key */
export const EXPORT_KEY_BYTES = 32;

/**
 * The tenant's key for signing export links: 32 random bytes made once and kept in `tenants`,
 * so every bot instance signs and checks alike without configuration. Whoever creates the row
 * first wins (create fails with 409 for the others, who read the winner's). The key never
 * changes, so keeping it in memory after the first read is only a cache.
 */
export class ExportKeyRepository {
  private readonly cache = new Map<string, Buffer>();

  constructor(private readonly tables: Tables) {}

  /** The tenant's key, made now if it has none (an agent asks for a link). */
  async getOrCreate(tenantId: string): Promise<Buffer> {
    const cached = this.cache.get(tenantId);
    if (cached) return cached;
    return guard(async () => {
      const existing = await this.read(tenantId);
      if (existing) return existing;
      const key = randomBytes(EXPORT_KEY_BYTES);
      try {
        await this.tables.tenants.createEntity({
          partitionKey: keyPart(tenantId),
          rowKey: KEY_ROW,
          key: key.toString('base64'),
        });
        this.cache.set(tenantId, key);
        return key;
      } catch (e) {
        if (statusOf(e) !== 409) throw e;
        const winner = await this.read(tenantId);
        if (!winner) {
          throw new Error('export key: created by another instance but unreadable', { cause: e });
        }
        return winner;
      }
    });
  }

  /**
   * The tenant's key, or undefined when it has none: checking a link never creates one, so
   * made-up tenant ids in links write nothing.
   */
  async find(tenantId: string): Promise<Buffer | undefined> {
    return this.cache.get(tenantId) ?? guard(() => this.read(tenantId));
  }

  private async read(tenantId: string): Promise<Buffer | undefined> {
    try {
      const row = await this.tables.tenants.getEntity<{ key?: unknown }>(
        keyPart(tenantId),
        KEY_ROW,
      );
      const key = typeof row.key === 'string' ? Buffer.from(row.key, 'base64') : undefined;
      if (!key || key.length !== EXPORT_KEY_BYTES) {
        throw new Error('export key row is damaged');
      }
      this.cache.set(tenantId, key);
      return key;
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw e;
    }
  }
}
