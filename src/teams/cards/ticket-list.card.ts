import template from '../../../adaptiveCards/ticket-list.json';
import { Locale, t } from '../../domain/i18n';
import { Ticket } from '../../domain/tickets/ticket';
import { AdaptiveCardJson, PRIORITY_COLOR, expand, shorten } from './render';

/** "My tickets": open ones first, then the recently closed. */
export function ticketListCard(locale: Locale, open: Ticket[], recent: Ticket[]): AdaptiveCardJson {
  const item = (tk: Ticket) => ({
    number: tk.number,
    trackingId: tk.trackingId,
    title: shorten(tk.title, 120).text,
    status: t(locale, `status.${tk.status}`),
    priority: t(locale, `priority.${tk.priority}`),
    priorityColor: PRIORITY_COLOR[tk.priority],
  });
  const sections = [
    ...(open.length > 0 ? [{ name: t(locale, 'list.open'), items: open.map(item) }] : []),
    ...(recent.length > 0 ? [{ name: t(locale, 'list.recent'), items: recent.map(item) }] : []),
  ];
  return expand(template, {
    heading: t(locale, 'list.title'),
    empty:
      open.length + recent.length === 0
        ? t(locale, 'list.none')
        : open.length === 0
          ? t(locale, 'list.noneOpen')
          : '',
    sections,
  });
}
