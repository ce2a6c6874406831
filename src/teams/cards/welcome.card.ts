import template from '../../../adaptiveCards/welcome.json';
import { Locale, t } from '../../domain/i18n';
import { AdaptiveCardJson, escapeMarkdown, expand } from './render';

export function welcomeCard(locale: Locale, name: string): AdaptiveCardJson {
  return expand(template, {
    title: t(locale, 'welcome.title'),
    body: t(locale, 'welcome.body', { name: escapeMarkdown(name.slice(0, 100)) }),
    hints: t(locale, 'welcome.hints'),
    newTicket: t(locale, 'button.newTicket'),
    myTickets: t(locale, 'button.myTickets'),
  });
}
