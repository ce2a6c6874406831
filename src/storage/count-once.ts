import { TableClient } from '@azure/data-tables';
import { statusOf } from './tables';

/**
 * Adds one contribution to a counter row exactly once: a transaction creates the contribution's
 * marker row and writes the counter with the etag read, both in one partition. A second run of
 * the same contribution fails on the marker (409) and changes nothing; a concurrent writer of the
 * counter makes the etag fail (412) and the update is re-read and retried.
 */
export async function countOnce<T>(
  table: TableClient,
  at: { partitionKey: string; rowKey: string; marker: string },
  read: (row: Record<string, unknown> | undefined) => T,
  write: (current: T) => Record<string, unknown>,
  attempts = 50,
): Promise<'counted' | 'already'> {
  const { partitionKey, rowKey, marker } = at;
  for (let attempt = 0; attempt < attempts; attempt++) {
    let row: (Record<string, unknown> & { etag?: string }) | undefined;
    try {
      row = await table.getEntity<Record<string, unknown>>(partitionKey, rowKey);
    } catch (e) {
      if (statusOf(e) !== 404) throw e;
    }
    const counter = { ...write(read(row)), partitionKey, rowKey };
    try {
      await table.submitTransaction([
        // `at`: when it was counted, so that old markers can be removed (StatsRepository)
        ['create', { partitionKey, rowKey: marker, at: new Date() }],
        row?.etag ? ['update', counter, 'Replace', { etag: row.etag }] : ['create', counter],
      ]);
      return 'counted';
    } catch (e) {
      const status = statusOf(e);
      if (status === 412) {
        // counted something else meanwhile: read again, after a short random pause so that
        // many tallies of one busy row (the open counts) do not keep colliding
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 * (attempt + 1))));
        continue;
      }
      if (status === 409) {
        // either this contribution was counted already, or the counter was just created
        const seen = await table
          .getEntity(partitionKey, marker)
          .then(() => true)
          .catch(() => false);
        if (seen) return 'already';
        continue;
      }
      throw e;
    }
  }
  throw new Error(`${rowKey}: too many concurrent updates`);
}
