import policyFile from '../../config/sla-policy.json';
import { businessMinutesBetween } from '../../src/domain/sla/business-calendar';
import {
  CHANNEL_NOTICES,
  Notice,
  NoticeKind,
  SlaState,
  checkPartsDate,
  evaluate,
  nextWake,
  noteRequesterContact,
  partsArrived,
  recordFirstResponse,
  slaHealth,
  startClocks,
  startWaitingForParts,
  startWaitingForRequester,
  stopResolution,
  stopWaitingForRequester,
  withDueTimes,
} from '../../src/domain/sla/clocks';
import { SlaPolicy, parseSlaPolicy, policyFingerprint } from '../../src/domain/sla/policy';
import { SlaStateSchema, slaFromJson, slaToJson } from '../../src/storage/sla-state';
import { Impact, Priority, Severity } from '../../src/domain/tickets/priority-matrix';
import { Person, Ticket, newTicket } from '../../src/domain/tickets/ticket';

/*
 * Every instant is a fixed UTC ISO string; the comment beside it gives the local time it means.
 * America/Mexico_City is UTC−6 all year (no DST): 09:00 local = 15:00Z, 18:00 local = 00:00Z of
 * the next day. November 2026: Wed 25, Thu 26, Fri 27, Sat 28, Sun 29, Mon 30, Tue 1 Dec.
 */

const policy = parseSlaPolicy(policyFile);
const at = (iso: string) => new Date(iso);
const iso = (d: Date | undefined) => d?.toISOString();
const agent: Person = { id: 'agent-1', name: 'Ana Agente' };

/** impact × severity that give each priority (spec 2.1). */
const CLASS: Record<Priority, [Impact, Severity]> = {
  alta: ['high', 'high'],
  media: ['high', 'low'],
  baja: ['low', 'low'],
};

function ticketAt(
  createdIso: string,
  priority: Priority,
  pol: SlaPolicy = policy,
  over: Partial<Ticket> = {},
): Ticket {
  const now = at(createdIso);
  const [impact, severity] = CLASS[priority];
  const ticket = newTicket({
    tenantId: 'tenant-1',
    number: 7,
    trackingId: 'SUP-000007',
    draft: {
      description: 'La impresora del piso 3 no imprime',
      category: 'printing',
      impact,
      severity,
      requester: { id: 'req-1', name: 'Rosa Requirente' },
      locale: 'es',
      intakeChannel: 'teams',
    },
    now,
    ...startClocks(pol, priority, now),
  });
  expect(ticket.priority).toBe(priority);
  return { ...ticket, ...over };
}

/** A ticket with a first response already recorded, so its clock plays no part. */
function answered(createdIso: string, priority: Priority, answeredIso: string, pol = policy) {
  return recordFirstResponse(
    ticketAt(createdIso, priority, pol, { owner: agent }),
    pol,
    at(answeredIso),
    agent,
  );
}

const kinds = (r: { notices: Notice[] }) => r.notices.map((n) => n.kind);
const only = (r: { notices: Notice[] }, ...k: NoticeKind[]) =>
  r.notices.filter((n) => k.includes(n.kind)).map((n) => n.kind);

/** Changes the priority the way triage does (classify): new impact/severity, then due times. */
function reprioritise(ticket: Ticket, priority: Priority, nowIso: string, pol = policy): Ticket {
  const [impact, severity] = CLASS[priority];
  return withDueTimes({ ...ticket, impact, severity, priority }, pol, at(nowIso));
}

/**
 * Plays the durable timer: wake at `nextWake`, evaluate, repeat, until `untilIso`. Each line of
 * the log is "<instant> <notice>". A wake-up that finds nothing to do is an error (a stall).
 */
function runTimer(ticket: Ticket, pol: SlaPolicy, untilIso: string) {
  const until = at(untilIso).getTime();
  const log: string[] = [];
  let t = ticket;
  for (let i = 0; i < 500; i++) {
    const wake = nextWake(t, pol);
    if (!wake || wake.getTime() > until) return { ticket: t, log };
    const r = evaluate(t, pol, wake);
    if (r.notices.length === 0) throw new Error(`woke at ${wake.toISOString()} for nothing`);
    for (const n of r.notices) log.push(`${wake.toISOString()} ${n.kind}`);
    t = r.ticket;
  }
  throw new Error('the timer never settled');
}

describe('startClocks', () => {
  it('sets due times on the business clock and the first update', () => {
    // media, created Wed 25 Nov 16:00 local: 10 min / 480 min (2 h Wed + 6 h Thu)
    const c = startClocks(policy, 'media', at('2026-11-25T22:00:00Z'));
    expect(iso(c.firstResponseDueAt)).toBe('2026-11-25T22:10:00.000Z'); // Wed 16:10
    expect(iso(c.resolutionDueAt)).toBe('2026-11-26T21:00:00.000Z'); // Thu 15:00
    expect(iso(c.sla.updates.dueAt)).toBe('2026-11-26T17:00:00.000Z'); // Thu 11:00
    expect(iso(c.sla.updates.lastAt)).toBe('2026-11-25T22:00:00.000Z');
    expect(c.sla).toMatchObject({
      policy: policyFingerprint(policy),
      firstResponse: { targetMinutes: 10 },
      resolution: { targetMinutes: 480, pausedBusinessMinutes: 0, pausedWallMinutes: 0 },
    });
    expect(c.sla.firstResponse.warnedAt).toBeUndefined();
    expect(c.sla.resolution.pausedSince).toBeUndefined();
    expect(c.sla.parts).toBeUndefined();
    expect(c.sla.autoCloseAt).toBeUndefined();
  });

  it.each([
    // created Fri 27 Nov 17:30 local
    ['alta', '2026-11-27T23:35:00.000Z', '2026-11-30T15:30:00.000Z'], // Fri 17:35, Mon 09:30
    ['media', '2026-11-27T23:40:00.000Z', '2026-11-30T22:30:00.000Z'], // Fri 17:40, Mon 16:30
    ['baja', '2026-11-27T23:45:00.000Z', '2026-12-02T20:30:00.000Z'], // Fri 17:45, Wed 14:30
  ] as const)('%s: first response %s, resolution %s', (priority, fr, res) => {
    const c = startClocks(policy, priority, at('2026-11-27T23:30:00Z'));
    expect(iso(c.firstResponseDueAt)).toBe(fr);
    expect(iso(c.resolutionDueAt)).toBe(res);
  });
});

