import { DateTime } from 'luxon';
import template from '../../../adaptiveCards/recurring.json';
import { Locale, formatDateTime, t } from '../../domain/i18n';
import { playbookById } from '../../domain/kb/playbook';
import { suggestedPlaybook } from '../../domain/reports/recurring';
import { GroupCardView } from '../../services/recurring.service';
import { AdaptiveCardJson, escapeMarkdown, expand, shorten } from './render';
import { threadLink } from './handoff.card';

/** Days back for which "since" names the weekday ("since Monday"); older ones give the date. */
const WEEKDAY_DAYS = 6;

/** "Monday" / "lunes" within the last days, else "12 Nov" / "12 de nov", in the business zone. */
export function sinceText(locale: Locale, first: Date, now: Date, timeZone: string): string {
  const from = DateTime.fromJSDate(first, { zone: timeZone }).setLocale(
    locale === 'es' ? 'es-MX' : 'en-US',
  );
  const today = DateTime.fromJSDate(now, { zone: timeZone }).startOf('day');
  const days = Math.round(today.diff(from.startOf('day'), 'days').days);
  if (days <= WEEKDAY_DAYS) return from.toFormat('cccc');
  return from.toFormat(locale === 'es' ? "d 'de' LLL" : 'd LLL');
}

/** True when `first` is on the same business day as `now`. */
function sameDay(first: Date, now: Date, timeZone: string): boolean {
  const a = DateTime.fromJSDate(first, { zone: timeZone });
  const b = DateTime.fromJSDate(now, { zone: timeZone });
  return a.hasSame(b, 'day');
}

/**
 * A recurring problem in the supervisors channel (spec 7.2): "5 tickets about VPN since Monday",
 * links to the tickets' triage threads, and a choice of the shipped playbooks with "Attach
 * playbook" (agents only). `note`: the answer to a click, shown on top.
 */
export function recurringCard(
  locale: Locale,
  view: GroupCardView,
  timeZone: string,
  note?: { text: string; good: boolean },
): AdaptiveCardJson {
  const { group, triage } = view;
  const label = escapeMarkdown(group.label || t(locale, `category.${group.category}`));
  const heading = sameDay(group.firstAt, view.now, timeZone)
    ? t(locale, 'recurring.headingToday', { count: group.count, label })
    : t(locale, 'recurring.heading', {
        count: group.count,
        label,
        since: sinceText(locale, group.firstAt, view.now, timeZone),
      });
  const attached = group.playbook ? playbookById(view.playbooks, group.playbook) : undefined;
  const when = (d: Date) => formatDateTime(locale, d, timeZone);
  const members = view.members.map((m) => {
    const url =
      triage && m.triageActivityId
        ? threadLink(triage.channelId, m.triageActivityId, triage.teamId, view.tenantId)
        : undefined;
    return {
      link: url ? `[${m.trackingId}](${url})` : m.trackingId,
      title: shorten(m.title, 120).text,
    };
  });
  const hidden = Math.max(0, group.count - members.length);
  return expand(template, {
    note: note?.text ?? '',
    noteColor: note?.good === false ? 'Attention' : 'Good',
    heading,
    intro: t(locale, 'recurring.intro'),
    facts: [
      { label: t(locale, 'recurring.category'), value: t(locale, `category.${group.category}`) },
      { label: t(locale, 'recurring.first'), value: when(group.firstAt) },
      { label: t(locale, 'recurring.last'), value: when(group.lastAt) },
      {
        label: t(locale, 'recurring.playbook'),
        value: attached
          ? t(locale, 'recurring.playbookBy', {
              title: attached.title[locale],
              name: escapeMarkdown(group.playbookBy?.name ?? '—'),
            })
          : t(locale, 'recurring.noPlaybook'),
      },
    ],
    members,
    more: hidden > 0 ? t(locale, 'recurring.more', { count: hidden }) : '',
    selected: group.playbook ?? suggestedPlaybook(group.terms, group.count) ?? '',
    playbooks: view.playbooks.map((p) => ({ title: p.title[locale], value: p.id })),
    groupId: group.id,
    labels: {
      tickets: t(locale, 'recurring.tickets'),
      choose: t(locale, 'recurring.choose'),
      attach: t(locale, 'button.attachPlaybook'),
    },
  });
}
