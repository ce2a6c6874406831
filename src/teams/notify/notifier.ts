import { Activity, ConversationReference, MessageFactory } from 'botbuilder';
import { TeamsAdapter } from '@microsoft/teams-ai';
import { Clock } from '../../domain/clock';
import { t } from '../../domain/i18n';
import { SlaPolicy } from '../../domain/sla/policy';
import { Ticket } from '../../domain/tickets/ticket';
import { HeldError } from '../../jobs/outbox.dispatcher';
import { Logger } from '../../logger';
import { OutboxJob } from '../../storage/outbox.repository';
import { ChannelRef, TenantRepository, tierChannel } from '../../storage/tenant.repository';
import { handoffCard, threadLink } from '../cards/handoff.card';
import { Person } from '../../domain/tickets/ticket';
import { Agent, AgentDirectory } from '../agents';
import { TicketRepository } from '../../storage/ticket.repository';
import { KbStatsRepository } from '../../storage/kb-stats.repository';
import { UserRepository } from '../../storage/user.repository';
import { asAttachment } from '../cards/render';
import { ticketRequesterCard } from '../cards/ticket-requester.card';
import { triageCard } from '../cards/triage.card';
import { agentMessageCard, agentMessageOf } from '../cards/agent-message.card';
import { stepsCard, stepsMessageOf } from '../cards/steps.card';
import { requesterNoticeText, threadMessage } from './notices';

/** Teams puts the root message id of a channel thread in the conversation id. */
export function threadActivityId(conversationId: string): string | undefined {
  return /;messageid=(\d+)/.exec(conversationId)?.[1];
}

/**
 * Performs outbox jobs against Teams: posts a ticket's triage card as a new channel thread,
 * updates cards in place, mentions the on-call agents. Renders from the ticket's current state.
 */
export class TeamsNotifier {
  constructor(
    private readonly deps: {
      adapter: TeamsAdapter;
      botAppId: string;
      tickets: TicketRepository;
      tenants: TenantRepository;
      users: UserRepository;
      agents: AgentDirectory;
      policy: SlaPolicy;
      log: Logger;
      /** sets the ticket's durable SLA timer (the `sla.arm` job) */
      arm?: (tenantId: string, number: number) => Promise<void>;
      /** give each new ticket to the least-loaded agent of tier 1 (spec 2.4; off by default) */
      autoAssign?: (tenantId: string, number: number, agents: Person[]) => Promise<void>;
      supportAdmins?: string[];
      /** the clock every rule reads (dates offered on cards) */
      clock?: Clock;
      /** playbook success rates: counted here, shown on the triage card's "Send steps" */
      kbStats?: KbStatsRepository;
    },
  ) {}

  async perform(job: OutboxJob): Promise<void> {
    const stored = await this.deps.tickets.get(job.tenantId, job.number);
    if (!stored) return; // nothing to show
    const ticket = stored.ticket;
    const length = stored.descriptionLength;
    switch (job.kind) {
      case 'triage.post':
        return ticket.triage ? this.updateTriage(ticket, length) : this.postTriage(ticket, length);
      case 'triage.update':
        return ticket.triage ? this.updateTriage(ticket, length) : undefined;
      case 'triage.mention':
        return this.mentionOnCall(ticket);
      case 'requester.update':
        return this.updateRequester(ticket, length);
      case 'sla.arm':
        return this.deps.arm?.(ticket.tenantId, ticket.number);
      case 'channel.notice':
        return this.channelNotice(ticket, Number(job.ref));
      case 'requester.notice':
        return this.requesterNotice(ticket, Number(job.ref));
      case 'handoff.post':
      case 'handoff.update':
        return this.handoff(ticket);
      case 'kb.tally': {
        const event = await this.deps.tickets.event(
          ticket.tenantId,
          ticket.number,
          Number(job.ref),
        );
        if (event?.type !== 'steps.outcome' || !event.data.playbook) return;
        return this.deps.kbStats?.tally(
          ticket.tenantId,
          ticket.number,
          event.seq,
          String(event.data.playbook),
          event.data.worked === true,
        );
      }
    }
  }

