import { Clock } from '../domain/clock';
import { ConcurrencyError, TicketNotFoundError } from '../domain/errors';
import { SlaPolicy } from '../domain/sla/policy';
import { Person, Ticket } from '../domain/tickets/ticket';
import { TriageAction, applyTriage } from '../domain/triage/triage-rules';
import {
  ACTION_ROLE,
  InvalidTransitionError,
  LifecycleAction,
  LifecycleChange,
  applyLifecycle,
} from '../domain/tickets/lifecycle';
import { surveyTransition } from '../domain/surveys/survey';
import { JobSpec, OutboxJob } from '../storage/outbox.repository';
import { TicketRepository } from '../storage/ticket.repository';

export type TriageOutcome =
  /**
   * `jobs`: the outbox jobs queued with the change, for the caller to kick (`written`: all of
   * them as written, with their etags, when storage returned them)
   */
  | { kind: 'changed'; ticket: Ticket; jobs: JobSpec[]; written?: OutboxJob[] }
  | { kind: 'unchanged'; ticket: Ticket }
  /** someone else changed the ticket first; `ticket` is its current state */
  | { kind: 'conflict'; ticket: Ticket }
  | { kind: 'refused'; ticket: Ticket };

export type LifecycleOutcome =
  | {
      kind: 'changed';
      ticket: Ticket;
      jobs: JobSpec[];
      change: LifecycleChange;
      /** the jobs as written, with their etags (see `TriageOutcome`) */
      written?: OutboxJob[];
    }
  /** the same click delivered again: nothing more was done */
  | { kind: 'repeated'; ticket: Ticket }
  | { kind: 'refused'; ticket: Ticket }
  /** not allowed in the ticket's status (or too late): nothing changed */
  | { kind: 'invalid'; ticket: Ticket; error: InvalidTransitionError };

/**
 * Every change made from a triage card refreshes both cards, for everyone, and re-arms the SLA
 * timer (due times may have moved); some also send the requester a message about the event.
 */
function jobsOf(seq: number, tellRequester: boolean | undefined, tellChannel = false): JobSpec[] {
  return [
    'triage.update',
    'requester.update',
    'sla.arm',
    ...(tellRequester ? [{ kind: 'requester.notice' as const, ref: String(seq) }] : []),
    ...(tellChannel ? [{ kind: 'channel.notice' as const, ref: String(seq) }] : []),
  ];
}

export class TriageService {
  constructor(
    private readonly deps: { tickets: TicketRepository; clock: Clock; policy: SlaPolicy },
  ) {}

  async current(tenantId: string, number: number): Promise<Ticket> {
    const stored = await this.deps.tickets.get(tenantId, number);
    if (!stored) throw new TicketNotFoundError(String(number));
    return stored.ticket;
  }

  /**
   * Applies an agent's action with the etag read. Two agents at once: one wins; the other gets
   * `conflict` and the current ticket. Authorisation is decided by the caller from stored state
   * (the roster of the triage team), never from the card's data; refusals are recorded.
   */
  async act(
    tenantId: string,
    number: number,
    actor: Person,
    isAgent: boolean,
    action: TriageAction,
  ): Promise<TriageOutcome> {
    const now = this.deps.clock.now();
    // The ticket as this process last saw it saves a read when the action writes: the write is
    // conditional on its etag. An outcome that writes nothing is decided on a fresh read.
    let hint = isAgent ? this.deps.tickets.recent(tenantId, number) : undefined;
    for (let attempt = 0; attempt < 5;) {
      const fromHint = hint !== undefined;
      const stored = hint ?? (await this.deps.tickets.get(tenantId, number));
      hint = undefined;
      if (!stored) throw new TicketNotFoundError(String(number));
      if (!isAgent) {
        await this.deps.tickets.recordRefusal(tenantId, number, actor, action.kind, now);
        return { kind: 'refused', ticket: stored.ticket };
      }
      if (
        action.kind === 'assignMe' &&
        stored.ticket.owner &&
        stored.ticket.owner.id !== actor.id
      ) {
        // Someone took it after the clicked card was drawn, or between our read and our write:
        // theirs stands. (Taking over from the owner the card showed is deliberate: allowed.)
        const seen = action.seenOwner;
        if (attempt > 0 || (seen !== undefined && seen !== stored.ticket.owner.id)) {
          if (fromHint) continue;
          return { kind: 'conflict', ticket: stored.ticket };
        }
      }
      const change = applyTriage(stored.ticket, action, actor, now, this.deps.policy);
      if (!change) {
        if (fromHint) continue;
        return { kind: attempt > 0 ? 'conflict' : 'unchanged', ticket: stored.ticket };
      }
      const jobs = jobsOf(stored.ticket.eventCount + 1, change.tellRequester);
      try {
        const after = await this.deps.tickets.appendEvent(
          stored,
          change.event,
          () => change.ticket,
          undefined,
          jobs,
        );
        return {
          kind: 'changed',
          ticket: after?.ticket ?? change.ticket,
          jobs,
          written: after?.jobs,
        };
      } catch (e) {
        if (!(e instanceof ConcurrencyError)) throw e;
        // A hint that was out of date is not a concurrent change: read and decide again.
        if (!fromHint) attempt++;
      }
    }
    return { kind: 'conflict', ticket: await this.current(tenantId, number) };
  }

