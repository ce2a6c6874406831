import { Clock } from '../domain/clock';
import { Logger } from '../logger';
import { Sweeper } from '../jobs/sweeper';
import { lastDigestDue, previousWeek } from '../domain/reports/period';
import { DigestRepository } from '../storage/digest.repository';
import { ChannelRef, TenantRepository } from '../storage/tenant.repository';
import { AdaptiveCardJson } from '../teams/cards/render';
import { digestCard } from '../teams/cards/digest.card';
import { ReportService } from './report.service';

/**
 * The weekly digest (issue #7 item 5), and the daily housekeeping of the report totals
 * (`ReportService.housekeeping`), for every tenant that set up its support channels. The digest:
 * every Monday at 09:00 business time, last week's figures,
 * recurring problems, the playbooks that solved most tickets and the lowest-rated tickets go to
 * the supervisors channel (the triage channel when there is none). With several instances, the
 * one whose claim row is created sends it; the others see the row and skip.
 */
export class DigestService {
  private readonly sweeper = new Sweeper(
    () => this.sweepOnce(),
    (e) => this.deps.log.warn({ err: e.message }, 'weekly digest failed'),
  );

  constructor(
    private readonly deps: {
      digests: DigestRepository;
      tenants: TenantRepository;
      reports: ReportService;
      clock: Clock;
      timeZone: string;
      log: Logger;
      post: (tenantId: string, channel: ChannelRef, card: AdaptiveCardJson) => Promise<unknown>;
    },
  ) {}

  /** A tenant set up its support channels: it gets the digests due from now on. */
  async enroll(tenantId: string): Promise<void> {
    await this.deps.digests.enroll(tenantId, this.deps.clock.now());
  }

  /** Sends the digests that are due and not sent yet; returns how many this instance sent. */
  async sweep(): Promise<number> {
    return this.sweeper.run();
  }

  private async sweepOnce(): Promise<number> {
    const now = this.deps.clock.now();
    const due = lastDigestDue(now, this.deps.timeZone);
    const week = previousWeek(due, this.deps.timeZone);
    let sent = 0;
    for (const tenant of await this.deps.digests.tenants()) {
      // housekeeping of the report totals, once a day (nothing to do otherwise)
      await this.deps.reports
        .housekeeping(tenant.tenantId)
        .catch((e) =>
          this.deps.log.warn({ err: (e as Error).message }, 'report totals housekeeping failed'),
        );
      if (tenant.since.getTime() >= due.getTime()) continue; // set up after this one was due
      const settings = await this.deps.tenants.settings(tenant.tenantId);
      const channel = settings.supervisors ?? settings.triage;
      if (!channel) continue;
      if (!(await this.deps.digests.claim(tenant.tenantId, week.from, now))) continue;
      try {
        const locale = channel.locale ?? 'en';
        const { figures, problems } = await this.deps.reports.figures(tenant.tenantId, week);
        const card = digestCard(locale, figures, {
          problems,
          periodText: this.deps.reports.periodText(locale, week),
        });
        await this.deps.post(tenant.tenantId, channel, card);
        await this.deps.digests.markSent(tenant.tenantId, week.from, this.deps.clock.now());
        sent += 1;
        this.deps.log.info({ tenantId: tenant.tenantId, week: week.from }, 'weekly digest sent');
      } catch (e) {
        // Not sent: the next sweep tries again.
        await this.deps.digests.release(tenant.tenantId, week.from).catch(() => undefined);
        throw e;
      }
    }
    return sent;
  }

  start(intervalMs: number): void {
    this.sweeper.start(intervalMs);
  }

  async stop(): Promise<void> {
    await this.sweeper.stop();
  }
}
