import template from '../../../adaptiveCards/export.json';
import { Locale, formatDateTime, t } from '../../domain/i18n';
import { ExportRange } from '../../domain/export/export-range';
import { ExportLinks } from '../../services/export.service';
import { AdaptiveCardJson, expand } from './render';

/** The answer to `export`: the range, when the links expire, and the two download buttons. */
export function exportCard(
  locale: Locale,
  range: ExportRange,
  links: ExportLinks,
  timeZone: string,
): AdaptiveCardJson {
  return expand(template, {
    title: t(locale, 'export.title'),
    range: t(locale, 'export.range', { from: range.from, to: range.to, zone: timeZone }),
    expires: t(locale, 'export.expires', {
      time: formatDateTime(locale, links.expiresAt, timeZone),
    }),
    ticketsTitle: t(locale, 'export.ticketsButton'),
    ticketsUrl: links.tickets,
    eventsTitle: t(locale, 'export.eventsButton'),
    eventsUrl: links.events,
  });
}
