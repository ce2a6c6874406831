import { TableClient } from '@azure/data-tables';
import { statusOf } from './tables';

/** The last contribution queued for each counter row in this process (see `countOnce`). */
const tails = new Map<string, Promise<unknown>>();

/**
 * Each counter row as this process last wrote it, with the etag the write returned: its next
 * contribution writes on that etag without reading the row first. Keyed by account, table and
 * keys; oldest first; at most `KNOWN_ROWS` (a row is a tenant's day, its open count, a playbook).
 */
const known = new Map<string, { row: Record<string, unknown>; etag: string }>();
const KNOWN_ROWS = 1000;

function remember(key: string, row: Record<string, unknown>, etag: string | undefined): void {
  known.delete(key);
  if (!etag) return;
  known.set(key, { row, etag });
  if (known.size > KNOWN_ROWS) known.delete(known.keys().next().value as string);
}

/**
 * Adds one contribution to a counter row exactly once: a transaction creates the contribution's
 * marker row and writes the counter with the etag read, both in one partition. A second run of
 * the same contribution fails on the marker (409) and changes nothing; a concurrent writer of the
 * counter makes the etag fail (412) and the update is re-read and retried.
 *
 * The contributions this process makes to one row go one after another: racing each other, they
 * only made 412s (a click's totals were read and written 1.38 times each under load,
 * docs/benchmarks.md). Each starts from the row as this process last wrote it, without reading
 * it again (one table round trip a contribution instead of two); another instance's write since
 * then makes the etag fail (412), and the row is read.
 */
export function countOnce<T>(
  table: TableClient,
  at: { partitionKey: string; rowKey: string; marker: string },
  read: (row: Record<string, unknown> | undefined) => T,
  write: (current: T) => Record<string, unknown>,
  attempts = 50,
): Promise<'counted' | 'already'> {
  const key = `${table.url}\n${table.tableName}\n${at.partitionKey}\n${at.rowKey}`;
  const run = (tails.get(key) ?? Promise.resolve())
    .catch(() => undefined)
    .then(() => countNow(table, key, at, read, write, attempts));
  const tail = run.catch(() => undefined);
  tails.set(key, tail);
  void tail.then(() => {
    if (tails.get(key) === tail) tails.delete(key);
  });
  return run;
}

async function countNow<T>(
  table: TableClient,
  key: string,
  at: { partitionKey: string; rowKey: string; marker: string },
  read: (row: Record<string, unknown> | undefined) => T,
  write: (current: T) => Record<string, unknown>,
  attempts: number,
): Promise<'counted' | 'already'> {
  const { partitionKey, rowKey, marker } = at;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const last = known.get(key);
    let row: (Record<string, unknown> & { etag?: string }) | undefined = last && {
      ...last.row,
      etag: last.etag,
    };
    if (!row) {
      try {
        row = await table.getEntity<Record<string, unknown>>(partitionKey, rowKey);
      } catch (e) {
        if (statusOf(e) !== 404) throw e;
      }
    }
    const counter = { ...write(read(row)), partitionKey, rowKey };
    try {
      const res = await table.submitTransaction([
        // `at`: when it was counted, so that old markers can be removed (StatsRepository)
        ['create', { partitionKey, rowKey: marker, at: new Date() }],
        row?.etag ? ['update', counter, 'Replace', { etag: row.etag }] : ['create', counter],
      ]);
      remember(key, counter, res.subResponses[1]?.etag);
      return 'counted';
    } catch (e) {
      // What this process knew of the row is read again (another instance wrote it, or it is
      // gone): whatever the error, the next attempt or contribution starts from storage.
      known.delete(key);
      const status = statusOf(e);
      if (status === 404 && last) continue; // the row remembered was deleted: created anew
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
