import { Person, Ticket } from '../domain/tickets/ticket';
import { TicketQuery, matchesWords } from '../domain/tickets/ticket-search';
import { StoredTicket, TicketRepository } from '../storage/ticket.repository';
import { UserRepository } from '../storage/user.repository';

/** Who searches: a requester sees their own tickets, an agent (triage team) any of the tenant. */
export interface Viewer {
  person: Person;
  isAgent: boolean;
}

/** Results of one search at most (each loads one ticket row to build its card). */
export const SEARCH_RESULTS_MAX = 10;

interface Candidate {
  number: number;
  trackingId: string;
  title: string;
}

/**
 * Ticket search for the message extension, over a bounded window (docs/storage.md): the
 * viewer's own requester index (one partition), plus, for agents, the tenant's open-ticket index.
 * A tracking number reaches any ticket the viewer may see, open or closed, with one point read.
 */
export class TicketSearchService {
  constructor(private readonly deps: { tickets: TicketRepository; users: UserRepository }) {}

  /** The ticket, when the viewer may see it; someone else's ticket is "not found". */
  async visible(
    tenantId: string,
    viewer: Viewer,
    number: number,
  ): Promise<StoredTicket | undefined> {
    const stored = await this.deps.tickets.get(tenantId, number);
    if (!stored) return undefined;
    return mayView(stored.ticket, viewer) ? stored : undefined;
  }

  /** Newest first, at most `limit` (≤ SEARCH_RESULTS_MAX). */
  async search(
    tenantId: string,
    viewer: Viewer,
    query: TicketQuery,
    limit = SEARCH_RESULTS_MAX,
  ): Promise<StoredTicket[]> {
    if (query.kind === 'number') {
      const one = await this.visible(tenantId, viewer, query.number);
      return one ? [one] : [];
    }
    const candidates = new Map<number, Candidate>();
    const ctx = await this.deps.users.loadContext(tenantId, viewer.person.id);
    for (const e of ctx.tickets) candidates.set(e.number, e);
    if (viewer.isAgent) {
      for (const o of await this.deps.tickets.openTickets(tenantId)) candidates.set(o.number, o);
    }
    const picked = [...candidates.values()]
      .filter((c) => query.kind === 'recent' || matchesWords(c, query.words))
      .sort((a, b) => b.number - a.number)
      .slice(0, Math.max(1, Math.min(limit, SEARCH_RESULTS_MAX)));
    const loaded = await Promise.all(picked.map((c) => this.deps.tickets.get(tenantId, c.number)));
    return loaded.filter((s): s is StoredTicket => !!s && mayView(s.ticket, viewer));
  }
}

export function mayView(ticket: Ticket, viewer: Viewer): boolean {
  return viewer.isAgent || ticket.requester.id === viewer.person.id;
}
