import template from '../../../adaptiveCards/queue.json';
import { Locale, formatDateTime, t } from '../../domain/i18n';
import { SlaPolicy } from '../../domain/sla/policy';
import { OpenTicket } from '../../storage/ticket.repository';
import { AdaptiveCardJson, PRIORITY_COLOR, expand, shorten } from './render';

/** Rows per section: the card must stay under Teams' size limit. */
export const QUEUE_ROWS = 15;

/** "My queue": the agent's open tickets and the unassigned ones, oldest first. */
export function queueCard(
  locale: Locale,
  mine: OpenTicket[],
  unassigned: OpenTicket[],
  policy: SlaPolicy,
): AdaptiveCardJson {
  const when = (d: Date) => formatDateTime(locale, d, policy.calendar.timeZone);
  const item = (o: OpenTicket) => ({
    trackingId: o.trackingId,
    title: shorten(o.title, 90).text,
    priority: t(locale, `priority.${o.priority}`),
    priorityColor: PRIORITY_COLOR[o.priority],
    due: o.responded
      ? `${t(locale, 'ticket.resolutionDue')}: ${when(o.resolutionDueAt)}`
      : `${t(locale, 'ticket.firstResponseDue')}: ${when(o.firstResponseDueAt)}`,
  });
  const hidden =
    Math.max(0, mine.length - QUEUE_ROWS) + Math.max(0, unassigned.length - QUEUE_ROWS);
  return expand(template, {
    heading: t(locale, 'queue.title'),
    sections: [
      {
        name: t(locale, 'queue.mine', { count: mine.length }),
        empty: t(locale, 'queue.none'),
        items: mine.slice(0, QUEUE_ROWS).map(item),
      },
      {
        name: t(locale, 'queue.unassigned', { count: unassigned.length }),
        empty: t(locale, 'queue.none'),
        items: unassigned.slice(0, QUEUE_ROWS).map(item),
      },
    ],
    more: hidden > 0 ? t(locale, 'queue.more', { count: hidden }) : '',
  });
}
