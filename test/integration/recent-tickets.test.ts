import { SettableClock } from '../../src/domain/clock';
import { ConcurrencyError } from '../../src/domain/errors';
import { TriageService } from '../../src/services/triage.service';
import { Tables } from '../../src/storage/tables';
import { RECENT_ROWS, TicketRepository } from '../../src/storage/ticket.repository';
import { testTables } from '../support/bot-harness';
import { policy } from '../support/card-samples';
import { ticketBuild } from '../support/ticket-build';

/**
 * `TicketRepository.recent`: the ticket rows a process last read or wrote, which save a card
 * action its read. What it holds must always be what storage holds under the same etag, and a
 * row changed elsewhere must cost a read again, never a lost change.
 */

const T0 = new Date('2026-11-25T16:00:00Z');
const ana = { id: 'ana', name: 'Ana Agent' };
const beto = { id: 'beto', name: 'Beto Agent' };
const requester = { id: 'u1', name: 'Ana' };

let tables: Tables;
beforeAll(async () => {
  ({ tables } = await testTables());
});

async function newTicket(tenant: string, description = 'Printer jams') {
  const repo = new TicketRepository(tables);
  const { stored } = await repo.create(
    tenant,
    `k-${description.length}`,
    ticketBuild(tenant, { description, category: 'printing', impact: 'low', locale: 'en' }, T0),
  );
  return stored.ticket.number;
}

/** The card actions of a process whose tickets are `tickets`. */
const triageOn = (tickets: TicketRepository, clock = new SettableClock(undefined, T0)) =>
  new TriageService({ tickets, clock, policy });

/** What a process that never saw the ticket reads of it. */
const fresh = (tenant: string, n: number) => new TicketRepository(tables).get(tenant, n);

