import template from '../../../adaptiveCards/report.json';
import { Locale, formatMinutes, t } from '../../domain/i18n';
import { ReportFigures } from '../../domain/reports/stats';
import { PRIORITIES, Priority } from '../../domain/tickets/priority-matrix';
import { CATEGORIES, Category } from '../../domain/tickets/category';
import { AdaptiveCardJson, expand, shorten } from './render';

/** Agents and recurring problems listed: the card must stay under Teams' size limit. */
export const REPORT_AGENTS = 15;
export const REPORT_PROBLEMS = 5;

/** A recurring problem as the report shows it (issue #7 item 4). */
export interface ReportProblem {
  label: string;
  category: string;
  count: number;
  trackingIds: string[];
}

export function percent(locale: Locale, value: number | undefined): string {
  if (value === undefined) return '—';
  return new Intl.NumberFormat(locale === 'es' ? 'es-MX' : 'en-US', {
    style: 'percent',
    maximumFractionDigits: 0,
  }).format(value);
}

export function average(locale: Locale, value: number | undefined): string {
  if (value === undefined) return '—';
  return new Intl.NumberFormat(locale === 'es' ? 'es-MX' : 'en-US', {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  }).format(value);
}

const categoryName = (locale: Locale, c: string) =>
  (CATEGORIES as readonly string[]).includes(c) ? t(locale, `category.${c as Category}`) : c;

const minutes = (locale: Locale, m: number | undefined) =>
  m === undefined ? '—' : formatMinutes(locale, m);

const byPriority = (locale: Locale, r: Record<Priority, number>) =>
  `${r.alta + r.media + r.baja} (${PRIORITIES.map((p) => `${t(locale, `priority.${p}`)} ${r[p]}`).join(' · ')})`;

/** Satisfaction and self-service, as the report and the digest show them. */
export function satisfactionFacts(locale: Locale, f: ReportFigures) {
  return [
    {
      name: t(locale, 'report.csat'),
      value:
        f.ratings === 0
          ? t(locale, 'report.noRatings')
          : t(locale, 'report.csatValue', {
              average: average(locale, f.csat),
              ratings: f.ratings,
              rate: percent(locale, f.csatResponseRate),
            }),
    },
    { name: t(locale, 'report.deflection'), value: percent(locale, f.deflectionRate) },
  ];
}

/** Recurring problems as lines: "3 × Network / VPN: vpn connect (SUP-000001, …)". */
export function problemLines(locale: Locale, problems: ReportProblem[], max: number) {
  return problems.slice(0, max).map((p) => ({
    n: String(p.count),
    label: `${categoryName(locale, p.category)}: ${shorten(p.label, 80).text}`,
    tickets: p.trackingIds.slice(0, 8).join(', '),
  }));
}

/**
 * The KPI report card (spec 7.1): volumes by priority, SLA compliance, median times, CSAT,
 * deflection, per-agent performance, recurring problems and a chart of tickets per day.
 */
export function reportCard(
  locale: Locale,
  f: ReportFigures,
  opts: { periodDays: number; problems: ReportProblem[]; periodText: string },
): AdaptiveCardJson {
  const agents = f.agents.slice(0, REPORT_AGENTS);
  const hiddenAgents = f.agents.length - agents.length;
  const shortDay = (day: string) => day.slice(5);
  return expand(template, {
    heading: t(locale, 'report.title', { days: opts.periodDays }),
    period: opts.periodText,
    volume: [
      { name: t(locale, 'report.opened'), value: byPriority(locale, f.opened) },
      { name: t(locale, 'report.closed'), value: byPriority(locale, f.closed) },
      { name: t(locale, 'report.open'), value: byPriority(locale, f.open) },
      {
        name: t(locale, 'report.other'),
        value: t(locale, 'report.otherValue', {
          escalated: f.escalated,
          reopened: f.reopened,
          cancelled: f.cancelled,
        }),
      },
    ],
    chart: {
      title: t(locale, 'report.chartTitle'),
      xAxis: t(locale, 'report.chartX'),
      yAxis: t(locale, 'report.chartY'),
      series: PRIORITIES.map((p) => ({
        legend: t(locale, `priority.${p}`),
        values: f.openedPerDay.map((d) => ({ x: shortDay(d.day), y: d[p] })),
      })),
      fallback: t(locale, 'report.chartFallback', {
        values: f.openedPerDay
          .map((d) => `${shortDay(d.day)}: ${d.alta + d.media + d.baja}`)
          .join(', '),
      }),
    },
    serviceHeading: t(locale, 'report.service'),
    service: [
      {
        name: t(locale, 'report.firstResponseSla'),
        value: percent(locale, f.firstResponseCompliance),
      },
      { name: t(locale, 'report.resolutionSla'), value: percent(locale, f.resolutionCompliance) },
      {
        name: t(locale, 'report.medianFirstResponse'),
        value: minutes(locale, f.medianFirstResponseMinutes),
      },
      {
        name: t(locale, 'report.medianResolution'),
        value: minutes(locale, f.medianResolutionMinutes),
      },
      ...satisfactionFacts(locale, f),
      { name: t(locale, 'report.breaches'), value: String(f.breaches) },
    ],
    agentsHeading: t(locale, 'report.agents'),
    columns: {
      agent: t(locale, 'report.colAgent'),
      handled: t(locale, 'report.colHandled'),
      median: t(locale, 'report.colMedian'),
      sla: t(locale, 'report.colSla'),
      csat: t(locale, 'report.colCsat'),
    },
    agents: agents.map((a) => ({
      name: shorten(a.name || a.id, 60).text,
      handled: String(a.handled),
      median: minutes(locale, a.medianResolutionMinutes),
      sla: percent(locale, a.slaCompliance),
      csat: average(locale, a.csat),
    })),
    problemsHeading: t(locale, 'report.problems'),
    problems: problemLines(locale, opts.problems, REPORT_PROBLEMS),
    none: t(locale, 'report.none'),
    extra: hiddenAgents > 0 ? t(locale, 'report.moreAgents', { count: hiddenAgents }) : '',
  });
}
