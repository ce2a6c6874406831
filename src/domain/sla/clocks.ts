import { Priority } from '../tickets/priority-matrix';
import { Person, Ticket, TicketStatus, isOpen } from '../tickets/ticket';
import {
  addBusinessMinutes,
  businessDayEdge,
  businessDaysUntil,
  businessDayMinutes,
  businessMinutesBetween,
  isBusinessDay,
  nextBusinessMorning,
} from './business-calendar';
import { SlaPolicy, clockMinutes, dueAt, policyFingerprint } from './policy';
import { surveyReminderDue } from '../surveys/survey';

/**
 * The four clocks of a ticket (spec 5): first response, resolution (pausable), regular updates
 * to the requester, and the parts follow-up. Everything here is pure: `now` is passed in.
 */

export type PauseReason = 'parts' | 'requester' | 'resolved';

export interface ClockRecord {
  /** the target in minutes on the priority's clock, as it was when computed */
  targetMinutes: number;
  warnedAt?: Date;
  breachedAt?: Date;
  /** minutes it took on the priority's clock, once the clock stopped */
  actualMinutes?: number;
}

export interface SlaState {
  /** fingerprint of the policy the due times come from */
  policy: string;
  firstResponse: ClockRecord;
  resolution: ClockRecord & {
    pausedSince?: Date;
    pauseReason?: PauseReason;
    /** paused time already over, on each kind of clock (the priority may change clock type) */
    pausedBusinessMinutes: number;
    pausedWallMinutes: number;
  };
  /** the requester hears about the ticket at least every N business hours */
  updates: { lastAt: Date; dueAt: Date };
  parts?: {
    /** the local date the agent gave (YYYY-MM-DD) */
    expectedDate: string;
    /** the end of that business day: past it, the channel is alerted */
    expectedAt: Date;
    since: Date;
    nextFollowUpAt: Date;
    followUps: number;
    overdueAlertedAt?: Date;
  };
  /** a ticket waiting for its requester closes at this instant without an answer */
  autoCloseAt?: Date;
  /** a closed ticket's unanswered survey gets its one reminder at this instant (then cleared) */
  surveyReminderAt?: Date;
}

export type NoticeKind =
  | 'firstResponse.warning'
  | 'firstResponse.breach'
  | 'resolution.warning'
  | 'resolution.breach'
  | 'update'
  | 'parts.followUp'
  | 'parts.overdue'
  | 'autoClose'
  /** the requester of a closed ticket is reminded once of its unanswered survey */
  | 'survey.reminder';

export interface Notice {
  kind: NoticeKind;
  /** the instant the notice was due */
  dueAt: Date;
  /** for warnings and breaches: the target, and minutes elapsed on the clock so far */
  targetMinutes?: number;
  elapsedMinutes?: number;
}

/** Notices that go to the ticket's channel thread; the others go to the requester. */
export const CHANNEL_NOTICES: ReadonlySet<NoticeKind> = new Set([
  'firstResponse.warning',
  'firstResponse.breach',
  'resolution.warning',
  'resolution.breach',
  'parts.overdue',
]);

const clockType = (policy: SlaPolicy, p: Priority) => policy.targets[p].clock;

function updatesDue(policy: SlaPolicy, from: Date): Date {
  return addBusinessMinutes(from, policy.updateEveryBusinessHours * 60, policy.calendar);
}

/** Due times and clock state of a ticket opened at `createdAt`. */
export function startClocks(
  policy: SlaPolicy,
  priority: Priority,
  createdAt: Date,
): { firstResponseDueAt: Date; resolutionDueAt: Date; sla: SlaState } {
  const target = policy.targets[priority];
  return {
    firstResponseDueAt: dueAt(policy, priority, createdAt, target.firstResponseMinutes),
    resolutionDueAt: dueAt(policy, priority, createdAt, target.resolutionMinutes),
    sla: {
      policy: policyFingerprint(policy),
      firstResponse: { targetMinutes: target.firstResponseMinutes },
      resolution: {
        targetMinutes: target.resolutionMinutes,
        pausedBusinessMinutes: 0,
        pausedWallMinutes: 0,
      },
      updates: { lastAt: createdAt, dueAt: updatesDue(policy, createdAt) },
    },
  };
}

