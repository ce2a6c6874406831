import { Clock } from '../domain/clock';
import { ConcurrencyError } from '../domain/errors';
import { CHANNEL_NOTICES, Notice, evaluate, nextWake } from '../domain/sla/clocks';
import { SlaPolicy, policyFingerprint } from '../domain/sla/policy';
import { surveyTransition } from '../domain/surveys/survey';
import { Ticket } from '../domain/tickets/ticket';
import { Sweeper } from '../jobs/sweeper';
import { Logger } from '../logger';
import { JobSpec } from '../storage/outbox.repository';
import { TicketRepository } from '../storage/ticket.repository';
import { TimerRepository, Wake } from '../storage/timer.repository';

/** Who acts when the bot itself records an SLA event. */
export const SLA_ACTOR = { id: 'system', name: 'Support Desk' };

/** Wake rows handled per query. */
const PAGE = 200;
/**
 * A sweep with a few due wake-ups handles them one by one, in due order (notices reach a channel
 * in the order they fell due, with no burst against a partition or Teams' rate limits); a
 * backlog (after an outage) is worked through with up to 8 at once.
 */
const BACKLOG = 20;
const PARALLEL = 8;
/** Pages per sweep: a sweep after a long outage catches up over a few passes, not one. */
const MAX_PAGES = 10;

export interface SweepResult {
  woke: number;
  /** notices recorded (each is queued in the outbox once) */
  notices: number;
}

/** The outbox jobs an SLA event queues: notices by audience, and the cards it changes. */
export function jobsFor(notices: Notice[], seq: number, statusChanged: boolean): JobSpec[] {
  const ref = String(seq);
  const toChannel = notices.some((n) => CHANNEL_NOTICES.has(n.kind));
  const toRequester = notices.some(
    (n) => !CHANNEL_NOTICES.has(n.kind) && n.kind !== 'survey.reminder',
  );
  return [
    ...(toChannel ? [{ kind: 'channel.notice' as const, ref }] : []),
    ...(toRequester ? [{ kind: 'requester.notice' as const, ref }] : []),
    // The triage card shows at-risk / breached states and the status; the requester's, the status.
    ...(toChannel || statusChanged ? ['triage.update' as const] : []),
    ...(statusChanged ? ['requester.update' as const] : []),
    // the survey's one reminder, sent in the requester's chat beside the survey card
    ...(notices.some((n) => n.kind === 'survey.reminder')
      ? [{ kind: 'survey.remind' as const, ref }]
      : []),
  ];
}

/**
 * The SLA engine's moving part: durable timers (wake rows indexed by due time) and the sweep that
 * turns due times into recorded notices. Every rule reads the injected clock. Each notice is
 * recorded with the ticket's etag, in the same transaction as its outbox job: with several bot
 * instances sweeping the same rows, a notice is queued once.
 */
export class SlaService {
  private readonly sweeper = new Sweeper(
    () => this.sweepOnce(),
    (e) => this.deps.log.warn({ err: e.message }, 'SLA sweep failed'),
  );

  constructor(
    private readonly deps: {
      tickets: TicketRepository;
      timers: TimerRepository;
      clock: Clock;
      policy: SlaPolicy;
      log: Logger;
      kick?: (tenantId: string, number: number, jobs: JobSpec[]) => void;
      /** with `autoEscalateOnBreach`: hands a ticket whose resolution target was missed to the next tier */
      escalate?: (ticket: Ticket) => Promise<void>;
    },
  ) {}

  /** Sets the durable timer for the ticket's next due time (the `sla.arm` outbox job). */
  async arm(tenantId: string, number: number): Promise<void> {
    const stored = await this.deps.tickets.get(tenantId, number);
    if (!stored) return;
    await this.armFor(stored.ticket);
  }

  /** Sets the timer of a ticket just read (the `sla.arm` job reads it once for its batch). */
  async armFor(ticket: Ticket): Promise<void> {
    const at = nextWake(ticket, this.deps.policy);
    if (!at) return;
    // Never in the past: a wake-up that is due keeps the sweep busy until it is handled.
    const floor = this.deps.clock.now().getTime() + 1000;
    await this.deps.timers.arm(
      ticket.tenantId,
      ticket.number,
      new Date(Math.max(at.getTime(), floor)),
    );
  }

  /**
   * After the policy file changed, every open ticket is looked at once: its due times are
   * recomputed (its fingerprint differs) and its timers set again. Returns the tickets re-armed.
   */
  async reconcilePolicy(): Promise<number> {
    if (!(await this.deps.timers.policyChanged(policyFingerprint(this.deps.policy)))) return 0;
    const items = await this.deps.timers.ticketsWithWakes();
    await this.deps.timers.armAll(items, this.deps.clock.now());
    this.deps.log.info({ tickets: items.length }, 'SLA policy changed: due times are recomputed');
    return items.length;
  }

