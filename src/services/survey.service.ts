import { Clock } from '../domain/clock';
import { ConcurrencyError, TicketNotFoundError } from '../domain/errors';
import { SurveyRefusal, answerSurvey } from '../domain/surveys/survey';
import { Person, Ticket } from '../domain/tickets/ticket';
import { JobSpec, OutboxJob } from '../storage/outbox.repository';
import { TicketRepository } from '../storage/ticket.repository';

export type SurveyOutcome =
  /** recorded; `jobs`: the outbox jobs queued with it, for the caller to kick */
  | { kind: 'rated'; ticket: Ticket; jobs: JobSpec[]; written?: OutboxJob[] }
  /** the same click delivered again: nothing more was done */
  | { kind: 'repeated'; ticket: Ticket }
  /** refused from the stored state (not the requester, answered, void, invalid): nothing changed */
  | { kind: 'refused'; ticket: Ticket; why: SurveyRefusal };

/**
 * Answers to satisfaction surveys (spec 6): checked against the stored ticket (its requester, the
 * survey round, whether it was answered) and recorded as a `rated` event with the ticket's etag,
 * so two answers at once record one. A low rating queues the supervisors' alert in the same
 * transaction.
 */
export class SurveyService {
  constructor(private readonly deps: { tickets: TicketRepository; clock: Clock }) {}

  async answer(
    tenantId: string,
    number: number,
    actor: Person,
    answer: { round: number; rating: unknown; comment: unknown },
    idemKey?: string,
  ): Promise<SurveyOutcome> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const stored = await this.deps.tickets.get(tenantId, number);
      if (!stored) throw new TicketNotFoundError(String(number));
      const now = this.deps.clock.now();
      const result = answerSurvey(stored.ticket, actor, answer, now);
      if (!result.ok) {
        if (result.why === 'notYours' || result.why === 'answered') {
          await this.deps.tickets.recordRefusal(tenantId, number, actor, 'survey', now);
        }
        return { kind: 'refused', ticket: stored.ticket, why: result.why };
      }
      const seq = stored.ticket.eventCount + 1;
      // (the reminder's wake row, if any, finds nothing due and goes)
      const jobs: JobSpec[] = result.low ? [{ kind: 'survey.alert', ref: String(seq) }] : [];
      try {
        const after = await this.deps.tickets.appendEvent(
          stored,
          result.event,
          () => result.ticket,
          idemKey,
          jobs,
        );
        if (!after) {
          return {
            kind: 'repeated',
            ticket: (await this.deps.tickets.get(tenantId, number))!.ticket,
          };
        }
        return { kind: 'rated', ticket: after.ticket, jobs, written: after.jobs };
      } catch (e) {
        if (e instanceof ConcurrencyError) continue;
        throw e;
      }
    }
    throw new ConcurrencyError(String(number));
  }
}