  /**
   * The handoff card in the next tier's channel: posted as a new thread the first time, updated
   * in place afterwards (accepted, returned), rendered from the ticket and its events.
   */
  private async handoff(ticket: Ticket): Promise<void> {
    const h = ticket.handoff;
    if (!h) return;
    const settings = await this.deps.tenants.settings(ticket.tenantId);
    const target = tierChannel(settings, h.toTier, ticket.category);
    if (!target) throw new HeldError(`no channel for tier ${h.toTier}`);
    const full = await this.deps.tickets.getFull(ticket.tenantId, ticket.number);
    const events = full?.events ?? [];
    const triage = settings.triage;
    const threadUrl =
      triage && ticket.triage
        ? threadLink(triage.channelId, ticket.triage.activityId, triage.teamId, ticket.tenantId)
        : undefined;
    const card = handoffCard(target.locale ?? 'en', ticket, events, this.deps.policy, {
      threadUrl,
      now: this.deps.clock?.now(),
    });
    if (h.card) {
      const ref = this.threadRef(target, h.card.conversationId, ticket.tenantId);
      await this.deps.adapter.continueConversationAsync(this.deps.botAppId, ref, async (ctx) => {
        await ctx.updateActivity({
          ...MessageFactory.attachment(asAttachment(card)),
          id: h.card!.activityId,
        });
      });
      return;
    }
    const conversationId = await this.newThread(target, ticket.tenantId, card);
    await this.deps.tickets.setCardRefs(ticket.tenantId, ticket.number, {
      handoffCard: {
        conversationId,
        activityId: threadActivityId(conversationId) ?? conversationId,
      },
    });
  }

  /** An SLA notice in the ticket's thread of the triage channel. */
  private async channelNotice(ticket: Ticket, seq: number): Promise<void> {
    const event = await this.deps.tickets.event(ticket.tenantId, ticket.number, seq);
    if (!event) return;
    const settings = await this.channel(ticket);
    if (!ticket.triage) throw new HeldError('triage card not posted yet');
    const triage = settings.triage!;
    const message = threadMessage(triage.locale ?? 'en', ticket, event, this.deps.policy);
    if (!message) return;
    const ref = this.threadRef(triage, ticket.triage.conversationId, ticket.tenantId);
    await this.deps.adapter.continueConversationAsync(this.deps.botAppId, ref, async (ctx) => {
      await ctx.sendActivity({ type: 'message', textFormat: 'markdown', ...message });
    });
  }

  /** A message about the ticket in the requester's 1:1 chat (nothing when the bot has none). */
  private async requesterNotice(ticket: Ticket, seq: number): Promise<void> {
    const event = await this.deps.tickets.event(ticket.tenantId, ticket.number, seq);
    if (!event) return;
    const ctx = await this.deps.users.loadContext(ticket.tenantId, ticket.requester.id);
    const conv = ctx.profile?.conversation;
    if (!conv) return;
    const locale = ctx.profile?.language ?? ticket.locale;
    const ref = this.chatRef(conv, conv.conversationId, ticket.tenantId);
    // An agent's message or steps: a card the requester answers, confirms or ticks.
    const steps = stepsMessageOf(event);
    const message = agentMessageOf(event);
    const card = steps
      ? stepsCard(locale, ticket, steps)
      : message
        ? agentMessageCard(locale, ticket, message, this.deps.policy)
        : undefined;
    if (card) {
      await this.deps.adapter.continueConversationAsync(this.deps.botAppId, ref, async (turn) => {
        await turn.sendActivity(MessageFactory.attachment(asAttachment(card)));
      });
      return;
    }
    const text = requesterNoticeText(locale, ticket, event, this.deps.policy);
    if (!text) return;
    await this.deps.adapter.continueConversationAsync(this.deps.botAppId, ref, async (turn) => {
      await turn.sendActivity({ type: 'message', text, textFormat: 'markdown' });
    });
  }

