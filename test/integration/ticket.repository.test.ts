import { ConcurrencyError } from '../../src/domain/errors';
import { Ticket } from '../../src/domain/tickets/ticket';
import { TicketRepository, ticketPartition } from '../../src/storage/ticket.repository';
import { BUCKET_SIZE } from '../../src/storage/ticket-layout';
import { Tables } from '../../src/storage/tables';
import { testTables } from '../support/bot-harness';
import { ticketBuild } from '../support/ticket-build';

const NOW = new Date('2026-11-25T16:00:00Z');

function build(tenantId: string, description = 'Printer jams') {
  return ticketBuild(
    tenantId,
    { description, category: 'printing', impact: 'low', locale: 'en' },
    NOW,
  );
}

let tables: Tables;
beforeAll(async () => {
  ({ tables } = await testTables());
});

describe('ticket numbers', () => {
  it('are sequential from 1, and unique under concurrency across instances', async () => {
    const tenant = 'tenant-concurrency';
    const a = new TicketRepository(tables);
    const b = new TicketRepository(tables); // a second bot instance: its own cache
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).create(tenant, `k${i}`, build(tenant))),
    );
    const numbers = results.map((r) => r.stored.ticket.number).sort((x, y) => x - y);
    expect(numbers).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(results.every((r) => r.created)).toBe(true);
  });

  it('survive a restart: a new repository continues the counter', async () => {
    const tenant = 'tenant-restart';
    await new TicketRepository(tables).create(tenant, 'r1', build(tenant));
    const second = await new TicketRepository(tables).create(tenant, 'r2', build(tenant));
    expect(second.stored.ticket.trackingId).toBe('SUP-000002');
  });

  it('move to the next partition when a bucket is full, keeping the sequence', async () => {
    const tenant = 'tenant-rollover';
    const repo = new TicketRepository(tables);
    let last: Ticket | undefined;
    for (let i = 0; i < BUCKET_SIZE + 3; i++) {
      last = (await repo.create(tenant, `roll${i}`, build(tenant))).stored.ticket;
    }
    expect(last?.number).toBe(BUCKET_SIZE + 3);
    // a cold instance finds the head in the new bucket
    const cold = await new TicketRepository(tables).create(tenant, 'cold', build(tenant));
    expect(cold.stored.ticket.number).toBe(BUCKET_SIZE + 4);
    expect((await repo.get(tenant, BUCKET_SIZE - 1))?.ticket.number).toBe(BUCKET_SIZE - 1);
    expect((await repo.get(tenant, BUCKET_SIZE))?.ticket.number).toBe(BUCKET_SIZE);
  }, 60_000);
});

describe('idempotency', () => {
  it('one ticket per key, also when the same key races', async () => {
    const tenant = 'tenant-idem';
    const repo = new TicketRepository(tables);
    const other = new TicketRepository(tables);
    const [x, y, z] = await Promise.all([
      repo.create(tenant, 'same', build(tenant)),
      other.create(tenant, 'same', build(tenant)),
      repo.create(tenant, 'same', build(tenant)),
    ]);
    expect(new Set([x, y, z].map((r) => r.stored.ticket.number)).size).toBe(1);
    expect([x, y, z].filter((r) => r.created)).toHaveLength(1);
    const again = await new TicketRepository(tables).create(tenant, 'same', build(tenant));
    expect(again.created).toBe(false);
    const next = await repo.create(tenant, 'different', build(tenant));
    expect(next.stored.ticket.number).toBe(x.stored.ticket.number + 1); // no gap
  });

  it('creations written together: overlapping bursts on two instances give one ticket per key, no gap', async () => {
    // Each instance writes the creations that wait together in one transaction; a key the other
    // instance already stored makes that whole transaction fail, and the group falls back.
    const tenant = 'tenant-group';
    const a = new TicketRepository(tables);
    const b = new TicketRepository(tables);
    const keys = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) => `k${from + i}`);
    const results = await Promise.all([
      ...keys(1, 30).map((k) => a.create(tenant, k, build(tenant, k))),
      ...keys(16, 45).map((k) => b.create(tenant, k, build(tenant, k))),
      ...keys(25, 35).map((k) => a.create(tenant, k, build(tenant, k))),
    ]);
    const byKey = new Map<string, Set<number>>();
    for (const r of results) {
      const key = r.stored.ticket.description;
      byKey.set(key, (byKey.get(key) ?? new Set()).add(r.stored.ticket.number));
    }
    expect(byKey.size).toBe(45);
    for (const numbers of byKey.values()) expect(numbers.size).toBe(1); // the same ticket each time
    expect(results.filter((r) => r.created)).toHaveLength(45);
    const numbers = [...byKey.values()].map((s) => [...s][0]).sort((x, y) => x - y);
    expect(numbers).toEqual(Array.from({ length: 45 }, (_, i) => i + 1));
    for (const n of numbers) {
      const stored = await a.get(tenant, n);
      expect(byKey.get(stored!.ticket.description)?.has(n)).toBe(true);
    }
  }, 30_000);
});

