import template from '../../../adaptiveCards/create-ticket-dialog.json';
import { Locale, t } from '../../domain/i18n';
import { Category } from '../../domain/tickets/category';
import { Impact, Severity } from '../../domain/tickets/priority-matrix';
import { Person } from '../../domain/tickets/ticket';
import { AdaptiveCardJson, classificationChoices, expand, shorten } from './render';

/** Characters of the message prefilled in the dialog (the dialog's card stays well under 28 KB). */
export const DIALOG_TEXT_MAX = 8_000;

export interface DialogValues {
  title: string;
  description: string;
  category: Category;
  impact: Impact;
  severity: Severity;
  requester: 'author' | 'me';
}

export interface DialogInput {
  formId: string;
  /** the message's author, when the command ran on a message written by a person */
  author?: Person;
  /** who clicked */
  me: Person;
  /** https link to the Teams message ('' when none) */
  messageLink: string;
  values: DialogValues;
  error?: string;
}

/** The "Create ticket" dialog of the message extension, prefilled from the message. */
export function createTicketDialogCard(locale: Locale, input: DialogInput): AdaptiveCardJson {
  const { author, me } = input;
  const requesters = [
    ...(author && author.id !== me.id
      ? [{ value: 'author', title: t(locale, 'mext.requesterAuthor', { name: author.name }) }]
      : []),
    { value: 'me', title: t(locale, 'mext.requesterMe', { name: me.name }) },
  ];
  const requester = requesters.some((r) => r.value === input.values.requester)
    ? input.values.requester
    : 'me';
  return expand(template, {
    ...classificationChoices(locale),
    error: input.error ?? '',
    source: author ? t(locale, 'mext.fromMessage', { name: author.name }) : '',
    requesters,
    formId: input.formId,
    messageLink: input.messageLink,
    author: { id: author?.id ?? '', name: author?.name ?? '' },
    values: {
      ...input.values,
      requester,
      description: shorten(input.values.description, DIALOG_TEXT_MAX).text,
    },
    labels: {
      requester: t(locale, 'mext.requesterLabel'),
      title: t(locale, 'form.titleLabel'),
      titlePlaceholder: t(locale, 'form.titlePlaceholder'),
      description: t(locale, 'form.descriptionLabel'),
      descriptionPlaceholder: t(locale, 'form.descriptionPlaceholder'),
      descriptionRequired: t(locale, 'form.missingDescription'),
      category: t(locale, 'form.categoryLabel'),
      impact: t(locale, 'form.impactLabel'),
      severity: t(locale, 'form.severityLabel'),
      submit: t(locale, 'button.createTicket'),
      openMessage: t(locale, 'mext.openMessage'),
    },
  });
}
