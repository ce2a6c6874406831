import { SlaPolicy, initialDueTimes } from '../sla/policy';
import { Category } from '../tickets/category';
import { Impact, Severity, priorityOf } from '../tickets/priority-matrix';
import { Person, Ticket, TicketEvent, isOpen } from '../tickets/ticket';

/** What an agent can do to a ticket from its triage card. */
export type TriageAction =
  | { kind: 'assignMe' }
  | { kind: 'assign'; to: Person }
  | { kind: 'classify'; impact?: Impact; severity?: Severity; category?: Category };

export interface TriageChange {
  ticket: Ticket;
  event: Omit<TicketEvent, 'seq'>;
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
      const next: Ticket = {
        ...ticket,
        owner,
        status: ticket.status === 'new' ? 'assigned' : ticket.status,
        ...(taking && !ticket.firstResponseAt
          ? { firstResponseAt: now, firstResponseBy: actor }
          : {}),
      };
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
      const due =
        priority === ticket.priority
          ? {
              firstResponseDueAt: ticket.firstResponseDueAt,
              resolutionDueAt: ticket.resolutionDueAt,
            }
          : initialDueTimes(policy, priority, ticket.createdAt);
      return {
        ticket: { ...ticket, impact, severity, category, priority, ...due },
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
  }
}