describe('first response clock', () => {
  // media, created Wed 25 Nov 10:00 local: warning at 7.5 min (10:07:30), breach at 10:10
  const created = '2026-11-25T16:00:00Z';

  it('warns at 75 % and breaches at 100 %, each once', () => {
    const t0 = ticketAt(created, 'media');
    expect(kinds(evaluate(t0, policy, at('2026-11-25T16:07:29Z')))).toEqual([]);

    const warned = evaluate(t0, policy, at('2026-11-25T16:07:30Z')); // 10:07:30
    expect(warned.notices).toEqual([
      {
        kind: 'firstResponse.warning',
        dueAt: at('2026-11-25T16:07:30Z'),
        targetMinutes: 10,
        elapsedMinutes: 7.5,
      },
    ]);
    expect(iso(warned.ticket.sla.firstResponse.warnedAt)).toBe('2026-11-25T16:07:30.000Z');
    expect(kinds(evaluate(warned.ticket, policy, at('2026-11-25T16:07:30Z')))).toEqual([]);
    expect(kinds(evaluate(warned.ticket, policy, at('2026-11-25T16:09:59Z')))).toEqual([]);

    const breached = evaluate(warned.ticket, policy, at('2026-11-25T16:10:00Z')); // 10:10
    expect(breached.notices).toEqual([
      {
        kind: 'firstResponse.breach',
        dueAt: at('2026-11-25T16:10:00Z'),
        targetMinutes: 10,
        elapsedMinutes: 10,
      },
    ]);
    expect(iso(breached.ticket.sla.firstResponse.breachedAt)).toBe('2026-11-25T16:10:00.000Z');
    // the warning's time is kept
    expect(iso(breached.ticket.sla.firstResponse.warnedAt)).toBe('2026-11-25T16:07:30.000Z');
    expect(kinds(evaluate(breached.ticket, policy, at('2026-11-25T16:12:00Z')))).toEqual([]);
  });

  it('sends only the breach when warning and breach are both due', () => {
    const r = evaluate(ticketAt(created, 'media'), policy, at('2026-11-25T16:12:00Z')); // 10:12
    expect(kinds(r)).toEqual(['firstResponse.breach']);
    expect(r.notices[0].elapsedMinutes).toBe(12);
    expect(iso(r.ticket.sla.firstResponse.warnedAt)).toBe('2026-11-25T16:12:00.000Z');
    expect(kinds(evaluate(r.ticket, policy, at('2026-11-25T16:13:00Z')))).toEqual([]);
  });

  it('counts business time only: created Friday 17:58 breaches Monday 09:08', () => {
    const t0 = ticketAt('2026-11-27T23:58:00Z', 'media'); // Fri 17:58
    expect(iso(t0.firstResponseDueAt)).toBe('2026-11-30T15:08:00.000Z'); // Mon 09:08
    // Saturday noon: nothing at all
    expect(kinds(evaluate(t0, policy, at('2026-11-28T18:00:00Z')))).toEqual([]);
    // warning at 7.5 min: 2 on Friday + 5.5 on Monday → 09:05:30
    const r = evaluate(t0, policy, at('2026-11-30T15:05:30Z'));
    expect(kinds(r)).toEqual(['firstResponse.warning']);
    expect(r.notices[0].elapsedMinutes).toBe(7.5);
  });

  it('a first response stops the clock: no warning, no breach', () => {
    const t = answered(created, 'media', '2026-11-25T16:05:00Z'); // 10:05
    expect(t.sla.firstResponse.actualMinutes).toBe(5);
    expect(t.firstResponseBy).toEqual(agent);
    expect(
      only(
        evaluate(t, policy, at('2026-11-25T16:30:00Z')),
        'firstResponse.warning',
        'firstResponse.breach',
      ),
    ).toEqual([]);
    // a second response changes nothing
    expect(recordFirstResponse(t, policy, at('2026-11-25T16:30:00Z'), agent)).toBe(t);
  });
});

describe('resolution clock', () => {
  it('alta: warning at 45 min, breach at 60 min, each once', () => {
    // created Wed 25 Nov 10:00 local, answered 10:02
    const t0 = answered('2026-11-25T16:00:00Z', 'alta', '2026-11-25T16:02:00Z');
    expect(kinds(evaluate(t0, policy, at('2026-11-25T16:44:59Z')))).toEqual([]);
    const w = evaluate(t0, policy, at('2026-11-25T16:45:00Z')); // 10:45
    expect(w.notices).toEqual([
      {
        kind: 'resolution.warning',
        dueAt: at('2026-11-25T16:45:00Z'),
        targetMinutes: 60,
        elapsedMinutes: 45,
      },
    ]);
    expect(kinds(evaluate(w.ticket, policy, at('2026-11-25T16:50:00Z')))).toEqual([]);
    const b = evaluate(w.ticket, policy, at('2026-11-25T17:00:00Z')); // 11:00
    expect(kinds(b)).toEqual(['resolution.breach']);
    expect(b.notices[0]).toMatchObject({ targetMinutes: 60, elapsedMinutes: 60 });
    expect(kinds(evaluate(b.ticket, policy, at('2026-11-25T17:30:00Z')))).toEqual([]);
  });

  it('media across the evening: warning Thu 13:00, breach Thu 15:00', () => {
    // created Wed 16:00 local: 360 min = 2 h Wed + 4 h Thu
    const t0 = answered('2026-11-25T22:00:00Z', 'media', '2026-11-25T22:01:00Z');
    const res = (r: { notices: Notice[] }) => only(r, 'resolution.warning', 'resolution.breach');
    expect(res(evaluate(t0, policy, at('2026-11-26T04:00:00Z')))).toEqual([]); // Wed 22:00
    expect(res(evaluate(t0, policy, at('2026-11-26T18:59:00Z')))).toEqual([]); // Thu 12:59
    const w = evaluate(t0, policy, at('2026-11-26T19:00:00Z')); // Thu 13:00
    expect(res(w)).toEqual(['resolution.warning']);
    expect(res(evaluate(w.ticket, policy, at('2026-11-26T20:59:00Z')))).toEqual([]);
    expect(res(evaluate(w.ticket, policy, at('2026-11-26T21:00:00Z')))).toEqual([
      'resolution.breach',
    ]);
  });

  it('sends only the breach when warning and breach are both due', () => {
    const t0 = answered('2026-11-25T16:00:00Z', 'alta', '2026-11-25T16:02:00Z');
    const r = evaluate(t0, policy, at('2026-11-25T18:00:00Z')); // 12:00
    expect(kinds(r)).toEqual(['resolution.breach']);
    expect(r.ticket.sla.resolution.warnedAt).toBeDefined();
    expect(kinds(evaluate(r.ticket, policy, at('2026-11-25T18:01:00Z')))).toEqual([]);
  });

  it('sends nothing about resolution while paused', () => {
    // alta, created Wed 10:00, waiting for the requester from 10:30
    const t0 = answered('2026-11-25T16:00:00Z', 'alta', '2026-11-25T16:02:00Z');
    const waiting = startWaitingForRequester(t0, policy, at('2026-11-25T16:30:00Z'));
    expect(kinds(evaluate(waiting, policy, at('2026-11-25T18:00:00Z')))).toEqual([]); // 12:00
    // the only notice that afternoon is the regular update, 4 business hours after 10:30
    const r = evaluate(waiting, policy, at('2026-11-25T20:30:00Z')); // 14:30
    expect(kinds(r)).toEqual(['update']);
    expect(slaHealth(r.ticket)).toEqual({ health: 'paused', clock: 'resolution' });
  });
});

