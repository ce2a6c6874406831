import { startClocks } from '../../src/domain/sla/clocks';
import { Category } from '../../src/domain/tickets/category';
import { Impact, priorityOf } from '../../src/domain/tickets/priority-matrix';
import { TicketEvent, Ticket, createdEvent, newTicket } from '../../src/domain/tickets/ticket';
import { formatTrackingId } from '../../src/domain/tickets/tracking-number';
import { Locale } from '../../src/domain/i18n';
import { policy } from './card-samples';

/**
 * What `TicketRepository.create` builds for a plain new ticket of Ana's (`u1`), sent from Teams,
 * severity medium: the ticket with its SLA clocks started at `now`, and its created event.
 */
export function ticketBuild(
  tenantId: string,
  draft: { description: string; category: Category; impact: Impact; locale: Locale },
  now: Date,
): (n: number) => { ticket: Ticket; event: TicketEvent } {
  return (n) => {
    const ticket = newTicket({
      tenantId,
      number: n,
      trackingId: formatTrackingId('SUP', n),
      now,
      ...startClocks(policy, priorityOf(draft.impact, 'medium'), now),
      draft: {
        ...draft,
        severity: 'medium',
        requester: { id: 'u1', name: 'Ana' },
        intakeChannel: 'teams',
      },
    });
    return { ticket, event: createdEvent(ticket) };
  };
}
