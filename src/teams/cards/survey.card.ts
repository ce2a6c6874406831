import template from '../../../adaptiveCards/survey.json';
import { Locale, t } from '../../domain/i18n';
import { RATING_MAX, RATING_MIN } from '../../domain/surveys/survey';
import { Ticket } from '../../domain/tickets/ticket';
import { AdaptiveCardJson, expand, shorten } from './render';

/** "★★★★☆": a rating as stars. */
export function stars(rating: number): string {
  return '★'.repeat(rating) + '☆'.repeat(Math.max(0, RATING_MAX - rating));
}

/**
 * The satisfaction survey in the requester's chat (spec 6.1): the ticket's tracking number and
 * title, a 1–5 rating and an optional comment, "Submit"; once answered, the same card thanks them
 * and shows the rating given. The title and comment are user text, bound as data in TextRuns
 * (shown literally, never as Markdown). `round`: the survey round the card answers.
 */
export function surveyCard(
  locale: Locale,
  ticket: Ticket,
  round: number,
  opts: { answer?: { rating: number; comment: string }; note?: string } = {},
): AdaptiveCardJson {
  const answer = opts.answer;
  return expand(template, {
    number: ticket.number,
    round,
    heading: t(locale, 'survey.heading', { trackingId: ticket.trackingId }),
    title: shorten(ticket.title, 200).text,
    intro: t(locale, 'survey.intro'),
    choices: Array.from({ length: RATING_MAX - RATING_MIN + 1 }, (_, i) => RATING_MAX - i).map(
      (n) => ({
        value: String(n),
        title: `${stars(n)}  ${n} · ${t(locale, `survey.rating${n}` as 'survey.rating1')}`,
      }),
    ),
    answered: !!answer,
    thanks: answer
      ? t(locale, 'survey.thanks', { trackingId: ticket.trackingId, rating: answer.rating })
      : '',
    stars: answer ? stars(answer.rating) : '',
    comment: answer ? shorten(answer.comment, 1000).text : '',
    note: opts.note ?? '',
    labels: {
      rating: t(locale, 'survey.ratingLabel'),
      ratingRequired: t(locale, 'survey.invalidRating'),
      comment: t(locale, 'survey.commentLabel'),
      commentPlaceholder: t(locale, 'survey.commentPlaceholder'),
      yourComment: t(locale, 'survey.yourComment'),
      submit: t(locale, 'button.submit'),
    },
  });
}
