import template from '../../../adaptiveCards/ticket-form.json';
import { Locale, t } from '../../domain/i18n';
import { AdaptiveCardJson, classificationChoices, expand } from './render';

export interface FormValues {
  title: string;
  description: string;
  category: string;
  impact: string;
  severity: string;
}

const EMPTY: FormValues = {
  title: '',
  description: '',
  category: 'other',
  impact: 'low',
  severity: 'medium',
};

/** The structured ticket form; `formId` makes a double submit create one ticket. */
export function ticketFormCard(
  locale: Locale,
  formId: string,
  values: Partial<FormValues> = {},
  error = '',
): AdaptiveCardJson {
  return expand(template, {
    ...classificationChoices(locale),
    heading: t(locale, 'form.title'),
    error,
    formId,
    values: { ...EMPTY, ...values },
    labels: {
      title: t(locale, 'form.titleLabel'),
      titlePlaceholder: t(locale, 'form.titlePlaceholder'),
      description: t(locale, 'form.descriptionLabel'),
      descriptionPlaceholder: t(locale, 'form.descriptionPlaceholder'),
      descriptionRequired: t(locale, 'form.missingDescription'),
      category: t(locale, 'form.categoryLabel'),
      impact: t(locale, 'form.impactLabel'),
      severity: t(locale, 'form.severityLabel'),
      submit: t(locale, 'button.submit'),
    },
  });
}
