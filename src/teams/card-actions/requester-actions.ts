import { TurnContext } from 'botbuilder';
import { CardTicketNumber, cardAction, cardInt } from './card-action';
import { z } from 'zod';
import { Clock } from '../../domain/clock';
import { Locale, StringKey, t } from '../../domain/i18n';
import { SlaPolicy } from '../../domain/sla/policy';
import { LifecycleAction, REOPEN_BUSINESS_DAYS } from '../../domain/tickets/lifecycle';
import { Ticket } from '../../domain/tickets/ticket';
import { Logger } from '../../logger';
import { TriageService } from '../../services/triage.service';
import { JobSpec, OutboxJob } from '../../storage/outbox.repository';
import { TicketRepository } from '../../storage/ticket.repository';
import { agentMessageCard, agentMessageOf } from '../cards/agent-message.card';
import { AdaptiveCardJson } from '../cards/render';
import { ticketRequesterCard } from '../cards/ticket-requester.card';
import { StepsMessage, stepsCard, stepsMessageOf } from '../cards/steps.card';
import { playbookById, shippedPlaybooks, stepsIn } from '../../domain/kb/playbook';
import { activityKey } from '../turn';

export interface RequesterActionDeps {
  triage: TriageService;
  tickets: TicketRepository;
  policy: SlaPolicy;
  clock: Clock;
  log: Logger;
  kick: (tenantId: string, number: number, jobs: JobSpec[], written?: OutboxJob[]) => void;
}

/** What the requester does from their cards: answer, confirm, reject a fix, reopen, cancel. */
export const REQUESTER_VERBS = [
  'ticket.answer',
  'ticket.confirm',
  'ticket.stillFailing',
  'ticket.reopen',
  'ticket.cancel',
  'steps.works',
  'steps.failing',
] as const;
export type RequesterVerb = (typeof REQUESTER_VERBS)[number];

/** Card data is untrusted: the ticket, its requester and the event come from storage. */
const Base = z.object({
  number: CardTicketNumber,
  /** set on an agent's message card: the event it shows */
  seq: cardInt(1_000_000, 0).optional(),
});
const Answer = Base.extend({ answer: z.string().trim().min(1).max(20_000) });
const Steps = Base.extend({ playbook: z.string().max(80).default('') }).passthrough();

/**
 * How steps went: which steps they were comes from storage (the agent's `steps` event, or a
 * known self-help playbook), never from the card; the card only says which boxes were ticked.
 */
async function stepsOutcomeOf(
  verb: RequesterVerb,
  data: unknown,
  deps: RequesterActionDeps,
  tenantId: string,
  locale: Locale,
): Promise<{ action: LifecycleAction; steps: StepsMessage } | undefined> {
  const p = Steps.safeParse(data);
  if (!p.success) return undefined;
  let message: StepsMessage | undefined;
  if (p.data.seq) {
    const e = await deps.tickets.event(tenantId, p.data.number, p.data.seq);
    message = e && stepsMessageOf(e);
  } else {
    const playbook = playbookById(shippedPlaybooks(), p.data.playbook);
    if (playbook?.selfHelp) {
      message = {
        source: 'self',
        playbook: playbook.id,
        title: playbook.title[locale],
        steps: stepsIn(playbook, locale),
      };
    }
  }
  if (!message) return undefined;
  const inputs = p.data as Record<string, unknown>;
  const ticked = message.steps
    .map((_, i) => i + 1)
    .filter((n) => inputs[`step${n}`] === 'true' || inputs[`step${n}`] === true);
  return {
    steps: message,
    action: {
      kind: 'stepsOutcome',
      worked: verb === 'steps.works',
      source: message.source,
      playbook: message.playbook,
      title: message.title,
      ticked,
      total: message.steps.length,
    },
  };
}

function actionOf(verb: RequesterVerb, data: unknown): LifecycleAction | undefined {
  switch (verb) {
    case 'steps.works':
    case 'steps.failing':
      return undefined;
    case 'ticket.answer': {
      const p = Answer.safeParse(data);
      return p.success ? { kind: 'answer', text: p.data.answer } : undefined;
    }
    case 'ticket.confirm':
      return { kind: 'confirm' };
    case 'ticket.stillFailing':
      return { kind: 'stillFailing' };
    case 'ticket.reopen':
      return { kind: 'reopen' };
    case 'ticket.cancel':
      return { kind: 'cancel' };
  }
}

/** What the requester reads on the card after acting. */
function doneNote(action: LifecycleAction): StringKey {
  switch (action.kind) {
    case 'answer':
      return 'message.answerSent';
    case 'confirm':
      return 'message.confirmed';
    case 'cancel':
      return 'message.cancelled';
    case 'stepsOutcome':
      return action.worked ? 'steps.thanksWorked' : 'steps.thanksFailing';
    default:
      return 'message.reopened';
  }
}

export async function runRequesterAction(
  verb: RequesterVerb,
  ctx: TurnContext,
  deps: RequesterActionDeps,
  data: unknown,
): Promise<AdaptiveCardJson | string> {
  return cardAction(ctx, deps.log, verb, async ({ locale, tenantId, actor }) => {
    const base = Base.safeParse(data);
    const stepsVerb = verb === 'steps.works' || verb === 'steps.failing';
    const outcomeOf =
      base.success && stepsVerb
        ? await stepsOutcomeOf(verb, data, deps, tenantId, locale)
        : undefined;
    const action = outcomeOf?.action ?? (base.success ? actionOf(verb, data) : undefined);
    if (!base.success || !action) return t(locale, 'error.invalidAction');
    const now = deps.clock.now();

    /** The card the person clicked, in its new state: steps, the agent's message, or the ticket. */
    const render = async (ticket: Ticket, note: string, answered: boolean) => {
      if (outcomeOf) return stepsCard(locale, ticket, outcomeOf.steps, { note, answered });
      const seq = base.data.seq;
      const event = seq ? await deps.tickets.event(tenantId, ticket.number, seq) : undefined;
      const message = event && agentMessageOf(event);
      if (message) {
        return agentMessageCard(locale, ticket, message, deps.policy, { note, answered });
      }
      return ticketRequesterCard(locale, ticket, deps.policy, { note, now });
    };

    const outcome = await deps.triage.lifecycle(
      tenantId,
      base.data.number,
      actor,
      false,
      action,
      activityKey(ctx.activity),
    );
    switch (outcome.kind) {
      case 'refused':
        // Someone else's ticket: say nothing about it beyond its number.
        deps.log.info({ activityId: ctx.activity.id, verb }, 'requester action refused');
        return t(locale, 'lifecycle.notYours', { trackingId: outcome.ticket.trackingId });
      case 'invalid':
        return render(
          outcome.ticket,
          outcome.error.why === 'window'
            ? t(locale, 'lifecycle.tooLate', { days: REOPEN_BUSINESS_DAYS })
            : t(locale, 'lifecycle.invalid', {
                status: t(locale, `status.${outcome.ticket.status}`),
              }),
          true,
        );
      case 'repeated':
        return render(outcome.ticket, '', true);
      case 'changed':
        deps.kick(tenantId, outcome.ticket.number, outcome.jobs, outcome.written);
        return render(
          outcome.ticket,
          t(locale, doneNote(action), { trackingId: outcome.ticket.trackingId }),
          true,
        );
    }
  });
}