/** Paused minutes on the ticket's clock, counting a pause still running up to `now`. */
export function pausedMinutes(ticket: Ticket, policy: SlaPolicy, now: Date): number {
  const r = ticket.sla.resolution;
  const business = clockType(policy, ticket.priority) === 'business';
  const done = business ? r.pausedBusinessMinutes : r.pausedWallMinutes;
  return done + (r.pausedSince ? clockMinutes(policy, ticket.priority, r.pausedSince, now) : 0);
}

/** Minutes the resolution clock has run (pauses excluded) until `now`. */
export function activeResolutionMinutes(ticket: Ticket, policy: SlaPolicy, now: Date): number {
  const total = clockMinutes(policy, ticket.priority, ticket.createdAt, now);
  return Math.max(0, total - pausedMinutes(ticket, policy, now));
}

/** When the resolution clock reaches `share` of its target, given the pauses so far. */
function resolutionAt(ticket: Ticket, policy: SlaPolicy, share: number, now: Date): Date {
  const target = policy.targets[ticket.priority].resolutionMinutes;
  return dueAt(
    policy,
    ticket.priority,
    ticket.createdAt,
    target * share + pausedMinutes(ticket, policy, now),
  );
}

function firstResponseAt(ticket: Ticket, policy: SlaPolicy, share: number): Date {
  const target = policy.targets[ticket.priority].firstResponseMinutes;
  return dueAt(policy, ticket.priority, ticket.createdAt, target * share);
}

/**
 * Due times recomputed from the creation time, the current priority's targets and the pauses:
 * after a priority change or a policy change. A warning or breach whose new threshold lies in
 * the future is cleared, so that it can be sent again at the right time.
 */
export function withDueTimes(ticket: Ticket, policy: SlaPolicy, now: Date): Ticket {
  const target = policy.targets[ticket.priority];
  const firstResponseDueAt = firstResponseAt(ticket, policy, 1);
  const resolutionDueAt = resolutionAt(ticket, policy, 1, now);
  const frWarn = firstResponseAt(ticket, policy, policy.warningThreshold);
  const resWarn = resolutionAt(ticket, policy, policy.warningThreshold, now);
  const keep = (at: Date | undefined, threshold: Date) =>
    at && threshold.getTime() <= now.getTime() ? at : undefined;
  const fr = ticket.sla.firstResponse;
  const res = ticket.sla.resolution;
  return {
    ...ticket,
    firstResponseDueAt,
    resolutionDueAt,
    sla: {
      ...ticket.sla,
      policy: policyFingerprint(policy),
      firstResponse: {
        ...fr,
        targetMinutes: target.firstResponseMinutes,
        warnedAt: ticket.firstResponseAt ? fr.warnedAt : keep(fr.warnedAt, frWarn),
        breachedAt: ticket.firstResponseAt
          ? fr.breachedAt
          : keep(fr.breachedAt, firstResponseDueAt),
      },
      resolution: {
        ...res,
        targetMinutes: target.resolutionMinutes,
        warnedAt: keep(res.warnedAt, resWarn),
        breachedAt: keep(res.breachedAt, resolutionDueAt),
      },
    },
  };
}

/** The first human action the requester sees stops the first-response clock (spec 5.1). */
export function recordFirstResponse(
  ticket: Ticket,
  policy: SlaPolicy,
  now: Date,
  by: Person,
): Ticket {
  if (ticket.firstResponseAt) return ticket;
  return {
    ...ticket,
    firstResponseAt: now,
    firstResponseBy: by,
    sla: {
      ...ticket.sla,
      firstResponse: {
        ...ticket.sla.firstResponse,
        actualMinutes: round(clockMinutes(policy, ticket.priority, ticket.createdAt, now)),
      },
    },
  };
}

/** The requester heard about the ticket (a message, steps, a follow-up): the update clock restarts. */
export function noteRequesterContact(ticket: Ticket, policy: SlaPolicy, now: Date): Ticket {
  return {
    ...ticket,
    sla: { ...ticket.sla, updates: { lastAt: now, dueAt: updatesDue(policy, now) } },
  };
}

/** Pauses the resolution clock (a pause already running keeps its start). */
export function pauseResolution(ticket: Ticket, reason: PauseReason, now: Date): Ticket {
  const r = ticket.sla.resolution;
  return {
    ...ticket,
    sla: {
      ...ticket.sla,
      resolution: { ...r, pausedSince: r.pausedSince ?? now, pauseReason: reason },
    },
  };
}

