import { z } from 'zod';
import { Locale, formatDateTime, formatMinutes, t } from '../../domain/i18n';
import { formatLocalDate } from '../../domain/sla/business-calendar';
import { CHANNEL_NOTICES, NoticeKind } from '../../domain/sla/clocks';
import { SlaPolicy } from '../../domain/sla/policy';
import { Ticket, TicketEvent } from '../../domain/tickets/ticket';
import { escapeMarkdown, shorten } from '../cards/render';

/**
 * The text of SLA notices: to the ticket's channel thread (warnings, breaches, late parts) and to
 * the requester's chat (status updates, parts follow-ups, waits, closing). Rendered from the
 * stored event at sending time; event data is parsed, never trusted.
 */
const NoticeData = z.object({
  notices: z
    .array(
      z.object({
        kind: z.string(),
        dueAt: z.string(),
        targetMinutes: z.number().optional(),
      }),
    )
    .default([]),
});
const PartsData = z.object({ expectedDate: z.string().nullable().optional() });
const WaitData = z.object({ autoCloseAt: z.string().optional() });

function noticesOf(event: TicketEvent) {
  const parsed = NoticeData.safeParse(event.data);
  return parsed.success ? parsed.data.notices : [];
}

/** The channel's text for an event, or undefined when it has nothing for the channel. */
export function channelNoticeText(
  locale: Locale,
  ticket: Ticket,
  event: TicketEvent,
  policy: SlaPolicy,
): string | undefined {
  const zone = policy.calendar.timeZone;
  const when = (d: Date) => formatDateTime(locale, d, zone);
  const lines = noticesOf(event)
    .filter((n) => CHANNEL_NOTICES.has(n.kind as NoticeKind))
    .map((n) => {
      const base = { trackingId: ticket.trackingId };
      const target = formatMinutes(locale, n.targetMinutes ?? 0);
      const percent = Math.round(policy.warningThreshold * 100);
      switch (n.kind as NoticeKind) {
        case 'firstResponse.warning':
          return t(locale, 'notice.firstResponse.warning', {
            ...base,
            percent,
            due: when(ticket.firstResponseDueAt),
          });
        case 'resolution.warning':
          return t(locale, 'notice.resolution.warning', {
            ...base,
            percent,
            due: when(ticket.resolutionDueAt),
          });
        case 'firstResponse.breach':
        case 'resolution.breach':
          return t(locale, `notice.${n.kind as 'resolution.breach'}`, {
            ...base,
            target,
            due: when(new Date(n.dueAt)),
          });
        default:
          return t(locale, 'notice.parts.overdue', {
            ...base,
            date: formatLocalDate(locale, ticket.sla.parts?.expectedDate ?? '', zone),
          });
      }
    });
  return lines.length > 0 ? lines.join('\n\n') : undefined;
}

/** A message in the ticket's thread: its text and the people it @mentions. */
export interface ThreadMessage {
  text: string;
  entities?: { type: 'mention'; text: string; mentioned: { id: string; name: string } }[];
}

/**
 * What the ticket's thread in the support channel shows for an event: SLA notices, and the
 * conversation (replies, internal notes, the requester's answers, resolution, closing,
 * reopening, cancelling). People's text is shown literally (Markdown escaped).
 */
export function threadMessage(
  locale: Locale,
  ticket: Ticket,
  event: TicketEvent,
  policy: SlaPolicy,
): ThreadMessage | undefined {
  if (event.type === 'sla') {
    const text = channelNoticeText(locale, ticket, event, policy);
    return text ? { text } : undefined;
  }
  const name = escapeMarkdown(event.actor.name || '—');
  const said = (key: 'text' | 'note') =>
    escapeMarkdown(shorten(typeof event.data[key] === 'string' ? event.data[key] : '').text);
  const base = { trackingId: ticket.trackingId };
  switch (event.type) {
    case 'reply':
      return { text: t(locale, 'thread.reply', { name, text: said('text') }) };
    case 'note':
      return { text: t(locale, 'thread.note', { name, text: said('text') }) };
    case 'comment':
      return { text: t(locale, 'thread.comment', { name, text: said('text') }) };
    case 'resolved':
      return { text: t(locale, 'thread.resolved', { name, text: said('note') }) };
    case 'closed':
      return { text: t(locale, 'thread.closed', base) };
    case 'cancelled':
      return { text: t(locale, 'thread.cancelled', base) };
    case 'escalated':
      return {
        text: t(locale, 'thread.escalated', {
          ...base,
          name,
          tier: Number(event.data.toTier ?? 2),
          team: escapeMarkdown(String(event.data.team ?? '')),
          reason: escapeMarkdown(shorten(String(event.data.reason ?? '')).text),
        }),
      };
    case 'handoff.accepted':
      return {
        text: t(locale, 'thread.handoffAccepted', {
          ...base,
          name,
          tier: Number(event.data.tier ?? 2),
        }),
      };
    case 'handoff.returned':
      return {
        text: t(locale, 'thread.handoffReturned', {
          ...base,
          name,
          tier: Number(event.data.tier ?? 2),
          reason: escapeMarkdown(shorten(String(event.data.reason ?? '')).text),
        }),
      };
    case 'steps':
      return {
        text: t(locale, 'thread.steps', {
          name,
          title: escapeMarkdown(String(event.data.title ?? '')),
        }),
      };
    case 'steps.outcome': {
      const ticked = Array.isArray(event.data.ticked) ? event.data.ticked.length : 0;
      return {
        text: t(locale, event.data.worked ? 'thread.stepsWorked' : 'thread.stepsFailed', {
          ...base,
          title: escapeMarkdown(String(event.data.title ?? '')),
          ticked,
          total: Number(event.data.total ?? 0),
        }),
      };
    }
    case 'reopened': {
      const owner = ticket.owner;
      const mention = owner ? `<at>${escapeMarkdown(owner.name)}</at>` : '';
      return {
        text: t(locale, 'thread.reopened', {
          ...base,
          count: Number(event.data.count ?? 1),
          owner: mention,
        }).trim(),
        entities: owner
          ? [{ type: 'mention', text: mention, mentioned: { id: owner.id, name: owner.name } }]
          : undefined,
      };
    }
    default:
      return undefined;
  }
}

