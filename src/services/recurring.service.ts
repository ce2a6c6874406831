import { Clock } from '../domain/clock';
import { Playbook, playbookById } from '../domain/kb/playbook';
import {
  MEMBERS_SHOWN,
  Member,
  bestMatch,
  signatureOf,
  windowStart,
} from '../domain/reports/recurring';
import { Person, Ticket } from '../domain/tickets/ticket';
import { HeldError } from '../jobs/outbox.dispatcher';
import { Logger } from '../logger';
import {
  GROUP_ID,
  RecurringRepository,
  StoredGroup,
  StoredSignature,
  groupIdOf,
} from '../storage/recurring.repository';
import { ChannelRef, TenantRepository } from '../storage/tenant.repository';
import { TicketRepository } from '../storage/ticket.repository';

/** Tickets listed (with links) on a group's card: the newest ones. */
export const CARD_MEMBERS = MEMBERS_SHOWN;
/** Attempts during which a job waits for its ticket's triage card (so the link can be shown). */
const WAIT_FOR_TRIAGE_ATTEMPTS = 5;
/** At most this many card updates in a row for one group (each shows every change before it). */
const REFRESH_PASSES = 50;

/** One ticket on the group's card. */
export interface GroupCardMember {
  trackingId: string;
  title: string;
  /** the ticket's triage thread (its message id), when its card was posted */
  triageActivityId?: string;
}

/** Everything the group's card shows. */
export interface GroupCardView {
  tenantId: string;
  group: StoredGroup;
  /** the newest members, newest first */
  members: GroupCardMember[];
  /** the triage channel, whose threads the links open */
  triage?: ChannelRef;
  playbooks: readonly Playbook[];
  now: Date;
}

/** Posts and updates a group's card in the supervisors channel (implemented at the Teams edge). */
export interface GroupCards {
  post(
    tenantId: string,
    channel: ChannelRef,
    view: GroupCardView,
  ): Promise<{ conversationId: string; activityId: string }>;
  update(
    tenantId: string,
    channel: ChannelRef,
    post: { conversationId: string; activityId: string },
    view: GroupCardView,
  ): Promise<void>;
}

/** The ticket's triage card is not posted yet: the job is retried shortly (backoff). */
export class TriageCardPendingError extends Error {
  readonly code = 'RECURRING.TRIAGE_PENDING';
}

export type AttachOutcome =
  | { kind: 'attached'; view: GroupCardView }
  | { kind: 'refused'; view: GroupCardView }
  | { kind: 'invalid'; view?: GroupCardView };

/**
 * Recurring problems (spec 7.2): matches each new ticket against the recent tickets of its
 * category (the `recurring.match` outbox job), keeps the groups, posts a group's card to the
 * supervisors channel once when it reaches the threshold and keeps its count up to date, and lets
 * an agent attach a playbook to a group.
 */
export class RecurringService {
  /** Groups whose card this process is refreshing now; `again`: a member joined meanwhile. */
  private readonly refreshing = new Map<string, { again: boolean }>();

  constructor(
    private readonly deps: {
      repo: RecurringRepository;
      tickets: TicketRepository;
      tenants: TenantRepository;
      clock: Clock;
      /** days a ticket looks back for similar ones */
      windowDays: number;
      /** tickets a group needs before it is posted */
      threshold: number;
      playbooks: readonly Playbook[];
      log: Logger;
      /** set once the Teams edge exists (it is built after the services) */
      cards?: () => GroupCards | undefined;
    },
  ) {}

  get playbooks(): readonly Playbook[] {
    return this.deps.playbooks;
  }

  /**
   * The `recurring.match` job of a new ticket: its signature is stored (once: a re-delivered job
   * reuses the decision taken the first time), it joins the group of the most similar ticket of
   * the window, and the group's card is posted or updated.
   */
  async match(ticket: Ticket, attempts = 0): Promise<void> {
    const { tenantId, number, category } = ticket;
    const { repo } = this.deps;
    let signature = await repo.signature(tenantId, category, ticket.createdAt, number);
    let matched: StoredSignature | undefined;
    if (signature) {
      matched = signature.matched
        ? await repo.signature(tenantId, category, signature.matched.at, signature.matched.number)
        : undefined;
    } else {
      const own = signatureOf(`${ticket.title}\n${ticket.description}`, {
        category,
        playbooks: this.deps.playbooks,
      });
      const since = windowStart(ticket.createdAt, this.deps.windowDays);
      const window = await repo.signaturesSince(tenantId, category, since, ticket.createdAt);
      matched = bestMatch(
        own.terms,
        window.filter((s) => s.number !== number),
      );
      signature = {
        ...own,
        number,
        trackingId: ticket.trackingId,
        at: ticket.createdAt,
        groupId: matched
          ? matched.groupId || groupIdOf(category, matched.number)
          : groupIdOf(category, number),
        matched: matched ? { number: matched.number, at: matched.at } : undefined,
      };
      await repo.putSignature(tenantId, category, signature);
    }
    if (!matched) return; // alone so far: a later similar ticket starts the group
    const memberOf = (s: StoredSignature): Member => ({
      number: s.number,
      trackingId: s.trackingId,
      at: s.at,
    });
    // This ticket's title and thread ride along: drawing the card then reads no ticket for it.
    const own: Member = {
      ...memberOf(signature),
      shown: {
        title: ticket.title,
        ...(ticket.triage ? { triageActivityId: ticket.triage.activityId } : {}),
      },
    };
    const { group } = await repo.addToGroup(tenantId, category, signature.groupId, [
      { member: memberOf(matched), signature: matched },
      { member: own, signature },
    ]);
    this.deps.log.debug(
      { ticket: ticket.trackingId, group: group.id, count: group.count },
      'recurring: grouped',
    );
    await this.publish(ticket, group, attempts);
  }

