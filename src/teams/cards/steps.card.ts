import template from '../../../adaptiveCards/steps.json';
import { Locale, t } from '../../domain/i18n';
import { Ticket, TicketEvent } from '../../domain/tickets/ticket';
import { AdaptiveCardJson, expand, shorten } from './render';

/** Steps a card lists, at most; each step at most this long. */
export const MAX_STEPS = 15;
const STEP_MAX = 500;

export interface StepsMessage {
  /** `self`: offered by the bot right after intake; `agent`: sent by an agent */
  source: 'self' | 'agent';
  /** the playbook the steps come from ('' for an agent's own steps) */
  playbook: string;
  title: string;
  steps: string[];
  /** the agent who sent them, and the event that recorded it */
  from?: string;
  seq?: number;
}

/** The steps an agent sent, as their `steps` event recorded them, or undefined for others. */
export function stepsMessageOf(event: TicketEvent): StepsMessage | undefined {
  if (event.type !== 'steps' || !Array.isArray(event.data.steps)) return undefined;
  return {
    source: 'agent',
    playbook: String(event.data.playbook ?? ''),
    title: String(event.data.title ?? ''),
    steps: event.data.steps.map(String),
    from: event.actor.name,
    seq: event.seq,
  };
}

/**
 * Numbered resolution steps the requester can tick one by one, and answer "It works now" or
 * "Still failing". Steps are shown literally (toggle titles are plain text).
 */
export function stepsCard(
  locale: Locale,
  ticket: Ticket,
  message: StepsMessage,
  opts: { note?: string; answered?: boolean } = {},
): AdaptiveCardJson {
  return expand(template, {
    number: ticket.number,
    playbook: message.playbook,
    seq: message.seq ?? 0,
    heading:
      message.source === 'self'
        ? t(locale, 'steps.selfHeading', { trackingId: ticket.trackingId })
        : t(locale, 'steps.agentHeading', {
            name: message.from ?? '',
            trackingId: ticket.trackingId,
          }),
    title: shorten(message.title, 200).text,
    intro: t(locale, message.source === 'self' ? 'steps.selfIntro' : 'steps.agentIntro'),
    steps: message.steps.slice(0, MAX_STEPS).map((text, i) => ({
      id: `step${i + 1}`,
      label: `${i + 1}. ${shorten(text, STEP_MAX).text}`,
    })),
    note: opts.note ?? '',
    showButtons: !opts.answered,
    labels: {
      worksNow: t(locale, 'button.worksNow'),
      stillFailing: t(locale, 'button.stillFailing'),
    },
  });
}