describe('regular updates to the requester', () => {
  const updates = (r: { notices: Notice[] }) => only(r, 'update');

  it('an untouched ticket created Wed 10:00 gets an update at 14:00, then every 4 business hours', () => {
    const t0 = ticketAt('2026-11-25T16:00:00Z', 'baja'); // Wed 10:00
    expect(iso(t0.sla.updates.dueAt)).toBe('2026-11-25T20:00:00.000Z');
    expect(updates(evaluate(t0, policy, at('2026-11-25T19:59:59Z')))).toEqual([]);
    const first = evaluate(t0, policy, at('2026-11-25T20:00:00Z')); // 14:00
    expect(first.notices.filter((n) => n.kind === 'update')).toEqual([
      { kind: 'update', dueAt: at('2026-11-25T20:00:00Z') },
    ]);
    expect(updates(evaluate(first.ticket, policy, at('2026-11-25T20:00:00Z')))).toEqual([]);
    expect(iso(first.ticket.sla.updates.dueAt)).toBe('2026-11-26T00:00:00.000Z'); // 18:00
    const second = evaluate(first.ticket, policy, at('2026-11-26T00:00:00Z'));
    expect(updates(second)).toEqual(['update']);
    // 18:00 + 4 business hours = Thu 13:00
    expect(iso(second.ticket.sla.updates.dueAt)).toBe('2026-11-26T19:00:00.000Z');
    expect(updates(evaluate(second.ticket, policy, at('2026-11-26T15:00:00Z')))).toEqual([]);
  });

  it('across the evening: created Wed 16:00 → Thu 11:00', () => {
    const t0 = ticketAt('2026-11-25T22:00:00Z', 'baja');
    expect(updates(evaluate(t0, policy, at('2026-11-26T02:00:00Z')))).toEqual([]); // Wed 20:00
    expect(updates(evaluate(t0, policy, at('2026-11-26T16:59:00Z')))).toEqual([]); // Thu 10:59
    expect(updates(evaluate(t0, policy, at('2026-11-26T17:00:00Z')))).toEqual(['update']);
  });

  it('across the weekend: created Fri 15:00 → Mon 10:00', () => {
    const t0 = ticketAt('2026-11-27T21:00:00Z', 'baja');
    expect(updates(evaluate(t0, policy, at('2026-11-28T21:00:00Z')))).toEqual([]); // Sat 15:00
    expect(updates(evaluate(t0, policy, at('2026-11-30T15:59:00Z')))).toEqual([]); // Mon 09:59
    expect(updates(evaluate(t0, policy, at('2026-11-30T16:00:00Z')))).toEqual(['update']);
  });

  it('any contact with the requester restarts the clock', () => {
    const t0 = ticketAt('2026-11-25T16:00:00Z', 'baja'); // Wed 10:00
    const told = noteRequesterContact(t0, policy, at('2026-11-25T19:00:00Z')); // 13:00
    expect(iso(told.sla.updates.lastAt)).toBe('2026-11-25T19:00:00.000Z');
    expect(updates(evaluate(told, policy, at('2026-11-25T20:00:00Z')))).toEqual([]); // 14:00
    expect(updates(evaluate(told, policy, at('2026-11-25T23:00:00Z')))).toEqual(['update']); // 17:00
  });
});

describe('waiting for parts', () => {
  // media, created Wed 25 Nov 10:00 local, answered 10:05; parts asked at 11:00 for Mon 30 Nov
  // (3 business days: Thu, Fri, Mon). Resolution was due Wed 18:00 before the pause.
  const created = '2026-11-25T16:00:00Z';
  const asked = '2026-11-25T17:00:00Z'; // Wed 11:00
  const waiting = () => {
    const t0 = answered(created, 'media', '2026-11-25T16:05:00Z');
    expect(checkPartsDate(policy, at(asked), '2026-11-30')).toBeUndefined();
    return startWaitingForParts(t0, policy, at(asked), '2026-11-30');
  };

  it('pauses the resolution clock and plans the follow-up and the overdue alert', () => {
    const t = waiting();
    expect(t.status).toBe('waiting_parts');
    expect(t.sla.resolution).toMatchObject({ pausedSince: at(asked), pauseReason: 'parts' });
    expect(t.sla.parts).toEqual({
      expectedDate: '2026-11-30',
      expectedAt: at('2026-12-01T00:00:00Z'), // Mon 18:00
      since: at(asked),
      nextFollowUpAt: at('2026-11-26T15:00:00Z'), // Thu 09:00
      followUps: 0,
    });
    expect(iso(t.sla.updates.lastAt)).toBe('2026-11-25T17:00:00.000Z');
    expect(slaHealth(t)).toEqual({ health: 'paused', clock: 'resolution' });
  });

  it('follows up every business morning, not at weekends, and alerts once when overdue', () => {
    const { ticket, log } = runTimer(waiting(), policy, '2026-12-02T15:00:00Z');
    expect(log).toEqual([
      '2026-11-26T15:00:00.000Z parts.followUp', // Thu 09:00
      '2026-11-27T15:00:00.000Z parts.followUp', // Fri 09:00
      '2026-11-30T15:00:00.000Z parts.followUp', // Mon 09:00
      '2026-12-01T00:00:00.000Z parts.overdue', // Mon 18:00, the expected day's end
      '2026-12-01T15:00:00.000Z parts.followUp', // Tue 09:00
      '2026-12-02T15:00:00.000Z parts.followUp', // Wed 09:00
    ]);
    expect(ticket.sla.parts?.followUps).toBe(5);
    expect(iso(ticket.sla.parts?.overdueAlertedAt)).toBe('2026-12-01T00:00:00.000Z');
  });

  it('says nothing at the weekend, nothing about updates or resolution, overdue only once', () => {
    const t = waiting();
    // Wed 20:00: the update (15:00) and the resolution (18:00) would have been due without the wait
    expect(kinds(evaluate(t, policy, at('2026-11-26T02:00:00Z')))).toEqual([]);
    const thu = evaluate(t, policy, at('2026-11-26T15:00:00Z')); // Thu 09:00
    expect(kinds(thu)).toEqual(['parts.followUp']);
    expect(kinds(evaluate(thu.ticket, policy, at('2026-11-26T23:00:00Z')))).toEqual([]); // Thu 17:00
    const fri = evaluate(thu.ticket, policy, at('2026-11-27T15:00:00Z')); // Fri 09:00
    expect(kinds(fri)).toEqual(['parts.followUp']);
    expect(iso(fri.ticket.sla.parts?.nextFollowUpAt)).toBe('2026-11-30T15:00:00.000Z'); // Mon
    // Sat 09:00, Sat noon, Sun noon
    for (const when of ['2026-11-28T15:00:00Z', '2026-11-28T18:00:00Z', '2026-11-29T18:00:00Z']) {
      expect(kinds(evaluate(fri.ticket, policy, at(when)))).toEqual([]);
    }
    // the bot was down from Friday to Tuesday 10:00: one overdue alert and one follow-up
    const late = evaluate(fri.ticket, policy, at('2026-12-01T16:00:00Z'));
    expect(kinds(late).sort()).toEqual(['parts.followUp', 'parts.overdue']);
    expect(iso(late.ticket.sla.parts?.nextFollowUpAt)).toBe('2026-12-02T15:00:00.000Z');
    expect(kinds(evaluate(late.ticket, policy, at('2026-12-01T23:59:00Z')))).toEqual([]);
    expect(kinds(evaluate(late.ticket, policy, at('2026-12-02T15:00:00Z')))).toEqual([
      'parts.followUp',
    ]);
    expect(CHANNEL_NOTICES.has('parts.overdue')).toBe(true);
    expect(CHANNEL_NOTICES.has('parts.followUp')).toBe(false);
  });

  it('parts arrived: the clock resumes and the due time moves by the paused business minutes', () => {
    const t = waiting();
    const before = t.resolutionDueAt;
    expect(iso(before)).toBe('2026-11-26T00:00:00.000Z'); // Wed 18:00
    const arrivedAt = at('2026-12-01T17:00:00Z'); // Tue 1 Dec 11:00
    const r = partsArrived(t, policy, arrivedAt);
    // paused: Wed 11–18 (420) + Thu, Fri, Mon (3 × 540) + Tue 09–11 (120) = 2160
    expect(r.sla.resolution.pausedBusinessMinutes).toBe(2160);
    expect(r.sla.resolution.pausedSince).toBeUndefined();
    expect(r.sla.resolution.pauseReason).toBeUndefined();
    expect(businessMinutesBetween(before, r.resolutionDueAt, policy.calendar)).toBe(2160);
    // 60 min used before the pause, 420 left from Tue 11:00 → Tue 18:00
    expect(iso(r.resolutionDueAt)).toBe('2026-12-02T00:00:00.000Z');
    expect(r.status).toBe('in_progress');
    expect(r.sla.parts).toBeUndefined();
    expect(iso(r.sla.updates.dueAt)).toBe('2026-12-01T21:00:00.000Z'); // Tue 15:00
    // warning at 360 active minutes: 60 + 300 → Tue 16:00; breach Tue 18:00
    const res = (x: { notices: Notice[] }) => only(x, 'resolution.warning', 'resolution.breach');
    expect(res(evaluate(r, policy, at('2026-12-01T21:59:00Z')))).toEqual([]);
    const w = evaluate(r, policy, at('2026-12-01T22:00:00Z'));
    expect(res(w)).toEqual(['resolution.warning']);
    expect(res(evaluate(w.ticket, policy, at('2026-12-02T00:00:00Z')))).toEqual([
      'resolution.breach',
    ]);
  });

  it('a ticket without an owner goes back to new', () => {
    const t0 = recordFirstResponse(
      ticketAt(created, 'media'),
      policy,
      at('2026-11-25T16:05:00Z'),
      agent,
    );
    const w = startWaitingForParts(t0, policy, at(asked), '2026-11-30');
    expect(partsArrived(w, policy, at('2026-11-26T16:00:00Z')).status).toBe('new');
  });

  it('a new date keeps the start and the follow-ups but alerts again for the new date', () => {
    const r = runTimer(waiting(), policy, '2026-12-01T00:00:00Z'); // up to the overdue alert
    expect(r.ticket.sla.parts?.overdueAlertedAt).toBeDefined();
    const moved = startWaitingForParts(r.ticket, policy, at('2026-12-01T16:00:00Z'), '2026-12-03');
    expect(moved.sla.parts).toMatchObject({
      expectedDate: '2026-12-03',
      since: at(asked),
      followUps: 3,
      nextFollowUpAt: at('2026-12-02T15:00:00Z'),
    });
    expect(moved.sla.parts?.overdueAlertedAt).toBeUndefined();
    expect(moved.sla.resolution.pausedSince).toEqual(at(asked)); // still the first pause
  });
});