/** Resumes the resolution clock: the paused time is added up and the due time moves by it. */
export function resumeResolution(ticket: Ticket, policy: SlaPolicy, now: Date): Ticket {
  const r = ticket.sla.resolution;
  if (!r.pausedSince) return ticket;
  const resumed: Ticket = {
    ...ticket,
    sla: {
      ...ticket.sla,
      resolution: {
        ...r,
        pausedSince: undefined,
        pauseReason: undefined,
        pausedBusinessMinutes:
          r.pausedBusinessMinutes + businessMinutesBetween(r.pausedSince, now, policy.calendar),
        pausedWallMinutes:
          r.pausedWallMinutes + Math.max(0, (now.getTime() - r.pausedSince.getTime()) / 60_000),
      },
    },
  };
  return { ...resumed, resolutionDueAt: resolutionAt(resumed, policy, 1, now) };
}

/** Why an expected parts date is refused. */
export type PartsDateProblem = 'invalid' | 'notWorkingDay' | 'outOfRange';

/** Checks a parts date (YYYY-MM-DD, local): a working day within the policy's window. */
export function checkPartsDate(
  policy: SlaPolicy,
  now: Date,
  date: string,
): PartsDateProblem | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return 'invalid';
  const edge = businessDayEdge(date, 'start', policy.calendar);
  if (Number.isNaN(edge.getTime())) return 'invalid';
  if (!isBusinessDay(edge, policy.calendar)) return 'notWorkingDay';
  const days = businessDaysUntil(now, date, policy.calendar);
  if (!(days >= policy.parts.minBusinessDays && days <= policy.parts.maxBusinessDays)) {
    return 'outOfRange';
  }
  return undefined;
}

/** The status a ticket goes back to when a wait ends. */
function working(ticket: Ticket): TicketStatus {
  return ticket.owner ? 'in_progress' : 'new';
}

/**
 * "Waiting for parts": the resolution clock pauses, the requester is followed up every business
 * morning, and the channel is alerted when the expected date's business day ends. The caller
 * has checked the date with `checkPartsDate`.
 */
export function startWaitingForParts(
  ticket: Ticket,
  policy: SlaPolicy,
  now: Date,
  expectedDate: string,
): Ticket {
  const paused = pauseResolution({ ...ticket, status: 'waiting_parts' }, 'parts', now);
  return noteRequesterContact(
    {
      ...paused,
      sla: {
        ...paused.sla,
        autoCloseAt: undefined,
        parts: {
          expectedDate,
          expectedAt: businessDayEdge(expectedDate, 'end', policy.calendar),
          since: ticket.sla.parts?.since ?? now,
          nextFollowUpAt: nextBusinessMorning(now, policy.calendar),
          followUps: ticket.sla.parts?.followUps ?? 0,
        },
      },
    },
    policy,
    now,
  );
}

/** Parts arrived: the resolution clock resumes where it stopped. */
export function partsArrived(ticket: Ticket, policy: SlaPolicy, now: Date): Ticket {
  const resumed = resumeResolution({ ...ticket, status: working(ticket) }, policy, now);
  return noteRequesterContact(
    { ...resumed, sla: { ...resumed.sla, parts: undefined } },
    policy,
    now,
  );
}

/** "Waiting for the requester": the clock pauses; with no answer the ticket closes later. */
export function startWaitingForRequester(ticket: Ticket, policy: SlaPolicy, now: Date): Ticket {
  const paused = pauseResolution({ ...ticket, status: 'waiting_requester' }, 'requester', now);
  const day = businessDayMinutes(policy.calendar);
  return noteRequesterContact(
    {
      ...paused,
      sla: {
        ...paused.sla,
        autoCloseAt: addBusinessMinutes(now, policy.autoCloseBusinessDays * day, policy.calendar),
      },
    },
    policy,
    now,
  );
}

/** The requester answered (or an agent resumed): the clock runs again. */
export function stopWaitingForRequester(ticket: Ticket, policy: SlaPolicy, now: Date): Ticket {
  if (ticket.status !== 'waiting_requester') return ticket;
  const resumed = resumeResolution({ ...ticket, status: working(ticket) }, policy, now);
  return { ...resumed, sla: { ...resumed.sla, autoCloseAt: undefined } };
}

/**
 * Stops the resolution clock (resolved, closed): the actual minutes, pauses excluded, are
 * stored beside the target, and whether the target was met.
 */
