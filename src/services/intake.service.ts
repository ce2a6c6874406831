import { randomUUID } from 'node:crypto';
import { Clock, systemClock } from '../domain/clock';
import { NotAllowedError, StorageUnavailableError, TicketNotFoundError } from '../domain/errors';
import { Locale } from '../domain/i18n';
import { SlaPolicy } from '../domain/sla/policy';
import { startClocks, stopWaitingForRequester } from '../domain/sla/clocks';
import { Category } from '../domain/tickets/category';
import { Impact, Severity, priorityOf } from '../domain/tickets/priority-matrix';
import {
  IntakeChannel,
  Person,
  Ticket,
  TicketAttachment,
  createdEvent,
  isOpen,
  newTicket,
} from '../domain/tickets/ticket';
import { formatTrackingId } from '../domain/tickets/tracking-number';
import { mergeAttachments } from '../domain/intake/email';
import { JobSpec, OutboxJob, OutboxKind } from '../storage/outbox.repository';
import { StoredTicket, TicketRepository } from '../storage/ticket.repository';
import { Draft, ProfileChange, UserContext, UserRepository } from '../storage/user.repository';

/** What the classifier suggests for free text; medium × medium when there is none. */
export type Suggest = (text: string) => { category: Category; impact: Impact; severity: Severity };

export const noSuggestion: Suggest = () => ({
  category: 'other',
  impact: 'medium',
  severity: 'medium',
});

export interface IntakeRequest {
  tenantId: string;
  requester: Person;
  locale: Locale;
  channel: IntakeChannel;
  description: string;
  title?: string;
  category?: Category;
  impact?: Impact;
  severity?: Severity;
  /** one ticket per key, however often the request is repeated */
  idemKey: string;
  /** the incoming activity whose reply this creation owes (1:1 messages) */
  replyKey?: string;
  /** files and screenshots sent with the request (name, type, https link) */
  attachments?: TicketAttachment[];
  /** the Teams message the ticket was created from (message extension) */
  messageLink?: string;
  /** who registered it, when not the requester (the created event's actor) */
  actor?: Person;
  /** the requester's profile change of this turn, written with the ticket's index row */
  profile?: ProfileChange;
}

export interface IntakeResult {
  stored: StoredTicket;
  created: boolean;
  /** true when this call must send the acknowledgement (it won the reply claim) */
  mustAcknowledge: boolean;
  /** storage failed after the ticket was stored: it is missing from the requester's index */
  unindexed?: boolean;
}

/** Every new ticket is posted to the triage channel (held until one is set up). */
/** A new ticket is posted to triage, and its SLA timer armed. */
const NEW_TICKET_JOBS: OutboxKind[] = ['triage.post', 'sla.arm'];
/** Registered by someone else: the requester also gets the acknowledgement in their chat. */
const ON_BEHALF_JOBS: OutboxKind[] = [...NEW_TICKET_JOBS, 'requester.ack'];

/** How long a reply claim protects a delivery that is still working (Teams retries at ~15 s). */
export const CLAIM_TTL_MS = 10_000;

export class IntakeService {
  constructor(
    private readonly deps: {
      tickets: TicketRepository;
      users: UserRepository;
      clock: Clock;
      policy: SlaPolicy;
      trackingPrefix: string;
      suggest: Suggest;
      /**
       * called after a commit that queued outbox jobs: sends them without waiting (`written`:
       * all the jobs a new ticket has, with their etags, so that nothing is read back)
       */
      kick?: (tenantId: string, number: number, jobs: JobSpec[], written?: OutboxJob[]) => void;
      /** ms before each new try at indexing a ticket whose index write failed (see `reindex`) */
      reindexDelaysMs?: readonly number[];
      /** told how a re-indexing ended */
      onReindexed?: (ticket: Ticket, ok: boolean) => void;
    },
  ) {}

  private readonly reindexing = new Set<Promise<void>>();

  get policy(): SlaPolicy {
    return this.deps.policy;
  }

  now(): Date {
    return this.deps.clock.now();
  }

  /** The classifier's category, impact and severity for a text (defaults of a form). */
  suggest(text: string): ReturnType<Suggest> {
    return this.deps.suggest(text);
  }

  /** The person's context (`quick`: for a message that may become a ticket, see `loadContext`). */
  async context(
    tenantId: string,
    userId: string,
    replyKey?: string,
    quick = false,
  ): Promise<UserContext> {
    return this.deps.users.loadContext(tenantId, userId, replyKey, { quick });
  }