describe('long text', () => {
  it('keeps a 1 MB description in full, the row holding only its head', async () => {
    const tenant = 'tenant-long';
    const repo = new TicketRepository(tables);
    const text = 'línea con acentos y emoji 😀 '.repeat(40_000).slice(0, 1_000_000);
    const { stored } = await repo.create(tenant, 'long', build(tenant, text));
    const head = await repo.get(tenant, stored.ticket.number);
    expect(head?.ticket.description.length).toBe(4000);
    expect(head?.descriptionLength).toBe(text.length);
    const full = await repo.getFull(tenant, stored.ticket.number);
    expect(full?.stored.ticket.description).toBe(text);
  }, 30_000);

  it('a change made from the head (as every card action reads it) keeps the full length and text', async () => {
    const tenant = 'tenant-long-change';
    const repo = new TicketRepository(tables);
    const text = 'x'.repeat(9_000);
    const { stored } = await repo.create(tenant, 'long2', build(tenant, text));
    const head = (await repo.get(tenant, stored.ticket.number))!;
    const actor = { id: 'agent', name: 'Agent' };
    await repo.appendEvent(
      head,
      { type: 'assigned', at: NOW, actor, channel: 'teams', data: {} },
      (t) => ({ ...t, status: 'assigned', owner: actor }),
    );
    const after = (await repo.get(tenant, stored.ticket.number))!;
    expect(after.ticket.status).toBe('assigned');
    expect(after.descriptionLength).toBe(9_000);
    expect(after.ticket.description).toBe(text.slice(0, 4000));
    expect((await repo.getFull(tenant, stored.ticket.number))?.stored.ticket.description).toBe(
      text,
    );
  });
});

describe('events', () => {
  it('are appended with the ticket change in one conditional write; a stale etag loses', async () => {
    const tenant = 'tenant-events';
    const repo = new TicketRepository(tables);
    const { stored } = await repo.create(tenant, 'ev', build(tenant));
    const at = new Date('2026-11-25T16:05:00Z');
    const actor = { id: 'agent', name: 'Agent' };
    const first = await repo.appendEvent(
      stored,
      { type: 'status', at, actor, channel: 'teams', data: { to: 'in_progress' } },
      (t) => ({ ...t, status: 'in_progress' }),
    );
    expect(first?.ticket.eventCount).toBe(2);
    await expect(
      repo.appendEvent(stored, { type: 'status', at, actor, channel: 'teams', data: {} }, (t) => ({
        ...t,
        status: 'resolved',
      })),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    const full = await repo.getFull(tenant, stored.ticket.number);
    expect(full?.stored.ticket.status).toBe('in_progress');
    expect(full?.events.map((e) => [e.seq, e.type])).toEqual([
      [1, 'created'],
      [2, 'status'],
    ]);
  });

  it('keeps the open-ticket index in step, and writes it again when its row went missing', async () => {
    const tenant = 'tenant-open-index';
    const repo = new TicketRepository(tables);
    const { stored } = await repo.create(tenant, 'oi', build(tenant));
    const actor = { id: 'agent', name: 'Agent' };
    const assign = (s: typeof stored, name: string) =>
      repo.appendEvent(
        s,
        { type: 'assigned', at: NOW, actor, channel: 'teams', data: {} },
        (t) => ({ ...t, status: 'assigned', owner: { id: name, name } }),
      );
    const owners = async () =>
      (await repo.openTickets(tenant)).map((o) => [o.number, o.owner?.name, o.status]);
    const first = (await assign(stored, 'Ana'))!;
    expect(await owners()).toEqual([[1, 'Ana', 'assigned']]);
    // A row lost (say, written by an older version that failed half-way): the change still lands.
    await tables.tickets.deleteEntity(ticketPartition(tenant, 1), 'q|000000001');
    expect(await owners()).toEqual([]);
    const second = await assign(first, 'Beto');
    expect(second?.ticket.owner?.name).toBe('Beto');
    expect(await owners()).toEqual([[1, 'Beto', 'assigned']]);
    expect((await repo.getFull(tenant, 1))?.events.map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('with an idempotency key, a repeated append is a no-op', async () => {
    const tenant = 'tenant-events-idem';
    const repo = new TicketRepository(tables);
    const { stored } = await repo.create(tenant, 'ev2', build(tenant));
    const event = {
      type: 'comment',
      at: NOW,
      actor: { id: 'u1', name: 'Ana' },
      channel: 'teams' as const,
      data: { text: 'more info' },
    };
    expect(await repo.appendEvent(stored, event, undefined, 'c1')).toBeDefined();
    const fresh = (await repo.get(tenant, stored.ticket.number))!;
    expect(await repo.appendEvent(fresh, event, undefined, 'c1')).toBeUndefined();
    expect((await repo.getFull(tenant, stored.ticket.number))?.events).toHaveLength(2);
  });
});
