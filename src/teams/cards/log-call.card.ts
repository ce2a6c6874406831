import template from '../../../adaptiveCards/log-call.json';
import { Locale, t } from '../../domain/i18n';
import { Ticket } from '../../domain/tickets/ticket';
import { AdaptiveCardJson, classificationChoices, escapeMarkdown, expand } from './render';

/** How a request reached the agent who logs it (the ticket's intake channel). */
export const CALL_VIAS = ['phone', 'email'] as const;
export type CallVia = (typeof CALL_VIAS)[number];

/** "Let the classifier suggest": the category input's value when the agent leaves it open. */
export const SUGGEST_CATEGORY = 'auto';

export interface LogCallValues {
  requester: string;
  via: string;
  title: string;
  description: string;
  category: string;
  impact: string;
  severity: string;
}

const EMPTY: LogCallValues = {
  requester: '',
  via: 'phone',
  title: '',
  description: '',
  category: SUGGEST_CATEGORY,
  impact: 'low',
  severity: 'medium',
};

/** What the confirmation shows once the ticket exists. */
export interface LogCallDone {
  ticket: Ticket;
  /** true when the requester chats with the bot and gets the acknowledgement there */
  notified: boolean;
}

/**
 * `log call` / `registrar llamada`: the form an agent fills in for a request that arrived by
 * phone or e-mail (`formId` makes a double submit create one ticket); with `done`, the same card
 * becomes the confirmation with the tracking number that replaces the form.
 */
export function logCallCard(
  locale: Locale,
  formId: string,
  opts: { values?: Partial<LogCallValues>; error?: string; done?: LogCallDone } = {},
): AdaptiveCardJson {
  const choices = classificationChoices(locale);
  const done = opts.done;
  const name = done ? escapeMarkdown(done.ticket.requester.name) : '';
  return expand(template, {
    ...choices,
    categoryChoices: [
      { value: SUGGEST_CATEGORY, title: t(locale, 'logCall.categorySuggest') },
      ...choices.categories,
    ],
    vias: CALL_VIAS.map((v) => ({ value: v, title: t(locale, `channel.${v}`) })),
    heading: done
      ? t(locale, 'logCall.done', { trackingId: done.ticket.trackingId, name })
      : t(locale, 'logCall.title'),
    headingColor: done ? 'Good' : 'Default',
    error: opts.error ?? '',
    done: !!done,
    facts: done
      ? [
          { label: t(locale, 'ticket.number'), value: done.ticket.trackingId },
          { label: t(locale, 'ticket.requester'), value: name },
          {
            label: t(locale, 'ticket.intakeChannel'),
            value: t(locale, `channel.${done.ticket.intakeChannel}`),
          },
          {
            label: t(locale, 'ticket.category'),
            value: t(locale, `category.${done.ticket.category}`),
          },
          {
            label: t(locale, 'ticket.priority'),
            value: t(locale, `priority.${done.ticket.priority}`),
          },
        ]
      : [],
    doneNote: done
      ? t(locale, done.notified ? 'logCall.doneNotified' : 'logCall.doneUnknown', { name })
      : '',
    formId,
    values: { ...EMPTY, ...opts.values },
    labels: {
      requester: t(locale, 'logCall.requesterLabel'),
      requesterPlaceholder: t(locale, 'logCall.requesterPlaceholder'),
      requesterRequired: t(locale, 'logCall.missingRequester'),
      via: t(locale, 'logCall.viaLabel'),
      title: t(locale, 'form.titleLabel'),
      titlePlaceholder: t(locale, 'form.titlePlaceholder'),
      description: t(locale, 'form.descriptionLabel'),
      descriptionPlaceholder: t(locale, 'logCall.descriptionPlaceholder'),
      descriptionRequired: t(locale, 'form.missingDescription'),
      category: t(locale, 'form.categoryLabel'),
      impact: t(locale, 'form.impactLabel'),
      severity: t(locale, 'form.severityLabel'),
      submit: t(locale, 'button.submit'),
    },
  });
}
