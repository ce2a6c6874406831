import { startClocks } from '../../src/domain/sla/clocks';
import {
  AGENTS_KEPT_PER_DAY,
  MINUTES_KEPT_PER_DAY,
  addToDay,
  addToOpen,
  emptyDay,
  emptyOpen,
  eventStats,
  median,
  summarize,
} from '../../src/domain/reports/stats';
import { lastDays, lastDigestDue, previousWeek } from '../../src/domain/reports/period';
import {
  BIN_EDGES,
  addValue,
  binOf,
  emptyDistribution,
  medianOf,
} from '../../src/domain/reports/distribution';
import { Ticket } from '../../src/domain/tickets/ticket';
import { policy, sampleTicket } from '../support/card-samples';

const at = new Date('2026-11-25T16:00:00Z');
const luis = { id: 'luis', name: 'Luis' };
const ev = (type: string, data: Record<string, unknown> = {}) => ({ type, actor: luis, data });

function ticket(over: Partial<Ticket> = {}): Ticket {
  return sampleTicket(7, { description: 'x', sla: startClocks(policy, 'alta', at).sla, ...over });
}

describe('what an event adds to the reports', () => {
  it('a new ticket is opened and open, by its priority', () => {
    expect(eventStats(undefined, ticket({ priority: 'media' }), ev('created'))).toEqual({
      opened: 'media',
      open: { media: 1 },
    });
  });

  it('the first response counts once, with its minutes against the target', () => {
    const before = ticket();
    const after = ticket({
      firstResponseAt: at,
      firstResponseBy: luis,
      sla: {
        ...before.sla,
        firstResponse: { ...before.sla.firstResponse, actualMinutes: 7 },
      },
    });
    expect(eventStats(before, after, ev('assigned'))).toEqual({
      firstResponse: { minutes: 7, met: false, agent: luis },
    });
    expect(eventStats(after, after, ev('note'))).toBeUndefined();
  });

  it('a resolution credits who resolved; closing moves the open count', () => {
    const before = ticket({ status: 'in_progress', owner: luis });
    const resolved = ticket({
      status: 'resolved',
      owner: luis,
      resolvedAt: at,
      sla: {
        ...before.sla,
        resolution: { ...before.sla.resolution, actualMinutes: 50, targetMinutes: 60 },
      },
    });
    expect(eventStats(before, resolved, ev('resolved'))).toEqual({
      resolution: { minutes: 50, met: true, agent: luis },
      open: { alta: -1 },
    });
    const closed = { ...resolved, status: 'closed' as const, closedAt: at };
    expect(eventStats(resolved, closed, ev('closed'))).toEqual({ closed: 'alta' });
  });

  it('self-service closes without an agent and counts as deflected', () => {
    const before = ticket({ status: 'new' });
    const after = ticket({
      status: 'closed',
      resolvedAt: at,
      closedAt: at,
      sla: { ...before.sla, resolution: { ...before.sla.resolution, actualMinutes: 2 } },
    });
    const s = eventStats(
      before,
      after,
      ev('steps.outcome', { worked: true, selfService: true, playbook: 'vpn-not-connecting' }),
    );
    expect(s).toEqual({
      resolution: { minutes: 2, met: true },
      closed: 'alta',
      selfService: true,
      playbookSolved: 'vpn-not-connecting',
      open: { alta: -1 },
    });
  });

  it('cancelling is not a resolution; reclassifying moves the open count', () => {
    const before = ticket({ status: 'assigned' });
    const cancelled = ticket({
      status: 'cancelled',
      sla: { ...before.sla, resolution: { ...before.sla.resolution, actualMinutes: 9 } },
    });
    expect(eventStats(before, cancelled, ev('cancelled'))).toEqual({
      cancelled: true,
      open: { alta: -1 },
    });
    expect(eventStats(before, { ...before, priority: 'baja' }, ev('classified'))).toEqual({
      open: { alta: -1, baja: 1 },
    });
  });

  it('ratings, breaches, escalations and reopenings', () => {
    const closed = ticket({ status: 'closed' });
    expect(
      eventStats(
        closed,
        closed,
        ev('rated', { rating: 2, comment: 'slow', ownerId: 'luis', ownerName: 'Luis' }),
      ),
    ).toEqual({
      rating: {
        value: 2,
        agent: luis,
        trackingId: 'SUP-000007',
        title: closed.title,
        comment: 'slow',
      },
    });
    expect(eventStats(closed, closed, ev('rated', { rating: 9 }))).toBeUndefined();
    const open = ticket({ status: 'in_progress' });
    expect(
      eventStats(
        open,
        open,
        ev('sla', { notices: [{ kind: 'firstResponse.breach' }, { kind: 'resolution.warning' }] }),
      ),
    ).toEqual({ breaches: 1 });
    expect(eventStats(open, open, ev('escalated'))).toEqual({ escalated: true });
    expect(eventStats(closed, open, ev('reopened'))).toEqual({ reopened: true, open: { alta: 1 } });
  });
});