describe('waiting for the requester', () => {
  // media, created Wed 25 Nov 10:00 local, answered 10:05, waiting for the requester from 11:00
  const waiting = () =>
    startWaitingForRequester(
      answered('2026-11-25T16:00:00Z', 'media', '2026-11-25T16:05:00Z'),
      policy,
      at('2026-11-25T17:00:00Z'),
    );

  it('pauses and auto-closes after 3 business days without an answer', () => {
    const t = waiting();
    expect(t.status).toBe('waiting_requester');
    expect(t.sla.resolution.pauseReason).toBe('requester');
    // 3 × 540 business minutes from Wed 11:00 → Mon 11:00
    expect(iso(t.sla.autoCloseAt)).toBe('2026-11-30T17:00:00.000Z');
    expect(only(evaluate(t, policy, at('2026-11-30T16:59:00Z')), 'autoClose')).toEqual([]);
    const r = evaluate(t, policy, at('2026-11-30T17:00:00Z'));
    expect(kinds(r)).toEqual(['autoClose']);
    expect(r.ticket.status).toBe('closed');
    expect(r.ticket.sla.resolution.actualMinutes).toBe(60); // Wed 10–11, the pause excluded
    expect(r.ticket.sla.resolution.targetMinutes).toBe(480);
    expect(r.ticket.sla.resolution.pausedSince).toBeUndefined();
    expect(r.ticket.sla.autoCloseAt).toBeUndefined();
    expect(kinds(evaluate(r.ticket, policy, at('2026-12-05T17:00:00Z')))).toEqual([]);
    expect(nextWake(r.ticket, policy)).toBeUndefined();
    expect(slaHealth(r.ticket)).toEqual({ health: 'ok' });
  });

  it('the timer reaches the auto-close, with the regular updates on the way', () => {
    const { ticket, log } = runTimer(waiting(), policy, '2026-12-10T00:00:00Z');
    expect(log).toEqual([
      '2026-11-25T21:00:00.000Z update', // Wed 15:00
      '2026-11-26T16:00:00.000Z update', // Thu 10:00
      '2026-11-26T20:00:00.000Z update', // Thu 14:00
      '2026-11-27T00:00:00.000Z update', // Thu 18:00
      '2026-11-27T19:00:00.000Z update', // Fri 13:00
      '2026-11-27T23:00:00.000Z update', // Fri 17:00
      '2026-11-30T17:00:00.000Z autoClose', // Mon 11:00 (the next update, Mon 12:00, is later)
    ]);
    expect(ticket.status).toBe('closed');
  });

  it('an answer resumes the clock and cancels the auto-close', () => {
    const t = waiting();
    const r = stopWaitingForRequester(t, policy, at('2026-11-26T16:00:00Z')); // Thu 10:00
    expect(r.status).toBe('in_progress');
    expect(r.sla.autoCloseAt).toBeUndefined();
    expect(r.sla.resolution.pausedSince).toBeUndefined();
    // paused Wed 11–18 (420) + Thu 09–10 (60)
    expect(r.sla.resolution.pausedBusinessMinutes).toBe(480);
    expect(iso(r.resolutionDueAt)).toBe('2026-11-26T23:00:00.000Z'); // Thu 17:00
    expect(only(evaluate(r, policy, at('2026-11-30T17:00:00Z')), 'autoClose')).toEqual([]);
    expect(evaluate(r, policy, at('2026-11-30T17:00:00Z')).ticket.status).toBe('in_progress');
  });

  it('stopWaitingForRequester leaves other tickets alone', () => {
    const t = answered('2026-11-25T16:00:00Z', 'media', '2026-11-25T16:05:00Z');
    expect(stopWaitingForRequester(t, policy, at('2026-11-26T16:00:00Z'))).toBe(t);
  });
});

