import template from '../../../adaptiveCards/agent-message.json';
import { Locale, formatDateTime, t } from '../../domain/i18n';
import { SlaPolicy } from '../../domain/sla/policy';
import { Ticket, TicketEvent } from '../../domain/tickets/ticket';
import { AdaptiveCardJson, expand, shorten } from './render';

export interface AgentMessage {
  kind: 'reply' | 'resolved';
  /** the event it comes from: the card's buttons name it */
  seq: number;
  /** the agent who wrote it */
  from: string;
  /** what the agent wrote (the reply, or the resolution note) */
  text: string;
}

/** The agent's message recorded by a `reply` or `resolved` event, or undefined for others. */
export function agentMessageOf(event: TicketEvent): AgentMessage | undefined {
  if (event.type !== 'reply' && event.type !== 'resolved') return undefined;
  const text = event.type === 'reply' ? event.data.text : event.data.note;
  return { kind: event.type, seq: event.seq, from: event.actor.name, text: String(text ?? '') };
}

export interface AgentMessageOptions {
  /** a line after the requester acted ("Sent to the support team") */
  note?: string;
  /** the buttons go once the requester answered */
  answered?: boolean;
}

/**
 * What an agent sends to the requester's chat: a reply they can answer from the card, or the
 * resolution they confirm ("It works now") or reject ("Still failing").
 */
export function agentMessageCard(
  locale: Locale,
  ticket: Ticket,
  message: AgentMessage,
  policy: SlaPolicy,
  opts: AgentMessageOptions = {},
): AdaptiveCardJson {
  const when = (d: Date) => formatDateTime(locale, d, policy.calendar.timeZone);
  const closes = ticket.sla.autoCloseAt;
  const resolved = message.kind === 'resolved';
  const waiting = ticket.status === 'waiting_requester' && !!closes;
  const ask =
    opts.answered || !closes
      ? ''
      : resolved && ticket.status === 'resolved'
        ? t(locale, 'message.resolvedAsk', { date: when(closes) })
        : waiting && !resolved
          ? t(locale, 'message.waitAsk', { date: when(closes) })
          : '';
  return expand(template, {
    number: ticket.number,
    seq: message.seq,
    heading: resolved
      ? t(locale, 'message.resolvedHeading', { trackingId: ticket.trackingId })
      : t(locale, 'message.replyHeading', { name: message.from, trackingId: ticket.trackingId }),
    headingColor: resolved ? 'Good' : 'Default',
    title: ticket.title,
    text: shorten(message.text).text,
    ask,
    note: opts.note ?? '',
    showReply: !resolved && !opts.answered,
    showConfirm: resolved && !opts.answered && ticket.status === 'resolved',
    labels: {
      reply: t(locale, 'button.reply'),
      answer: t(locale, 'message.answerLabel'),
      submit: t(locale, 'button.submit'),
      worksNow: t(locale, 'button.worksNow'),
      stillFailing: t(locale, 'button.stillFailing'),
    },
  });
}
