import {
  partsArrived,
  recordFirstResponse,
  startWaitingForParts,
  startWaitingForRequester,
  stopWaitingForRequester,
  withDueTimes,
} from '../sla/clocks';
import { SlaPolicy } from '../sla/policy';
import { Category } from '../tickets/category';
import { Impact, Severity, priorityOf } from '../tickets/priority-matrix';
import { Person, Ticket, TicketEvent, isOpen } from '../tickets/ticket';

/** What an agent can do to a ticket from its triage card. */
export type TriageAction =
  /** `seenOwner`: the owner id the clicked card showed ('' none; undefined: an older card) */
  | { kind: 'assignMe'; seenOwner?: string }
  | { kind: 'assign'; to: Person }
  | { kind: 'classify'; impact?: Impact; severity?: Severity; category?: Category }
  /** the date was checked with `checkPartsDate` */
  | { kind: 'partsWait'; expectedDate: string }
  | { kind: 'partsArrived' }
  | { kind: 'waitRequester' }
  | { kind: 'resume' };

export interface TriageChange {
  ticket: Ticket;
  event: Omit<TicketEvent, 'seq'>;
  /** the requester gets a message about this event in their chat */
  tellRequester?: boolean;
}

/**
 * The change an action makes, or undefined when it changes nothing (no event for a no-op).
 * Taking a ticket is the first human action the requester sees (spec 5.1): it stops the
 * first-response clock when nothing did before.
 */
export function applyTriage(
  ticket: Ticket,
  action: TriageAction,
  actor: Person,
  now: Date,
  policy: SlaPolicy,
): TriageChange | undefined {
  if (!isOpen(ticket)) return undefined;
  switch (action.kind) {
    case 'assignMe':
    case 'assign': {
      const owner = action.kind === 'assignMe' ? actor : action.to;
      if (ticket.owner?.id === owner.id) return undefined;
      const taking = owner.id === actor.id;
      const assigned: Ticket = {
        ...ticket,
        owner,
        status: ticket.status === 'new' ? 'assigned' : ticket.status,
      };
      const next = taking ? recordFirstResponse(assigned, policy, now, actor) : assigned;
      return {
        ticket: next,
        event: {
          type: 'assigned',
          at: now,
          actor,
          channel: 'teams',
          data: {
            from: ticket.owner ? { id: ticket.owner.id, name: ticket.owner.name } : null,
            to: { id: owner.id, name: owner.name },
            firstResponse: !!next.firstResponseAt && !ticket.firstResponseAt,
          },
        },
      };
    }
    case 'classify': {
      const impact = action.impact ?? ticket.impact;
      const severity = action.severity ?? ticket.severity;
      const category = action.category ?? ticket.category;
      if (
        impact === ticket.impact &&
        severity === ticket.severity &&
        category === ticket.category
      ) {
        return undefined;
      }
      const priority = priorityOf(impact, severity);
      const changed: Ticket = { ...ticket, impact, severity, category, priority };
      return {
        // A new priority brings new targets: due times are recomputed from the creation time.
        ticket: priority === ticket.priority ? changed : withDueTimes(changed, policy, now),
        event: {
          type: 'classified',
          at: now,
          actor,
          channel: 'teams',
          data: {
            from: {
              impact: ticket.impact,
              severity: ticket.severity,
              category: ticket.category,
              priority: ticket.priority,
            },
            to: { impact, severity, category, priority },
          },
        },
      };
    }
    case 'partsWait': {
      if (
        ticket.status === 'waiting_parts' &&
        ticket.sla.parts?.expectedDate === action.expectedDate
      )
        return undefined;
      const next = startWaitingForParts(
        recordFirstResponse(ticket, policy, now, actor),
        policy,
        now,
        action.expectedDate,
      );
      return {
        ticket: next,
        tellRequester: true,
        event: {
          type: 'parts.waiting',
          at: now,
          actor,
          channel: 'teams',
          data: {
            expectedDate: action.expectedDate,
            previousDate: ticket.sla.parts?.expectedDate ?? null,
            firstResponse: !ticket.firstResponseAt,
          },
        },
      };
    }
    case 'partsArrived': {
      if (ticket.status !== 'waiting_parts') return undefined;
      const next = partsArrived(ticket, policy, now);
      return {
        ticket: next,
        tellRequester: true,
        event: {
          type: 'parts.arrived',
          at: now,
          actor,
          channel: 'teams',
          data: {
            expectedDate: ticket.sla.parts?.expectedDate ?? null,
            pausedMinutes:
              next.sla.resolution.pausedBusinessMinutes -
              ticket.sla.resolution.pausedBusinessMinutes,
          },
        },
      };
    }
    case 'waitRequester': {
      if (ticket.status === 'waiting_requester' || ticket.status === 'waiting_parts') {
        return undefined;
      }
      const next = startWaitingForRequester(
        recordFirstResponse(ticket, policy, now, actor),
        policy,
        now,
      );
      return {
        ticket: next,
        tellRequester: true,
        event: {
          type: 'waiting.requester',
          at: now,
          actor,
          channel: 'teams',
          data: {
            firstResponse: !ticket.firstResponseAt,
            autoCloseAt: next.sla.autoCloseAt?.toISOString() ?? null,
          },
        },
      };
    }
    case 'resume': {
      if (ticket.status !== 'waiting_requester') return undefined;
      return {
        ticket: stopWaitingForRequester(ticket, policy, now),
        event: { type: 'resumed', at: now, actor, channel: 'teams', data: {} },
      };
    }
  }
}