describe('stopResolution', () => {
  const t0 = () => answered('2026-11-25T16:00:00Z', 'media', '2026-11-25T16:05:00Z'); // Wed 10:00

  it('stores actual against target with pauses excluded', () => {
    // waiting for the requester Wed 11:00 → Thu 11:00 (540 business minutes), resolved Thu 15:00
    const waited = startWaitingForRequester(t0(), policy, at('2026-11-25T17:00:00Z'));
    const back = stopWaitingForRequester(waited, policy, at('2026-11-26T17:00:00Z'));
    const r = stopResolution(back, policy, at('2026-11-26T21:00:00Z'));
    // Wed 10–18 (480) + Thu 09–15 (360) − 540 = 300
    expect(r).toMatchObject({ met: true, actualMinutes: 300, targetMinutes: 480 });
    expect(r.ticket.sla.resolution).toMatchObject({ actualMinutes: 300, targetMinutes: 480 });
  });

  it('without the pause the same ticket misses its target', () => {
    const r = stopResolution(t0(), policy, at('2026-11-26T21:00:00Z'));
    expect(r).toMatchObject({ met: false, actualMinutes: 840, targetMinutes: 480 });
  });

  it('exactly at the target is met', () => {
    const r = stopResolution(t0(), policy, at('2026-11-26T00:00:00Z')); // Wed 18:00
    expect(r).toMatchObject({ met: true, actualMinutes: 480 });
  });

  it('resolving during a pause ends the pause first', () => {
    const waited = startWaitingForParts(t0(), policy, at('2026-11-25T17:00:00Z'), '2026-11-27');
    const r = stopResolution(waited, policy, at('2026-11-26T17:00:00Z')); // Thu 11:00
    expect(r.actualMinutes).toBe(60);
    expect(r.ticket.sla.resolution.pausedSince).toBeUndefined();
    expect(r.ticket.sla.resolution.pausedBusinessMinutes).toBe(540);
    expect(r.ticket.sla.parts).toBeUndefined();
  });
});

describe('priority change (withDueTimes)', () => {
  const created = '2026-11-25T16:00:00Z'; // Wed 10:00

  it('media → alta after 20 min: due times from the creation, past warnings kept', () => {
    const breached = evaluate(ticketAt(created, 'media'), policy, at('2026-11-25T16:12:00Z'));
    expect(kinds(breached)).toEqual(['firstResponse.breach']);
    const t = reprioritise(breached.ticket, 'alta', '2026-11-25T16:20:00Z'); // 10:20
    expect(iso(t.firstResponseDueAt)).toBe('2026-11-25T16:05:00.000Z'); // 10:05
    expect(iso(t.resolutionDueAt)).toBe('2026-11-25T17:00:00.000Z'); // 11:00
    expect(t.sla.firstResponse.targetMinutes).toBe(5);
    expect(t.sla.resolution.targetMinutes).toBe(60);
    // thresholds 10:03:45 and 10:05 are past: the sent warning and breach stay sent
    expect(iso(t.sla.firstResponse.warnedAt)).toBe('2026-11-25T16:12:00.000Z');
    expect(iso(t.sla.firstResponse.breachedAt)).toBe('2026-11-25T16:12:00.000Z');
    expect(kinds(evaluate(t, policy, at('2026-11-25T16:20:00Z')))).toEqual([]);
    expect(kinds(evaluate(t, policy, at('2026-11-25T16:45:00Z')))).toEqual(['resolution.warning']);
  });

  it('alta → baja: a warning whose new threshold is still ahead is cleared and sent again', () => {
    const warned = evaluate(ticketAt(created, 'alta'), policy, at('2026-11-25T16:04:00Z'));
    expect(kinds(warned)).toEqual(['firstResponse.warning']); // alta: 10:03:45
    const t = reprioritise(warned.ticket, 'baja', '2026-11-25T16:04:30Z');
    expect(iso(t.firstResponseDueAt)).toBe('2026-11-25T16:15:00.000Z');
    expect(t.sla.firstResponse.warnedAt).toBeUndefined(); // baja warns at 10:11:15
    expect(kinds(evaluate(t, policy, at('2026-11-25T16:05:00Z')))).toEqual([]); // alta would breach
    const again = evaluate(t, policy, at('2026-11-25T16:11:15Z'));
    expect(kinds(again)).toEqual(['firstResponse.warning']);
    expect(kinds(evaluate(again.ticket, policy, at('2026-11-25T16:15:00Z')))).toEqual([
      'firstResponse.breach',
    ]);
  });

  it('a resolution warning is cleared when the new threshold is ahead, kept when it is past', () => {
    // alta warned at 10:45, then media at 10:50: media warns at 16:00 → cleared
    const a = evaluate(
      answered(created, 'alta', '2026-11-25T16:01:00Z'),
      policy,
      at('2026-11-25T16:45:00Z'),
    );
    expect(kinds(a)).toEqual(['resolution.warning']);
    const down = reprioritise(a.ticket, 'media', '2026-11-25T16:50:00Z');
    expect(down.sla.resolution.warnedAt).toBeUndefined();
    expect(iso(down.resolutionDueAt)).toBe('2026-11-26T00:00:00.000Z'); // 18:00
    expect(kinds(evaluate(down, policy, at('2026-11-25T17:00:00Z')))).toEqual([]); // 11:00
    expect(only(evaluate(down, policy, at('2026-11-25T22:00:00Z')), 'resolution.warning')).toEqual([
      'resolution.warning',
    ]);

    // media warned at 16:00, then alta at 16:10: alta warned at 10:45 → kept; due 11:00 → breach
    const m = evaluate(
      answered(created, 'media', '2026-11-25T16:01:00Z'),
      policy,
      at('2026-11-25T22:00:00Z'),
    );
    expect(only(m, 'resolution.warning')).toEqual(['resolution.warning']);
    const up = reprioritise(m.ticket, 'alta', '2026-11-25T22:10:00Z');
    expect(iso(up.sla.resolution.warnedAt)).toBe('2026-11-25T22:00:00.000Z');
    expect(up.sla.resolution.breachedAt).toBeUndefined();
    expect(kinds(evaluate(up, policy, at('2026-11-25T22:10:00Z')))).toEqual(['resolution.breach']);
  });

  it('keeps the pauses already over', () => {
    // media, paused Wed 11:00 → Thu 10:00 (480 business minutes), then alta at Thu 10:00
    const w = startWaitingForRequester(
      answered(created, 'media', '2026-11-25T16:01:00Z'),
      policy,
      at('2026-11-25T17:00:00Z'),
    );
    const back = stopWaitingForRequester(w, policy, at('2026-11-26T16:00:00Z'));
    const t = reprioritise(back, 'alta', '2026-11-26T16:00:00Z');
    // 60 + 480 business minutes from Wed 10:00 → Thu 10:00
    expect(iso(t.resolutionDueAt)).toBe('2026-11-26T16:00:00.000Z');
  });

  it('a changed policy recomputes the due times on the next evaluation', () => {
    const t0 = answered(created, 'media', '2026-11-25T16:01:00Z');
    const longer = parseSlaPolicy({
      ...policyFile,
      targets: {
        ...policyFile.targets,
        media: { ...policyFile.targets.media, resolutionMinutes: 960 },
      },
    });
    // Wed 18:00: the old policy breaches; the new one is due Thu 17:00 and warns at Thu 13:00
    expect(only(evaluate(t0, policy, at('2026-11-26T00:00:00Z')), 'resolution.breach')).toEqual([
      'resolution.breach',
    ]);
    const r = evaluate(t0, longer, at('2026-11-26T00:00:00Z'));
    expect(only(r, 'resolution.breach', 'resolution.warning')).toEqual([]);
    expect(iso(r.ticket.resolutionDueAt)).toBe('2026-11-26T23:00:00.000Z');
    expect(r.ticket.sla.policy).toBe(policyFingerprint(longer));
    expect(r.ticket.sla.resolution.targetMinutes).toBe(960);
  });
});

