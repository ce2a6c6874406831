import { SettableClock } from '../../src/domain/clock';
import { startClocks } from '../../src/domain/sla/clocks';
import { Ticket, TicketEvent, createdEvent, newTicket } from '../../src/domain/tickets/ticket';
import { formatTrackingId } from '../../src/domain/tickets/tracking-number';
import { createLogger } from '../../src/logger';
import { SlaService } from '../../src/services/sla.service';
import { OutboxRepository, partsOf } from '../../src/storage/outbox.repository';
import { Tables, createTables } from '../../src/storage/tables';
import { StoredTicket, TicketRepository, bucketOf } from '../../src/storage/ticket.repository';
import { TimerRepository } from '../../src/storage/timer.repository';
import { testConnectionString, testTables } from '../support/bot-harness';
import { policy } from '../support/card-samples';

const TENANT = 'tenant-sla';
/** Wednesday 25 Nov 2026, 10:00 in Mexico City */
const T0 = new Date('2026-11-25T16:00:00Z');
const log = createLogger('silent');

function draft(i: number) {
  return {
    description: `Request ${i}: the VPN drops`,
    category: 'network' as const,
    impact: 'medium' as const,
    severity: 'medium' as const,
    requester: { id: `u${i}`, name: `User ${i}` },
    locale: 'en' as const,
    intakeChannel: 'teams' as const,
  };
}

async function seed(tables: Tables, count: number): Promise<Ticket[]> {
  const repo = new TicketRepository(tables);
  const timers = new TimerRepository(tables);
  const out: Ticket[] = [];
  for (let i = 0; i < count; i++) {
    const { stored } = await repo.create(TENANT, `seed-${i}`, (n) => {
      const ticket = newTicket({
        tenantId: TENANT,
        number: n,
        trackingId: formatTrackingId('SUP', n),
        now: T0,
        draft: draft(i),
        ...startClocks(policy, 'media', T0),
      });
      return { ticket, event: createdEvent(ticket) };
    });
    out.push(stored.ticket);
  }
  // the `sla.arm` job of each creation, performed
  const clock = new SettableClock(undefined, T0);
  const sla = new SlaService({ tickets: repo, timers, clock, policy, log });
  for (const t of out) await sla.arm(TENANT, t.number);
  return out;
}

function service(tables: Tables, clock: SettableClock, tickets = new TicketRepository(tables)) {
  return new SlaService({ tickets, timers: new TimerRepository(tables), clock, policy, log });
}

async function slaEvents(tables: Tables, t: Ticket): Promise<TicketEvent[]> {
  const full = await new TicketRepository(tables).getFull(TENANT, t.number);
  return full!.events.filter((e) => e.type === 'sla');
}

async function noticeJobs(tables: Tables, tickets: Ticket[]) {
  const outbox = new OutboxRepository(tables);
  const buckets = [...new Set(tickets.map((t) => bucketOf(t.number)))];
  const jobs = (await Promise.all(buckets.map((b) => outbox.jobsIn(TENANT, b)))).flat();
  // (a change's jobs are the parts of its bundle until it is sent)
  return jobs
    .flatMap((j) => (j.kind === 'bundle' ? partsOf(j) : [j]))
    .filter((j) => j.kind === 'channel.notice');
}

