import { TableClient } from '@azure/data-tables';
import { statusOf } from './tables';

/** The last contribution queued for each counter row in this process (see `countOnce`). */
const tails = new Map<string, Promise<unknown>>();

/**
 * Adds one contribution to a counter row exactly once: a transaction creates the contribution's
 * marker row and writes the counter with the etag read, both in one partition. A second run of
 * the same contribution fails on the marker (409) and changes nothing; a concurrent writer of the
 * counter makes the etag fail (412) and the update is re-read and retried.
 *
 * The contributions this process makes to one row go one after another: racing each other, they
 * only made 412s (a click's totals were read and written 1.38 times each under load,
 * docs/benchmarks.md). Other instances' writes still meet the etag.
 */
export function countOnce<T>(
  table: TableClient,
  at: { partitionKey: string; rowKey: string; marker: string },
  read: (row: Record<string, unknown> | undefined) => T,
  write: (current: T) => Record<string, unknown>,
  attempts = 50,
): Promise<'counted' | 'already'> {
  const key = `${table.tableName}\n${at.partitionKey}\n${at.rowKey}`;
  const run = (tails.get(key) ?? Promise.resolve())
    .catch(() => undefined)
    .then(() => countNow(table, at, read, write, attempts));
  const tail = run.catch(() => undefined);
  tails.set(key, tail);
  void tail.then(() => {
    if (tails.get(key) === tail) tails.delete(key);
  });
  return run;
}

async function countNow<T>(
  table: TableClient,
  at: { partitionKey: string; rowKey: string; marker: string },
  read: (row: Record<string, unknown> | undefined) => T,
  write: (current: T) => Record<string, unknown>,
  attempts: number,
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