describe('24×7 clock versus business clock', () => {
  const allHours = parseSlaPolicy({
    ...policyFile,
    targets: { ...policyFile.targets, alta: { ...policyFile.targets.alta, clock: '24x7' } },
  });
  const created = '2026-11-27T23:30:00Z'; // Fri 17:30 local

  it('runs through the night and the weekend', () => {
    const business = answered(created, 'alta', '2026-11-27T23:31:00Z');
    const wall = answered(created, 'alta', '2026-11-27T23:31:00Z', allHours);
    expect(iso(business.resolutionDueAt)).toBe('2026-11-30T15:30:00.000Z'); // Mon 09:30
    expect(iso(wall.resolutionDueAt)).toBe('2026-11-28T00:30:00.000Z'); // Fri 18:30
    expect(kinds(evaluate(wall, allHours, at('2026-11-28T00:14:00Z')))).toEqual([]);
    expect(kinds(evaluate(wall, allHours, at('2026-11-28T00:15:00Z')))).toEqual([
      'resolution.warning',
    ]); // 18:15
    const sat = at('2026-11-28T18:00:00Z'); // Saturday noon
    expect(kinds(evaluate(business, policy, sat))).toEqual([]);
    const r = evaluate(wall, allHours, sat);
    expect(kinds(r)).toEqual(['resolution.breach']);
    expect(r.notices[0]).toMatchObject({ targetMinutes: 60, elapsedMinutes: 1110 });
    // business: warning Mon 09:15 (30 min Fri + 15 min Mon)
    expect(kinds(evaluate(business, policy, at('2026-11-30T15:15:00Z')))).toEqual([
      'resolution.warning',
    ]);
  });

  it('updates to the requester stay on business hours', () => {
    const wall = answered(created, 'alta', '2026-11-27T23:31:00Z', allHours);
    expect(iso(wall.sla.updates.dueAt)).toBe('2026-11-30T18:30:00.000Z'); // Mon 12:30
  });

  it('a pause counts every minute on the 24×7 clock', () => {
    // waiting for the requester Fri 17:40 → Mon 09:00 (63 h 20 min; 20 business minutes)
    const wall = answered(created, 'alta', '2026-11-27T23:31:00Z', allHours);
    const w = startWaitingForRequester(wall, allHours, at('2026-11-27T23:40:00Z'));
    const back = stopWaitingForRequester(w, allHours, at('2026-11-30T15:00:00Z'));
    expect(back.sla.resolution.pausedWallMinutes).toBe(3800);
    expect(back.sla.resolution.pausedBusinessMinutes).toBe(20);
    // 10 min used Friday, 50 left from Mon 09:00
    expect(iso(back.resolutionDueAt)).toBe('2026-11-30T15:50:00.000Z');
    const r = stopResolution(back, allHours, at('2026-11-30T15:30:00Z')); // Mon 09:30
    expect(r).toMatchObject({ met: true, actualMinutes: 40, targetMinutes: 60 });
  });

  it('a change of priority moves a ticket onto the other clock', () => {
    // media (business) created Fri 17:30, raised to alta (24×7) Saturday 10:00: long breached
    const media = answered(created, 'media', '2026-11-27T23:31:00Z', allHours);
    const t = reprioritise(media, 'alta', '2026-11-28T16:00:00Z', allHours);
    expect(iso(t.resolutionDueAt)).toBe('2026-11-28T00:30:00.000Z');
    expect(kinds(evaluate(t, allHours, at('2026-11-28T16:00:00Z')))).toEqual(['resolution.breach']);
  });
});

describe('daylight saving (Europe/Madrid) beside Mexico City', () => {
  const madrid = parseSlaPolicy({
    ...policyFile,
    calendar: { ...policyFile.calendar, timeZone: 'Europe/Madrid' },
  });

  it('spring: Friday 16:00 → Monday, one hour less in UTC', () => {
    // Madrid: Fri 27 Mar 16:00 CET (15:00Z); Mexico: Fri 27 Mar 16:00 CST (22:00Z)
    const m = ticketAt('2026-03-27T15:00:00Z', 'media', madrid);
    const x = ticketAt('2026-03-27T22:00:00Z', 'media');
    // 2 h Friday + 6 h Monday → Mon 15:00 local
    expect(iso(m.resolutionDueAt)).toBe('2026-03-30T13:00:00.000Z'); // 15:00 CEST
    expect(iso(x.resolutionDueAt)).toBe('2026-03-30T21:00:00.000Z'); // 15:00 CST
    expect(iso(m.sla.updates.dueAt)).toBe('2026-03-30T09:00:00.000Z'); // Mon 11:00 CEST
    const hours = (t: Ticket) => (t.resolutionDueAt.getTime() - t.createdAt.getTime()) / 3.6e6;
    expect(hours(m)).toBe(70);
    expect(hours(x)).toBe(71);
    // the warning at 360 min: Mon 13:00 CEST
    const res = (r: { notices: Notice[] }) => only(r, 'resolution.warning');
    const a = recordFirstResponse(m, madrid, at('2026-03-27T15:01:00Z'), agent);
    expect(res(evaluate(a, madrid, at('2026-03-30T10:59:00Z')))).toEqual([]);
    expect(res(evaluate(a, madrid, at('2026-03-30T11:00:00Z')))).toEqual(['resolution.warning']);
  });

  it('autumn: Friday 16:00 CEST → Monday 15:00 CET', () => {
    const m = ticketAt('2026-10-23T14:00:00Z', 'media', madrid);
    expect(iso(m.resolutionDueAt)).toBe('2026-10-26T14:00:00.000Z');
  });

  it('parts follow-ups and the overdue alert keep 09:00 and 18:00 local', () => {
    // asked Fri 27 Mar 16:30 CET for Tue 31 Mar
    const t0 = answered('2026-03-27T15:00:00Z', 'media', '2026-03-27T15:05:00Z', madrid);
    expect(checkPartsDate(madrid, at('2026-03-27T15:30:00Z'), '2026-03-31')).toBeUndefined();
    const w = startWaitingForParts(t0, madrid, at('2026-03-27T15:30:00Z'), '2026-03-31');
    expect(iso(w.sla.parts?.expectedAt)).toBe('2026-03-31T16:00:00.000Z'); // 18:00 CEST
    const { log } = runTimer(w, madrid, '2026-04-01T12:00:00Z');
    expect(log).toEqual([
      '2026-03-30T07:00:00.000Z parts.followUp', // Mon 09:00 CEST
      '2026-03-31T07:00:00.000Z parts.followUp', // Tue 09:00 CEST
      '2026-03-31T16:00:00.000Z parts.overdue', // Tue 18:00 CEST
      '2026-04-01T07:00:00.000Z parts.followUp', // Wed 09:00 CEST
    ]);
    // autumn: asked Fri 23 Oct → Mon 26 Oct 09:00 CET
    const o = answered('2026-10-23T14:00:00Z', 'media', '2026-10-23T14:05:00Z', madrid);
    const wo = startWaitingForParts(o, madrid, at('2026-10-23T14:30:00Z'), '2026-10-27');
    expect(iso(wo.sla.parts?.nextFollowUpAt)).toBe('2026-10-26T08:00:00.000Z');
  });

  it('a pause across the change counts real minutes', () => {
    // waiting Fri 27 Mar 17:00 CET (16:00Z) → Mon 30 Mar 10:00 CEST (08:00Z)
    const t0 = answered('2026-03-27T15:00:00Z', 'media', '2026-03-27T15:05:00Z', madrid);
    const w = startWaitingForRequester(t0, madrid, at('2026-03-27T16:00:00Z'));
    const back = stopWaitingForRequester(w, madrid, at('2026-03-30T08:00:00Z'));
    expect(back.sla.resolution.pausedBusinessMinutes).toBe(120);
    expect(back.sla.resolution.pausedWallMinutes).toBe(64 * 60); // not 65 h of local clock
    // 60 min used Friday, 420 left from Mon 10:00 CEST → Mon 17:00 CEST
    expect(iso(back.resolutionDueAt)).toBe('2026-03-30T15:00:00.000Z');
  });
});

