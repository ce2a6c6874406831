import { createHash } from 'node:crypto';
import template from '../../../adaptiveCards/triage.json';
import { Locale, formatDateTime, formatMinutes, t } from '../../domain/i18n';
import { addBusinessDays, formatLocalDate } from '../../domain/sla/business-calendar';
import { slaHealth } from '../../domain/sla/clocks';
import { matchPlaybook, shippedPlaybooks } from '../../domain/kb/playbook';
import { memoizeBy } from '../../domain/memo';
import { SlaPolicy } from '../../domain/sla/policy';
import { Person, Ticket, isOpen } from '../../domain/tickets/ticket';
import {
  AdaptiveCardJson,
  classificationChoices,
  PRIORITY_COLOR,
  escapeMarkdown,
  expand,
  shorten,
} from './render';
import { attachmentLines } from './attachments';

/**
 * The shipped playbook preselected in "Send steps" for a ticket's text and category. A ticket's
 * card is drawn when it is posted and again on every click, so the match (0.2–0.4 ms) is kept,
 * by category and a digest of the text (20,000 of them take about 2 MB).
 */
const suggestedPlaybook = memoizeBy(
  20_000,
  (t: Ticket) =>
    `${t.category}|${createHash('sha256').update(t.title).update('\n').update(t.description).digest('base64')}`,
  (t: Ticket) =>
    matchPlaybook(shippedPlaybooks(), `${t.title}\n${t.description}`, t.category)?.playbook.id ??
    'none',
);

const PRIORITY_STYLE = { alta: 'attention', media: 'warning', baja: 'good' } as const;
/** Agents offered in "Assign to…": Teams shows long lists poorly, and the card must stay small. */
export const MAX_ASSIGNEES = 50;
/** Teams refreshes a universal-action card automatically for at most 60 listed users. */
export const MAX_REFRESH_USERS = 60;

export interface TriageCardOptions {
  /** agents of the tier, for "Assign to…"; with `userId`, their cards refresh automatically */
  agents?: (Person & { userId?: string })[];
  note?: string;
  noteColor?: 'Default' | 'Attention' | 'Good' | 'Warning';
  /** full length of the description when only its head is loaded */
  descriptionLength?: number;
  /** the current time, for the range of dates offered for parts */
  now?: Date;
  /** the tenant's playbook success rates, shown beside each playbook in "Send steps" */
  playbookStats?: Map<string, { worked: number; failed: number }>;
}

const HEALTH_COLOR = { ok: 'Default', atRisk: 'Warning', breached: 'Attention', paused: 'Accent' };

/** The one-line SLA state of a ticket: at risk, breached or paused (empty when on track). */
export function slaLine(locale: Locale, ticket: Ticket, policy: SlaPolicy): string {
  const when = (d: Date) => formatDateTime(locale, d, policy.calendar.timeZone);
  const { health, clock } = slaHealth(ticket);
  const due = clock === 'firstResponse' ? ticket.firstResponseDueAt : ticket.resolutionDueAt;
  switch (health) {
    case 'ok':
      return '';
    case 'paused':
      return ticket.sla.resolution.pauseReason === 'parts' && ticket.sla.parts
        ? t(locale, 'sla.paused.parts', {
            date: formatLocalDate(locale, ticket.sla.parts.expectedDate, policy.calendar.timeZone),
          })
        : t(locale, 'sla.paused.requester');
    default:
      return t(locale, `sla.${health}.${clock!}`, { due: when(due) });
  }
}

/**
 * The same card without its `refresh`: an answer meant for the clicker alone (a refusal, a
 * conflict note). teams-ai replaces the card for everyone when the answer has a refresh.
 */
export function forClickerOnly(card: AdaptiveCardJson): AdaptiveCardJson {
  const copy = { ...card };
  delete copy.refresh;
  return copy;
}

