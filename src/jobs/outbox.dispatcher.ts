import { systemClock } from '../domain/clock';
import { Logger } from '../logger';
import { JobSpec, OutboxJob, OutboxRepository } from '../storage/outbox.repository';
import { statusOf } from '../storage/tables';
import { inScope } from '../work-scope';

const HELD = 'held';

/** The job cannot be sent yet (e.g. no triage channel is set up): try again later. */
export class HeldError extends Error {
  readonly code = 'OUTBOX.HELD';
}

export interface DispatcherOptions {
  /** ms between sweeps over the partitions that hold jobs */
  intervalMs: number;
  /** ms after which a job still "sending" is taken over (its sender died) */
  claimTtlMs?: number;
  /** ms a marker must stay untouched before an empty partition is forgotten (≥ TOUCH_REUSE_MS) */
  markerIdleMs?: number;
  /** called once when a job is given up (the bot was removed, the channel deleted) */
  onDead?: (job: OutboxJob, status: number | undefined) => Promise<void>;
  /** deliveries at once; the rest wait, those kicked by a change first (default 4) */
  concurrency?: number;
}

/** Backoff in ms for the n-th failure: 1 s, 2 s, 4 s … up to 5 min, with jitter. */
export function backoffMs(attempts: number): number {
  const base = Math.min(300_000, 1000 * 2 ** Math.min(attempts, 9));
  return base / 2 + Math.random() * (base / 2);
}

function retryAfterMs(e: unknown): number | undefined {
  const headers = (e as { response?: { headers?: { get?: (n: string) => string | undefined } } })
    ?.response?.headers;
  const raw = headers?.get?.('retry-after');
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(raw);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/**
 * Sends outbox jobs: right after the change that queued them (the fast path), and from periodic
 * sweeps (retries, and jobs whose first sender died). Each job is claimed with its etag before
 * sending, so with several bot instances a job is sent once. Uses real time, not the test clock:
 * retries are about the network, not about business time.
 */
export class OutboxDispatcher {
  private timer?: NodeJS.Timeout;
  private readonly inFlight = new Set<Promise<void>>();
  private sweeping?: Promise<void>;
  private stopped = false;
  /**
   * Deliveries waiting for a free slot. A burst of requests queues several jobs per ticket; sent
   * all at once they would compete with the requests themselves for the storage account (and
   * the turns must answer within Teams' 5 s). The jobs of changes just made go first.
   */
  private readonly waiting: { urgent: (() => void)[]; later: (() => void)[] } = {
    urgent: [],
    later: [],
  };
  private running = 0;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly perform: (job: OutboxJob) => Promise<void>,
    private readonly log: Logger,
    private readonly opts: DispatcherOptions,
  ) {}

  start(): void {
    this.stopped = false;
    const tick = () => {
      this.timer = setTimeout(async () => {
        await this.sweep().catch((e) =>
          this.log.warn({ err: (e as Error).message }, 'outbox sweep failed'),
        );
        if (!this.stopped) tick();
      }, this.opts.intervalMs);
      this.timer.unref?.();
    };
    tick();
  }

  /** Stops sweeping and lets the deliveries under way finish; those still waiting stay stored. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    for (const ok of [...this.waiting.urgent.splice(0), ...this.waiting.later.splice(0)]) {
      this.running += 1; // each gives its slot back at once, without working
      ok();
    }
    await this.idle();
  }

  /** Waits until nothing is being sent (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0 || this.sweeping) {
      await Promise.allSettled([...this.inFlight, this.sweeping]);
    }
  }

  /** The fast path: try these jobs of a ticket now, without making the caller wait. */
  kick(tenantId: string, number: number, specs: JobSpec[]): void {
    for (const spec of specs) {
      this.track(
        this.slot('urgent', async () => {
          const job = await this.outbox.job(tenantId, number, spec);
          if (job && job.state === 'pending') await this.deliver(job);
        }),
      );
    }
  }

  /** Runs `work` when one of the `concurrency` delivery slots is free. */
  private async slot(priority: 'urgent' | 'later', work: () => Promise<void>): Promise<void> {
    if (this.running >= (this.opts.concurrency ?? 4)) {
      await new Promise<void>((ok) => this.waiting[priority].push(ok));
    } else {
      this.running += 1;
    }
    try {
      // Stopping: a job not started yet stays pending in storage for the next sweep.
      if (!this.stopped) await inScope('outbox', work);
    } finally {
      // The slot passes straight to the next waiting delivery, if any.
      const next = this.waiting.urgent.shift() ?? this.waiting.later.shift();
      if (next) next();
      else this.running -= 1;
    }
  }

  /**
   * One pass over every partition that may hold jobs; a pass already running is joined.
   * `releaseHeld`: jobs held for a missing setup (no triage channel) are due now.
   */
  async sweep(opts: { releaseHeld?: boolean } = {}): Promise<void> {
    if (opts.releaseHeld) {
      await this.sweeping?.catch(() => undefined);
      this.sweeping = this.sweepOnce(true).finally(() => (this.sweeping = undefined));
      return this.sweeping;
    }
    if (!this.sweeping) {
      this.sweeping = this.sweepOnce(false).finally(() => (this.sweeping = undefined));
    }
    return this.sweeping;
  }

  private async sweepOnce(releaseHeld: boolean): Promise<void> {
    const now = systemClock.now().getTime();
    const claimTtl = this.opts.claimTtlMs ?? 60_000;
    for (const marker of await this.outbox.markers()) {
      const jobs = await this.outbox.jobsIn(marker.tenantId, marker.bucket);
      const live = jobs.filter((j) => j.state !== 'dead');
      if (live.length === 0) {
        if (now - marker.touchedAt.getTime() > (this.opts.markerIdleMs ?? 60_000)) {
          await this.outbox.dropMarker(marker.tenantId, marker.bucket, marker.etag);
        }
        continue;
      }
      const due = live.filter((j) =>
        j.state === 'pending'
          ? j.nextAttemptAt.getTime() <= now || (releaseHeld && j.lastError === HELD)
          : now - (j.claimedAt?.getTime() ?? 0) > claimTtl,
      );
      await Promise.all(due.map((j) => this.track(this.slot('later', () => this.deliver(j)))));
    }
  }

  private track(p: Promise<void>): Promise<void> {
    const guarded = p.catch((e) => this.log.warn({ err: (e as Error).message }, 'outbox delivery'));
    this.inFlight.add(guarded);
    void guarded.finally(() => this.inFlight.delete(guarded));
    return guarded;
  }

  private async deliver(job: OutboxJob): Promise<void> {
    const claimed = await this.outbox.claim(job, systemClock.now());
    if (!claimed) return;
    try {
      await this.perform(claimed);
      await this.outbox.complete(claimed);
    } catch (e) {
      const status = statusOf(e);
      const ctx = { tenantId: job.tenantId, number: job.number, kind: job.kind, status };
      if (status === 403 || status === 404) {
        this.log.error(ctx, 'outbox: Teams refused the message for good; kept as dead');
        await this.outbox.fail(claimed, `HTTP ${status}`, 'dead');
        await this.opts.onDead?.(claimed, status).catch(() => undefined);
        return;
      }
      const wait =
        e instanceof HeldError ? 30_000 : (retryAfterMs(e) ?? backoffMs(claimed.attempts));
      this.log.warn({ ...ctx, retryInMs: Math.round(wait) }, 'outbox: will retry');
      const message =
        e instanceof HeldError ? 'held' : status ? `HTTP ${status}` : (e as Error).name;
      await this.outbox.fail(claimed, message, new Date(systemClock.now().getTime() + wait));
    }
  }
}