export function stopResolution(
  ticket: Ticket,
  policy: SlaPolicy,
  now: Date,
): { ticket: Ticket; met: boolean; actualMinutes: number; targetMinutes: number } {
  const resumed = resumeResolution(ticket, policy, now);
  const actualMinutes = round(activeResolutionMinutes(resumed, policy, now));
  const targetMinutes = policy.targets[ticket.priority].resolutionMinutes;
  return {
    ticket: {
      ...resumed,
      sla: {
        ...resumed.sla,
        autoCloseAt: undefined,
        parts: undefined,
        resolution: { ...resumed.sla.resolution, actualMinutes, targetMinutes },
      },
    },
    met: actualMinutes <= targetMinutes,
    actualMinutes,
    targetMinutes,
  };
}

const round = (minutes: number) => Math.round(minutes * 100) / 100;

/**
 * What is due at `now`: the notices to send and the ticket with them recorded (each warning and
 * breach once). When a warning and its breach are both due (the bot was down), only the breach
 * is sent. An empty list means nothing is due.
 */
export function evaluate(
  ticket: Ticket,
  policy: SlaPolicy,
  now: Date,
): { ticket: Ticket; notices: Notice[] } {
  if (ticket.status === 'resolved') return evaluateResolved(ticket, now);
  if (ticket.status === 'closed') return evaluateClosed(ticket, now);
  if (!isOpen(ticket)) return { ticket, notices: [] };
  let next: Ticket =
    ticket.sla.policy === policyFingerprint(policy) ? ticket : withDueTimes(ticket, policy, now);
  const notices: Notice[] = [];
  const at = now.getTime();
  const sla = () => next.sla;

  if (!next.firstResponseAt) {
    const fr = sla().firstResponse;
    const elapsed = round(clockMinutes(policy, next.priority, next.createdAt, now));
    const target = fr.targetMinutes;
    if (!fr.breachedAt && next.firstResponseDueAt.getTime() <= at) {
      notices.push({
        kind: 'firstResponse.breach',
        dueAt: next.firstResponseDueAt,
        targetMinutes: target,
        elapsedMinutes: elapsed,
      });
      next = patch(next, {
        firstResponse: { ...fr, breachedAt: now, warnedAt: fr.warnedAt ?? now },
      });
    } else if (!fr.warnedAt && !fr.breachedAt) {
      const warnAt = firstResponseAt(next, policy, policy.warningThreshold);
      if (warnAt.getTime() <= at) {
        notices.push({
          kind: 'firstResponse.warning',
          dueAt: warnAt,
          targetMinutes: target,
          elapsedMinutes: elapsed,
        });
        next = patch(next, { firstResponse: { ...fr, warnedAt: now } });
      }
    }
  }

  const res = sla().resolution;
  if (!res.pausedSince) {
    const elapsed = round(activeResolutionMinutes(next, policy, now));
    if (!res.breachedAt && next.resolutionDueAt.getTime() <= at) {
      notices.push({
        kind: 'resolution.breach',
        dueAt: next.resolutionDueAt,
        targetMinutes: res.targetMinutes,
        elapsedMinutes: elapsed,
      });
      next = patch(next, {
        resolution: { ...res, breachedAt: now, warnedAt: res.warnedAt ?? now },
      });
    } else if (!res.warnedAt && !res.breachedAt) {
      const warnAt = resolutionAt(next, policy, policy.warningThreshold, now);
      if (warnAt.getTime() <= at) {
        notices.push({
          kind: 'resolution.warning',
          dueAt: warnAt,
          targetMinutes: res.targetMinutes,
          elapsedMinutes: elapsed,
        });
        next = patch(next, { resolution: { ...res, warnedAt: now } });
      }
    }
  }

  const parts = sla().parts;
  if (next.status === 'waiting_parts' && parts) {
    if (!parts.overdueAlertedAt && parts.expectedAt.getTime() <= at) {
      notices.push({ kind: 'parts.overdue', dueAt: parts.expectedAt });
      next = patch(next, { parts: { ...parts, overdueAlertedAt: now } });
    }
    const current = sla().parts!;
    if (current.nextFollowUpAt.getTime() <= at) {
      notices.push({ kind: 'parts.followUp', dueAt: current.nextFollowUpAt });
      next = noteRequesterContact(
        patch(next, {
          parts: {
            ...current,
            followUps: current.followUps + 1,
            nextFollowUpAt: nextBusinessMorning(now, policy.calendar),
          },
        }),
        policy,
        now,
      );
    }
  }

  const autoCloseAt = sla().autoCloseAt;
  if (next.status === 'waiting_requester' && autoCloseAt && autoCloseAt.getTime() <= at) {
    notices.push({ kind: 'autoClose', dueAt: autoCloseAt });
    next = { ...stopResolution(next, policy, now).ticket, status: 'closed', closedAt: now };
  } else if (
    next.status !== 'waiting_parts' &&
    !notices.some((n) => n.kind === 'parts.followUp') &&
    sla().updates.dueAt.getTime() <= at
  ) {
    notices.push({ kind: 'update', dueAt: sla().updates.dueAt });
    next = noteRequesterContact(next, policy, now);
  }

  return { ticket: next, notices };
}