  private async channel(ticket: Ticket) {
    const settings = await this.deps.tenants.settings(ticket.tenantId);
    if (!settings.triage) throw new HeldError('no triage channel yet');
    return settings;
  }

  /** The triage team's agents, for "Assign to…"; a failed look-up only hides that button. */
  private async agentsOf(triage: ChannelRef, tenantId: string): Promise<Agent[]> {
    let agents: Agent[] = [];
    const ref = this.reference(triage.serviceUrl, triage.channelId, tenantId, true);
    await this.deps.adapter
      .continueConversationAsync(this.deps.botAppId, ref, async (ctx) => {
        agents = await this.deps.agents.members(ctx, triage.teamId);
      })
      .catch((e) => this.deps.log.warn({ err: (e as Error).message }, 'roster look-up failed'));
    return agents;
  }

  private async postTriage(ticket: Ticket, descriptionLength: number): Promise<void> {
    const settings = await this.channel(ticket);
    const triage = settings.triage!;
    const locale = triage.locale ?? 'en';
    const agents = await this.agentsOf(triage, ticket.tenantId);
    const card = triageCard(locale, ticket, this.deps.policy, {
      agents,
      descriptionLength,
      now: this.deps.clock?.now(),
      playbookStats: await this.playbookStats(ticket.tenantId),
    });
    const conversationId = await this.newThread(triage, ticket.tenantId, card);
    const activityId = threadActivityId(conversationId) ?? conversationId;
    const mention = ticket.priority === 'alta' && settings.onCall.length > 0;
    await this.deps.tickets.setCardRefs(
      ticket.tenantId,
      ticket.number,
      { triage: { conversationId, activityId } },
      mention ? ['triage.mention'] : [],
    );
    this.deps.log.info({ ticket: ticket.trackingId }, 'triage card posted');
    if (this.deps.autoAssign && !ticket.owner && agents.length > 0) {
      await this.deps.autoAssign(ticket.tenantId, ticket.number, agents);
    }
  }

  /** Tells the support admins, in their 1:1 chats, that a message could not be delivered. */
  async reportDead(job: OutboxJob, status: number | undefined): Promise<void> {
    const stored = await this.deps.tickets.get(job.tenantId, job.number);
    const trackingId = stored?.ticket.trackingId ?? String(job.number);
    for (const adminId of this.deps.supportAdmins ?? []) {
      const ctx = await this.deps.users.loadContext(job.tenantId, adminId);
      const conv = ctx.profile?.conversation;
      if (!conv) continue;
      const text = t(ctx.profile?.language ?? 'en', 'outbox.deadNotice', {
        trackingId,
        status: status ? `HTTP ${status}` : 'error',
      });
      const ref = this.chatRef(conv, conv.conversationId, job.tenantId);
      await this.deps.adapter
        .continueConversationAsync(this.deps.botAppId, ref, async (turn) => {
          await turn.sendActivity(text);
        })
        .catch((e) => this.deps.log.warn({ err: (e as Error).message }, 'admin notice failed'));
    }
  }

  /** The tenant's playbook success rates; a failed read only hides them. */
  private async playbookStats(tenantId: string) {
    return this.deps.kbStats?.stats(tenantId).catch(() => undefined);
  }

  /** Posts a card as a new thread of a channel; returns the thread's conversation id. */
  private async newThread(
    channel: ChannelRef,
    tenantId: string,
    card: ReturnType<typeof triageCard>,
  ): Promise<string> {
    let conversationId = '';
    await this.deps.adapter.createConversationAsync(
      this.deps.botAppId,
      'msteams',
      channel.serviceUrl,
      '',
      {
        isGroup: true,
        channelData: { channel: { id: channel.channelId }, tenant: { id: tenantId } },
        activity: MessageFactory.attachment(asAttachment(card)) as Activity,
        tenantId,
        bot: { id: this.deps.botAppId, name: 'Support Desk' },
        members: [],
      },
      async (ctx) => {
        conversationId = ctx.activity.conversation.id;
      },
    );
    return conversationId;
  }

