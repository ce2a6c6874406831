import { TableClient } from '@azure/data-tables';
import { countOnce } from '../../src/storage/count-once';
import { testConnectionString, testTables } from '../support/bot-harness';

/**
 * `countOnce`: a contribution is counted exactly once. This process's contributions to one row go
 * one after another (no etag conflicts among them); another instance's writes still meet the
 * etag and are re-read, never lost.
 */

const add = (row: Record<string, unknown> | undefined) => Number(row?.n ?? 0);
const plus = (by: number) => (n: number) => ({ n: n + by });

/** The table's reads and transactions, counted. */
function counted(table: TableClient) {
  const calls = { reads: 0, transactions: 0 };
  const get = table.getEntity.bind(table);
  const submit = table.submitTransaction.bind(table);
  table.getEntity = ((...args: Parameters<typeof get>) => {
    calls.reads += 1;
    return get(...args);
  }) as typeof table.getEntity;
  table.submitTransaction = ((...args: Parameters<typeof submit>) => {
    calls.transactions += 1;
    return submit(...args);
  }) as typeof table.submitTransaction;
  return calls;
}

describe('countOnce', () => {
  test('twenty contributions at once to one row: each counted once, with no conflict among them', async () => {
    const { tables } = await testTables();
    const calls = counted(tables.stats);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        countOnce(
          tables.stats,
          { partitionKey: 'p', rowKey: 'day', marker: `m|${i}` },
          add,
          plus(1),
        ),
      ),
    );
    expect(results).toEqual(Array(20).fill('counted'));
    // One transaction each, and a single read: no 412 was met and retried, and each contribution
    // started from the row as the one before it had written it.
    expect(calls).toEqual({ reads: 1, transactions: 20 });
    expect((await tables.stats.getEntity('p', 'day')).n).toBe(20);
    // A contribution already counted changes nothing, also when it races a new one.
    const again = await Promise.all([
      countOnce(tables.stats, { partitionKey: 'p', rowKey: 'day', marker: 'm|3' }, add, plus(1)),
      countOnce(tables.stats, { partitionKey: 'p', rowKey: 'day', marker: 'm|20' }, add, plus(1)),
    ]);
    expect(again).toEqual(['already', 'counted']);
    expect((await tables.stats.getEntity('p', 'day')).n).toBe(21);
  });

  test('a contribution to another row does not wait behind one that is slow', async () => {
    const { tables } = await testTables();
    let release!: () => void;
    const held = new Promise<void>((ok) => (release = ok));
    const get = tables.stats.getEntity.bind(tables.stats);
    tables.stats.getEntity = (async (...args: Parameters<typeof get>) => {
      if (args[0] === 'a') await held;
      return get(...args);
    }) as typeof tables.stats.getEntity;
    const slow = countOnce(
      tables.stats,
      { partitionKey: 'a', rowKey: 'day', marker: 'm|1' },
      add,
      plus(1),
    );
    await expect(
      countOnce(tables.stats, { partitionKey: 'b', rowKey: 'day', marker: 'm|1' }, add, plus(1)),
    ).resolves.toBe('counted');
    release();
    await expect(slow).resolves.toBe('counted');
  });

  test('another instance writing the row meanwhile makes this one read again: nothing is lost', async () => {
    const { tables, prefix } = await testTables();
    // The other instance: its own client of the same table.
    const other = TableClient.fromConnectionString(testConnectionString(), `${prefix}stats`, {
      allowInsecureConnection: true,
    });
    await countOnce(
      tables.stats,
      { partitionKey: 'p', rowKey: 'day', marker: 'm|0' },
      add,
      plus(1),
    );
    const calls = counted(tables.stats);
    const submit = tables.stats.submitTransaction.bind(tables.stats);
    let interfered = false;
    tables.stats.submitTransaction = (async (...args: Parameters<typeof submit>) => {
      if (!interfered) {
        interfered = true;
        // Between this instance's read and its write, the other one adds 10.
        const row = await other.getEntity<{ n: number }>('p', 'day');
        await other.updateEntity({ partitionKey: 'p', rowKey: 'day', n: row.n + 10 }, 'Replace', {
          etag: row.etag,
        });
      }
      return submit(...args);
    }) as typeof tables.stats.submitTransaction;
    await expect(
      countOnce(tables.stats, { partitionKey: 'p', rowKey: 'day', marker: 'm|1' }, add, plus(1)),
    ).resolves.toBe('counted');
    // The write on the etag this instance knew failed (412): read and written again.
    expect(calls).toEqual({ reads: 1, transactions: 2 });
    expect((await tables.stats.getEntity('p', 'day')).n).toBe(12);
    // Since then, the other instance counted 5 more: the next contribution here meets the etag
    // it knew, reads and adds to them.
    const row = await other.getEntity<{ n: number }>('p', 'day');
    await other.updateEntity({ partitionKey: 'p', rowKey: 'day', n: row.n + 5 }, 'Replace', {
      etag: row.etag,
    });
    await countOnce(
      tables.stats,
      { partitionKey: 'p', rowKey: 'day', marker: 'm|2' },
      add,
      plus(1),
    );
    expect((await tables.stats.getEntity('p', 'day')).n).toBe(18);
  });

  test('a row deleted since this process wrote it is created anew, from zero', async () => {
    const { tables } = await testTables();
    const at = (marker: string) => ({ partitionKey: 'p', rowKey: 'day', marker });
    await countOnce(tables.stats, at('m|0'), add, plus(3));
    await tables.stats.deleteEntity('p', 'day');
    await expect(countOnce(tables.stats, at('m|1'), add, plus(1))).resolves.toBe('counted');
    expect((await tables.stats.getEntity('p', 'day')).n).toBe(1);
    // A contribution counted before the deletion is still known by its marker.
    await expect(countOnce(tables.stats, at('m|0'), add, plus(3))).resolves.toBe('already');
    expect((await tables.stats.getEntity('p', 'day')).n).toBe(1);
  });
});