/** The requester's text for an event, or undefined when it has nothing for them. */
export function requesterNoticeText(
  locale: Locale,
  ticket: Ticket,
  event: TicketEvent,
  policy: SlaPolicy,
): string | undefined {
  const zone = policy.calendar.timeZone;
  const when = (d: Date) => formatDateTime(locale, d, zone);
  const day = (date: string) => formatLocalDate(locale, date, zone);
  const base = { trackingId: ticket.trackingId };
  switch (event.type) {
    case 'parts.waiting': {
      const data = PartsData.safeParse(event.data);
      const date = (data.success && data.data.expectedDate) || ticket.sla.parts?.expectedDate;
      return date ? t(locale, 'notice.parts.waiting', { ...base, date: day(date) }) : undefined;
    }
    case 'parts.arrived':
      return t(locale, 'notice.parts.arrived', { ...base, due: when(ticket.resolutionDueAt) });
    case 'waiting.requester': {
      const data = WaitData.safeParse(event.data);
      const at =
        data.success && data.data.autoCloseAt ? new Date(data.data.autoCloseAt) : undefined;
      return t(locale, 'notice.waiting.requester', {
        ...base,
        date: at && !Number.isNaN(at.getTime()) ? when(at) : '—',
      });
    }
    case 'escalated':
      return t(locale, 'notice.escalated', {
        ...base,
        team: escapeMarkdown(String(event.data.team ?? '')),
        tier: Number(event.data.toTier ?? 2),
        reason: escapeMarkdown(String(event.data.reason ?? '')),
        due: when(ticket.resolutionDueAt),
      });
    case 'handoff.accepted':
      return t(locale, 'notice.handoffAccepted', {
        ...base,
        name: escapeMarkdown(event.actor.name),
        team: escapeMarkdown(String(event.data.team ?? '')),
      });
    case 'handoff.returned':
      return t(locale, 'notice.handoffReturned', base);
    case 'sla':
      break;
    default:
      return undefined;
  }
  const lines = noticesOf(event)
    .filter((n) => !CHANNEL_NOTICES.has(n.kind as NoticeKind))
    .map((n) => {
      switch (n.kind as NoticeKind) {
        case 'parts.followUp': {
          const date = ticket.sla.parts?.expectedDate;
          if (!date) return undefined;
          const late = ticket.sla.parts!.expectedAt.getTime() <= event.at.getTime();
          return t(locale, late ? 'notice.parts.followUpLate' : 'notice.parts.followUp', {
            ...base,
            date: day(date),
          });
        }
        case 'autoClose':
          return t(
            locale,
            event.data.from === 'resolved' ? 'notice.autoCloseResolved' : 'notice.autoClose',
            { ...base, days: policy.autoCloseBusinessDays },
          );
        default: {
          const who =
            ticket.status === 'waiting_requester'
              ? t(locale, 'notice.update.waiting')
              : ticket.owner
                ? t(locale, 'notice.update.owner', {
                    name: escapeMarkdown(ticket.owner.name),
                    due: when(ticket.resolutionDueAt),
                  })
                : t(locale, 'notice.update.queue', { due: when(ticket.resolutionDueAt) });
          return t(locale, 'notice.update', {
            ...base,
            title: escapeMarkdown(ticket.title),
            status: t(locale, `status.${ticket.status}`),
            who,
          });
        }
      }
    })
    .filter((line): line is string => !!line);
  return lines.length > 0 ? lines.join('\n\n') : undefined;
}