  /** A thread of a channel (triage or a tier's). */
  private threadRef(triage: ChannelRef, conversationId: string, tenantId: string) {
    return this.reference(triage.serviceUrl, conversationId, tenantId, true);
  }

  /** A person's 1:1 chat with the bot (a conversation of theirs, e.g. where their card is). */
  private chatRef(
    conv: { serviceUrl: string; userId: string; userName?: string },
    conversationId: string,
    tenantId: string,
  ): ConversationReference {
    return {
      ...this.reference(conv.serviceUrl, conversationId, tenantId, false),
      user: { id: conv.userId, name: conv.userName ?? '' },
    } as ConversationReference;
  }

  private reference(
    serviceUrl: string,
    conversationId: string,
    tenantId: string,
    isGroup: boolean,
  ) {
    return {
      serviceUrl,
      channelId: 'msteams',
      conversation: {
        id: conversationId,
        isGroup,
        conversationType: isGroup ? 'channel' : 'personal',
        tenantId,
        name: '',
      },
      bot: { id: this.deps.botAppId, name: 'Support Desk' },
    } as Partial<ConversationReference> as ConversationReference;
  }

  private async updateTriage(ticket: Ticket, descriptionLength: number): Promise<void> {
    const settings = await this.channel(ticket);
    const triage = settings.triage!;
    const card = triageCard(triage.locale ?? 'en', ticket, this.deps.policy, {
      agents: await this.agentsOf(triage, ticket.tenantId),
      descriptionLength,
      now: this.deps.clock?.now(),
      playbookStats: await this.playbookStats(ticket.tenantId),
    });
    const ref = this.threadRef(triage, ticket.triage!.conversationId, ticket.tenantId);
    await this.deps.adapter.continueConversationAsync(this.deps.botAppId, ref, async (ctx) => {
      await ctx.updateActivity({
        ...MessageFactory.attachment(asAttachment(card)),
        id: ticket.triage!.activityId,
      });
    });
  }

  private async mentionOnCall(ticket: Ticket): Promise<void> {
    if (!ticket.triage) throw new HeldError('triage card not posted yet');
    const settings = await this.channel(ticket);
    if (settings.onCall.length === 0) return;
    const triage = settings.triage!;
    const mentions = settings.onCall.map((p) => ({
      type: 'mention',
      text: `<at>${p.name}</at>`,
      mentioned: { id: p.id, name: p.name },
    }));
    const text = t(triage.locale ?? 'en', 'triage.onCallMention', {
      trackingId: ticket.trackingId,
      mentions: mentions.map((m) => m.text).join(', '),
    });
    const ref = this.threadRef(triage, ticket.triage.conversationId, ticket.tenantId);
    await this.deps.adapter.continueConversationAsync(this.deps.botAppId, ref, async (ctx) => {
      await ctx.sendActivity({ type: 'message', text, entities: mentions });
    });
  }

  private async updateRequester(ticket: Ticket, descriptionLength: number): Promise<void> {
    // The requester's index drives "my tickets" and the open-ticket check before intake.
    await this.deps.users.refreshIndex(ticket);
    if (!ticket.requesterCard) return;
    const ctx = await this.deps.users.loadContext(ticket.tenantId, ticket.requester.id);
    const conv = ctx.profile?.conversation;
    if (!conv) return;
    const locale = ctx.profile?.language ?? ticket.locale;
    const card = ticketRequesterCard(locale, ticket, this.deps.policy, {
      acknowledgement: true,
      descriptionLength,
      now: this.deps.clock?.now(),
    });
    const ref = this.chatRef(conv, ticket.requesterCard.conversationId, ticket.tenantId);
    await this.deps.adapter.continueConversationAsync(this.deps.botAppId, ref, async (turn) => {
      await turn.updateActivity({
        ...MessageFactory.attachment(asAttachment(card)),
        id: ticket.requesterCard!.activityId,
      });
    });
  }
}
