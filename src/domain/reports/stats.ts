import { z } from 'zod';
import { PRIORITIES, Priority } from '../tickets/priority-matrix';
import { Person, Ticket, TicketEvent, isOpen } from '../tickets/ticket';
import { Distribution, addValue, emptyDistribution, exactMedian, medianOf } from './distribution';

/**
 * What one ticket event contributes to the reports (spec 7.1, issue #7 item 3). It is computed
 * when the event is written, from the ticket before and after it, stored with the event, and
 * added to the tenant's daily totals by the `stats.tally` outbox job: a report then reads one row
 * per day, never the tickets. Pure: no clock, no storage.
 */
export interface EventStats {
  /** a new ticket, by its priority */
  opened?: Priority;
  /** the ticket closed (not cancelled), by its priority at that moment */
  closed?: Priority;
  /** closed by the requester with the bot's steps, without an agent */
  selfService?: true;
  cancelled?: true;
  reopened?: true;
  escalated?: true;
  /** the first response, on the priority's clock */
  firstResponse?: Timed;
  /** the resolution clock stopped at a resolution (not a cancellation) */
  resolution?: Timed;
  /** SLA breach notices sent */
  breaches?: number;
  /** a satisfaction rating (spec 6) */
  rating?: { value: number; agent?: Person; trackingId: string; title: string; comment: string };
  /** a playbook whose steps solved the ticket */
  playbookSolved?: string;
  /** change of the open-ticket count by priority (creation, closure, reopening, reclassifying) */
  open?: Partial<Record<Priority, number>>;
}

export interface Timed {
  minutes: number;
  met: boolean;
  /** the agent credited: who responded, or who resolved */
  agent?: Person;
}

const PersonSchema = z.object({ id: z.string().max(200), name: z.string().max(200) });
const TimedSchema = z.object({
  minutes: z.number().finite().min(0),
  met: z.boolean(),
  agent: PersonSchema.optional(),
});
const PrioritySchema = z.enum(PRIORITIES);

export const EventStatsSchema = z.object({
  opened: PrioritySchema.optional(),
  closed: PrioritySchema.optional(),
  selfService: z.literal(true).optional(),
  cancelled: z.literal(true).optional(),
  reopened: z.literal(true).optional(),
  escalated: z.literal(true).optional(),
  firstResponse: TimedSchema.optional(),
  resolution: TimedSchema.optional(),
  breaches: z.number().int().min(0).max(10).optional(),
  rating: z
    .object({
      value: z.number().int().min(1).max(5),
      agent: PersonSchema.optional(),
      trackingId: z.string().max(40),
      title: z.string().max(200),
      comment: z.string().max(500),
    })
    .optional(),
  playbookSolved: z.string().max(100).optional(),
  open: z.record(PrioritySchema, z.number().int().min(-1).max(1)).optional(),
});