describe('holidays', () => {
  const xmas = parseSlaPolicy({
    ...policyFile,
    calendar: { ...policyFile.calendar, holidays: ['2026-12-25', '2027-01-01'] },
  });
  // media, created Thu 24 Dec 16:00 local (22:00Z); Friday 25 is a holiday
  const created = '2026-12-24T22:00:00Z';

  it('a holiday counts zero minutes', () => {
    const t = ticketAt(created, 'media', xmas);
    expect(iso(t.resolutionDueAt)).toBe('2026-12-28T21:00:00.000Z'); // Mon 15:00
    expect(iso(t.sla.updates.dueAt)).toBe('2026-12-28T17:00:00.000Z'); // Mon 11:00
    const plain = ticketAt(created, 'media');
    expect(iso(plain.resolutionDueAt)).toBe('2026-12-25T21:00:00.000Z'); // Fri 15:00
    const a = recordFirstResponse(t, xmas, at('2026-12-24T22:01:00Z'), agent);
    expect(kinds(evaluate(a, xmas, at('2026-12-25T22:00:00Z')))).toEqual([]); // Fri 16:00
  });

  it('no parts follow-up on the holiday, and it is no parts date', () => {
    const a = answered(created, 'media', '2026-12-24T22:01:00Z', xmas);
    const w = startWaitingForParts(a, xmas, at('2026-12-24T23:00:00Z'), '2026-12-29');
    expect(iso(w.sla.parts?.nextFollowUpAt)).toBe('2026-12-28T15:00:00.000Z'); // Mon 09:00
    const now = at('2026-12-24T16:00:00Z'); // Thu 10:00
    expect(checkPartsDate(xmas, now, '2026-12-25')).toBe('notWorkingDay');
    expect(checkPartsDate(xmas, now, '2027-01-01')).toBe('notWorkingDay');
    expect(checkPartsDate(policy, now, '2026-12-25')).toBeUndefined();
    // Mon 28, Tue 29, Wed 30, Thu 31 → 4 business days
    expect(checkPartsDate(xmas, now, '2026-12-31')).toBeUndefined();
    // Mon 4 Jan is the 5th business day with the holidays, the 7th without
    expect(checkPartsDate(xmas, now, '2027-01-04')).toBeUndefined();
    expect(checkPartsDate(policy, now, '2027-01-04')).toBe('outOfRange');
  });
});

describe('checkPartsDate', () => {
  const now = at('2026-11-25T16:00:00Z'); // Wed 25 Nov 10:00 local

  it.each([
    ['next monday', 'invalid'],
    ['30/11/2026', 'invalid'],
    ['2026-11-31', 'invalid'],
    ['2026-13-01', 'invalid'],
    ['2026-11-30T10:00', 'invalid'],
    ['2026-11-28', 'notWorkingDay'], // Saturday
    ['2026-11-29', 'notWorkingDay'], // Sunday
    ['2026-11-25', 'outOfRange'], // today: too early
    ['2026-11-20', 'outOfRange'], // past
    ['2026-12-03', 'outOfRange'], // 6 business days: too late
    ['2026-11-26', undefined], // 1 business day
    ['2026-11-30', undefined], // 3
    ['2026-12-02', undefined], // 5
  ])('%s → %s', (date, expected) => {
    expect(checkPartsDate(policy, now, date)).toBe(expected);
  });

  it('uses the window of the policy', () => {
    const narrow = parseSlaPolicy({
      ...policyFile,
      parts: { minBusinessDays: 2, maxBusinessDays: 3 },
    });
    expect(checkPartsDate(narrow, now, '2026-11-26')).toBe('outOfRange');
    expect(checkPartsDate(narrow, now, '2026-11-27')).toBeUndefined();
    expect(checkPartsDate(narrow, now, '2026-11-30')).toBeUndefined();
    expect(checkPartsDate(narrow, now, '2026-12-01')).toBe('outOfRange');
  });

  it('counts from the local date, not the UTC one', () => {
    // Thu 26 Nov 20:00 local is already Friday in UTC; Friday is 1 business day ahead
    expect(checkPartsDate(policy, at('2026-11-27T02:00:00Z'), '2026-11-27')).toBeUndefined();
    // Fri 27 Nov 20:00 local: Friday is today
    expect(checkPartsDate(policy, at('2026-11-28T02:00:00Z'), '2026-11-27')).toBe('outOfRange');
  });
});