/** A resolved ticket whose requester never answered closes by itself (spec 3.4). */
function evaluateResolved(ticket: Ticket, now: Date): { ticket: Ticket; notices: Notice[] } {
  const at = ticket.sla.autoCloseAt;
  if (!at || at.getTime() > now.getTime()) return { ticket, notices: [] };
  return {
    ticket: {
      ...ticket,
      status: 'closed',
      closedAt: now,
      sla: { ...ticket.sla, autoCloseAt: undefined },
    },
    notices: [{ kind: 'autoClose', dueAt: at }],
  };
}

/** A closed ticket's unanswered survey: one reminder, then nothing more (spec 6.1). */
function evaluateClosed(ticket: Ticket, now: Date): { ticket: Ticket; notices: Notice[] } {
  const at = ticket.sla.surveyReminderAt;
  if (!at || !surveyReminderDue(ticket, now)) return { ticket, notices: [] };
  return {
    ticket: { ...ticket, sla: { ...ticket.sla, surveyReminderAt: undefined } },
    notices: [{ kind: 'survey.reminder', dueAt: at }],
  };
}

function patch(ticket: Ticket, sla: Partial<SlaState>): Ticket {
  return { ...ticket, sla: { ...ticket.sla, ...sla } };
}

/**
 * The next instant anything about the ticket falls due, or undefined (closed). A durable timer
 * is set for it; an early or stale wake-up only finds nothing to do.
 */
export function nextWake(ticket: Ticket, policy: SlaPolicy): Date | undefined {
  if (ticket.status === 'resolved') return ticket.sla.autoCloseAt;
  if (ticket.status === 'closed') {
    return ticket.survey?.rating === undefined ? ticket.sla.surveyReminderAt : undefined;
  }
  if (!isOpen(ticket)) return undefined;
  const { sla } = ticket;
  const times: Date[] = [];
  if (!ticket.firstResponseAt) {
    if (!sla.firstResponse.warnedAt)
      times.push(firstResponseAt(ticket, policy, policy.warningThreshold));
    if (!sla.firstResponse.breachedAt) times.push(ticket.firstResponseDueAt);
  }
  if (!sla.resolution.pausedSince) {
    if (!sla.resolution.warnedAt) {
      times.push(resolutionAt(ticket, policy, policy.warningThreshold, ticket.createdAt));
    }
    if (!sla.resolution.breachedAt) times.push(ticket.resolutionDueAt);
  }
  if (ticket.status === 'waiting_parts' && sla.parts) {
    times.push(sla.parts.nextFollowUpAt);
    if (!sla.parts.overdueAlertedAt) times.push(sla.parts.expectedAt);
  } else {
    times.push(sla.updates.dueAt);
  }
  if (ticket.status === 'waiting_requester' && sla.autoCloseAt) times.push(sla.autoCloseAt);
  return times.reduce((a, b) => (b.getTime() < a.getTime() ? b : a));
}

/** The ticket's SLA state as cards show it. */
export type SlaHealth = 'ok' | 'atRisk' | 'breached' | 'paused';

export function slaHealth(ticket: Ticket): {
  health: SlaHealth;
  clock?: 'firstResponse' | 'resolution';
} {
  if (!isOpen(ticket)) return { health: 'ok' };
  const { firstResponse: fr, resolution: res } = ticket.sla;
  if (!ticket.firstResponseAt && fr.breachedAt)
    return { health: 'breached', clock: 'firstResponse' };
  if (res.breachedAt) return { health: 'breached', clock: 'resolution' };
  if (res.pausedSince) return { health: 'paused', clock: 'resolution' };
  if (!ticket.firstResponseAt && fr.warnedAt) return { health: 'atRisk', clock: 'firstResponse' };
  if (res.warnedAt) return { health: 'atRisk', clock: 'resolution' };
  return { health: 'ok' };
}