const isEmpty = (s: EventStats) => Object.keys(s).length === 0;

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** What the change `before → after`, recorded as `event`, adds to the reports; undefined: nothing. */
export function eventStats(
  before: Ticket | undefined,
  after: Ticket,
  event: Pick<TicketEvent, 'type' | 'actor' | 'data'>,
): EventStats | undefined {
  const s: EventStats = {};
  if (!before) s.opened = after.priority;

  const open: Partial<Record<Priority, number>> = {};
  if (before && isOpen(before)) open[before.priority] = (open[before.priority] ?? 0) - 1;
  if (isOpen(after)) open[after.priority] = (open[after.priority] ?? 0) + 1;
  for (const p of PRIORITIES) if (open[p] === 0) delete open[p];
  if (Object.keys(open).length > 0) s.open = open;

  if (!before?.firstResponseAt && after.firstResponseAt) {
    const fr = after.sla.firstResponse;
    const minutes = fr.actualMinutes ?? 0;
    s.firstResponse = {
      minutes,
      met: minutes <= fr.targetMinutes,
      ...(after.firstResponseBy ? { agent: after.firstResponseBy } : {}),
    };
  }

  const res = after.sla.resolution;
  const wasStopped = before?.sla.resolution.actualMinutes !== undefined;
  if (
    !wasStopped &&
    res.actualMinutes !== undefined &&
    (after.status === 'resolved' || after.status === 'closed')
  ) {
    const agent = event.type === 'resolved' ? event.actor : after.owner;
    s.resolution = {
      minutes: res.actualMinutes,
      met: res.actualMinutes <= res.targetMinutes,
      ...(agent && !(event.data.selfService === true) ? { agent } : {}),
    };
  }

  if (before && before.status !== 'closed' && after.status === 'closed') {
    s.closed = after.priority;
    if (event.type === 'steps.outcome' && event.data.selfService === true) s.selfService = true;
  }
  if (before && before.status !== 'cancelled' && after.status === 'cancelled') s.cancelled = true;
  if (event.type === 'reopened') s.reopened = true;
  if (event.type === 'escalated') s.escalated = true;
  if (event.type === 'steps.outcome' && event.data.worked === true && str(event.data.playbook)) {
    s.playbookSolved = str(event.data.playbook).slice(0, 100);
  }
  if (event.type === 'sla' && Array.isArray(event.data.notices)) {
    const breaches = (event.data.notices as Array<{ kind?: unknown }>).filter((n) =>
      String(n?.kind ?? '').endsWith('.breach'),
    ).length;
    if (breaches > 0) s.breaches = breaches;
  }
  if (event.type === 'rated') {
    const value = Number(event.data.rating);
    if (Number.isInteger(value) && value >= 1 && value <= 5) {
      const ownerId = str(event.data.ownerId);
      s.rating = {
        value,
        ...(ownerId ? { agent: { id: ownerId, name: str(event.data.ownerName) } } : {}),
        trackingId: after.trackingId,
        title: after.title.slice(0, 200),
        comment: str(event.data.comment).slice(0, 500),
      };
    }
  }
  return isEmpty(s) ? undefined : s;
}

/* ------------------------------------------------------------------------------------------ */
/* Daily totals                                                                                 */
/* ------------------------------------------------------------------------------------------ */

/**
 * Durations kept exactly per day (and per agent and day) for medians; every duration also goes
 * into a fixed histogram, so a day row has the same size on a quiet day as on a busy one.
 */
export const MINUTES_KEPT_PER_DAY = 50;
export const AGENT_MINUTES_KEPT_PER_DAY = 10;
export const AGENTS_KEPT_PER_DAY = 60;
export const LOW_RATINGS_KEPT_PER_DAY = 20;

const counts = () => ({ alta: 0, media: 0, baja: 0 }) as Record<Priority, number>;

export interface AgentDay {
  name: string;
  /** resolutions credited */
  handled: number;
  resolutionMinutes: Distribution;
  resolutionMet: number;
  firstResponses: number;
  firstResponseMet: number;
  ratingSum: number;
  ratings: number;
}

export interface DayStats {
  /** local date, YYYY-MM-DD, in the business calendar's zone */
  day: string;
  opened: Record<Priority, number>;
  closed: Record<Priority, number>;
  cancelled: number;
  reopened: number;
  escalated: number;
  selfService: number;
  breaches: number;
  firstResponses: number;
  firstResponseMet: number;
  firstResponseMinutes: Distribution;
  resolutions: number;
  resolutionMet: number;
  resolutionMinutes: Distribution;
  ratings: [number, number, number, number, number];
  lowRatings: Array<{ trackingId: string; title: string; rating: number; comment: string }>;
  playbooks: Record<string, number>;
  agents: Record<string, AgentDay>;
}

export function emptyDay(day: string): DayStats {
  return {
    day,
    opened: counts(),
    closed: counts(),
    cancelled: 0,
    reopened: 0,
    escalated: 0,
    selfService: 0,
    breaches: 0,
    firstResponses: 0,
    firstResponseMet: 0,
    firstResponseMinutes: emptyDistribution(),
    resolutions: 0,
    resolutionMet: 0,
    resolutionMinutes: emptyDistribution(),
    ratings: [0, 0, 0, 0, 0],
    lowRatings: [],
    playbooks: {},
    agents: {},
  };
}

function withAgent(day: DayStats, who: Person, f: (a: AgentDay) => AgentDay): DayStats {
  const current = day.agents[who.id];
  if (!current && Object.keys(day.agents).length >= AGENTS_KEPT_PER_DAY) return day;
  const base: AgentDay = current ?? {
    name: who.name,
    handled: 0,
    resolutionMinutes: emptyDistribution(),
    resolutionMet: 0,
    firstResponses: 0,
    firstResponseMet: 0,
    ratingSum: 0,
    ratings: 0,
  };
  return { ...day, agents: { ...day.agents, [who.id]: { ...f(base), name: who.name } } };
}