describe('nextWake', () => {
  const created = '2026-11-25T16:00:00Z'; // media, Wed 10:00

  it('is the earliest pending time', () => {
    const t0 = ticketAt(created, 'media');
    expect(iso(nextWake(t0, policy))).toBe('2026-11-25T16:07:30.000Z'); // first-response warning
    const w = evaluate(t0, policy, at('2026-11-25T16:07:30Z')).ticket;
    expect(iso(nextWake(w, policy))).toBe('2026-11-25T16:10:00.000Z'); // breach
    const b = evaluate(w, policy, at('2026-11-25T16:10:00Z')).ticket;
    expect(iso(nextWake(b, policy))).toBe('2026-11-25T20:00:00.000Z'); // update 14:00
    const u = evaluate(b, policy, at('2026-11-25T20:00:00Z')).ticket;
    expect(iso(nextWake(u, policy))).toBe('2026-11-25T22:00:00.000Z'); // resolution warning 16:00
  });

  it('while waiting: parts follow-up, or update and auto-close', () => {
    const a = answered(created, 'media', '2026-11-25T16:05:00Z');
    const parts = startWaitingForParts(a, policy, at('2026-11-25T17:00:00Z'), '2026-11-26');
    expect(iso(nextWake(parts, policy))).toBe('2026-11-26T15:00:00.000Z'); // Thu 09:00
    const req = startWaitingForRequester(a, policy, at('2026-11-27T23:00:00Z')); // Fri 17:00
    expect(iso(nextWake(req, policy))).toBe('2026-11-30T18:00:00.000Z'); // update Mon 12:00
    const closing = { ...req, sla: { ...req.sla, autoCloseAt: at('2026-11-30T16:00:00Z') } };
    expect(iso(nextWake(closing, policy))).toBe('2026-11-30T16:00:00.000Z');
  });

  it('is undefined once the ticket is no longer open', () => {
    const t0 = ticketAt(created, 'media');
    for (const status of ['resolved', 'closed', 'cancelled'] as const) {
      expect(nextWake({ ...t0, status }, policy)).toBeUndefined();
      expect(kinds(evaluate({ ...t0, status }, policy, at('2026-12-31T00:00:00Z')))).toEqual([]);
    }
  });

  it('drives a whole untouched ticket through its day', () => {
    const { log } = runTimer(ticketAt(created, 'media'), policy, '2026-11-27T00:00:00Z');
    expect(log).toEqual([
      '2026-11-25T16:07:30.000Z firstResponse.warning', // Wed 10:07:30
      '2026-11-25T16:10:00.000Z firstResponse.breach', // 10:10
      '2026-11-25T20:00:00.000Z update', // 14:00
      '2026-11-25T22:00:00.000Z resolution.warning', // 16:00
      '2026-11-26T00:00:00.000Z resolution.breach', // 18:00
      '2026-11-26T00:00:00.000Z update', // 18:00
      '2026-11-26T19:00:00.000Z update', // Thu 13:00
      '2026-11-26T23:00:00.000Z update', // Thu 17:00
    ]);
  });
});

describe('slaHealth', () => {
  const created = '2026-11-25T16:00:00Z'; // media, Wed 10:00
  const t0 = () => ticketAt(created, 'media');

  it('ok, at risk and breached on the first-response clock', () => {
    expect(slaHealth(t0())).toEqual({ health: 'ok' });
    const w = evaluate(t0(), policy, at('2026-11-25T16:08:00Z')).ticket;
    expect(slaHealth(w)).toEqual({ health: 'atRisk', clock: 'firstResponse' });
    const b = evaluate(w, policy, at('2026-11-25T16:10:00Z')).ticket;
    expect(slaHealth(b)).toEqual({ health: 'breached', clock: 'firstResponse' });
    // once answered, the first-response breach no longer shows
    expect(slaHealth(recordFirstResponse(b, policy, at('2026-11-25T16:11:00Z'), agent))).toEqual({
      health: 'ok',
    });
  });

  it('ok, at risk, breached and paused on the resolution clock', () => {
    const a = answered(created, 'media', '2026-11-25T16:05:00Z');
    expect(slaHealth(a)).toEqual({ health: 'ok' });
    const w = evaluate(a, policy, at('2026-11-25T22:00:00Z')).ticket;
    expect(slaHealth(w)).toEqual({ health: 'atRisk', clock: 'resolution' });
    const p = startWaitingForRequester(w, policy, at('2026-11-25T22:30:00Z'));
    expect(slaHealth(p)).toEqual({ health: 'paused', clock: 'resolution' });
    const b = evaluate(w, policy, at('2026-11-26T00:00:00Z')).ticket;
    expect(slaHealth(b)).toEqual({ health: 'breached', clock: 'resolution' });
    // a breach outranks a pause
    const bp = startWaitingForRequester(b, policy, at('2026-11-26T15:00:00Z'));
    expect(slaHealth(bp)).toEqual({ health: 'breached', clock: 'resolution' });
  });

  it('a first-response breach outranks everything; a closed ticket is ok', () => {
    const b = evaluate(t0(), policy, at('2026-11-26T00:00:00Z')).ticket; // both clocks breached
    expect(slaHealth(b)).toEqual({ health: 'breached', clock: 'firstResponse' });
    expect(slaHealth({ ...b, status: 'closed' })).toEqual({ health: 'ok' });
  });
});

describe('the stored SLA state', () => {
  const d = (iso: string) => new Date(iso);
  const full: SlaState = {
    policy: 'p1',
    firstResponse: {
      targetMinutes: 15,
      warnedAt: d('2026-11-02T10:10:00Z'),
      breachedAt: d('2026-11-02T10:15:00Z'),
      actualMinutes: 20,
    },
    resolution: {
      targetMinutes: 240,
      warnedAt: d('2026-11-02T13:00:00Z'),
      pausedSince: d('2026-11-02T12:00:00Z'),
      pauseReason: 'parts',
      pausedBusinessMinutes: 30,
      pausedWallMinutes: 45,
    },
    updates: { lastAt: d('2026-11-02T11:00:00Z'), dueAt: d('2026-11-02T15:00:00Z') },
    parts: {
      expectedDate: '2026-11-05',
      expectedAt: d('2026-11-05T23:00:00Z'),
      since: d('2026-11-02T12:00:00Z'),
      nextFollowUpAt: d('2026-11-03T12:00:00Z'),
      followUps: 1,
      overdueAlertedAt: d('2026-11-06T09:00:00Z'),
    },
    autoCloseAt: d('2026-11-09T12:00:00Z'),
    surveyReminderAt: d('2026-11-10T12:00:00Z'),
  };
  const minimal: SlaState = {
    policy: 'p1',
    firstResponse: { targetMinutes: 15 },
    resolution: { targetMinutes: 240, pausedBusinessMinutes: 0, pausedWallMinutes: 0 },
    updates: { lastAt: d('2026-11-02T11:00:00Z'), dueAt: d('2026-11-02T15:00:00Z') },
  };

  it('is the schema’s JSON, field for field, and reads back the same', () => {
    for (const sla of [full, minimal]) {
      expect(slaToJson(sla)).toBe(JSON.stringify(SlaStateSchema.parse(sla)));
      expect(slaFromJson(slaToJson(sla), d('2026-11-01T00:00:00Z'))).toEqual(sla);
    }
  });

  it('keeps only the fields it knows', () => {
    const extra = { ...minimal, secret: 'x', firstResponse: { targetMinutes: 15, other: 1 } };
    expect(slaToJson(extra as SlaState)).toBe(slaToJson(minimal));
  });
});
