import template from '../../../adaptiveCards/handoff.json';
import { Locale, formatDateTime, formatMinutes, t } from '../../domain/i18n';
import { clockMinutes } from '../../domain/sla/policy';
import { SlaPolicy } from '../../domain/sla/policy';
import { Ticket, TicketEvent, isOpen } from '../../domain/tickets/ticket';
import { AdaptiveCardJson, escapeMarkdown, expand, shorten } from './render';
import { attachmentLines } from './attachments';

const PRIORITY_STYLE = { alta: 'attention', media: 'warning', baja: 'good' } as const;
/** Conversation lines carried into the handoff (the newest ones). */
export const HISTORY_MAX = 10;

/** Teams' link to a channel message (the tier-1 thread of the ticket). */
export function threadLink(
  channelId: string,
  messageId: string,
  teamId: string,
  tenantId: string,
): string {
  const q = new URLSearchParams({ tenantId, groupId: teamId, parentMessageId: messageId });
  return `https://teams.microsoft.com/l/message/${encodeURIComponent(channelId)}/${messageId}?${q}`;
}

/**
 * The card a tier's channel gets when a ticket is escalated to it (spec 4): everything the next
 * agent needs (summary, priority, SLA time left, steps tried, the conversation, tier-1 notes, a
 * link to the tier-1 thread) and Accept / Return while the handoff is pending.
 */
export function handoffCard(
  locale: Locale,
  ticket: Ticket,
  events: TicketEvent[],
  policy: SlaPolicy,
  opts: { threadUrl?: string; now?: Date } = {},
): AdaptiveCardJson {
  const h = ticket.handoff!;
  const when = (d: Date) => formatDateTime(locale, d, policy.calendar.timeZone);
  const line = (e: TicketEvent): { who: string; text: string } | undefined => {
    const text = (v: unknown) => shorten(String(v ?? ''), 300).text;
    // (every line is bounded: the card must stay under Teams' size limit)
    switch (e.type) {
      case 'reply':
        return {
          who: t(locale, 'handoff.fromAgent', { name: e.actor.name }),
          text: text(e.data.text),
        };
      case 'comment':
        return {
          who: t(locale, 'handoff.fromRequester', { name: e.actor.name }),
          text: text(e.data.text),
        };
      case 'note':
        return {
          who: t(locale, 'handoff.noteBy', { name: e.actor.name }),
          text: text(e.data.text),
        };
      case 'steps.outcome':
        return {
          who: t(locale, 'handoff.stepsTried'),
          text: t(locale, 'handoff.stepsLine', {
            title: text(e.data.title),
            ticked: Array.isArray(e.data.ticked) ? e.data.ticked.join(', ') || '—' : '—',
            total: Number(e.data.total ?? 0),
          }),
        };
      default:
        return undefined;
    }
  };
  /** SLA time left on the ticket's clock (paused time excluded), or how late it is. */
  const timeLeft = (now: Date) => {
    if (ticket.sla.resolution.pausedSince) return t(locale, 'handoff.paused');
    const due = ticket.resolutionDueAt;
    return due.getTime() > now.getTime()
      ? formatMinutes(locale, clockMinutes(policy, ticket.priority, now, due))
      : t(locale, 'handoff.overdue', {
          late: formatMinutes(locale, clockMinutes(policy, ticket.priority, due, now)),
        });
  };
  const history = events
    .map(line)
    .filter((l): l is { who: string; text: string } => !!l)
    .slice(-HISTORY_MAX);
  const state =
    h.state === 'accepted'
      ? t(locale, 'handoff.accepted', { name: escapeMarkdown(h.acceptedBy?.name ?? '') })
      : h.state === 'returned'
        ? t(locale, 'handoff.returned', { reason: escapeMarkdown(h.returnReason ?? '') })
        : '';
  return expand(template, {
    number: ticket.number,
    heading: t(locale, 'handoff.heading', {
      trackingId: ticket.trackingId,
      tier: h.toTier,
      priority: t(locale, `priority.${ticket.priority}`),
    }),
    priorityStyle: PRIORITY_STYLE[ticket.priority],
    title: ticket.title,
    state,
    stateColor: h.state === 'accepted' ? 'Good' : 'Warning',
    pending: h.state === 'pending',
    canNote: h.state !== 'returned' && (isOpen(ticket) || ticket.status === 'resolved'),
    // once accepted, the tier's agent can hand it on to the next tier (tier 3…)
    canEscalate: h.state === 'accepted' && ticket.tier === h.toTier && isOpen(ticket),
    facts: [
      { label: t(locale, 'ticket.requester'), value: escapeMarkdown(ticket.requester.name || '—') },
      { label: t(locale, 'ticket.category'), value: t(locale, `category.${ticket.category}`) },
      { label: t(locale, 'ticket.priority'), value: t(locale, `priority.${ticket.priority}`) },
      { label: t(locale, 'ticket.status'), value: t(locale, `status.${ticket.status}`) },
      { label: t(locale, 'ticket.resolutionDue'), value: when(ticket.resolutionDueAt) },
      ...(opts.now ? [{ label: t(locale, 'handoff.timeLeft'), value: timeLeft(opts.now) }] : []),
      { label: t(locale, 'handoff.by'), value: escapeMarkdown(h.by.name) },
      {
        label: t(locale, 'handoff.tier1Owner'),
        value: ticket.owner ? escapeMarkdown(ticket.owner.name) : t(locale, 'ticket.unassigned'),
      },
    ],
    reason: shorten(h.reason, 1000).text,
    notes: shorten(h.notes, 1000).text,
    description: shorten(ticket.description, 1000).text,
    history,
    threadUrl: opts.threadUrl ?? '',
    ...attachmentLines(locale, ticket.attachments),
    hasAttachments: (ticket.attachments?.length ?? 0) > 0,
    messageLink: ticket.messageLink ?? '',
    labels: {
      reason: t(locale, 'handoff.reason'),
      notes: t(locale, 'handoff.notes'),
      description: t(locale, 'ticket.description'),
      history: t(locale, 'handoff.history'),
      accept: t(locale, 'button.accept'),
      return: t(locale, 'button.return'),
      returnReason: t(locale, 'handoff.returnReason'),
      submit: t(locale, 'button.submit'),
      thread: t(locale, 'handoff.openThread'),
      escalate: t(locale, 'triage.escalate'),
      note: t(locale, 'triage.note'),
      noteLabel: t(locale, 'triage.noteLabel'),
      escalateReason: t(locale, 'triage.escalateReason'),
      escalateNotes: t(locale, 'triage.escalateNotes'),
      openMessage: t(locale, 'mext.openMessage'),
    },
  });
}
