import template from '../../../adaptiveCards/digest.json';
import { Locale, formatMinutes, t } from '../../domain/i18n';
import { playbookById, shippedPlaybooks } from '../../domain/kb/playbook';
import { ReportFigures } from '../../domain/reports/stats';
import { AdaptiveCardJson, expand, shorten } from './render';
import { ReportProblem, percent, problemLines, satisfactionFacts } from './report.card';

/** Items per list: the card must stay under Teams' size limit. */
export const DIGEST_ITEMS = 5;

/**
 * The weekly digest (issue #7 item 5, seed "Capacitación semanal"): last week's figures, the
 * recurring problems, the playbooks that solved most tickets and the lowest-rated tickets: the
 * material of the weekly training.
 */
export function digestCard(
  locale: Locale,
  f: ReportFigures,
  opts: { problems: ReportProblem[]; periodText: string },
): AdaptiveCardJson {
  const total = (r: ReportFigures['opened']) => r.alta + r.media + r.baja;
  const minutes = (m: number | undefined) => (m === undefined ? '—' : formatMinutes(locale, m));
  return expand(template, {
    heading: t(locale, 'digest.title'),
    period: opts.periodText,
    figures: [
      {
        name: t(locale, 'digest.openedClosed'),
        value: t(locale, 'digest.openedClosedValue', {
          opened: total(f.opened),
          closed: total(f.closed),
          open: total(f.open),
        }),
      },
      {
        name: t(locale, 'report.firstResponseSla'),
        value: `${percent(locale, f.firstResponseCompliance)} · ${minutes(f.medianFirstResponseMinutes)}`,
      },
      {
        name: t(locale, 'report.resolutionSla'),
        value: `${percent(locale, f.resolutionCompliance)} · ${minutes(f.medianResolutionMinutes)}`,
      },
      ...satisfactionFacts(locale, f),
    ],
    problemsHeading: t(locale, 'report.problems'),
    problems: problemLines(locale, opts.problems, DIGEST_ITEMS),
    playbooksHeading: t(locale, 'digest.playbooks'),
    playbooks: f.playbooks.slice(0, DIGEST_ITEMS).map((p) => ({
      n: String(p.solved),
      title: playbookById(shippedPlaybooks(), p.id)?.title[locale] ?? p.id,
    })),
    lowHeading: t(locale, 'digest.lowRated'),
    low: f.lowRatings.slice(0, DIGEST_ITEMS).map((r) => ({
      stars: '★'.repeat(r.rating) + '☆'.repeat(5 - r.rating),
      trackingId: r.trackingId,
      title: shorten(r.title, 90).text,
      comment: shorten(r.comment, 200).text,
    })),
    none: t(locale, 'report.none'),
  });
}
