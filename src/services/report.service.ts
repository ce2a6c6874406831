import { Clock } from '../domain/clock';
import { Locale, t } from '../domain/i18n';
import { formatLocalDate } from '../domain/sla/business-calendar';
import { SlaPolicy } from '../domain/sla/policy';
import { Period, lastDays } from '../domain/reports/period';
import { ReportFigures, summarize } from '../domain/reports/stats';
import { StatsRepository } from '../storage/stats.repository';
import { ReportProblem } from '../teams/cards/report.card';

/** Where the report finds recurring problems (issue #7 item 4): group rows only, never tickets. */
export interface ProblemSource {
  groupsSince(tenantId: string, since: Date, limit: number): Promise<ReportProblem[]>;
}

export const REPORT_PERIODS = [7, 30] as const;

/**
 * A tally job runs within minutes of its event (retried with backoff); after this many days its
 * markers are no longer needed and are removed.
 */
export const MARKER_DAYS = 2;
/** How far back the first compaction of a tenant looks. */
const COMPACT_LOOKBACK_DAYS = 40;
export type ReportPeriod = (typeof REPORT_PERIODS)[number];

/**
 * The figures of a report: one point read per day of the period, the open counts, and the
 * recurring groups — the same work with 5,000 tickets or 50,000 (issue #7 item 3).
 */
export class ReportService {
  constructor(
    private readonly deps: {
      stats: StatsRepository;
      policy: SlaPolicy;
      clock: Clock;
      problems?: ProblemSource;
      /** groups smaller than this are not recurring yet (`RECURRING_THRESHOLD`) */
      problemThreshold?: number;
    },
  ) {}

  async figures(
    tenantId: string,
    period: Period,
  ): Promise<{ figures: ReportFigures; problems: ReportProblem[] }> {
    const [days, open, problems] = await Promise.all([
      this.deps.stats.days(tenantId, period.days),
      this.deps.stats.open(tenantId),
      this.deps.problems?.groupsSince(tenantId, period.start, 5) ?? Promise.resolve([]),
    ]);
    const min = this.deps.problemThreshold ?? 3;
    return {
      figures: summarize(days, open, period),
      problems: problems.filter((p) => p.count >= min),
    };
  }

  /**
   * Once a day: removes the markers of days whose tallies are final (older than `MARKER_DAYS`),
   * so that a day's partition holds its totals only. Returns the days compacted.
   */
  async housekeeping(tenantId: string): Promise<number> {
    const now = this.deps.clock.now();
    const zone = this.deps.policy.calendar.timeZone;
    const through = lastDays(now, MARKER_DAYS + 1, zone).from;
    const done = await this.deps.stats.compactedThrough(tenantId);
    if (done && done >= through) return 0;
    const days = lastDays(now, COMPACT_LOOKBACK_DAYS, zone).days.filter(
      (d) => d <= through && (!done || d > done),
    );
    for (const day of days) await this.deps.stats.compact(tenantId, day);
    await this.deps.stats.trimOpenMarkers(
      tenantId,
      new Date(now.getTime() - MARKER_DAYS * 24 * 3600_000),
    );
    return days.length;
  }

  /** The last `n` days up to today, in the business calendar's zone. */
  lastDays(n: number): Period {
    return lastDays(this.deps.clock.now(), n, this.deps.policy.calendar.timeZone);
  }

  periodText(locale: Locale, period: Period): string {
    const zone = this.deps.policy.calendar.timeZone;
    return t(locale, 'report.period', {
      from: formatLocalDate(locale, period.from, zone),
      to: formatLocalDate(locale, period.to, zone),
      zone,
    });
  }
}
