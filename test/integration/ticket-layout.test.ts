import { StorageUnavailableError } from '../../src/domain/errors';
import {
  BUCKET_SIZE,
  LEGACY_BUCKET_SIZE,
  bucketSize,
  holdTicketLayout,
  resetTicketLayoutForTests,
  settleTicketLayout,
} from '../../src/storage/ticket-layout';
import { TicketRepository, ticketPartition } from '../../src/storage/ticket.repository';
import { testTables } from '../support/bot-harness';
import { ticketBuild } from '../support/ticket-build';

/**
 * The tickets table's layout (`ticket-layout.ts`): how many tickets share a partition. A table
 * keeps the size it was first written with, so that no ticket becomes unreachable when the
 * default changes, and every instance keys tickets the same way.
 */

afterEach(() => resetTicketLayoutForTests());

const NOW = new Date('2026-11-29T10:00:00Z');

async function createSome(repo: TicketRepository, tenant: string, n: number) {
  for (let i = 0; i < n; i++) {
    await repo.create(
      tenant,
      `k${i}`,
      ticketBuild(
        tenant,
        { description: `Problem ${i}`, category: 'hardware', impact: 'low', locale: 'en' },
        NOW,
      ),
    );
  }
}

describe('the tickets table layout', () => {
  test('an empty table takes the current size, recorded for every instance', async () => {
    const { tables } = await testTables();
    expect(await settleTicketLayout(tables)).toBe(BUCKET_SIZE);
    expect(bucketSize()).toBe(BUCKET_SIZE);
    const row = await tables.tenants.getEntity('~', 'ticketLayout');
    expect(row.bucketSize).toBe(BUCKET_SIZE);
    // Recorded: tickets written since do not make it a legacy table.
    await createSome(new TicketRepository(tables), 'tenant-a', 2);
    resetTicketLayoutForTests();
    expect(await settleTicketLayout(tables)).toBe(BUCKET_SIZE);
  });

  test('a table written before the layout row keeps 250 tickets a partition, and its tickets are found', async () => {
    const { tables } = await testTables();
    // Written by the previous version: 252 tickets, 250 to a partition, no layout row.
    const tenant = 'tenant-legacy';
    for (const number of [1, 249, 250, 251]) {
      await tables.tickets.createEntity({
        partitionKey: `${tenant}|${String(Math.floor(number / 250)).padStart(6, '0')}`,
        rowKey: `t${String(number).padStart(9, '0')}`,
        marker: 'legacy',
      });
    }
    expect(await settleTicketLayout(tables)).toBe(LEGACY_BUCKET_SIZE);
    expect(bucketSize()).toBe(LEGACY_BUCKET_SIZE);
    expect(ticketPartition(tenant, 249)).toBe(`${tenant}|000000`);
    expect(ticketPartition(tenant, 250)).toBe(`${tenant}|000001`);
    const row = await tables.tickets.getEntity(ticketPartition(tenant, 249), 't000000249');
    expect(row.marker).toBe('legacy');
    expect((await tables.tenants.getEntity('~', 'ticketLayout')).bucketSize).toBe(
      LEGACY_BUCKET_SIZE,
    );
    // New tickets of a new tenant in that table are numbered and kept the same way.
    const repo = new TicketRepository(tables);
    await createSome(repo, 'tenant-b', 1);
    expect((await repo.get('tenant-b', 1))?.ticket.description).toBe('Problem 0');
    expect((await tables.tickets.getEntity('tenant-b|000000', 't000000001')).partitionKey).toBe(
      'tenant-b|000000',
    );
  });

  test('a recorded size is kept whatever the table holds, and the first to record wins', async () => {
    const { tables } = await testTables();
    await tables.tenants.createEntity({
      partitionKey: '~',
      rowKey: 'ticketLayout',
      bucketSize: 40,
    });
    const [a, b] = await Promise.all([settleTicketLayout(tables), settleTicketLayout(tables)]);
    expect([a, b]).toEqual([40, 40]);
    expect(ticketPartition('t', 80)).toBe('t|000002');

    const fresh = (await testTables()).tables;
    resetTicketLayoutForTests();
    const both = await Promise.all([settleTicketLayout(fresh), settleTicketLayout(fresh)]);
    expect(both).toEqual([BUCKET_SIZE, BUCKET_SIZE]);
  });

  test('until the layout is read, ticket keys are refused as storage unavailable', async () => {
    const { tables } = await testTables();
    holdTicketLayout();
    expect(() => bucketSize()).toThrow(StorageUnavailableError);
    await expect(new TicketRepository(tables).get('t', 1)).rejects.toThrow(StorageUnavailableError);
    await settleTicketLayout(tables);
    expect(bucketSize()).toBe(BUCKET_SIZE);
    // A second bot in the same process does not hold the first one's keys while it reads.
    holdTicketLayout();
    expect(bucketSize()).toBe(BUCKET_SIZE);
  });

  test('a layout row that is not a size is refused, not guessed', async () => {
    const { tables } = await testTables();
    await tables.tenants.createEntity({
      partitionKey: '~',
      rowKey: 'ticketLayout',
      bucketSize: 'many',
    });
    await expect(settleTicketLayout(tables)).rejects.toThrow(StorageUnavailableError);
  });
});
