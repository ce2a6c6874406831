import { Activity, ConversationReference, MessageFactory, TurnContext } from 'botbuilder';
import { TeamsAdapter } from '../teams-ai';
import { Clock } from '../../domain/clock';
import { t } from '../../domain/i18n';
import { SlaPolicy } from '../../domain/sla/policy';
import { Ticket } from '../../domain/tickets/ticket';
import { HeldError } from '../../jobs/outbox.dispatcher';
import { Logger } from '../../logger';
import { JobBatch, OutboxJob, OutboxKind } from '../../storage/outbox.repository';
import { ChannelRef, TenantRepository, tierChannel } from '../../storage/tenant.repository';
import { handoffCard, threadLink } from '../cards/handoff.card';
import { Person } from '../../domain/tickets/ticket';
import { Agent, AgentDirectory } from '../agents';
import { TicketRepository, tallyDataOf } from '../../storage/ticket.repository';
import { KbStatsRepository } from '../../storage/kb-stats.repository';
import { StatsRepository } from '../../storage/stats.repository';
import { localDate } from '../../domain/sla/business-calendar';
import { UserRepository } from '../../storage/user.repository';
import { AdaptiveCardJson, asAttachment, escapeMarkdown, shorten } from '../cards/render';
import { stars, surveyCard } from '../cards/survey.card';
import { SURVEY_COMMENT_MAX, ratedDataOf } from '../../domain/surveys/survey';
import { recurringCard } from '../cards/recurring.card';
import { GroupCards, RecurringService } from '../../services/recurring.service';
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
 * Jobs that record something on the ticket (where a card is): the next job reads it again.
 * (`triage.update` only redraws a card already posted: the jobs after it share its read.)
 */
