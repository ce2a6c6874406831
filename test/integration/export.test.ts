import { ExportService } from '../../src/services/export.service';
import { ExportKeyRepository } from '../../src/storage/export-key.repository';
import { TicketRangeRepository } from '../../src/storage/ticket-range.repository';
import { bucketPartition, eventToRow, ticketToRow } from '../../src/storage/ticket.repository';
import { testTables } from '../support/bot-harness';
import { sampleTicket } from '../support/card-samples';

describe('export key', () => {
  it('is made once: racing instances end up with the same key, which later ones read', async () => {
    const { tables } = await testTables();
    const instances = Array.from({ length: 4 }, () => new ExportKeyRepository(tables));
    const keys = await Promise.all(instances.map((r) => r.getOrCreate('tenant-a')));
    expect(keys[0]).toHaveLength(32);
    for (const k of keys) expect(k.equals(keys[0])).toBe(true);
    // a fresh instance (a restart) reads the same key; another tenant has another one
    expect((await new ExportKeyRepository(tables).find('tenant-a'))?.equals(keys[0])).toBe(true);
    const other = await instances[0].getOrCreate('tenant-b');
    expect(other.equals(keys[0])).toBe(false);
  });

  it('checking a link never creates a key', async () => {
    const { tables } = await testTables();
    const repo = new ExportKeyRepository(tables);
    expect(await repo.find('made-up')).toBeUndefined();
    expect(await repo.find('made-up')).toBeUndefined();
    const rows = [];
    for await (const r of tables.tenants.listEntities()) rows.push(r);
    expect(rows).toEqual([]);
  });
});

describe('tickets created in a range', () => {
  const T = 'tenant-r';
  const at = (iso: string) => new Date(iso);
  /** number → creation time: sparse, across four partitions of `BUCKET_SIZE` (100) */
  const SEED: Array<[number, string]> = [
    [1, '2026-10-01T12:00:00Z'],
    [40, '2026-10-20T12:00:00Z'],
    [100, '2026-10-25T12:00:00Z'],
    [120, '2026-11-02T12:00:00Z'],
    [200, '2026-11-10T12:00:00Z'],
    [240, '2026-11-30T23:59:59Z'],
    [300, '2026-12-03T12:00:00Z'],
  ];
  const start = at('2026-11-01T00:00:00Z');
  const end = at('2026-12-01T00:00:00Z');

  it('walks back from the newest partition and stops at the first that starts earlier', async () => {
    const { tables } = await testTables();
    for (const [n, iso] of SEED) {
      const t = sampleTicket(n, { tenantId: T, createdAt: at(iso), title: `Ticket ${n}` });
      await tables.tickets.createEntity(ticketToRow(t));
      const created = {
        seq: 1,
        type: 'created',
        at: at(iso),
        actor: t.requester,
        channel: 'teams' as const,
        data: {},
      };
      await tables.tickets.createEntity(eventToRow(T, n, created));
    }
    // #120 was assigned in range and closed after it; a refused action in range is no event
    const luis = { id: 'l', name: 'Luis' };
    await tables.tickets.createEntity(
      eventToRow(T, 120, {
        seq: 2,
        type: 'assigned',
        at: at('2026-11-05T10:00:00Z'),
        actor: luis,
        channel: 'teams',
        data: { to: 'Luis' },
      }),
    );
    await tables.tickets.createEntity(
      eventToRow(T, 120, {
        seq: 3,
        type: 'closed',
        at: at('2026-12-05T10:00:00Z'),
        actor: luis,
        channel: 'teams',
        data: {},
      }),
    );
    await tables.tickets.createEntity({
      partitionKey: bucketPartition(T, 1),
      rowKey: 't000000120|r|001764000000000|abc',
      actorId: 'x',
      actorName: 'X',
      action: 'assign',
      at: at('2026-11-06T10:00:00Z'),
    });
    // the head row lags one partition behind (its write is best effort)
    await tables.tenants.upsertEntity({ partitionKey: T, rowKey: 'head', bucket: 2 }, 'Merge');

    const reads: string[] = [];
    const getEntity = tables.tickets.getEntity.bind(tables.tickets);
    tables.tickets.getEntity = ((pk: string, rk: string, o?: object) => {
      reads.push(pk);
      return getEntity(pk, rk, o);
    }) as typeof tables.tickets.getEntity;

    const range = new TicketRangeRepository(tables);
    expect(await range.bucketsBetween(T, start, end)).toEqual([1, 2]);
    // partition 3 (after the range) was looked at, partition 0 never
    expect(reads).toContain(bucketPartition(T, 3));
    expect(reads).not.toContain(bucketPartition(T, 0));

    expect((await range.ticketsIn(T, 1, start, end)).map((t) => t.number)).toEqual([120]);
    const two = await range.ticketsIn(T, 2, start, end);
    expect(two.map((t) => [t.number, t.title])).toEqual([
      [200, 'Ticket 200'],
      [240, 'Ticket 240'],
    ]);
    const events = await range.eventsIn(T, 1, [120], start, end);
    expect(events.map((e) => [e.number, e.event.seq, e.event.type])).toEqual([
      [120, 1, 'created'],
      [120, 2, 'assigned'],
    ]);
    expect(events[1].event.data).toEqual({ to: 'Luis' });
    // a tenant with no tickets
    expect(await range.bucketsBetween('nobody', start, end)).toEqual([]);

    // the service streams one partition at a time: the header, then a chunk per partition
    const service = new ExportService({
      keys: new ExportKeyRepository(tables),
      range,
      clock: { now: () => start },
      timeZone: 'UTC',
      publicUrl: () => 'https://desk.example',
    });
    const link = { tenant: T, from: '2026-11-01', to: '2026-11-30', exp: 0 };
    for (const [file, expected] of [
      ['tickets', [['SUP-000120'], ['SUP-000200', 'SUP-000240']]],
      [
        'events',
        [
          ['SUP-000120', 'SUP-000120'],
          ['SUP-000200', 'SUP-000240'],
        ],
      ],
    ] as const) {
      const chunks: string[] = [];
      await (
        await service.prepare(file, link)
      )(async (c) => void chunks.push(c));
      expect(chunks[0].startsWith('\uFEFFtracking_id,')).toBe(true);
      expect(chunks.slice(1).map((c) => c.match(/SUP-\d{6}/g))).toEqual(expected);
    }
  });
});