  /** Posts the group's card when it reached the threshold (once), or updates its count. */
  private async publish(ticket: Ticket, group: StoredGroup, attempts: number): Promise<void> {
    if (group.count < this.deps.threshold) return;
    const { tenantId } = ticket;
    const settings = await this.deps.tenants.settings(tenantId);
    const channel = settings.supervisors;
    if (!channel) throw new HeldError('no supervisors channel yet');
    const cards = this.deps.cards?.();
    if (!cards) throw new HeldError('Teams edge not ready');
    // The card links each ticket's triage thread: wait a little for this ticket's to be posted.
    if (settings.triage && !ticket.triage && attempts < WAIT_FOR_TRIAGE_ATTEMPTS) {
      const fresh = await this.deps.tickets.get(tenantId, ticket.number);
      if (!fresh?.ticket.triage) throw new TriageCardPendingError(ticket.trackingId);
    }
    let current: StoredGroup | undefined = group;
    for (let attempt = 0; attempt < 10 && current; attempt++) {
      if (current.post) return this.refresh(tenantId, current, channel, cards);
      const claim = await this.deps.repo.claimPost(
        current,
        tenantId,
        ticket.number,
        this.deps.clock.now(),
      );
      if (claim === 'taken') return; // the poster updates the count once the card is out
      if (claim === 'claimed') {
        const view = await this.view(tenantId, current);
        const post = await cards.post(tenantId, channel, view);
        const after = await this.deps.repo.recordPost(tenantId, current.id, post);
        this.deps.log.info({ group: current.id, count: current.count }, 'recurring problem posted');
        if (changed(current, after)) await this.refresh(tenantId, after, channel, cards);
        return;
      }
      current = await this.deps.repo.group(tenantId, current.id);
    }
  }

  /**
   * Updates the posted card until it shows the group as stored (later members, a playbook). One
   * refresh per group runs at a time in this process: a member joining meanwhile marks the group
   * for one more pass instead of updating the card itself (a burst of similar tickets updates the
   * card a few times, not once per ticket).
   */
  private async refresh(
    tenantId: string,
    group: StoredGroup,
    channel: ChannelRef,
    cards: GroupCards,
  ): Promise<void> {
    const key = `${tenantId}|${group.id}`;
    const running = this.refreshing.get(key);
    if (running) {
      running.again = true;
      return;
    }
    const state = { again: false };
    this.refreshing.set(key, state);
    try {
      let shown = group;
      for (let pass = 0; pass < REFRESH_PASSES; pass++) {
        state.again = false;
        await cards.update(tenantId, channel, shown.post!, await this.view(tenantId, shown));
        const now = await this.deps.repo.group(tenantId, shown.id);
        if (!now?.post || (!changed(shown, now) && !state.again)) return;
        shown = now;
      }
    } finally {
      this.refreshing.delete(key);
    }
  }

  /** The group's card data: its newest tickets with their titles and triage threads. */
  async view(tenantId: string, group: StoredGroup): Promise<GroupCardView> {
    const newest = [...group.members].reverse().slice(0, CARD_MEMBERS);
    const settings = await this.deps.tenants.settings(tenantId);
    const members = await Promise.all(
      newest.map(async (m) => {
        // Kept on the group when it joined; read when not (an older row, or a thread not yet
        // posted then, in a desk that has a triage channel). Titles never change.
        if (m.shown && (m.shown.triageActivityId || !settings.triage)) {
          return { trackingId: m.trackingId, ...m.shown };
        }
        const stored = await this.deps.tickets.get(tenantId, m.number);
        return {
          trackingId: m.trackingId,
          title: stored?.ticket.title ?? m.shown?.title ?? '',
          triageActivityId: stored?.ticket.triage?.activityId,
        };
      }),
    );
    return {
      tenantId,
      group,
      members,
      triage: settings.triage,
      playbooks: this.deps.playbooks,
      now: this.deps.clock.now(),
    };
  }

  /** The group's card data, for a card action; undefined for an unknown id. */
  async groupView(tenantId: string, groupId: string): Promise<GroupCardView | undefined> {
    if (!GROUP_ID.test(groupId)) return undefined;
    const group = await this.deps.repo.group(tenantId, groupId);
    return group ? this.view(tenantId, group) : undefined;
  }

  /**
   * An agent attaches one of the shipped playbooks to a group. `isAgent` comes from stored state
   * (the triage team's roster), never from the card's data.
   */
  async attachPlaybook(
    tenantId: string,
    groupId: string,
    playbookId: string,
    actor: Person,
    isAgent: boolean,
  ): Promise<AttachOutcome> {
    const view = await this.groupView(tenantId, groupId);
    if (!view) return { kind: 'invalid' };
    if (!isAgent) return { kind: 'refused', view };
    if (!playbookById(this.deps.playbooks, playbookId)) return { kind: 'invalid', view };
    const group = await this.deps.repo.attachPlaybook(
      tenantId,
      groupId,
      playbookId,
      actor,
      this.deps.clock.now(),
    );
    if (!group) return { kind: 'invalid' };
    return { kind: 'attached', view: await this.view(tenantId, group) };
  }
}

/** True when the card of `shown` no longer matches the stored group. */
function changed(shown: StoredGroup, now: StoredGroup): boolean {
  return now.count !== shown.count || now.playbook !== shown.playbook;
}