  /**
   * A step of the ticket's life (reply, note, resolve, answer, confirm, reopen, cancel). Who may
   * act comes from stored state: agents (`isAgent`, from the tier's roster) or the ticket's own
   * requester. `idemKey` (the activity) makes a re-delivered click a no-op.
   */
  async lifecycle(
    tenantId: string,
    number: number,
    actor: Person,
    isAgent: boolean,
    action: LifecycleAction,
    idemKey?: string,
  ): Promise<LifecycleOutcome> {
    const now = this.deps.clock.now();
    // As in `act`: the ticket as last seen here, for a change written on its etag.
    let hint = this.deps.tickets.recent(tenantId, number);
    for (let attempt = 0; attempt < 5;) {
      const fromHint = hint !== undefined;
      const stored = hint ?? (await this.deps.tickets.get(tenantId, number));
      hint = undefined;
      if (!stored) throw new TicketNotFoundError(String(number));
      const role = ACTION_ROLE[action.kind];
      const allowed = role === 'agent' ? isAgent : stored.ticket.requester.id === actor.id;
      if (!allowed) {
        if (fromHint) continue;
        await this.deps.tickets.recordRefusal(tenantId, number, actor, action.kind, now);
        return { kind: 'refused', ticket: stored.ticket };
      }
      let change: LifecycleChange;
      try {
        change = applyLifecycle(stored.ticket, action, actor, now, this.deps.policy);
      } catch (e) {
        if (e instanceof InvalidTransitionError) {
          if (fromHint) continue;
          return { kind: 'invalid', ticket: stored.ticket, error: e };
        }
        throw e;
      }
      // A closing opens the requester's survey; a reopening voids it (spec 6.1).
      const survey = surveyTransition(
        stored.ticket,
        change.ticket,
        stored.ticket.eventCount + 1,
        this.deps.policy,
        now,
      );
      change = { ...change, ticket: survey.ticket };
      const jobs: JobSpec[] = [
        ...jobsOf(stored.ticket.eventCount + 1, change.tellRequester, change.tellChannel),
        ...(change.handoffCard ? [`handoff.${change.handoffCard}` as const] : []),
        ...(change.event.type === 'steps.outcome' && change.event.data.playbook
          ? [{ kind: 'kb.tally' as const, ref: String(stored.ticket.eventCount + 1) }]
          : []),
        ...(survey.opened
          ? [{ kind: 'survey.post' as const, ref: String(stored.ticket.eventCount + 1) }]
          : []),
      ];
      try {
        const after = await this.deps.tickets.appendEvent(
          stored,
          change.event,
          () => change.ticket,
          idemKey,
          jobs,
        );
        if (!after) {
          if (fromHint) continue;
          return { kind: 'repeated', ticket: stored.ticket };
        }
        return { kind: 'changed', ticket: after.ticket, jobs, change, written: after.jobs };
      } catch (e) {
        if (!(e instanceof ConcurrencyError)) throw e;
        if (!fromHint) attempt++;
      }
    }
    throw new ConcurrencyError(String(number));
  }
}