/** The day's totals with one event's contribution added. */
export function addToDay(day: DayStats, s: EventStats): DayStats {
  let d: DayStats = { ...day };
  if (s.opened) d.opened = { ...d.opened, [s.opened]: d.opened[s.opened] + 1 };
  if (s.closed) d.closed = { ...d.closed, [s.closed]: d.closed[s.closed] + 1 };
  if (s.cancelled) d.cancelled += 1;
  if (s.reopened) d.reopened += 1;
  if (s.escalated) d.escalated += 1;
  if (s.selfService) d.selfService += 1;
  if (s.breaches) d.breaches += s.breaches;
  if (s.firstResponse) {
    const fr = s.firstResponse;
    d.firstResponses += 1;
    if (fr.met) d.firstResponseMet += 1;
    d.firstResponseMinutes = addValue(d.firstResponseMinutes, fr.minutes, MINUTES_KEPT_PER_DAY);
    if (fr.agent) {
      d = withAgent(d, fr.agent, (a) => ({
        ...a,
        firstResponses: a.firstResponses + 1,
        firstResponseMet: a.firstResponseMet + (fr.met ? 1 : 0),
      }));
    }
  }
  if (s.resolution) {
    const r = s.resolution;
    d.resolutions += 1;
    if (r.met) d.resolutionMet += 1;
    d.resolutionMinutes = addValue(d.resolutionMinutes, r.minutes, MINUTES_KEPT_PER_DAY);
    if (r.agent) {
      d = withAgent(d, r.agent, (a) => ({
        ...a,
        handled: a.handled + 1,
        resolutionMet: a.resolutionMet + (r.met ? 1 : 0),
        resolutionMinutes: addValue(a.resolutionMinutes, r.minutes, AGENT_MINUTES_KEPT_PER_DAY),
      }));
    }
  }
  if (s.rating) {
    const r = s.rating;
    const ratings = [...d.ratings] as DayStats['ratings'];
    ratings[r.value - 1] += 1;
    d.ratings = ratings;
    if (r.value <= 2 && d.lowRatings.length < LOW_RATINGS_KEPT_PER_DAY) {
      d.lowRatings = [
        ...d.lowRatings,
        {
          trackingId: r.trackingId,
          title: r.title.slice(0, 120),
          rating: r.value,
          comment: r.comment.slice(0, 300),
        },
      ];
    }
    if (r.agent) {
      d = withAgent(d, r.agent, (a) => ({
        ...a,
        ratingSum: a.ratingSum + r.value,
        ratings: a.ratings + 1,
      }));
    }
  }
  if (s.playbookSolved) {
    d.playbooks = { ...d.playbooks, [s.playbookSolved]: (d.playbooks[s.playbookSolved] ?? 0) + 1 };
  }
  return d;
}

/**
 * The tenant's open tickets by priority, kept up to date by the same events. Plain sums: the
 * tallies of one ticket's events may run in any order (a closing before its opening leaves a
 * count at −1 for a moment), so nothing is clamped here; readers show at least 0.
 */
export function addToOpen(
  open: Record<Priority, number>,
  delta: Partial<Record<Priority, number>>,
): Record<Priority, number> {
  const next = { ...open };
  for (const p of PRIORITIES) next[p] = next[p] + (delta[p] ?? 0);
  return next;
}

export const emptyOpen = counts;

/* ------------------------------------------------------------------------------------------ */
/* Summary                                                                                      */
/* ------------------------------------------------------------------------------------------ */

export const median = exactMedian;

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : undefined);

export interface AgentFigures {
  id: string;
  name: string;
  handled: number;
  medianResolutionMinutes?: number;
  /** resolutions within target, of those credited to the agent */
  slaCompliance?: number;
  csat?: number;
  ratings: number;
}

