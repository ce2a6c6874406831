import { TurnContext } from 'botbuilder';
import { z } from 'zod';
import { t } from '../../domain/i18n';
import { SURVEY_COMMENT_MAX, SurveyRefusal } from '../../domain/surveys/survey';
import { Logger } from '../../logger';
import { SurveyService } from '../../services/survey.service';
import { JobSpec, OutboxJob } from '../../storage/outbox.repository';
import { AdaptiveCardJson } from '../cards/render';
import { surveyCard } from '../cards/survey.card';
import { activityKey } from '../turn';
import { CardTicketNumber, cardAction, cardInt } from './card-action';

export interface SurveyActionDeps {
  surveys: SurveyService;
  log: Logger;
  kick: (tenantId: string, number: number, jobs: JobSpec[], written?: OutboxJob[]) => void;
}

export const SURVEY_VERBS = ['survey.submit'] as const;
export type SurveyVerb = (typeof SURVEY_VERBS)[number];

/**
 * Card data is untrusted: it only names the ticket and the survey round. Whether the clicker may
 * answer, and whether this round is still open, comes from the stored ticket; the rating and
 * comment are checked by the domain (any type may arrive here).
 */
const Submit = z
  .object({
    number: CardTicketNumber,
    round: cardInt(1_000_000),
  })
  .passthrough();

const REFUSAL_KEY = {
  notYours: 'survey.notYours',
  answered: 'survey.answered',
  void: 'survey.void',
  invalidRating: 'survey.invalidRating',
  invalid: 'survey.invalid',
  commentTooLong: 'survey.commentTooLong',
} as const satisfies Record<SurveyRefusal, string>;

/** "Submit" on a survey card: the answer is recorded once and the card thanks the requester. */
export async function runSurveyAction(
  verb: SurveyVerb,
  ctx: TurnContext,
  deps: SurveyActionDeps,
  data: unknown,
): Promise<AdaptiveCardJson | string> {
  return cardAction(ctx, deps.log, verb, async ({ locale, tenantId, actor }) => {
    const parsed = Submit.safeParse(data);
    if (!parsed.success) return t(locale, 'error.invalidAction');
    const { number, round } = parsed.data;
    const input = parsed.data as Record<string, unknown>;
    const outcome = await deps.surveys.answer(
      tenantId,
      number,
      actor,
      { round, rating: input.rating, comment: input.comment },
      activityKey(ctx.activity),
    );
    switch (outcome.kind) {
      case 'refused':
        deps.log.info({ activityId: ctx.activity.id, why: outcome.why }, 'survey answer refused');
        // A message (the card stays as it is); someone else's ticket is named by number only.
        return t(locale, REFUSAL_KEY[outcome.why], {
          trackingId: outcome.ticket.trackingId,
          max: SURVEY_COMMENT_MAX,
        });
      case 'repeated':
      case 'rated': {
        if (outcome.kind === 'rated') deps.kick(tenantId, number, outcome.jobs, outcome.written);
        const s = outcome.ticket.survey;
        return surveyCard(locale, outcome.ticket, round, {
          answer:
            s?.rating !== undefined ? { rating: s.rating, comment: s.comment ?? '' } : undefined,
        });
      }
    }
  });
}
