import { systemClock } from '../domain/clock';
import { Logger } from '../logger';
import {
  JobBatch,
  JobSpec,
  OutboxJob,
  OutboxRepository,
  Undelivered,
  inSendOrder,
  partsOf,
  specOf,
} from '../storage/outbox.repository';
import { statusOf } from '../storage/tables';
import { inScope } from '../work-scope';

const HELD = 'held';
/** ms without a turn after which the steps waiting for a moment without turns go (`giveWay`) */
const QUIET_MS = 5;

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
  /**
   * Requests from Teams being answered now. While at least `busyTurns` (default 4) are, the
   * outbox starts no delivery for up to `busyDeferMs` (default 5 s), then one at a time: an
   * answer owed within Teams' 5 s goes before a card that may come a few seconds later (a burst
   * of requests would otherwise share the processor with their own triage cards). `resume()`
   * is called when a turn ends.
   */
  turnsInFlight?: () => number;
  busyTurns?: number;
  busyDeferMs?: number;
  /**
   * Each step of a delivery (reading the jobs, claiming them, sending one, deleting it) waits
   * until no request from Teams is being answered, for at most this many ms (default 1 s): a
   * turn does not share storage and the processor with the outbox it just fed.
   */
  giveWayMs?: number;
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
  /** when the current busy spell of the server began (real time), if it is busy */
  private busySince?: number;
  private deferTimer?: NodeJS.Timeout;
  /** steps waiting for a moment without turns (`giveWay`), oldest first */
  private readonly yielding = new Set<() => void>();
  private quietTimer?: NodeJS.Timeout;
  /** the latest delivery of each ticket under way here (`oneAtATime`) */
  private readonly perTicket = new Map<string, Promise<void>>();

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly perform: (job: OutboxJob, batch: JobBatch) => Promise<void>,
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
    if (this.deferTimer) clearTimeout(this.deferTimer);
    this.deferTimer = undefined;
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.quietTimer = undefined;
    for (const go of [...this.yielding]) go();
    this.resume(); // the waiting deliveries end at once, without working
    await this.idle();
  }

  /** Waits until nothing is being sent (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0 || this.sweeping) {
      await Promise.allSettled([...this.inFlight, this.sweeping]);
    }
  }

  /**
   * The fast path: try these jobs of a ticket now, without making the caller wait. The ticket's
   * other jobs that are due go with them: one read finds them all, one transaction claims them.
   * `written`: the jobs as the change wrote them (with their etags): they are claimed without
   * that read. For a new ticket they are all it has; after a change, another job of the ticket
   * still due (one a crashed sender left) is the sweep's, as a failed one always is.
   */
  kick(tenantId: string, number: number, specs: JobSpec[], written?: OutboxJob[]): void {
    if (specs.length === 0 && !written?.length) return;
    this.track(
      this.oneAtATime(tenantId, number, () =>
        this.slot('urgent', async () => {
          if (written?.length) {
            await this.deliverAll(written);
            return;
          }
          await this.giveWay();
          const jobs = await inScope(
            'outbox',
            () => this.outbox.jobsOf(tenantId, number),
            'kick: read the jobs',
          );
          const now = systemClock.now().getTime();
          const kicked = new Set(specs.map((spec) => keyOf(specOf(spec))));
          // (A bundle is kicked with any of its parts.)
          const isKicked = (j: OutboxJob) =>
            kicked.has(keyOf(j)) ||
            (j.kind === 'bundle' && partsOf(j).some((p) => kicked.has(keyOf(p))));
          const go = jobs.filter(
            (j) =>
              j.state === 'pending' &&
              (isKicked(j) || (j.attempts === 0 && j.nextAttemptAt.getTime() <= now)),
          );
          await this.deliverAll(go);
        }),
      ),
    );
  }

  /**
   * Runs `work` once the deliveries of the same ticket started before it in this process have
   * ended: a ticket's jobs then go in their send order across deliveries too (a thread notice
   * kicked by a click does not overtake the triage card an earlier delivery is still posting,
   * which would hold the notice for 30 s).
   */
  private oneAtATime(tenantId: string, number: number, work: () => Promise<void>): Promise<void> {
    const key = `${tenantId}|${number}`;
    const before = this.perTicket.get(key);
    const mine = (before ? before.catch(() => undefined).then(work) : work()).finally(() => {
      if (this.perTicket.get(key) === mine) this.perTicket.delete(key);
    });
    this.perTicket.set(key, mine);
    return mine;
  }

  /**
   * Background work that is not a stored job (an e-mail look-up after a turn, a self-help offer
   * sent after the answers): it waits for a slot like a delivery of the sweep, so it gives way to
   * turns and to new changes. Dropped if the dispatcher stops first.
   */
  background(work: () => Promise<void>): Promise<void> {
    return this.track(this.slot('later', () => this.giveWay().then(work)));
  }

  /** Runs `work` when one of the delivery slots is free. */
  private async slot(priority: 'urgent' | 'later', work: () => Promise<void>): Promise<void> {
    if (this.running >= this.limit()) {
      // `startWaiting` takes the slot for this delivery before waking it.
      await new Promise<void>((ok) => this.waiting[priority].push(ok));
    } else {
      this.running += 1;
    }
    try {
      // Stopping: a job not started yet stays pending in storage for the next sweep.
      if (!this.stopped) await inScope('outbox', work);
    } finally {
      this.running -= 1;
      this.startWaiting();
    }
  }

  /**
   * Deliveries allowed at once now: none during the first `busyDeferMs` of a busy spell of the
   * server, one after that, `concurrency` otherwise.
   */
  private limit(): number {
    if (this.stopped) return Infinity; // the waiting ones end at once, without working
    const busy = this.turns() >= (this.opts.busyTurns ?? 4);
    if (!busy) {
      this.busySince = undefined;
      return this.opts.concurrency ?? 4;
    }
    const now = Date.now();
    this.busySince ??= now;
    const left = this.busySince + (this.opts.busyDeferMs ?? 5000) - now;
    if (left <= 0) return 1;
    // Look again when the deferral ends, should no turn end before.
    if (!this.deferTimer) {
      this.deferTimer = setTimeout(() => {
        this.deferTimer = undefined;
        this.startWaiting();
      }, left);
      this.deferTimer.unref?.();
    }
    return 0;
  }

  /**
   * Before a step of background work (reading a ticket's jobs, claiming them, sending one,
   * deleting one): waits while requests from Teams are being answered, at most `giveWayMs`. The
   * waiting steps go once no turn was under way for `QUIET_MS`: between two requests of a steady
   * stream (a closed loop sends the next within a millisecond or two) the outbox keeps still and
   * the next turn has storage to itself; a server that falls quiet runs them all at once.
   * Never past `until` (real time, ms): claimed jobs must be sent and deleted well within their
   * claim's lifetime, or another instance would take them over and send them again. Not at all
   * once a busy spell has lasted `busyDeferMs` (one delivery at a time is the rule then).
   */
  giveWay(until = Infinity): Promise<void> {
    const most = Math.min(this.opts.giveWayMs ?? 1000, until - Date.now());
    const turns = this.turns();
    // A busy spell longer than `busyDeferMs` already holds the outbox to one delivery at a time
    // (`limit`); its steps waiting as well would starve it under a flood that never pauses.
    const longBusy =
      turns >= (this.opts.busyTurns ?? 4) &&
      this.busySince !== undefined &&
      Date.now() - this.busySince >= (this.opts.busyDeferMs ?? 5000);
    if (this.stopped || most <= 0 || turns === 0 || longBusy) return Promise.resolve();
    const every = this.opts.giveWayMs ?? 1000;
    return new Promise<void>((ok) => {
      let timer: NodeJS.Timeout | undefined;
      const go = () => {
        clearTimeout(timer);
        this.yielding.delete(go);
        ok();
      };
      // Waited long enough with turns still under way: one waiting step goes per `giveWayMs`,
      // not every waiting one at once (each would slow the turn it lands in); a step whose
      // claim runs out (`until`) goes regardless.
      const force = () => {
        const now = Date.now();
        const free = this.forcedAt + every;
        if (this.turns() === 0 || now >= free || now >= until) {
          this.forcedAt = now;
          go();
          return;
        }
        timer = setTimeout(force, Math.max(1, Math.min(free, until) - now));
        timer.unref?.();
      };
      timer = setTimeout(force, most);
      timer.unref?.();
      this.yielding.add(go);
    });
  }

  /** When a waiting step last went with turns still under way (see `giveWay`). */
  private forcedAt = -Infinity;

  /**
   * Lets the waiting steps go after `QUIET_MS` without turns (see `giveWay`). A turn's end
   * (`turnEnded`) starts the wait again; the end of a delivery does not put it off.
   */
  private letGo(turnEnded: boolean): void {
    const idle = () => this.stopped || this.turns() === 0;
    if (!idle() || this.yielding.size === 0) return;
    if (this.quietTimer && !turnEnded) return;
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(() => {
      this.quietTimer = undefined;
      if (idle()) for (const go of [...this.yielding]) go();
    }, QUIET_MS);
    this.quietTimer.unref?.();
  }

  /** A turn just ended: the waiting steps and deliveries may go (what the server calls). */
  resume(): void {
    this.letGo(true);
    this.startWaiting();
  }

  /** Requests from Teams being answered now (0 without a gauge). */
  private turns(): number {
    return this.opts.turnsInFlight?.() ?? 0;
  }

  /** Starts waiting deliveries while slots are free (a delivery or a turn just ended). */
  private startWaiting(): void {
    this.letGo(false);
    while (this.running < this.limit()) {
      const next = this.waiting.urgent.shift() ?? this.waiting.later.shift();
      if (!next) return;
      this.running += 1;
      next();
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
      const byTicket = new Map<number, OutboxJob[]>();
      for (const j of due) {
        // A ticket with a delivery under way here is left to it: that delivery reads the
        // ticket's due jobs itself, and these rows are about to change under this sweep.
        if (this.perTicket.has(`${marker.tenantId}|${j.number}`)) continue;
        byTicket.set(j.number, [...(byTicket.get(j.number) ?? []), j]);
      }
      await Promise.all(
        [...byTicket.values()].map((jobs) =>
          this.track(
            this.oneAtATime(marker.tenantId, jobs[0].number, () =>
              this.slot('later', () => this.deliverAll(jobs)),
            ),
          ),
        ),
      );
    }
  }

  private track(p: Promise<void>): Promise<void> {
    const guarded = p.catch((e) => this.log.warn({ err: (e as Error).message }, 'outbox delivery'));
    this.inFlight.add(guarded);
    void guarded.finally(() => this.inFlight.delete(guarded));
    return guarded;
  }

  /**
   * Sends jobs of one ticket one after the other, in `inSendOrder`: claimed together, sharing
   * one read of the ticket. Those delivered are deleted together once all were tried (a failed
   * one is kept for a retry on its own); a `bundle` job is sent part by part.
   */
  private async deliverAll(jobs: OutboxJob[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.giveWay();
    const claimed = await inScope(
      'outbox',
      () => this.outbox.claimAll(inSendOrder(jobs), systemClock.now()),
      'claim',
    );
    const batch: JobBatch = {};
    const delivered: OutboxJob[] = [];
    // Giving way ends at half the claim's lifetime: the rest goes without waiting.
    const until = Date.now() + (this.opts.claimTtlMs ?? 60_000) / 2;
    for (const job of claimed) {
      if (job.kind === 'bundle') {
        if (await this.deliverParts(job, batch, until)) delivered.push(job);
        continue;
      }
      await this.giveWay(until);
      const failure = await this.attempt(job, batch);
      if (!failure) delivered.push(job);
      else await this.failed(failure);
    }
    if (delivered.length === 0) return;
    await this.giveWay(until);
    await inScope('outbox', () => this.outbox.completeAll(delivered), 'complete');
  }

  /**
   * Sends the parts of a `bundle` job in their order; true when all were delivered (the job
   * can go). Otherwise the job is split: the parts not delivered become jobs of their own,
   * retried or kept as dead like any job.
   */
  private async deliverParts(job: OutboxJob, batch: JobBatch, until: number): Promise<boolean> {
    const undelivered: Undelivered[] = [];
    const parts = partsOf(job);
    if (parts.length === 0) {
      // Never written so (`bundleJob` lists at least one job): kept as dead, not dropped.
      this.log.error({ tenantId: job.tenantId, number: job.number }, 'outbox: unreadable bundle');
      await this.failed({ job, error: 'unreadable bundle', retryAt: 'dead' });
      return false;
    }
    for (const part of parts) {
      await this.giveWay(until);
      const failure = await this.attempt(part, batch);
      if (failure) undelivered.push(failure);
    }
    if (undelivered.length === 0) return true;
    const split = await this.outbox.split(job, undelivered).catch((err: unknown) => {
      // Still claimed: the sweep sends every part again once the claim runs out.
      this.log.warn({ err: (err as Error).message, kind: job.kind }, 'outbox: not recorded');
      return false;
    });
    if (split) await this.reportDead(undelivered);
    return false;
  }

  /** Sends one claimed job (or part); what became of it when it was not delivered. */
  private async attempt(claimed: OutboxJob, batch: JobBatch): Promise<Undelivered | undefined> {
    try {
      await inScope('outbox', () => this.perform(claimed, batch), claimed.kind);
      return undefined;
    } catch (e) {
      return this.verdict(claimed, e);
    }
  }

  /** A delivery failed: dead when Teams refused for good, else to be retried later (logged). */
  private verdict(claimed: OutboxJob, e: unknown): Undelivered {
    const status = statusOf(e);
    const ctx = { tenantId: claimed.tenantId, number: claimed.number, kind: claimed.kind, status };
    if (status === 403 || status === 404) {
      this.log.error(ctx, 'outbox: Teams refused the message for good; kept as dead');
      return { job: claimed, error: `HTTP ${status}`, retryAt: 'dead', status };
    }
    const wait = e instanceof HeldError ? 30_000 : (retryAfterMs(e) ?? backoffMs(claimed.attempts));
    this.log.warn({ ...ctx, retryInMs: Math.round(wait) }, 'outbox: will retry');
    const message = e instanceof HeldError ? HELD : status ? `HTTP ${status}` : (e as Error).name;
    return {
      job: claimed,
      error: message,
      retryAt: new Date(systemClock.now().getTime() + wait),
      status,
    };
  }

  /** Records a failed delivery on its job (and reports it if dead). */
  private async failed(failure: Undelivered): Promise<void> {
    const { job, error, retryAt } = failure;
    try {
      await this.outbox.fail(job, error, retryAt);
    } catch (err) {
      this.log.warn({ err: (err as Error).message, kind: job.kind }, 'outbox: not recorded');
      return;
    }
    await this.reportDead([failure]);
  }

  /** Tells `onDead` about the jobs given up. */
  private async reportDead(failures: Undelivered[]): Promise<void> {
    for (const { job, retryAt, status } of failures) {
      if (retryAt !== 'dead') continue;
      await this.opts.onDead?.(job, status).catch(() => undefined);
    }
  }
}

/** A job's identity within its ticket: its kind and the event it is about. */
const keyOf = (j: { kind: string; ref?: string }) => `${j.kind}|${j.ref ?? ''}`;