const CHANGES_TICKET: ReadonlySet<OutboxKind> = new Set<OutboxKind>([
  'triage.post',
  'requester.ack',
  'handoff.post',
  'handoff.update',
  'survey.post',
]);

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
      /** sets the ticket's durable SLA timer (the `sla.arm` job), from its current state */
      arm?: (ticket: Ticket) => Promise<void>;
      /** give each new ticket to the least-loaded agent of tier 1 (spec 2.4; off by default) */
      autoAssign?: (tenantId: string, number: number, agents: Person[]) => Promise<void>;
      supportAdmins?: string[];
      /** the clock every rule reads (dates offered on cards) */
      clock?: Clock;
      /** playbook success rates: counted here, shown on the triage card's "Send steps" */
      kbStats?: KbStatsRepository;
      /** recurring problems: the `recurring.match` job of every new ticket */
      recurring?: RecurringService;
      /** the report totals, counted by the `stats.tally` job */
      stats?: StatsRepository;
    },
  ) {}

  /**
   * Sends one job. `batch` is shared by the jobs of the ticket sent one after the other: the
   * ticket is read once for all of them, and read again after a job that changed it.
   */
  async perform(job: OutboxJob, batch: JobBatch = {}): Promise<void> {
    if (job.kind === 'stats.tally') return this.tallyStats(job);
    if (!batch.ticket) {
      const read = this.deps.tickets.get(job.tenantId, job.number);
      batch.ticket = read;
      // A failed read is not kept for the next job.
      read.catch(() => batch.ticket === read && (batch.ticket = undefined));
    }
    const stored = await batch.ticket;
    if (!stored) return; // nothing to show
    if (CHANGES_TICKET.has(job.kind)) batch.ticket = undefined;
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
        return this.deps.arm?.(ticket);
      case 'channel.notice':
        return this.channelNotice(ticket, Number(job.ref));
      case 'requester.notice':
        return this.requesterNotice(ticket, Number(job.ref));
      case 'handoff.post':
      case 'handoff.update':
        return this.handoff(ticket);
      case 'requester.ack':
        return this.acknowledgeOnBehalf(ticket, length);
      case 'recurring.match':
        return this.deps.recurring?.match(ticket, job.attempts);
      case 'survey.post':
        return this.postSurvey(ticket, Number(job.ref));
      case 'survey.remind':
        return this.remindSurvey(ticket);
      case 'survey.alert':
        return this.alertLowRating(ticket, Number(job.ref));
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

  /** Adds an event's contribution to the report totals of its (local) day, once. */
  private async tallyStats(job: OutboxJob): Promise<void> {
    const seq = Number(job.ref);
    const found =
      tallyDataOf(job.data) ?? (await this.deps.tickets.eventStats(job.tenantId, job.number, seq));
    if (!found?.stats || !this.deps.stats) return;
    const day = localDate(found.at, this.deps.policy.calendar);
    await this.deps.stats.tally(job.tenantId, job.number, seq, day, found.stats);
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
      await this.continueIn(ref, async (ctx) => {
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

  /**
   * The acknowledgement a requester gets in their 1:1 chat when someone else registered the
   * ticket for them (an agent who logged a call, a colleague's "Create ticket"), in their
   * language, saying who. Nothing when the bot has no chat with them; sent once: the card's
   * place is recorded, and a job that finds it recorded sends nothing.
   */
  private async acknowledgeOnBehalf(ticket: Ticket, descriptionLength: number): Promise<void> {
    if (ticket.requesterCard) return;
    const profile = await this.deps.users.profile(ticket.tenantId, ticket.requester.id);
    const conv = profile?.conversation;
    if (!conv) return;
    const locale = profile?.language ?? profile?.clientLocale ?? ticket.locale;
    const card = ticketRequesterCard(locale, ticket, this.deps.policy, {
      acknowledgement: true,
      descriptionLength,
      now: this.deps.clock?.now(),
      registeredBy: await this.registeredBy(ticket),
    });
    const ref = this.chatRef(conv, conv.conversationId, ticket.tenantId);
    let activityId: string | undefined;
    await this.continueIn(ref, async (turn) => {
      activityId = (await turn.sendActivity(MessageFactory.attachment(asAttachment(card))))?.id;
    });
    if (!activityId) return;
    await this.deps.tickets.setCardRefs(ticket.tenantId, ticket.number, {
      requesterCard: { conversationId: conv.conversationId, activityId },
    });
  }

  /**
   * Posts and updates recurring-problem cards in the supervisors channel, in its language (the
   * service decides when; this only talks to Teams).
   */
  groupCards(): GroupCards {
    const render = (channel: ChannelRef, view: Parameters<GroupCards['post']>[2]) =>
      recurringCard(channel.locale ?? 'en', view, this.deps.policy.calendar.timeZone);
    return {
      post: async (tenantId, channel, view) => {
        const conversationId = await this.newThread(channel, tenantId, render(channel, view));
        return { conversationId, activityId: threadActivityId(conversationId) ?? conversationId };
      },
      update: async (tenantId, channel, post, view) => {
        const ref = this.threadRef(channel, post.conversationId, tenantId);
        await this.continueIn(ref, async (ctx) => {
          await ctx.updateActivity({
            ...MessageFactory.attachment(asAttachment(render(channel, view))),
            id: post.activityId,
          });
        });
      },
    };
  }

  /**
   * The satisfaction survey card of round `round` in the requester's chat (spec 6.1), in their
   * language. Its place is recorded (the thank-you and the reminder refer to it); a round that
   * is void (reopened, closed again) or already posted sends nothing. Nothing when the bot has no
   * chat with the requester (e-mail and phone requesters who never wrote to it).
   */
  private async postSurvey(ticket: Ticket, round: number): Promise<void> {
    const survey = ticket.survey;
    if (ticket.status !== 'closed' || !survey || survey.round !== round) return;
    if (survey.card || survey.rating !== undefined) return;
    const profile = await this.deps.users.profile(ticket.tenantId, ticket.requester.id);
    const conv = profile?.conversation;
    if (!conv) return;
    const locale = profile?.language ?? ticket.locale;
    const card = surveyCard(locale, ticket, round);
    const ref = this.chatRef(conv, conv.conversationId, ticket.tenantId);
    let activityId: string | undefined;
    await this.continueIn(ref, async (turn) => {
      activityId = (await turn.sendActivity(MessageFactory.attachment(asAttachment(card))))?.id;
    });
    if (!activityId) return;
    await this.deps.tickets.setSurveyCard(ticket.tenantId, ticket.number, round, {
      conversationId: conv.conversationId,
      activityId,
    });
  }

  /** The one reminder of an unanswered survey, as a reply to its card in the requester's chat. */
  private async remindSurvey(ticket: Ticket): Promise<void> {
    const survey = ticket.survey;
    if (ticket.status !== 'closed' || !survey?.card || survey.rating !== undefined) return;
    const profile = await this.deps.users.profile(ticket.tenantId, ticket.requester.id);
    const conv = profile?.conversation;
    if (!conv) return;
    const locale = profile?.language ?? ticket.locale;
    const text = t(locale, 'survey.reminder', {
      trackingId: ticket.trackingId,
      title: escapeMarkdown(ticket.title),
    });
    const ref = this.chatRef(conv, survey.card.conversationId, ticket.tenantId);
    await this.continueIn(ref, async (turn) => {
      // botbuilder sets `replyToId` from the turn's activity (a random id on a proactive turn):
      // the survey card's id makes the reminder a reply to it.
      turn.activity.id = survey.card!.activityId;
      await turn.sendActivity({ type: 'message', text, textFormat: 'markdown' });
    });
  }

  /**
   * A low rating (spec 6.2) as a new post in the supervisors channel, in its language: the
   * ticket, its agent, the rating and the requester's comment (user text, Markdown escaped).
   * Held, not lost, until a supervisors channel exists.
   */
  private async alertLowRating(ticket: Ticket, seq: number): Promise<void> {
    const event = await this.deps.tickets.event(ticket.tenantId, ticket.number, seq);
    const rated = event && ratedDataOf(event);
    if (!event || !rated) return;
    const settings = await this.deps.tenants.settings(ticket.tenantId);
    const channel = settings.supervisors;
    if (!channel) throw new HeldError('no supervisors channel yet');
    const locale = channel.locale ?? 'en';
    const lines = [
      t(locale, 'survey.lowRating', {
        trackingId: ticket.trackingId,
        title: escapeMarkdown(ticket.title),
        rating: rated.rating,
        stars: stars(rated.rating),
        requester: escapeMarkdown(event.actor.name),
        agent: rated.ownerName ? escapeMarkdown(rated.ownerName) : t(locale, 'ticket.unassigned'),
      }),
      rated.comment
        ? t(locale, 'survey.lowRatingComment', {
            comment: escapeMarkdown(shorten(rated.comment, SURVEY_COMMENT_MAX).text),
          })
        : t(locale, 'survey.lowRatingNoComment'),
    ];
    await this.newThread(channel, ticket.tenantId, {
      type: 'message',
      text: lines.join('\n\n'),
      textFormat: 'markdown',
    });
  }

  /** Who registered the ticket for its requester (the created event's actor), if someone else. */
  private async registeredBy(ticket: Ticket) {
    if (ticket.intakeChannel === 'teams') return undefined; // the requester's own chat
    const created = await this.deps.tickets.event(ticket.tenantId, ticket.number, 1);
    if (!created || created.actor.id === ticket.requester.id) return undefined;
    return { name: created.actor.name, channel: ticket.intakeChannel };
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
    await this.continueIn(ref, async (ctx) => {
      await ctx.sendActivity({ type: 'message', textFormat: 'markdown', ...message });
    });
  }

  /** A message about the ticket in the requester's 1:1 chat (nothing when the bot has none). */
  private async requesterNotice(ticket: Ticket, seq: number): Promise<void> {
    const event = await this.deps.tickets.event(ticket.tenantId, ticket.number, seq);
    if (!event) return;
    const profile = await this.deps.users.profile(ticket.tenantId, ticket.requester.id);
    const conv = profile?.conversation;
    if (!conv) return;
    const locale = profile?.language ?? ticket.locale;
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
      await this.continueIn(ref, async (turn) => {
        await turn.sendActivity(MessageFactory.attachment(asAttachment(card)));
      });
      return;
    }
    const text = requesterNoticeText(locale, ticket, event, this.deps.policy);
    if (!text) return;
    await this.continueIn(ref, async (turn) => {
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
    await this.continueIn(ref, async (ctx) => {
      agents = await this.deps.agents.members(ctx, triage.teamId);
    }).catch((e) => this.deps.log.warn({ err: (e as Error).message }, 'roster look-up failed'));
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
      const profile = await this.deps.users.profile(job.tenantId, adminId);
      const conv = profile?.conversation;
      if (!conv) continue;
      const text = t(profile?.language ?? 'en', 'outbox.deadNotice', {
        trackingId,
        status: status ? `HTTP ${status}` : 'error',
      });
      const ref = this.chatRef(conv, conv.conversationId, job.tenantId);
      await this.continueIn(ref, async (turn) => {
        await turn.sendActivity(text);
      }).catch((e) => this.deps.log.warn({ err: (e as Error).message }, 'admin notice failed'));
    }
  }

  /** The tenant's playbook success rates; a failed read only hides them. */
  private async playbookStats(tenantId: string) {
    return this.deps.kbStats?.stats(tenantId).catch(() => undefined);
  }

  /** Posts a card as a new thread of a channel (the weekly digest); returns its conversation id. */
  async postCard(tenantId: string, channel: ChannelRef, card: AdaptiveCardJson): Promise<string> {
    return this.newThread(channel, tenantId, card);
  }

  /** Posts a card (or a message) as a new thread of a channel; returns its conversation id. */
  private async newThread(
    channel: ChannelRef,
    tenantId: string,
    post: AdaptiveCardJson | Partial<Activity>,
  ): Promise<string> {
    const activity =
      post.type === 'AdaptiveCard'
        ? MessageFactory.attachment(asAttachment(post as AdaptiveCardJson))
        : post;
    let conversationId = '';
    await this.deps.adapter.createConversationAsync(
      this.deps.botAppId,
      'msteams',
      channel.serviceUrl,
      '',
      {
        isGroup: true,
        channelData: { channel: { id: channel.channelId }, tenant: { id: tenantId } },
        activity: activity as Activity,
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

  /**
   * Runs `logic` in a proactive turn of the conversation `ref`. A failed send is thrown here
   * as the connector's own error (its HTTP status and Retry-After intact): the outbox needs them
   * to tell "retry later" from "gone for good". Left to botbuilder, the error would go through
   * the adapter's `onTurnError`, which replaces it with a bare "turn failed".
   */
  private async continueIn(
    ref: Partial<ConversationReference>,
    logic: (turn: TurnContext) => Promise<void>,
  ): Promise<void> {
    let failure: { error: unknown } | undefined;
    await this.deps.adapter.continueConversationAsync(this.deps.botAppId, ref, async (turn) => {
      try {
        await logic(turn);
      } catch (error) {
        failure = { error };
      }
    });
    if (failure) throw failure.error;
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
    await this.continueIn(ref, async (ctx) => {
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
    await this.continueIn(ref, async (ctx) => {
      await ctx.sendActivity({ type: 'message', text, entities: mentions });
    });
  }

  private async updateRequester(ticket: Ticket, descriptionLength: number): Promise<void> {
    // The requester's index drives "my tickets" and the open-ticket check before intake.
    const profile = await this.deps.users.refreshIndex(ticket);
    if (!ticket.requesterCard) return;
    const conv = profile?.conversation;
    if (!conv) return;
    const locale = profile?.language ?? ticket.locale;
    const card = ticketRequesterCard(locale, ticket, this.deps.policy, {
      acknowledgement: true,
      descriptionLength,
      now: this.deps.clock?.now(),
      registeredBy: await this.registeredBy(ticket),
    });
    const ref = this.chatRef(conv, ticket.requesterCard.conversationId, ticket.tenantId);
    await this.continueIn(ref, async (turn) => {
      await turn.updateActivity({
        ...MessageFactory.attachment(asAttachment(card)),
        id: ticket.requesterCard!.activityId,
      });
    });
  }
}