/** The agents' card of a ticket in the triage channel: everything needed to triage it. */
export function triageCard(
  locale: Locale,
  ticket: Ticket,
  policy: SlaPolicy,
  opts: TriageCardOptions = {},
): AdaptiveCardJson {
  const zone = policy.calendar.timeZone;
  const when = (d: Date) => formatDateTime(locale, d, zone);
  const shown = shorten(ticket.description, 1500);
  const fullLength = Math.max(opts.descriptionLength ?? 0, ticket.description.length);
  const priority = t(locale, `priority.${ticket.priority}`);
  const facts = [
    { label: t(locale, 'ticket.requester'), value: escapeMarkdown(ticket.requester.name || '—') },
    {
      label: t(locale, 'ticket.intakeChannel'),
      value: t(locale, `channel.${ticket.intakeChannel}`),
    },
    { label: t(locale, 'ticket.category'), value: t(locale, `category.${ticket.category}`) },
    { label: t(locale, 'ticket.impact'), value: t(locale, `level.${ticket.impact}`) },
    { label: t(locale, 'ticket.severity'), value: t(locale, `sevlevel.${ticket.severity}`) },
    { label: t(locale, 'ticket.priority'), value: priority },
    { label: t(locale, 'ticket.status'), value: t(locale, `status.${ticket.status}`) },
    ...(ticket.tier > 1 || ticket.handoff?.state === 'pending'
      ? [
          {
            label: t(locale, 'triage.tier'),
            value:
              ticket.handoff?.state === 'pending'
                ? t(locale, 'triage.tierPending', {
                    tier: ticket.tier,
                    next: ticket.handoff.toTier,
                    team: escapeMarkdown(ticket.handoff.team),
                  })
                : t(locale, 'triage.tierValue', {
                    tier: ticket.tier,
                    team: escapeMarkdown(ticket.handoff?.team ?? ''),
                  }),
          },
        ]
      : []),
    {
      label: t(locale, 'ticket.owner'),
      value: ticket.owner ? escapeMarkdown(ticket.owner.name) : t(locale, 'ticket.unassigned'),
    },
    ticket.firstResponseAt
      ? {
          label: t(locale, 'triage.firstResponse'),
          value:
            ticket.sla.firstResponse.actualMinutes !== undefined
              ? t(locale, 'triage.firstResponseMet', {
                  when: when(ticket.firstResponseAt),
                  actual: formatMinutes(locale, ticket.sla.firstResponse.actualMinutes),
                  target: formatMinutes(locale, ticket.sla.firstResponse.targetMinutes),
                })
              : when(ticket.firstResponseAt),
        }
      : { label: t(locale, 'ticket.firstResponseDue'), value: when(ticket.firstResponseDueAt) },
    ...(ticket.sla.resolution.pausedSince
      ? []
      : [{ label: t(locale, 'ticket.resolutionDue'), value: when(ticket.resolutionDueAt) }]),
    ...(ticket.sla.parts
      ? [
          {
            label: t(locale, 'triage.partsExpected'),
            value: formatLocalDate(locale, ticket.sla.parts.expectedDate, zone),
          },
        ]
      : []),
  ];
  const open = isOpen(ticket);
  const today = opts.now ?? ticket.updatedAt;
  const partsMin = addBusinessDays(today, policy.parts.minBusinessDays, policy.calendar);
  const health = slaHealth(ticket).health;
  return expand(template, {
    ...classificationChoices(locale),
    number: ticket.number,
    // Who owned the ticket when this card was drawn: "Assign to me" on an out-of-date card must
    // not silently take the ticket from a colleague (another instance may have been faster).
    ownerId: ticket.owner?.id ?? '',
    heading: t(locale, 'triage.heading', { trackingId: ticket.trackingId, priority }),
    priorityColor: PRIORITY_COLOR[ticket.priority],
    priorityStyle: PRIORITY_STYLE[ticket.priority],
    title: ticket.title,
    note: opts.note ?? '',
    noteColor: opts.noteColor ?? 'Default',
    slaLine: slaLine(locale, ticket, policy),
    slaColor: HEALTH_COLOR[health],
    open,
    // The knowledge base: offered in "Send steps", the best match preselected.
    playbooks: [
      { value: 'none', title: t(locale, 'triage.playbookNone') },
      ...shippedPlaybooks().map((p) => {
        const st = opts.playbookStats?.get(p.id);
        const total = st ? st.worked + st.failed : 0;
        return {
          value: p.id,
          title: total
            ? t(locale, 'triage.playbookRate', {
                title: p.title[locale],
                percent: Math.round((100 * st!.worked) / total),
                worked: st!.worked,
                total,
              })
            : p.title[locale],
        };
      }),
    ],
    suggestedPlaybook: open ? suggestedPlaybook(ticket) : 'none',
    canNote: open || ticket.status === 'resolved',
    canWaitParts: open && ticket.status !== 'waiting_parts',
    waitingParts: ticket.status === 'waiting_parts',
    canWaitRequester:
      open && ticket.status !== 'waiting_requester' && ticket.status !== 'waiting_parts',
    waitingRequester: ticket.status === 'waiting_requester',
    partsMin,
    partsMax: addBusinessDays(today, policy.parts.maxBusinessDays, policy.calendar),
    partsValue: ticket.sla.parts?.expectedDate ?? partsMin,
    facts,
    description: shown.text,
    truncatedNote:
      shown.truncated || fullLength > ticket.description.length
        ? t(locale, 'ticket.truncated', { length: fullLength })
        : '',
    impact: ticket.impact,
    severity: ticket.severity,
    category: ticket.category,
    ...attachmentLines(locale, ticket.attachments),
    hasAttachments: (ticket.attachments?.length ?? 0) > 0,
    messageLink: ticket.messageLink ?? '',
    agents: (opts.agents ?? []).slice(0, MAX_ASSIGNEES).map((a) => ({ id: a.id, name: a.name })),
    refreshUserIds: (opts.agents ?? [])
      .map((a) => a.userId)
      .filter((id): id is string => !!id)
      .slice(0, MAX_REFRESH_USERS),
    labels: {
      assignMe: t(locale, 'triage.assignMe'),
      assignTo: t(locale, 'triage.assignTo'),
      assign: t(locale, 'triage.assign'),
      assignee: t(locale, 'triage.assignee'),
      reclassify: t(locale, 'triage.reclassify'),
      update: t(locale, 'triage.update'),
      impact: t(locale, 'form.impactLabel'),
      severity: t(locale, 'form.severityLabel'),
      category: t(locale, 'form.categoryLabel'),
      partsWait: t(locale, 'triage.partsWait'),
      partsDate: t(locale, 'triage.partsDate'),
      partsArrived: t(locale, 'triage.partsArrived'),
      waitRequester: t(locale, 'triage.waitRequester'),
      resume: t(locale, 'triage.resume'),
      submit: t(locale, 'button.submit'),
      reply: t(locale, 'triage.reply'),
      replyLabel: t(locale, 'triage.replyLabel'),
      replyWait: t(locale, 'triage.replyWait'),
      note: t(locale, 'triage.note'),
      noteLabel: t(locale, 'triage.noteLabel'),
      resolve: t(locale, 'triage.resolve'),
      sendSteps: t(locale, 'triage.sendSteps'),
      escalate: t(locale, 'triage.escalate'),
      escalateReason: t(locale, 'triage.escalateReason'),
      escalateNotes: t(locale, 'triage.escalateNotes'),
      playbook: t(locale, 'triage.playbookLabel'),
      ownSteps: t(locale, 'triage.ownStepsLabel'),
      resolveLabel: t(locale, 'triage.resolveLabel'),
      openMessage: t(locale, 'mext.openMessage'),
    },
  });
}
