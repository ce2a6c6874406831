import { shippedPlaybooks } from '../../src/domain/kb/playbook';
import { signatureOf } from '../../src/domain/reports/recurring';
import { Category } from '../../src/domain/tickets/category';
import { Ticket } from '../../src/domain/tickets/ticket';
import { createLogger } from '../../src/logger';
import { RecurringService } from '../../src/services/recurring.service';
import { RecurringRepository } from '../../src/storage/recurring.repository';
import { TenantRepository } from '../../src/storage/tenant.repository';
import { TicketRepository } from '../../src/storage/ticket.repository';
import { Tables } from '../../src/storage/tables';
import { testTables } from '../support/bot-harness';
import { ticketBuild } from '../support/ticket-build';

const TENANT = 'tenant-recurring';

async function createTicket(
  tables: Tables,
  text: string,
  at: string,
  category: Category = 'network',
): Promise<Ticket> {
  const tickets = new TicketRepository(tables);
  const now = new Date(at);
  const { stored } = await tickets.create(
    TENANT,
    `k-${text}-${at}`,
    ticketBuild(TENANT, { description: text, category, impact: 'medium', locale: 'es' }, now),
  );
  return stored.ticket;
}

function service(tables: Tables, threshold = 100) {
  return new RecurringService({
    repo: new RecurringRepository(tables),
    tickets: new TicketRepository(tables),
    tenants: new TenantRepository(tables),
    clock: { now: () => new Date('2026-11-27T12:00:00Z') },
    windowDays: 7,
    threshold,
    playbooks: shippedPlaybooks(),
    log: createLogger('silent'),
  });
}

