import { addBusinessMinutes, businessDayMinutes } from '../sla/business-calendar';
import { SlaPolicy } from '../sla/policy';
import { Person, Ticket, TicketEvent } from '../tickets/ticket';

/**
 * The satisfaction survey (spec 6): when a ticket closes its requester gets a 1–5 rating and an
 * optional comment to answer, once; one reminder after a business day without an answer; a low
 * rating alerts the supervisors. Pure: `now` and the policy are passed in.
 */

export const RATING_MIN = 1;
export const RATING_MAX = 5;
/** Ratings at or below this alert the supervisor channel (spec 6.2). */
export const LOW_RATING_MAX = 2;
/** Characters of comment accepted (the card's input allows no more). */
export const SURVEY_COMMENT_MAX = 1000;
/** Business days without an answer before the one reminder. */
export const SURVEY_REMINDER_BUSINESS_DAYS = 1;

/** The survey of the ticket's latest closing. */
export interface Survey {
  /** the number of the event that closed the ticket: a reopen and a new closing make a new round */
  round: number;
  /** where the survey card was posted in the requester's chat, once it was */
  card?: { conversationId: string; activityId: string };
  /** the answer, once given */
  rating?: number;
  comment?: string;
  answeredAt?: Date;
}

/** The data of a `rated` event, exactly: reports aggregate these names. */
export interface RatedData {
  rating: number;
  comment: string;
  ownerId: string;
  ownerName: string;
  category: string;
  tier: number;
}

/** When the one reminder falls due for a survey opened at `now`. */
export function surveyReminderAt(policy: SlaPolicy, now: Date): Date {
  return addBusinessMinutes(
    now,
    SURVEY_REMINDER_BUSINESS_DAYS * businessDayMinutes(policy.calendar),
    policy.calendar,
  );
}

/**
 * The survey's part of a status change recorded as event `seq`: a ticket that becomes closed
 * (confirmed, steps that worked, closed without an answer; never cancelled) opens a new survey
 * round and its reminder; a closed ticket that is reopened voids the pending survey.
 */
export function surveyTransition(
  before: Ticket,
  after: Ticket,
  seq: number,
  policy: SlaPolicy,
  now: Date,
): { ticket: Ticket; opened: boolean } {
  if (after.status === 'closed' && before.status !== 'closed') {
    return {
      ticket: {
        ...after,
        survey: { round: seq },
        sla: { ...after.sla, surveyReminderAt: surveyReminderAt(policy, now) },
      },
      opened: true,
    };
  }
  if (before.status === 'closed' && after.status !== 'closed' && after.sla.surveyReminderAt) {
    return {
      ticket: { ...after, sla: { ...after.sla, surveyReminderAt: undefined } },
      opened: false,
    };
  }
  return { ticket: after, opened: false };
}

/** Why an answer is refused; nothing changes. */
export type SurveyRefusal =
  /** someone other than the requester */
  | 'notYours'
  /** this round was answered already */
  | 'answered'
  /** the ticket was reopened (or closed again since): this card's survey no longer applies */
  | 'void'
  /** the rating is missing, outside 1–5 or not a whole number */
  | 'invalidRating'
  /** the comment is not text */
  | 'invalid'
  | 'commentTooLong';

/** A rating as a card sends it ("4" or 4); undefined for anything else (4.5, "x", [4], 0, 6). */
export function parseRating(raw: unknown): number | undefined {
  const n =
    typeof raw === 'number'
      ? raw
      : typeof raw === 'string' && /^\s*\d\s*$/.test(raw)
        ? Number(raw)
        : NaN;
  return Number.isInteger(n) && n >= RATING_MIN && n <= RATING_MAX ? n : undefined;
}

/**
 * The requester answers survey `round` of the ticket. Who answers is decided from the stored
 * ticket (its requester), never from the card. Returns the `rated` event and the ticket with the
 * answer (the reminder cancelled), or why it is refused.
 */
export function answerSurvey(
  ticket: Ticket,
  actor: Person,
  answer: { round: number; rating: unknown; comment: unknown },
  now: Date,
):
  | { ok: true; ticket: Ticket; event: Omit<TicketEvent, 'seq'>; low: boolean }
  | { ok: false; why: SurveyRefusal } {
  if (ticket.requester.id !== actor.id) return { ok: false, why: 'notYours' };
  const survey = ticket.survey;
  if (!survey || ticket.status !== 'closed' || survey.round !== answer.round) {
    // An answered round stays answered, whatever happened since.
    if (survey && survey.round === answer.round && survey.rating !== undefined) {
      return { ok: false, why: 'answered' };
    }
    return { ok: false, why: 'void' };
  }
  if (survey.rating !== undefined) return { ok: false, why: 'answered' };
  const rating = parseRating(answer.rating);
  if (rating === undefined) return { ok: false, why: 'invalidRating' };
  if (
    answer.comment !== undefined &&
    answer.comment !== null &&
    typeof answer.comment !== 'string'
  ) {
    return { ok: false, why: 'invalid' };
  }
  const comment = (typeof answer.comment === 'string' ? answer.comment : '').trim();
  if (comment.length > SURVEY_COMMENT_MAX) return { ok: false, why: 'commentTooLong' };
  const data: RatedData = {
    rating,
    comment,
    ownerId: ticket.owner?.id ?? '',
    ownerName: ticket.owner?.name ?? '',
    category: ticket.category,
    tier: ticket.tier,
  };
  return {
    ok: true,
    ticket: {
      ...ticket,
      survey: { ...survey, rating, comment, answeredAt: now },
      sla: { ...ticket.sla, surveyReminderAt: undefined },
    },
    event: { type: 'rated', at: now, actor, channel: 'teams', data: { ...data } },
    low: rating <= LOW_RATING_MAX,
  };
}

/** Whether the reminder of the ticket's survey is due at `now` (closed, unanswered, not sent). */
export function surveyReminderDue(ticket: Ticket, now: Date): boolean {
  const at = ticket.sla.surveyReminderAt;
  return (
    ticket.status === 'closed' &&
    !!ticket.survey &&
    ticket.survey.rating === undefined &&
    !!at &&
    at.getTime() <= now.getTime()
  );
}

/** The `rated` event's data, or undefined for other events (and damaged ones). */
export function ratedDataOf(event: TicketEvent): RatedData | undefined {
  if (event.type !== 'rated') return undefined;
  const d = event.data;
  const rating = parseRating(d.rating);
  if (rating === undefined) return undefined;
  return {
    rating,
    comment: typeof d.comment === 'string' ? d.comment : '',
    ownerId: typeof d.ownerId === 'string' ? d.ownerId : '',
    ownerName: typeof d.ownerName === 'string' ? d.ownerName : '',
    category: typeof d.category === 'string' ? d.category : '',
    tier: Number(d.tier ?? 1),
  };
}
