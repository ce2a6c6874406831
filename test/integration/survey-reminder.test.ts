import { SettableClock } from '../../src/domain/clock';
import { startClocks } from '../../src/domain/sla/clocks';
import { Ticket, createdEvent, newTicket } from '../../src/domain/tickets/ticket';
import { formatTrackingId } from '../../src/domain/tickets/tracking-number';
import { createLogger } from '../../src/logger';
import { SlaService } from '../../src/services/sla.service';
import { SurveyService } from '../../src/services/survey.service';
import { TriageService } from '../../src/services/triage.service';
import { OutboxJob, OutboxRepository } from '../../src/storage/outbox.repository';
import { Tables } from '../../src/storage/tables';
import { TicketRepository, bucketOf } from '../../src/storage/ticket.repository';
import { TimerRepository } from '../../src/storage/timer.repository';
import { testTables } from '../support/bot-harness';
import { policy } from '../support/card-samples';

const TENANT = 'tenant-survey';
/** Wednesday 25 Nov 2026, 10:00 in Mexico City; the reminder is due Thursday 10:30. */
const T0 = new Date('2026-11-25T16:00:00Z');
const CLOSED = new Date('2026-11-25T16:30:00Z');
const DUE = new Date('2026-11-26T16:30:00Z');
const log = createLogger('silent');
const agent = { id: 'agent', name: 'Luis' };

async function closedTicket(tables: Tables, i: number, clock: SettableClock): Promise<Ticket> {
  const tickets = new TicketRepository(tables);
  const requester = { id: `u${i}`, name: `User ${i}` };
  const { stored } = await tickets.create(TENANT, `survey-${i}`, (n) => {
    const ticket = newTicket({
      tenantId: TENANT,
      number: n,
      trackingId: formatTrackingId('SUP', n),
      now: T0,
      draft: {
        description: `Request ${i}: the printer jams`,
        category: 'printing',
        impact: 'low',
        severity: 'medium',
        requester,
        locale: 'en',
        intakeChannel: 'teams',
      },
      ...startClocks(policy, 'baja', T0),
    });
    return { ticket, event: createdEvent(ticket) };
  });
  clock.set(CLOSED);
  const triage = new TriageService({ tickets, clock, policy });
  const n = stored.ticket.number;
  await triage.lifecycle(TENANT, n, agent, true, { kind: 'resolve', note: 'cleaned' });
  const closed = await triage.lifecycle(TENANT, n, requester, false, { kind: 'confirm' });
  if (closed.kind !== 'changed') throw new Error(closed.kind);
  expect(closed.jobs).toContainEqual({
    kind: 'survey.post',
    ref: String(closed.ticket.eventCount),
  });
  // the `sla.arm` job of the closing, performed
  await slaService(tables, clock).arm(TENANT, n);
  return closed.ticket;
}

function slaService(tables: Tables, clock: SettableClock) {
  return new SlaService({
    tickets: new TicketRepository(tables),
    timers: new TimerRepository(tables),
    clock,
    policy,
    log,
  });
}

async function remindersOf(tables: Tables, t: Ticket) {
  const full = await new TicketRepository(tables).getFull(TENANT, t.number);
  const events = full!.events.filter(
    (e) =>
      e.type === 'sla' &&
      (e.data.notices as { kind: string }[]).some((n) => n.kind === 'survey.reminder'),
  );
  const jobs = (await new OutboxRepository(tables).jobsIn(TENANT, bucketOf(t.number))).filter(
    (j) => j.kind === 'survey.remind' && j.number === t.number,
  );
  return { events, jobs, ticket: full!.stored.ticket };
}

describe('the survey reminder timer', () => {
  it('two sweepers at the due time record and queue the reminder once; an answered survey gets none', async () => {
    const { tables } = await testTables();
    const clock = new SettableClock(undefined, T0);
    const open = await closedTicket(tables, 1, clock);
    const answered = await closedTicket(tables, 2, clock);
    const surveys = new SurveyService({ tickets: new TicketRepository(tables), clock });
    const rated = await surveys.answer(TENANT, answered.number, answered.requester, {
      round: answered.survey!.round,
      rating: 5,
      comment: '',
    });
    expect(rated.kind).toBe('rated');

    clock.set(new Date(DUE.getTime() - 60_000));
    await slaService(tables, clock).sweep();
    expect((await remindersOf(tables, open)).events).toHaveLength(0);

    clock.set(DUE);
    await Promise.all([slaService(tables, clock).sweep(), slaService(tables, clock).sweep()]);
    const once = await remindersOf(tables, open);
    expect(once.events).toHaveLength(1);
    expect(once.jobs).toHaveLength(1);
    expect(once.ticket.sla.surveyReminderAt).toBeUndefined();
    expect((await remindersOf(tables, answered)).events).toHaveLength(0);

    clock.set(new Date('2026-12-03T16:30:00Z'));
    await slaService(tables, clock).sweep();
    expect((await remindersOf(tables, open)).events).toHaveLength(1);
  });
});

describe('jobs handed to the outbox as written', () => {
  /** Each job returned by a change is stored with the etag it carries (no read needed). */
  async function expectAsStored(tables: Tables, n: number, written: OutboxJob[] | undefined) {
    const stored = await new OutboxRepository(tables).jobsOf(TENANT, n);
    expect(written?.length).toBeGreaterThan(0);
    for (const job of written ?? []) {
      const row = stored.find((s) => s.kind === job.kind && s.ref === job.ref);
      expect([job.kind, row?.etag]).toEqual([job.kind, job.etag]);
    }
  }

  it('a step of the ticket’s life and a survey answer return their jobs with their etags', async () => {
    const { tables } = await testTables();
    const clock = new SettableClock(undefined, T0);
    const closed = await closedTicket(tables, 90, clock);
    const tickets = new TicketRepository(tables);
    const triage = new TriageService({ tickets, clock, policy });
    const requester = closed.requester;
    const reopened = await triage.lifecycle(TENANT, closed.number, requester, false, {
      kind: 'reopen',
    });
    if (reopened.kind !== 'changed') throw new Error(reopened.kind);
    await expectAsStored(tables, closed.number, reopened.written);

    const other = await closedTicket(tables, 91, clock);
    const answered = await new SurveyService({ tickets, clock }).answer(
      TENANT,
      other.number,
      other.requester,
      { round: other.survey!.round, rating: 1, comment: 'slow' },
    );
    if (answered.kind !== 'rated') throw new Error(answered.kind);
    expect(answered.jobs).toHaveLength(1); // a low rating alerts the supervisors
    await expectAsStored(tables, other.number, answered.written);
  });
});
