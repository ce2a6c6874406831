import { DomainError } from '../errors';
import {
  noteRequesterContact,
  pauseResolution,
  recordFirstResponse,
  resumeResolution,
  startWaitingForRequester,
  stopResolution,
  stopWaitingForRequester,
} from '../sla/clocks';
import { addBusinessMinutes, businessDayMinutes } from '../sla/business-calendar';
import { SlaPolicy } from '../sla/policy';
import { OPEN_STATUSES, Person, Ticket, TicketEvent, TicketStatus } from './ticket';

/**
 * The ticket's life after triage (spec 3, 4, 6): the conversation between agent and requester,
 * internal notes, resolution and its confirmation, reopening and cancelling. Which action is
 * allowed in which status is explicit here; anything else is refused with a clear reason.
 */
export type LifecycleAction =
  /** an agent writes to the requester; `wait`: the ball is in the requester's court */
  | { kind: 'reply'; text: string; wait: boolean }
  /** an agent's internal note: never shown to the requester */
  | { kind: 'note'; text: string }
  | { kind: 'resolve'; note: string }
  /** the requester answers in the conversation */
  | { kind: 'answer'; text: string }
  /** "It works now" on a resolved ticket */
  | { kind: 'confirm' }
  /** "Still failing" on a resolved ticket */
  | { kind: 'stillFailing' }
  /** "Reopen" on a closed ticket, within the policy's window */
  | { kind: 'reopen' }
  | { kind: 'cancel' }
  /** hand the ticket to the next tier (the caller found its channel: `team`) */
  | { kind: 'escalate'; reason: string; notes: string; team: string }
  /** an agent of the next tier takes the handoff */
  | { kind: 'accept' }
  /** an agent of the next tier sends it back, with the reason */
  | { kind: 'return'; reason: string }
  /** an agent sends numbered steps (from a playbook, or their own) */
  | { kind: 'sendSteps'; playbook: string; title: string; steps: string[] }
  /** the requester says how steps went: self-help right after intake, or an agent's */
  | {
      kind: 'stepsOutcome';
      worked: boolean;
      source: 'self' | 'agent';
      playbook: string;
      title: string;
      /** the steps the requester ticked (1-based) */
      ticked: number[];
      total: number;
    };

export type LifecycleKind = LifecycleAction['kind'];

/** Who may take each action: the ticket's agents or its requester. */
export const ACTION_ROLE: Record<LifecycleKind, 'agent' | 'requester'> = {
  reply: 'agent',
  note: 'agent',
  resolve: 'agent',
  answer: 'requester',
  confirm: 'requester',
  stillFailing: 'requester',
  reopen: 'requester',
  cancel: 'requester',
  sendSteps: 'agent',
  stepsOutcome: 'requester',
  escalate: 'agent',
  accept: 'agent',
  return: 'agent',
};

const OPEN = [...OPEN_STATUSES];

/** The statuses each action may start from. */
export const ALLOWED_FROM: Record<LifecycleKind, readonly TicketStatus[]> = {
  reply: OPEN,
  note: [...OPEN, 'resolved'],
  resolve: OPEN,
  answer: [...OPEN, 'resolved'],
  confirm: ['resolved'],
  stillFailing: ['resolved'],
  reopen: ['closed'],
  cancel: OPEN,
  sendSteps: OPEN,
  stepsOutcome: OPEN,
  escalate: OPEN,
  accept: OPEN,
  return: OPEN,
};

/** Business days after closing during which the requester may reopen a ticket. */
export const REOPEN_BUSINESS_DAYS = 5;

export class InvalidTransitionError extends DomainError {
  readonly code = 'TICKET.INVALID_TRANSITION';
  constructor(
    readonly action: LifecycleKind,
    readonly status: TicketStatus,
    /** `window`: the time to reopen has passed */
    readonly why: 'status' | 'window' | 'handoff' = 'status',
  ) {
    super(`${action} is not allowed on a ${status} ticket${why === 'window' ? ' any more' : ''}`);
  }
}

export interface LifecycleChange {
  ticket: Ticket;
  event: Omit<TicketEvent, 'seq'>;
  /** the requester gets a message about this event (a card or a line) */
  tellRequester: boolean;
  /** the ticket's thread in the support channel gets a line about it */
  tellChannel: boolean;
  /** the handoff card in the next tier's channel is posted or updated */
  handoffCard?: 'post' | 'update';
}

/** Text people write is kept whole up to this length in an event (cards show less). */
export const MESSAGE_MAX = 4000;