describe('durable SLA timers', () => {
  it('two sweepers racing over the same due timers record and queue each notice once', async () => {
    const { tables } = await testTables();
    const tickets = await seed(tables, 12);
    // media: first response in 10 business minutes, warning at 7.5
    const clock = new SettableClock(undefined, new Date(T0.getTime() + 8 * 60_000));
    const a = service(tables, clock);
    const b = service(tables, clock);
    const [ra, rb] = await Promise.all([a.sweep(), b.sweep()]);
    expect(ra.notices + rb.notices).toBe(12);
    for (const t of tickets) {
      const events = await slaEvents(tables, t);
      expect(events.map((e) => (e.data.notices as { kind: string }[])[0].kind)).toEqual([
        'firstResponse.warning',
      ]);
    }
    expect(await noticeJobs(tables, tickets)).toHaveLength(12);

    // both sweep again past the due time: one breach each, still once
    clock.set(new Date(T0.getTime() + 11 * 60_000));
    await Promise.all([a.sweep(), b.sweep(), a.sweep()]);
    for (const t of tickets) {
      expect((await slaEvents(tables, t)).map((e) => e.seq)).toHaveLength(2);
    }
    expect(await noticeJobs(tables, tickets)).toHaveLength(24);
    // each ticket keeps exactly one wake-up in the future (its next due time), none in the past
    const due = await new TimerRepository(tables).due(clock.now(), 1000);
    expect(due).toHaveLength(0);
    expect(await new TimerRepository(tables).ticketsWithWakes()).toHaveLength(12);
  });

  it('a sweeper that dies mid-way loses nothing: the next one finishes without duplicates', async () => {
    const { tables } = await testTables();
    const tickets = await seed(tables, 10);
    const clock = new SettableClock(undefined, new Date(T0.getTime() + 8 * 60_000));

    /** Dies right after recording some notices (before setting the next timer), and before others. */
    class Crashing extends TicketRepository {
      calls = 0;
      override async appendEvent(
        ...args: Parameters<TicketRepository['appendEvent']>
      ): Promise<StoredTicket | undefined> {
        this.calls += 1;
        if (this.calls % 2 === 0) throw new Error('process killed before writing');
        await super.appendEvent(...args);
        throw new Error('process killed after writing');
      }
    }
    const dying = service(tables, clock, new Crashing(tables));
    const first = await dying.sweep();
    expect(first.notices).toBe(0); // every wake-up failed part-way

    const restarted = service(tables, clock);
    await restarted.sweep();
    for (const t of tickets) {
      const events = await slaEvents(tables, t);
      expect(events).toHaveLength(1);
      expect((events[0].data.notices as { kind: string }[])[0].kind).toBe('firstResponse.warning');
    }
    expect(await noticeJobs(tables, tickets)).toHaveLength(10);
    expect(await new TimerRepository(tables).due(clock.now(), 1000)).toHaveLength(0);
  });

  it('costs one request when nothing is due, whatever the number of open tickets', async () => {
    const { tables, prefix } = await testTables();
    await seed(tables, 30);
    let requests = 0;
    const counted = createTables(
      { kind: 'connectionString', connectionString: testConnectionString() },
      {
        prefix,
        policies: [{ name: 'count', sendRequest: (req, next) => (requests++, next(req)) }],
      },
    );
    const clock = new SettableClock(undefined, new Date(T0.getTime() + 60_000));
    const result = await service(counted, clock).sweep();
    expect(result).toEqual({ woke: 0, notices: 0 });
    expect(requests).toBe(1);
  });

  it('re-arms every open ticket once after the policy changed, and recomputes its due times', async () => {
    const { tables } = await testTables();
    const tickets = await seed(tables, 3);
    const timers = new TimerRepository(tables);
    // the first start records the policy in use; the same policy again is no change
    expect(await timers.policyChanged('first')).toBe(false);
    expect(await timers.policyChanged('first')).toBe(false);

    const faster = {
      ...policy,
      targets: { ...policy.targets, media: { ...policy.targets.media, firstResponseMinutes: 5 } },
    };
    const clock = new SettableClock(undefined, new Date(T0.getTime() + 60_000));
    const sla = new SlaService({
      tickets: new TicketRepository(tables),
      timers,
      clock,
      policy: faster,
      log,
    });
    expect(await sla.reconcilePolicy()).toBe(3);
    expect(await sla.reconcilePolicy()).toBe(0);
    clock.set(new Date(T0.getTime() + 61_000 + 1000));
    await sla.sweep();
    for (const t of tickets) {
      const stored = await new TicketRepository(tables).get(TENANT, t.number);
      expect(stored!.ticket.firstResponseDueAt.toISOString()).toBe('2026-11-25T16:05:00.000Z');
      expect(stored!.ticket.sla.firstResponse.targetMinutes).toBe(5);
    }
  });
});
