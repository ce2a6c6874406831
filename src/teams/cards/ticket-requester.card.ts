import template from '../../../adaptiveCards/ticket-requester.json';
import { Locale, formatDateTime, t } from '../../domain/i18n';
import { formatLocalDate } from '../../domain/sla/business-calendar';
import { SlaPolicy } from '../../domain/sla/policy';
import { Ticket, isOpen } from '../../domain/tickets/ticket';
import { canReopen } from '../../domain/tickets/lifecycle';
import { AdaptiveCardJson, escapeMarkdown, expand, shorten } from './render';
import { attachmentLines } from './attachments';

export interface RequesterCardOptions {
  /** the acknowledgement right after intake: heading "registered" and what happens next */
  acknowledgement?: boolean;
  /** full length of the description when `ticket.description` holds only its head */
  descriptionLength?: number;
  /** the current time: whether a closed ticket can still be reopened */
  now?: Date;
  /** a line after the requester acted on the card */
  note?: string;
  /** who registered the ticket for the requester (an agent who logged a call, a colleague) */
  registeredBy?: { name: string; channel: Ticket['intakeChannel'] };
}

/** The requester's view of a ticket: the acknowledgement, and the answer to "status". */
export function ticketRequesterCard(
  locale: Locale,
  ticket: Ticket,
  policy: SlaPolicy,
  opts: RequesterCardOptions = {},
): AdaptiveCardJson {
  const zone = policy.calendar.timeZone;
  const when = (d: Date) => formatDateTime(locale, d, zone);
  const fullLength = Math.max(opts.descriptionLength ?? 0, ticket.description.length);
  const shown = shorten(ticket.description);
  const target = policy.targets[ticket.priority];
  const next =
    opts.acknowledgement && isOpen(ticket)
      ? t(locale, target.clock === '24x7' ? 'ack.next24x7' : 'ack.next', {
          firstResponseDue: when(ticket.firstResponseDueAt),
          firstResponseMinutes: target.firstResponseMinutes,
          priority: t(locale, `priority.${ticket.priority}`).toLowerCase(),
          resolutionDue: when(ticket.resolutionDueAt),
          trackingId: ticket.trackingId,
        })
      : '';
  const facts = [
    { label: t(locale, 'ticket.number'), value: ticket.trackingId },
    { label: t(locale, 'ticket.status'), value: t(locale, `status.${ticket.status}`) },
    { label: t(locale, 'ticket.priority'), value: t(locale, `priority.${ticket.priority}`) },
    { label: t(locale, 'ticket.category'), value: t(locale, `category.${ticket.category}`) },
    { label: t(locale, 'ticket.createdAt'), value: when(ticket.createdAt) },
    ...(isOpen(ticket)
      ? [{ label: t(locale, 'ticket.firstResponseDue'), value: when(ticket.firstResponseDueAt) }]
      : []),
    ...(isOpen(ticket)
      ? [
          {
            label: t(locale, 'ticket.resolutionDue'),
            value: ticket.sla.resolution.pausedSince
              ? ticket.sla.parts
                ? t(locale, 'ticket.pausedParts', {
                    date: formatLocalDate(locale, ticket.sla.parts.expectedDate, zone),
                  })
                : t(locale, 'ticket.pausedRequester')
              : when(ticket.resolutionDueAt),
          },
        ]
      : []),
    {
      label: t(locale, 'ticket.owner'),
      value: ticket.owner ? escapeMarkdown(ticket.owner.name) : t(locale, 'ticket.unassigned'),
    },
  ];
  return expand(template, {
    heading: opts.acknowledgement
      ? t(locale, 'ack.title', { trackingId: ticket.trackingId })
      : ticket.trackingId,
    headingColor: opts.acknowledgement ? 'Good' : 'Default',
    title: ticket.title,
    facts,
    description: shown.text,
    truncatedNote:
      shown.truncated || fullLength > ticket.description.length
        ? t(locale, 'ticket.truncated', { length: fullLength })
        : '',
    next,
    note: opts.note ?? '',
    registeredBy: opts.registeredBy
      ? t(locale, 'ack.registeredBy', {
          name: escapeMarkdown(opts.registeredBy.name),
          channel: t(locale, `channel.${opts.registeredBy.channel}`),
        })
      : '',
    ...attachmentLines(locale, ticket.attachments),
    hasAttachments: (ticket.attachments?.length ?? 0) > 0,
    number: ticket.number,
    canConfirm: ticket.status === 'resolved',
    canReopen: !!opts.now && canReopen(ticket, policy, opts.now),
    canCancel: isOpen(ticket),
    messageLink: ticket.messageLink ?? '',
    labels: {
      description: t(locale, 'ticket.description'),
      worksNow: t(locale, 'button.worksNow'),
      stillFailing: t(locale, 'button.stillFailing'),
      reopen: t(locale, 'button.reopen'),
      cancel: t(locale, 'button.cancel'),
      openMessage: t(locale, 'mext.openMessage'),
      cancelAsk: t(locale, 'message.cancelAsk', { trackingId: ticket.trackingId }),
    },
  });
}