  /** Registers a ticket exactly once per idempotency key and indexes it under its requester. */
  async createTicket(req: IntakeRequest): Promise<IntakeResult> {
    const now = this.deps.clock.now();
    const suggested =
      req.category && req.impact && req.severity
        ? { category: req.category, impact: req.impact, severity: req.severity }
        : { ...this.deps.suggest(req.description), ...pickDefined(req) };
    const priority = priorityOf(suggested.impact, suggested.severity);
    const due = startClocks(this.deps.policy, priority, now);
    const onBehalf = !!req.actor && req.actor.id !== req.requester.id;
    const jobs = onBehalf ? ON_BEHALF_JOBS : NEW_TICKET_JOBS;
    const {
      stored,
      created,
      jobs: written,
    } = await this.deps.tickets.create(
      req.tenantId,
      req.idemKey,
      (n) => {
        const ticket = newTicket({
          tenantId: req.tenantId,
          number: n,
          trackingId: formatTrackingId(this.deps.trackingPrefix, n),
          now,
          ...due,
          draft: {
            title: req.title,
            description: req.description,
            category: suggested.category,
            impact: suggested.impact,
            severity: suggested.severity,
            requester: req.requester,
            locale: req.locale,
            intakeChannel: req.channel,
            attachments: req.attachments,
            messageLink: req.messageLink,
          },
        });
        const event = createdEvent(ticket);
        if (!req.actor) return { ticket, event };
        // Who registered it (the actor) and for whom (the requester), in the event itself.
        const forWhom = onBehalf ? { onBehalfOf: { ...req.requester } } : {};
        return {
          ticket,
          event: { ...event, actor: req.actor, data: { ...event.data, ...forWhom } },
        };
      },
      jobs,
    );
    this.deps.kick?.(req.tenantId, stored.ticket.number, jobs, written);
    // Reply claims measure real elapsed time (Teams redelivers in real time), not business time.
    try {
      const mustAcknowledge = await this.deps.users.indexTicket(
        stored.ticket,
        req.replyKey,
        systemClock.now(),
        req.profile,
      );
      return { stored, created, mustAcknowledge };
    } catch (e) {
      // The ticket exists: the person must hear so, never "no ticket was created". Without the
      // claim, the delivery that created it acknowledges it.
      if (!(e instanceof StorageUnavailableError)) throw e;
      this.reindex(stored.ticket, req.profile);
      return { stored, created, mustAcknowledge: created, unindexed: true };
    }
  }

  /**
   * Tries again, in the background, to put a stored ticket into its requester's index (with the
   * profile change of its turn) after that write failed: storage is usually back within seconds.
   * Not durable: should the process end first, the ticket's first change re-indexes it (the
   * `requester.update` job refreshes its index row).
   */
  private reindex(ticket: Ticket, profile?: ProfileChange): void {
    const delays = this.deps.reindexDelaysMs ?? [1000, 2000, 5000, 15_000, 30_000];
    const run = (async () => {
      for (const ms of delays) {
        await new Promise((ok) => setTimeout(ok, ms).unref());
        try {
          await this.deps.users.indexTicket(ticket, undefined, systemClock.now(), profile);
          this.deps.onReindexed?.(ticket, true);
          return;
        } catch (e) {
          if (!(e instanceof StorageUnavailableError)) break;
        }
      }
      this.deps.onReindexed?.(ticket, false);
    })();
    this.reindexing.add(run);
    // (a throwing `onReindexed` must not become an unhandled rejection)
    run.catch(() => undefined).finally(() => this.reindexing.delete(run));
  }

  /** Waits for the re-indexings under way (tests). */
  async reindexed(): Promise<void> {
    while (this.reindexing.size > 0) await Promise.allSettled([...this.reindexing]);
  }

  /** The requester's open tickets and a few recent closed ones, newest first. */
  async listForRequester(
    tenantId: string,
    userId: string,
    ctx?: UserContext,
  ): Promise<{ open: Ticket[]; recent: Ticket[] }> {
    const index = (ctx ?? (await this.context(tenantId, userId))).tickets.slice(0, 30);
    const loaded = await Promise.all(index.map((e) => this.deps.tickets.get(tenantId, e.number)));
    const tickets = loaded.filter((s): s is StoredTicket => !!s).map((s) => s.ticket);
    return {
      open: tickets.filter(isOpen).slice(0, 15),
      recent: tickets.filter((tk) => !isOpen(tk)).slice(0, 5),
    };
  }

  /** A ticket as its requester may see it; someone else's ticket is "not found". */
  async getForRequester(
    tenantId: string,
    userId: string,
    number: number,
  ): Promise<{ ticket: Ticket; descriptionLength: number } | undefined> {
    const stored = await this.deps.tickets.get(tenantId, number);
    if (!stored || stored.ticket.requester.id !== userId) return undefined;
    return { ticket: stored.ticket, descriptionLength: stored.descriptionLength };
  }

  /** Keeps a message for the one-click choice, and claims the reply owed for its activity. */
  async offerChoice(
    tenantId: string,
    userId: string,
    replyKey: string,
    text: string,
    locale: Locale,
    attachments?: TicketAttachment[],
  ): Promise<{ draftId: string; mustReply: boolean }> {
    const draftId = randomUUID().replace(/-/g, '');
    const mustReply = await this.deps.users.claimChoice(
      tenantId,
      userId,
      replyKey,
      { id: draftId, text, locale, attachments },
      systemClock.now(),
    );
    return { draftId, mustReply };
  }