function working(ticket: Ticket): TicketStatus {
  return ticket.owner ? 'in_progress' : 'new';
}

/** The instant `days` business days after `now` on the policy's calendar. */
function businessDaysLater(policy: SlaPolicy, now: Date, days: number): Date {
  return addBusinessMinutes(now, days * businessDayMinutes(policy.calendar), policy.calendar);
}

/** Whether a closed ticket may still be reopened at `now`. */
export function canReopen(ticket: Ticket, policy: SlaPolicy, now: Date): boolean {
  if (ticket.status !== 'closed' || !ticket.closedAt) return false;
  return (
    now.getTime() <= businessDaysLater(policy, ticket.closedAt, REOPEN_BUSINESS_DAYS).getTime()
  );
}

/**
 * The change an action makes. Throws InvalidTransitionError when the ticket's status does not
 * allow it; the caller has checked the actor's role against ACTION_ROLE.
 */
export function applyLifecycle(
  ticket: Ticket,
  action: LifecycleAction,
  actor: Person,
  now: Date,
  policy: SlaPolicy,
): LifecycleChange {
  if (!ALLOWED_FROM[action.kind].includes(ticket.status)) {
    throw new InvalidTransitionError(action.kind, ticket.status);
  }
  // One handoff at a time: escalating waits for the pending one; accepting needs one.
  const pending = ticket.handoff?.state === 'pending';
  if (
    (action.kind === 'escalate' && pending) ||
    ((action.kind === 'accept' || action.kind === 'return') && !pending)
  ) {
    throw new InvalidTransitionError(action.kind, ticket.status, 'handoff');
  }
  const event = (type: string, data: Record<string, unknown>): Omit<TicketEvent, 'seq'> => ({
    type,
    at: now,
    actor,
    channel: 'teams',
    data,
  });
  switch (action.kind) {
    case 'reply': {
      const text = action.text.slice(0, MESSAGE_MAX);
      let next = noteRequesterContact(recordFirstResponse(ticket, policy, now, actor), policy, now);
      if (action.wait && next.status !== 'waiting_parts') {
        next = startWaitingForRequester(next, policy, now);
      } else if (next.status === 'assigned') next = { ...next, status: 'in_progress' };
      return {
        ticket: next,
        event: event('reply', {
          text,
          wait: action.wait,
          firstResponse: !ticket.firstResponseAt,
          ...(next.sla.autoCloseAt ? { autoCloseAt: next.sla.autoCloseAt.toISOString() } : {}),
        }),
        tellRequester: true,
        tellChannel: true,
      };
    }
    case 'note':
      return {
        ticket,
        event: event('note', { text: action.text.slice(0, MESSAGE_MAX), internal: true }),
        tellRequester: false,
        tellChannel: true,
        // carried into the handoff: its card shows the notes of every tier
        ...(ticket.handoff?.card ? { handoffCard: 'update' as const } : {}),
      };
    case 'resolve': {
      const stopped = stopResolution(recordFirstResponse(ticket, policy, now, actor), policy, now);
      const resolved: Ticket = {
        ...pauseResolution(stopped.ticket, 'resolved', now),
        status: 'resolved',
        resolvedAt: now,
      };
      const next: Ticket = {
        ...resolved,
        sla: {
          ...resolved.sla,
          autoCloseAt: businessDaysLater(policy, now, policy.autoCloseBusinessDays),
        },
      };
      return {
        ticket: noteRequesterContact(next, policy, now),
        event: event('resolved', {
          note: action.note.slice(0, MESSAGE_MAX),
          from: ticket.status,
          actualMinutes: stopped.actualMinutes,
          targetMinutes: stopped.targetMinutes,
          met: stopped.met,
        }),
        tellRequester: true,
        tellChannel: true,
      };
    }
    case 'answer': {
      const next = stopWaitingForRequester(ticket, policy, now);
      return {
        ticket: next,
        event: event('comment', {
          text: action.text.slice(0, MESSAGE_MAX),
          from: 'requester',
          ...(next.status !== ticket.status ? { resumed: true } : {}),
        }),
        tellRequester: false,
        tellChannel: true,
      };
    }
    case 'confirm':
      return {
        ticket: {
          ...ticket,
          status: 'closed',
          closedAt: now,
          sla: { ...ticket.sla, autoCloseAt: undefined },
        },
        event: event('closed', { from: 'resolved', confirmed: true }),
        tellRequester: false,
        tellChannel: true,
      };
    case 'stillFailing':
    case 'reopen': {
      if (action.kind === 'reopen' && !canReopen(ticket, policy, now)) {
        throw new InvalidTransitionError('reopen', ticket.status, 'window');
      }
      // The time spent resolved (or closed) does not count against the resolution target.
      const resumed = resumeResolution({ ...ticket, status: working(ticket) }, policy, now);
      const count = (ticket.reopenCount ?? 0) + 1;
      return {
        ticket: {
          ...resumed,
          reopenCount: count,
          closedAt: undefined,
          resolvedAt: undefined,
          sla: {
            ...resumed.sla,
            autoCloseAt: undefined,
            resolution: { ...resumed.sla.resolution, actualMinutes: undefined },
          },
        },
        event: event('reopened', {
          from: ticket.status,
          reason: action.kind,
          count,
        }),
        tellRequester: false,
        tellChannel: true,
      };
    }
    case 'cancel': {
      const stopped = stopResolution(ticket, policy, now);
      return {
        ticket: { ...stopped.ticket, status: 'cancelled', closedAt: now },
        event: event('cancelled', { from: ticket.status }),
        tellRequester: false,
        tellChannel: true,
      };
    }
    case 'sendSteps': {
      let next = noteRequesterContact(recordFirstResponse(ticket, policy, now, actor), policy, now);
      if (next.status === 'assigned') next = { ...next, status: 'in_progress' };
      return {
        ticket: next,
        event: event('steps', {
          playbook: action.playbook,
          title: action.title.slice(0, 200),
          steps: action.steps.map((x) => x.slice(0, 500)).slice(0, 15),
          firstResponse: !ticket.firstResponseAt,
        }),
        tellRequester: true,
        tellChannel: true,
      };
    }
    case 'stepsOutcome': {
      const data = {
        worked: action.worked,
        source: action.source,
        // a problem solved by the requester alone, with the bot's steps: deflected from agents
        selfService: action.worked && action.source === 'self',
        playbook: action.playbook,
        title: action.title.slice(0, 200),
        ticked: action.ticked,
        total: action.total,
      };
      if (!action.worked) {
        return {
          ticket: stopWaitingForRequester(ticket, policy, now),
          event: event('steps.outcome', data),
          tellRequester: false,
          tellChannel: true,
        };
      }
      const stopped = stopResolution(ticket, policy, now);
      return {
        ticket: { ...stopped.ticket, status: 'closed', closedAt: now, resolvedAt: now },
        event: event('steps.outcome', {
          ...data,
          actualMinutes: stopped.actualMinutes,
          targetMinutes: stopped.targetMinutes,
          met: stopped.met,
        }),
        tellRequester: false,
        tellChannel: true,
      };
    }
    case 'escalate': {
      const handoff = {
        fromTier: ticket.tier,
        toTier: ticket.tier + 1,
        team: action.team,
        reason: action.reason.slice(0, MESSAGE_MAX),
        notes: action.notes.slice(0, MESSAGE_MAX),
        by: actor,
        at: now,
        state: 'pending' as const,
      };
      return {
        ticket: noteRequesterContact({ ...ticket, handoff }, policy, now),
        event: event('escalated', {
          fromTier: handoff.fromTier,
          toTier: handoff.toTier,
          team: handoff.team,
          reason: handoff.reason,
          notes: handoff.notes,
        }),
        tellRequester: true,
        tellChannel: true,
        handoffCard: 'post',
      };
    }
    case 'accept': {
      const handoff = { ...ticket.handoff!, state: 'accepted' as const, acceptedBy: actor };
      const next = resumeResolution(
        { ...ticket, owner: actor, tier: handoff.toTier, status: 'in_progress', handoff },
        policy,
        now,
      );
      return {
        ticket: noteRequesterContact(next, policy, now),
        event: event('handoff.accepted', { tier: handoff.toTier, team: handoff.team }),
        tellRequester: true,
        tellChannel: true,
        handoffCard: 'update',
      };
    }
    case 'return': {
      const handoff = {
        ...ticket.handoff!,
        state: 'returned' as const,
        returnReason: action.reason.slice(0, MESSAGE_MAX),
      };
      return {
        ticket: noteRequesterContact({ ...ticket, handoff }, policy, now),
        event: event('handoff.returned', {
          tier: handoff.toTier,
          team: handoff.team,
          reason: handoff.returnReason,
        }),
        tellRequester: true,
        tellChannel: true,
        handoffCard: 'update',
      };
    }
  }
}