describe('a ticket kept by the process that read or wrote it', () => {
  it('is what storage holds after each kind of write, long description and survey included', async () => {
    const tenant = 'recent-equal';
    const n = await newTicket(tenant, 'ü'.repeat(9_000));
    const repo = new TicketRepository(tables);
    const clock = new SettableClock(undefined, T0);
    const triage = triageOn(repo, clock);
    const same = async () => expect(repo.recent(tenant, n)).toEqual(await fresh(tenant, n));

    expect(repo.recent(tenant, n)).toBeUndefined();
    await repo.get(tenant, n);
    await same();
    await repo.setCardRefs(tenant, n, { triage: { conversationId: 'c1', activityId: 'a1' } });
    await same();
    await repo.setCardRefs(
      tenant,
      n,
      { requesterCard: { conversationId: 'c2', activityId: 'a2' } },
      ['requester.update'],
    );
    await same();
    expect((await triage.act(tenant, n, ana, true, { kind: 'assignMe' })).kind).toBe('changed');
    await same();
    await repo.setCardRefs(tenant, n, { triage: { conversationId: 'c1', activityId: 'a4' } });
    await same();
    clock.set(new Date('2026-11-25T16:20:00Z'));
    await triage.act(tenant, n, ana, true, { kind: 'classify', impact: 'high' });
    await same();
    await triage.lifecycle(tenant, n, ana, true, { kind: 'resolve', note: 'cleaned' });
    await triage.lifecycle(tenant, n, requester, false, { kind: 'confirm' });
    await repo.get(tenant, n);
    await same();
    const stored = (await fresh(tenant, n))!;
    expect(stored.ticket.status).toBe('closed');
    expect(stored.descriptionLength).toBe(9_000);
    // A write it cannot follow (the survey card's place) drops what it kept.
    await repo.setSurveyCard(tenant, n, 1, { conversationId: 'c3', activityId: 'a3' });
    expect(repo.recent(tenant, n)).toBeUndefined();
  });

  it('saves a card action its read, and the action is written as with one', async () => {
    const tenant = 'recent-read';
    const n = await newTicket(tenant);
    const repo = new TicketRepository(tables);
    const triage = triageOn(repo);
    await repo.get(tenant, n);
    const reads = jest.spyOn(tables.tickets, 'getEntity');
    try {
      const out = await triage.act(tenant, n, ana, true, { kind: 'assignMe', seenOwner: '' });
      expect(out.kind).toBe('changed');
      expect(reads).not.toHaveBeenCalled();
    } finally {
      reads.mockRestore();
    }
    const stored = (await fresh(tenant, n))!;
    expect(stored.ticket.owner).toEqual(ana);
    expect(stored.ticket.eventCount).toBe(2);
  });

  it('changed by another instance meanwhile: read again, their change kept, no conflict made up', async () => {
    const tenant = 'recent-stale';
    const n = await newTicket(tenant);
    const clock = new SettableClock(undefined, T0);
    const mine = new TicketRepository(tables);
    const theirs = new TicketRepository(tables);
    const here = triageOn(mine, clock);
    const there = triageOn(theirs, clock);
    await mine.get(tenant, n);
    await there.act(tenant, n, beto, true, { kind: 'classify', impact: 'high' });
    // The card Ana clicked showed nobody as owner: she takes it, on the ticket as it now is.
    const out = await here.act(tenant, n, ana, true, { kind: 'assignMe', seenOwner: '' });
    expect(out.kind).toBe('changed');
    const stored = (await fresh(tenant, n))!;
    expect(stored.ticket.owner).toEqual(ana);
    expect(stored.ticket.impact).toBe('high');
    expect(stored.ticket.eventCount).toBe(3);
    expect(mine.recent(tenant, n)).toEqual(stored);
  });

  it('taken by someone else meanwhile: the conflict is decided on a fresh read', async () => {
    const tenant = 'recent-taken';
    const n = await newTicket(tenant);
    const clock = new SettableClock(undefined, T0);
    const mine = new TicketRepository(tables);
    const here = triageOn(mine, clock);
    const there = triageOn(new TicketRepository(tables), clock);
    await mine.get(tenant, n);
    await there.act(tenant, n, beto, true, { kind: 'assignMe', seenOwner: '' });
    const out = await here.act(tenant, n, ana, true, { kind: 'assignMe', seenOwner: '' });
    expect(out.kind).toBe('conflict');
    expect(out.ticket.owner).toEqual(beto);
    // Asked again when it is already hers: nothing to change, told from storage, not memory.
    await there.act(tenant, n, beto, true, { kind: 'assign', to: ana });
    const again = await here.act(tenant, n, ana, true, { kind: 'assignMe', seenOwner: 'ana' });
    expect(again.kind).toBe('unchanged');
    expect(again.ticket.owner).toEqual(ana);
    expect((await fresh(tenant, n))!.ticket.eventCount).toBe(3);
  });

  it('serves the other card actions too: written without a read, or decided on a fresh one', async () => {
    const tenant = 'recent-lifecycle';
    const n = await newTicket(tenant);
    const clock = new SettableClock(undefined, T0);
    const mine = new TicketRepository(tables);
    const here = triageOn(mine, clock);
    const there = triageOn(new TicketRepository(tables), clock);
    await here.act(tenant, n, ana, true, { kind: 'assignMe' });
    const reads = jest.spyOn(tables.tickets, 'getEntity');
    try {
      const noted = await here.lifecycle(tenant, n, ana, true, { kind: 'note', text: 'checking' });
      expect(noted.kind).toBe('changed');
      expect(reads).not.toHaveBeenCalled();
    } finally {
      reads.mockRestore();
    }
    // Resolved elsewhere meanwhile: resolving again here is refused as invalid, from storage.
    await there.lifecycle(tenant, n, beto, true, { kind: 'resolve', note: 'done' });
    const again = await here.lifecycle(tenant, n, ana, true, { kind: 'resolve', note: 'also' });
    expect(again.kind).toBe('invalid');
    expect(again.ticket.status).toBe('resolved');
    // The requester's confirmation, on the row just read for the refusal: it closes.
    const confirmed = await here.lifecycle(tenant, n, requester, false, { kind: 'confirm' });
    expect(confirmed.kind).toBe('changed');
    const stored = (await fresh(tenant, n))!;
    expect(stored.ticket.status).toBe('closed');
    expect(stored.ticket.eventCount).toBe(5);
    expect(mine.recent(tenant, n)).toEqual(stored);
  });

  it('a change that keeps losing its write ends as a conflict, told from storage', async () => {
    const tenant = 'recent-losing';
    const n = await newTicket(tenant);
    const repo = new TicketRepository(tables);
    const triage = triageOn(repo);
    await repo.get(tenant, n);
    const lost = jest
      .spyOn(repo, 'appendEvent')
      .mockRejectedValue(new ConcurrencyError(`SUP-${n}`));
    try {
      const out = await triage.act(tenant, n, ana, true, { kind: 'assignMe' });
      expect(out.kind).toBe('conflict');
      expect(out.ticket.owner).toBeUndefined();
      // the try on what it knew, then five on fresh reads
      expect(lost).toHaveBeenCalledTimes(6);
    } finally {
      lost.mockRestore();
    }
  });

  it('card places set on a row changed elsewhere are written, and the other change kept', async () => {
    const tenant = 'recent-refs';
    const n = await newTicket(tenant);
    const mine = new TicketRepository(tables);
    const there = triageOn(new TicketRepository(tables));
    await mine.get(tenant, n);
    await there.act(tenant, n, beto, true, { kind: 'assignMe' });
    await mine.setCardRefs(tenant, n, { triage: { conversationId: 'c9', activityId: 'a9' } });
    const stored = (await fresh(tenant, n))!;
    expect(stored.ticket.triage).toEqual({ conversationId: 'c9', activityId: 'a9' });
    expect(stored.ticket.owner).toEqual(beto);
    expect(mine.recent(tenant, n)).toBeUndefined();
  });

  it('keeps the most recent tickets up to its bound, the least recent dropped first', async () => {
    const tenant = 'recent-bound';
    const numbers = [await newTicket(tenant, 'a'), await newTicket(tenant, 'bb')];
    numbers.push(await newTicket(tenant, 'ccc'));
    const repo = new TicketRepository(tables, { recentRows: 2 });
    for (const n of numbers) await repo.get(tenant, n);
    expect(numbers.map((n) => repo.recent(tenant, n) !== undefined)).toEqual([false, true, true]);
    await repo.get(tenant, numbers[1]); // read again: now the most recent
    await repo.get(tenant, numbers[0]);
    expect(numbers.map((n) => repo.recent(tenant, n) !== undefined)).toEqual([true, true, false]);
    expect(RECENT_ROWS).toBeGreaterThanOrEqual(512);
  });
});