  start(intervalMs: number): void {
    this.sweeper.start(intervalMs);
  }

  async stop(): Promise<void> {
    await this.sweeper.stop();
  }

  /** One pass over the due wake rows; a pass already running is joined, then one more runs. */
  async sweep(): Promise<SweepResult> {
    return this.sweeper.run();
  }

  private async sweepOnce(): Promise<SweepResult> {
    const result: SweepResult = { woke: 0, notices: 0 };
    for (let page = 0; page < MAX_PAGES; page++) {
      const wakes = await this.deps.timers.due(this.deps.clock.now(), PAGE);
      const parallel = wakes.length > BACKLOG ? PARALLEL : 1;
      for (let i = 0; i < wakes.length; i += parallel) {
        const counts = await Promise.all(
          wakes.slice(i, i + parallel).map((w) =>
            this.handle(w).catch((e) => {
              this.deps.log.warn(
                { err: (e as Error).message, tenantId: w.tenantId, number: w.number },
                'SLA wake-up failed; retried at the next sweep',
              );
              return 0;
            }),
          ),
        );
        result.woke += counts.length;
        result.notices += counts.reduce((a, b) => a + b, 0);
      }
      if (wakes.length < PAGE) break;
    }
    return result;
  }

  /** Handles one wake row; returns the number of notices recorded. */
  private async handle(wake: Wake): Promise<number> {
    const { tickets, policy, clock } = this.deps;
    for (let attempt = 0; attempt < 5; attempt++) {
      const stored = await tickets.get(wake.tenantId, wake.number);
      if (!stored) {
        await this.deps.timers.remove(wake);
        return 0;
      }
      const now = clock.now();
      const evaluated = evaluate(stored.ticket, policy, now);
      const { notices } = evaluated;
      if (notices.length === 0 && evaluated.ticket === stored.ticket) {
        // Stale or early: nothing is due; the next due time gets its own wake row.
        await this.armFor(stored.ticket);
        await this.deps.timers.remove(wake);
        return 0;
      }
      const seq = stored.ticket.eventCount + 1;
      // Closed without an answer: the requester's survey opens with this event (spec 6.1).
      const survey = surveyTransition(stored.ticket, evaluated.ticket, seq, policy, now);
      const next = survey.ticket;
      const statusChanged = next.status !== stored.ticket.status;
      const jobs: JobSpec[] = [
        ...jobsFor(notices, seq, statusChanged),
        ...(survey.opened ? [{ kind: 'survey.post' as const, ref: String(seq) }] : []),
      ];
      try {
        const after = await tickets.appendEvent(
          stored,
          {
            type: notices.length > 0 ? 'sla' : 'sla.recomputed',
            at: now,
            actor: SLA_ACTOR,
            channel: 'system',
            data: {
              notices: notices.map((n) => ({
                kind: n.kind,
                dueAt: n.dueAt.toISOString(),
                ...(n.targetMinutes !== undefined ? { targetMinutes: n.targetMinutes } : {}),
                ...(n.elapsedMinutes !== undefined ? { elapsedMinutes: n.elapsedMinutes } : {}),
              })),
              ...(statusChanged ? { from: stored.ticket.status, to: next.status } : {}),
              ...(next.sla.resolution.actualMinutes !== undefined && statusChanged
                ? {
                    resolutionActualMinutes: next.sla.resolution.actualMinutes,
                    resolutionTargetMinutes: next.sla.resolution.targetMinutes,
                  }
                : {}),
            },
          },
          () => next,
          undefined,
          jobs,
        );
        if (jobs.length > 0) this.deps.kick?.(wake.tenantId, wake.number, jobs);
        // The wake row goes only once the next one is set: a crash in between wakes it again.
        await this.armFor(after?.ticket ?? next);
        await this.deps.timers.remove(wake);
        if (notices.length > 0) {
          this.deps.log.info(
            { ticket: next.trackingId, notices: notices.map((n) => n.kind) },
            'SLA notices recorded',
          );
        }
        if (
          policy.autoEscalateOnBreach &&
          notices.some((n) => n.kind === 'resolution.breach') &&
          this.deps.escalate
        ) {
          // Recorded first: a failed escalation never loses the breach; it is logged and left
          // to the agents (the breach notice is in the thread).
          await this.deps
            .escalate(after?.ticket ?? next)
            .catch((e) =>
              this.deps.log.warn(
                { ticket: next.trackingId, err: (e as Error).message },
                'automatic escalation failed',
              ),
            );
        }
        return notices.length;
      } catch (e) {
        if (e instanceof ConcurrencyError) continue; // another instance or an agent wrote first
        throw e;
      }
    }
    return 0;
  }
}