describe('recurring problems in storage', () => {
  it('a re-run match adds nothing; concurrent matches of several instances lose no ticket', async () => {
    const { tables } = await testTables();
    const repo = new RecurringRepository(tables);
    // two "instances": separate services (and repositories) over one storage
    const one = service(tables);
    const two = service(tables);
    const a = await createTicket(tables, 'VPN no conecta', '2026-11-23T15:00:00Z');
    const b = await createTicket(tables, "VPN won't connect", '2026-11-23T16:00:00Z');
    const unrelated = await createTicket(
      tables,
      'The Wi-Fi drops in room 3',
      '2026-11-23T17:00:00Z',
    );
    await one.match(a);
    await one.match(b);
    await one.match(unrelated);
    const groups = await repo.groupsSince(TENANT, new Date('2026-11-20T00:00:00Z'), 10);
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({
      id: `network-${String(a.number).padStart(9, '0')}`,
      category: 'network',
      label: 'VPN conecta',
      count: 2,
      trackingIds: [a.trackingId, b.trackingId],
      firstAt: a.createdAt,
      lastAt: b.createdAt,
    });

    // the job of b runs again (re-delivered, or another instance took it over): no change
    await two.match(b);
    await one.match(a);
    expect((await repo.group(TENANT, groups[0].id))?.count).toBe(2);

    // three new similar tickets matched at once by two instances
    const c = await createTicket(tables, 'La VPN no conecta desde casa', '2026-11-24T09:00:00Z');
    const d = await createTicket(tables, 'The VPN does not connect', '2026-11-24T09:00:01Z');
    const e = await createTicket(tables, 'No conecta la VPN, error 809', '2026-11-24T09:00:02Z');
    await Promise.all([one.match(c), two.match(d), one.match(e), two.match(c)]);
    const after = await repo.group(TENANT, groups[0].id);
    expect(after?.count).toBe(5);
    expect([...(after?.trackingIds ?? [])].sort()).toEqual(
      [a, b, c, d, e].map((t) => t.trackingId).sort(),
    );
    expect(after?.lastAt).toEqual(e.createdAt);
  });

  it('a group keeps the title and thread of its newest tickets: its card reads only what it lacks', async () => {
    const { tables } = await testTables();
    const repo = new RecurringRepository(tables);
    const tickets = new TicketRepository(tables);
    const first = await createTicket(
      tables,
      'La impresora no imprime',
      '2026-11-24T08:00:00Z',
      'hardware',
    );
    const rest: Ticket[] = [];
    for (let i = 0; i < 11; i++) {
      const t = await createTicket(
        tables,
        `La impresora no imprime nada ${i}`,
        `2026-11-24T09:${String(i).padStart(2, '0')}:00Z`,
        'hardware',
      );
      // Its triage card is out when its match runs (the job comes after the card).
      await tickets.setCardRefs(TENANT, t.number, {
        triage: { conversationId: `19:t;messageid=${t.number}`, activityId: `act-${t.number}` },
      });
      rest.push((await tickets.get(TENANT, t.number))!.ticket);
    }
    const svc = service(tables);
    await svc.match(first);
    for (const t of rest) await svc.match(t);
    const listed = (await repo.groupsSince(TENANT, new Date('2026-11-20T00:00:00Z'), 10)).find(
      (g) => g.category === 'hardware',
    )!;
    const group = (await repo.group(TENANT, listed.id))!;
    expect(group.count).toBe(12);
    // The newest 10 keep what the card shows; the older ones only their number.
    expect(group.members.filter((m) => m.shown).map((m) => m.number)).toEqual(
      rest.slice(1).map((t) => t.number),
    );
    expect(group.members.at(-1)?.shown).toEqual({
      title: rest[10].title,
      triageActivityId: `act-${rest[10].number}`,
    });
    // Drawing the card reads no ticket.
    const reads: number[] = [];
    const counting = new RecurringService({
      repo,
      tickets: Object.assign(Object.create(tickets) as TicketRepository, {
        get: async (tenantId: string, n: number) => {
          reads.push(n);
          return tickets.get(tenantId, n);
        },
      }),
      tenants: new TenantRepository(tables),
      clock: { now: () => new Date('2026-11-27T12:00:00Z') },
      windowDays: 7,
      threshold: 100,
      playbooks: shippedPlaybooks(),
      log: createLogger('silent'),
    });
    const view = await counting.view(TENANT, group);
    expect(reads).toEqual([]);
    expect(view.members.map((m) => [m.trackingId, m.title, m.triageActivityId])).toEqual(
      [...rest.slice(1)].reverse().map((t) => [t.trackingId, t.title, `act-${t.number}`]),
    );
  });

  it('reads only the window: a ticket older than the window starts nothing', async () => {
    const { tables } = await testTables();
    const repo = new RecurringRepository(tables);
    const s = service(tables);
    const old = await createTicket(tables, 'VPN no conecta', '2026-11-01T15:00:00Z');
    const recent = await createTicket(tables, 'VPN no conecta otra vez', '2026-11-20T15:00:00Z');
    await s.match(old);
    await s.match(recent);
    expect(await repo.groupsSince(TENANT, new Date('2026-10-01T00:00:00Z'), 10)).toEqual([]);
    const window = await repo.signaturesSince(
      TENANT,
      'network',
      new Date('2026-11-13T15:00:00Z'),
      new Date('2026-11-20T15:00:00Z'),
    );
    expect(window.map((w) => w.number)).toEqual([recent.number]);
  });

  it('groupsSince: most tickets first, only groups active since then, at most `limit`', async () => {
    const { tables } = await testTables();
    const repo = new RecurringRepository(tables);
    const add = (id: string, category: Category, from: number, n: number, day: number) =>
      repo.addToGroup(
        TENANT,
        category,
        id,
        Array.from({ length: n }, (_, i) => ({
          member: {
            number: from + i,
            trackingId: `SUP-${from + i}`,
            at: new Date(Date.UTC(2026, 10, day, 10, i)),
          },
          signature: signatureOf('Outlook no sincroniza el correo'),
        })),
      );
    await add('email-000000001', 'email', 1, 3, 24);
    await add('network-000000010', 'network', 10, 5, 25);
    await add('printing-000000020', 'printing', 20, 4, 10);
    const since = await repo.groupsSince(TENANT, new Date('2026-11-20T00:00:00Z'), 10);
    expect(since.map((g) => [g.id, g.count])).toEqual([
      ['network-000000010', 5],
      ['email-000000001', 3],
    ]);
    expect(await repo.groupsSince(TENANT, new Date('2026-11-01T00:00:00Z'), 1)).toHaveLength(1);
    // another tenant's groups are its own
    expect(await repo.groupsSince('other', new Date('2026-11-01T00:00:00Z'), 10)).toEqual([]);
  });

  it('one claim to post a group wins among concurrent jobs', async () => {
    const { tables } = await testTables();
    const repo = new RecurringRepository(tables);
    const { group } = await repo.addToGroup(TENANT, 'network', 'network-000000001', [
      {
        member: { number: 1, trackingId: 'SUP-1', at: new Date('2026-11-24T10:00:00Z') },
        signature: signatureOf('VPN no conecta'),
      },
    ]);
    const fresh = (await repo.group(TENANT, group.id))!;
    const now = new Date('2026-11-24T10:05:00Z');
    const claims = await Promise.all([2, 3, 4].map((n) => repo.claimPost(fresh, TENANT, n, now)));
    expect(claims.filter((c) => c === 'claimed')).toHaveLength(1);
    const winner = [2, 3, 4][claims.indexOf('claimed')];
    const claimed = (await repo.group(TENANT, group.id))!;
    expect(claimed.postClaim?.number).toBe(winner);
    // another job sees it taken; the winner's own re-delivered job keeps it
    expect(await repo.claimPost(claimed, TENANT, 99, now)).toBe('taken');
    expect(await repo.claimPost(claimed, TENANT, winner, now)).toBe('claimed');
    const posted = await repo.recordPost(TENANT, group.id, {
      conversationId: 'c',
      activityId: '7',
    });
    expect(posted.post).toEqual({ conversationId: 'c', activityId: '7' });
    expect(await repo.claimPost(posted, TENANT, winner, now)).toBe('taken');
  });
});