describe('daily totals and the summary', () => {
  it('adds up and summarises: compliance, medians, CSAT, deflection, agents', () => {
    let d = emptyDay('2026-11-25');
    d = addToDay(d, { opened: 'alta', firstResponse: { minutes: 3, met: true, agent: luis } });
    d = addToDay(d, { opened: 'baja', firstResponse: { minutes: 20, met: false } });
    d = addToDay(d, { resolution: { minutes: 40, met: true, agent: luis }, closed: 'alta' });
    d = addToDay(d, { resolution: { minutes: 10, met: true }, closed: 'baja', selfService: true });
    d = addToDay(d, {
      rating: { value: 2, agent: luis, trackingId: 'SUP-1', title: 't', comment: 'c' },
    });
    d = addToDay(d, { rating: { value: 5, trackingId: 'SUP-2', title: 't', comment: '' } });
    const period = lastDays(new Date('2026-11-25T20:00:00Z'), 7, policy.calendar.timeZone);
    const f = summarize([d], { alta: 1, media: 0, baja: 0 }, period);
    expect(f.opened).toEqual({ alta: 1, media: 0, baja: 1 });
    expect(f.firstResponseCompliance).toBe(0.5);
    expect(f.medianFirstResponseMinutes).toBe(11.5);
    expect(f.resolutionCompliance).toBe(1);
    expect(f.medianResolutionMinutes).toBe(25);
    expect(f.csat).toBe(3.5);
    expect(f.csatResponseRate).toBe(1);
    expect(f.deflectionRate).toBe(0.5);
    expect(f.agents).toEqual([
      {
        id: 'luis',
        name: 'Luis',
        handled: 1,
        ratings: 1,
        medianResolutionMinutes: 40,
        slaCompliance: 1,
        csat: 2,
      },
    ]);
    expect(f.lowRatings).toEqual([{ trackingId: 'SUP-1', title: 't', rating: 2, comment: 'c' }]);
    expect(f.openedPerDay).toHaveLength(7);
    expect(f.openedPerDay.at(-1)).toEqual({ day: '2026-11-25', alta: 1, media: 0, baja: 1 });
  });

  it('keeps bounded lists: the day row stays small on a very busy day', () => {
    let d = emptyDay('2026-11-25');
    const size = (day: typeof d) => JSON.stringify(day).length;
    for (let i = 0; i < MINUTES_KEPT_PER_DAY; i++) {
      d = addToDay(d, {
        resolution: { minutes: i, met: true, agent: { id: `a${i % 70}`, name: 'A' } },
      });
    }
    const full = size(d);
    for (let i = 0; i < 5000; i++) {
      d = addToDay(d, {
        resolution: { minutes: i, met: true, agent: { id: `a${i % 70}`, name: `A${i}` } },
      });
    }
    expect(d.resolutions).toBe(MINUTES_KEPT_PER_DAY + 5000);
    expect(d.resolutionMinutes.values).toHaveLength(MINUTES_KEPT_PER_DAY);
    expect(Object.keys(d.agents)).toHaveLength(AGENTS_KEPT_PER_DAY);
    // 100 times the tickets, about the same row: the report's cost does not grow with them
    expect(size(d)).toBeLessThan(full * 1.5);
    expect(size(d)).toBeLessThan(32_000);
  });

  it('medians: exact while every value was kept, from the histogram beyond', () => {
    let a = emptyDistribution();
    for (const v of [5, 1, 9]) a = addValue(a, v, 10);
    expect(medianOf([a])).toBe(5);
    let b = emptyDistribution();
    for (let i = 0; i < 1000; i++) b = addValue(b, 30 + (i % 31), 10); // 30..60, uniform
    const m = medianOf([b])!;
    expect(Math.abs(m - 45)).toBeLessThan(45 * 0.25);
    expect(medianOf([emptyDistribution()])).toBeUndefined();
    expect(binOf(0)).toBe(0);
    expect(binOf(59.9)).toBe(BIN_EDGES.indexOf(50));
    expect(binOf(1e9)).toBe(BIN_EDGES.length - 1);
  });

  it('open counts add up in any order; the median of nothing is undefined', () => {
    // tallies in any order give the same sums (a closing may be counted before its opening)
    const closeFirst = addToOpen(addToOpen(emptyOpen(), { baja: -1 }), { baja: 1 });
    expect(closeFirst).toEqual(addToOpen(addToOpen(emptyOpen(), { baja: 1 }), { baja: -1 }));
    expect(closeFirst).toEqual({ alta: 0, media: 0, baja: 0 });
    expect(median([])).toBeUndefined();
    expect(median([3, 1, 2])).toBe(2);
  });
});

describe('periods in the business calendar', () => {
  const zone = 'America/Mexico_City';
  it('the last 7 days end today (local date)', () => {
    const p = lastDays(new Date('2026-11-26T03:00:00Z'), 7, zone); // Wed 25 Nov, 21:00 local
    expect(p.from).toBe('2026-11-19');
    expect(p.to).toBe('2026-11-25');
  });

  it('the digest is due on Mondays at 09:00 local, for the week before', () => {
    expect(lastDigestDue(new Date('2026-11-23T15:00:00Z'), zone).toISOString()).toBe(
      '2026-11-23T15:00:00.000Z',
    );
    expect(lastDigestDue(new Date('2026-11-23T14:59:00Z'), zone).toISOString()).toBe(
      '2026-11-16T15:00:00.000Z',
    );
    const week = previousWeek(new Date('2026-11-23T15:00:00Z'), zone);
    expect([week.from, week.to]).toEqual(['2026-11-16', '2026-11-22']);
  });
});