  async draft(tenantId: string, userId: string, draftId: string): Promise<Draft | undefined> {
    return this.deps.users.getDraft(tenantId, userId, draftId);
  }

  /** "New ticket" on the choice card: the kept message becomes a ticket, once. */
  async createFromDraft(
    tenantId: string,
    requester: Person,
    draft: Draft,
    locale: Locale,
  ): Promise<IntakeResult> {
    const result = await this.createTicket({
      tenantId,
      requester,
      locale,
      channel: 'teams',
      description: draft.text,
      attachments: draft.attachments,
      idemKey: `draft:${requester.id}:${draft.id}`,
    });
    if (draft.usedFor === undefined) {
      await this.deps.users.markDraftUsed(
        tenantId,
        requester.id,
        draft,
        result.stored.ticket.number,
      );
    }
    return result;
  }

  /** "Add to SUP-…": the kept message becomes a comment of the requester's own open ticket, once. */
  async addDraftToTicket(
    tenantId: string,
    requester: Person,
    draft: Draft,
    number: number,
  ): Promise<Ticket> {
    const stored = await this.deps.tickets.get(tenantId, number);
    if (!stored || stored.ticket.requester.id !== requester.id) {
      throw new TicketNotFoundError(String(number));
    }
    if (!isOpen(stored.ticket)) throw new NotAllowedError('ticket is not open');
    const now = this.deps.clock.now();
    // The requester's answer ends a wait for them: the resolution clock runs again.
    const resumes = stored.ticket.status === 'waiting_requester';
    // The answer shows in the ticket's thread; a wait it ends changes both cards and the timers.
    const withFiles = (draft.attachments?.length ?? 0) > 0;
    const jobs: JobSpec[] = [
      { kind: 'channel.notice', ref: String(stored.ticket.eventCount + 1) },
      ...(resumes ? (['triage.update', 'requester.update', 'sla.arm'] as const) : []),
      // new files show on both cards
      ...(withFiles && !resumes ? (['triage.update', 'requester.update'] as const) : []),
    ];
    const after = await this.deps.tickets.appendEvent(
      stored,
      {
        type: 'comment',
        at: now,
        actor: requester,
        channel: 'teams',
        data: {
          text: draft.text,
          from: 'requester',
          ...(resumes ? { resumed: true } : {}),
          ...(draft.attachments?.length
            ? { attachments: draft.attachments.map((a) => a.name) }
            : {}),
        },
      },
      (t) => {
        // Files sent with the message join the ticket's (no link twice, within the cap).
        const attachments = mergeAttachments(t.attachments, draft.attachments ?? []);
        const withFiles = attachments ? { ...t, attachments } : t;
        return stopWaitingForRequester(withFiles, this.deps.policy, now);
      },
      `draft:${requester.id}:${draft.id}`,
      jobs,
    );
    if (after && jobs.length > 0) this.deps.kick?.(tenantId, number, jobs);
    if (draft.usedFor === undefined) {
      await this.deps.users.markDraftUsed(tenantId, requester.id, draft, number);
    }
    return after?.ticket ?? stored.ticket;
  }

  /** Where the requester's card of the ticket is, so that it can be updated in place later. */
  async rememberRequesterCard(
    tenantId: string,
    number: number,
    conversationId: string,
    activityId: string | undefined,
  ): Promise<void> {
    if (!activityId) return;
    await this.deps.tickets.setCardRefs(tenantId, number, {
      requesterCard: { conversationId, activityId },
    });
  }

  /** ms until a reply claim may be taken over (0: now); claims measure real elapsed time. */
  claimLeftMs(claim: NonNullable<UserContext['claim']>): number {
    const age = systemClock.now().getTime() - claim.claimedAt.getTime();
    return Math.max(0, CLAIM_TTL_MS - age);
  }

  async reclaimReply(tenantId: string, userId: string, replyKey: string, ctx: UserContext) {
    const claim = ctx.claim;
    if (!claim || claim.state === 'sent' || this.claimLeftMs(claim) > 0) return false;
    return this.deps.users.reclaim(tenantId, userId, replyKey, claim, systemClock.now());
  }

  async settleReply(tenantId: string, userId: string, replyKey: string, sent: boolean) {
    await this.deps.users.settleClaim(tenantId, userId, replyKey, sent ? 'sent' : 'released');
  }
}

function pickDefined(req: IntakeRequest) {
  const out: Partial<{ category: Category; impact: Impact; severity: Severity }> = {};
  if (req.category) out.category = req.category;
  if (req.impact) out.impact = req.impact;
  if (req.severity) out.severity = req.severity;
  return out;
}
