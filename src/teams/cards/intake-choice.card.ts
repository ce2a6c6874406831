import template from '../../../adaptiveCards/intake-choice.json';
import { Locale, t } from '../../domain/i18n';
import { AdaptiveCardJson, expand, shorten } from './render';

/** At most this many "Add to SUP-…" buttons; Teams shows few actions well. */
export const MAX_CHOICES = 4;

/** One click for a requester with open tickets: add this message to one of them, or open a new one. */
export function intakeChoiceCard(
  locale: Locale,
  draftId: string,
  text: string,
  open: { number: number; trackingId: string }[],
): AdaptiveCardJson {
  return expand(template, {
    heading: t(locale, 'choice.title'),
    body: t(locale, 'choice.body'),
    preview: shorten(text, 600).text,
    draftId,
    open: open.slice(0, MAX_CHOICES).map((o) => ({
      draftId,
      number: o.number,
      title: t(locale, 'button.addTo', { trackingId: o.trackingId }),
    })),
    createTitle: t(locale, 'button.createTicket'),
  });
}