export interface ReportFigures {
  from: string;
  to: string;
  days: string[];
  opened: Record<Priority, number>;
  closed: Record<Priority, number>;
  open: Record<Priority, number>;
  cancelled: number;
  reopened: number;
  escalated: number;
  breaches: number;
  firstResponseCompliance?: number;
  resolutionCompliance?: number;
  medianFirstResponseMinutes?: number;
  medianResolutionMinutes?: number;
  csat?: number;
  ratings: number;
  /** answered surveys of the tickets closed in the period */
  csatResponseRate?: number;
  /** closed by the requester with the bot's steps, of all closed */
  deflectionRate?: number;
  agents: AgentFigures[];
  openedPerDay: Array<{ day: string } & Record<Priority, number>>;
  playbooks: Array<{ id: string; solved: number }>;
  lowRatings: DayStats['lowRatings'];
}

const sum = (r: Record<Priority, number>) => r.alta + r.media + r.baja;

/** The report's figures from the period's daily totals (days without a row count as empty). */
export function summarize(
  days: DayStats[],
  open: Record<Priority, number>,
  period: { from: string; to: string; days: string[] },
): ReportFigures {
  const byDay = new Map(days.map((d) => [d.day, d]));
  const all = period.days.map((day) => byDay.get(day) ?? emptyDay(day));
  const total = (f: (d: DayStats) => number) => all.reduce((n, d) => n + f(d), 0);
  const per = (f: (d: DayStats) => Record<Priority, number>) => {
    const r = counts();
    for (const d of all) for (const p of PRIORITIES) r[p] += f(d)[p];
    return r;
  };
  const closed = per((d) => d.closed);
  const ratings = total((d) => d.ratings.reduce((a, b) => a + b, 0));
  const ratingSum = total((d) => d.ratings.reduce((a, n, i) => a + n * (i + 1), 0));
  const agents = new Map<
    string,
    AgentFigures & { minutes: Distribution[]; met: number; sum: number }
  >();
  for (const d of all) {
    for (const [id, a] of Object.entries(d.agents)) {
      const x = agents.get(id) ?? {
        id,
        name: a.name,
        handled: 0,
        ratings: 0,
        minutes: [],
        met: 0,
        sum: 0,
      };
      x.name = a.name || x.name;
      x.handled += a.handled;
      x.met += a.resolutionMet;
      x.minutes.push(a.resolutionMinutes);
      x.sum += a.ratingSum;
      x.ratings += a.ratings;
      agents.set(id, x);
    }
  }
  const playbooks = new Map<string, number>();
  for (const d of all) {
    for (const [id, n] of Object.entries(d.playbooks))
      playbooks.set(id, (playbooks.get(id) ?? 0) + n);
  }
  return {
    from: period.from,
    to: period.to,
    days: period.days,
    opened: per((d) => d.opened),
    closed,
    open,
    cancelled: total((d) => d.cancelled),
    reopened: total((d) => d.reopened),
    escalated: total((d) => d.escalated),
    breaches: total((d) => d.breaches),
    firstResponseCompliance: ratio(
      total((d) => d.firstResponseMet),
      total((d) => d.firstResponses),
    ),
    resolutionCompliance: ratio(
      total((d) => d.resolutionMet),
      total((d) => d.resolutions),
    ),
    medianFirstResponseMinutes: medianOf(all.map((d) => d.firstResponseMinutes)),
    medianResolutionMinutes: medianOf(all.map((d) => d.resolutionMinutes)),
    csat: ratio(ratingSum, ratings),
    ratings,
    csatResponseRate: ratio(ratings, sum(closed)),
    deflectionRate: ratio(
      total((d) => d.selfService),
      sum(closed),
    ),
    agents: [...agents.values()]
      .map(({ minutes, met, sum: s, ...a }) => ({
        ...a,
        medianResolutionMinutes: medianOf(minutes),
        slaCompliance: ratio(met, a.handled),
        csat: ratio(s, a.ratings),
      }))
      .sort((a, b) => b.handled - a.handled || a.name.localeCompare(b.name)),
    openedPerDay: all.map((d) => ({ day: d.day, ...d.opened })),
    playbooks: [...playbooks.entries()]
      .map(([id, solved]) => ({ id, solved }))
      .sort((a, b) => b.solved - a.solved || a.id.localeCompare(b.id)),
    lowRatings: all
      .flatMap((d) => d.lowRatings)
      .sort((a, b) => a.rating - b.rating)
      .slice(0, 10),
  };
}
