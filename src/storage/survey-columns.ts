import { z } from 'zod';
import { RATING_MAX, RATING_MIN, SURVEY_COMMENT_MAX, Survey } from '../domain/surveys/survey';

/**
 * The ticket's satisfaction survey as columns of the ticket row (allow-list, validated on the
 * way out): the round (the closing event's number), where its card is, and the answer. Written
 * only once a ticket has had a survey; a new round writes every column, so that a merge clears
 * the previous round's answer (the `rated` events keep every answer).
 */
const Columns = z.object({
  surveyRound: z.number().int().positive(),
  /** the round whose card the conversation/activity ids are (the `survey.post` job writes them) */
  surveyCardRound: z.number().int().nonnegative().default(0),
  surveyConversationId: z.string().max(1000).default(''),
  surveyActivityId: z.string().max(1000).default(''),
  /** 0: not answered */
  rating: z.number().int().min(0).max(RATING_MAX).default(0),
  ratingComment: z.string().max(SURVEY_COMMENT_MAX).default(''),
  ratedAt: z.union([z.date().refine((d) => !Number.isNaN(d.getTime())), z.literal('')]).default(''),
});

export function surveyToColumns(survey: Survey | undefined): Record<string, unknown> {
  if (!survey) return {};
  return {
    surveyRound: survey.round,
    surveyCardRound: survey.card ? survey.round : 0,
    surveyConversationId: survey.card?.conversationId ?? '',
    surveyActivityId: survey.card?.activityId ?? '',
    rating: survey.rating ?? 0,
    ratingComment: survey.comment ?? '',
    ratedAt: survey.answeredAt ?? '',
  };
}

export function surveyFromColumns(row: Record<string, unknown>): Survey | undefined {
  if (row.surveyRound === undefined || row.surveyRound === null || row.surveyRound === '') {
    return undefined;
  }
  const parsed = Columns.safeParse({
    ...row,
    surveyRound: Number(row.surveyRound),
    surveyCardRound: Number(row.surveyCardRound ?? 0),
    rating: Number(row.rating ?? 0),
    ratedAt:
      row.ratedAt instanceof Date
        ? row.ratedAt
        : typeof row.ratedAt === 'string' && row.ratedAt !== ''
          ? new Date(row.ratedAt)
          : '',
  });
  if (!parsed.success) return undefined;
  const c = parsed.data;
  const answered = c.rating >= RATING_MIN;
  return {
    round: c.surveyRound,
    ...(c.surveyCardRound === c.surveyRound && c.surveyConversationId && c.surveyActivityId
      ? { card: { conversationId: c.surveyConversationId, activityId: c.surveyActivityId } }
      : {}),
    ...(answered
      ? {
          rating: c.rating,
          comment: c.ratingComment,
          ...(c.ratedAt instanceof Date ? { answeredAt: c.ratedAt } : {}),
        }
      : {}),
  };
}

/** The columns that record where a round's card was posted (a merge of these alone). */
export function surveyCardColumns(
  round: number,
  card: { conversationId: string; activityId: string },
): Record<string, unknown> {
  return {
    surveyCardRound: round,
    surveyConversationId: card.conversationId,
    surveyActivityId: card.activityId,
  };
}
