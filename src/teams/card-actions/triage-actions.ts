import { TurnContext } from 'botbuilder';
import { CardTicketNumber, cardAction } from './card-action';
import { z } from 'zod';
import { Locale, StringKey, t } from '../../domain/i18n';
import { SlaPolicy } from '../../domain/sla/policy';
import { CATEGORIES } from '../../domain/tickets/category';
import { IMPACTS, SEVERITIES } from '../../domain/tickets/priority-matrix';
import { TriageAction } from '../../domain/triage/triage-rules';
import { Ticket, isOpen } from '../../domain/tickets/ticket';
import { Logger } from '../../logger';
import { TriageService } from '../../services/triage.service';
import { Clock } from '../../domain/clock';
import { checkPartsDate } from '../../domain/sla/clocks';
import { addBusinessDays, formatLocalDate } from '../../domain/sla/business-calendar';
import { JobSpec, OutboxJob } from '../../storage/outbox.repository';
import { TenantRepository, TierChannel, tierChannel } from '../../storage/tenant.repository';
import { AgentDirectory } from '../agents';
import { AdaptiveCardJson, refusalCard } from '../cards/render';
import { TriageCardOptions, forClickerOnly, triageCard } from '../cards/triage.card';
import { LifecycleAction } from '../../domain/tickets/lifecycle';
import { playbookById, shippedPlaybooks, stepsIn } from '../../domain/kb/playbook';
import { activityKey, clientLocale } from '../turn';

export interface TriageActionDeps {
  triage: TriageService;
  tenants: TenantRepository;
  agents: AgentDirectory;
  policy: SlaPolicy;
  log: Logger;
  clock: Clock;
  kick: (tenantId: string, number: number, jobs: JobSpec[], written?: OutboxJob[]) => void;
}

/** Card data is untrusted: parsed strictly; the ticket and the actor's rights come from storage. */
const Base = z.object({ number: CardTicketNumber });
/** The owner the clicked triage card showed ('' none); absent on cards drawn before it existed. */
const SeenOwner = z.object({ owner: z.string().max(200) });
const Assign = Base.extend({ assignee: z.string().min(1).max(200) });
const Classify = Base.extend({
  impact: z.enum(IMPACTS).optional(),
  severity: z.enum(SEVERITIES).optional(),
  category: z.enum(CATEGORIES).optional(),
});
const PartsWait = Base.extend({ expectedDate: z.string().max(40) });
const Reply = Base.extend({
  replyText: z.string().trim().min(1).max(20_000),
  wait: z.enum(['true', 'false']).optional(),
});
const Note = Base.extend({ noteText: z.string().trim().min(1).max(20_000) });
const Resolve = Base.extend({ resolution: z.string().trim().min(1).max(20_000) });
const Escalate = Base.extend({
  escalateReason: z.string().trim().min(1).max(20_000),
  escalateNotes: z.string().max(20_000).optional(),
});
const SendSteps = Base.extend({
  playbook: z.string().max(80).optional(),
  ownSteps: z.string().max(20_000).optional(),
});

export const TRIAGE_VERBS = [
  'triage.assignMe',
  'triage.assign',
  'triage.classify',
  'triage.refresh',
  'triage.partsWait',
  'triage.partsArrived',
  'triage.waitRequester',
  'triage.resume',
  'triage.reply',
  'triage.note',
  'triage.resolve',
  'triage.sendSteps',
  'triage.escalate',
] as const;

/** The conversation and resolution steps an agent takes from the card (ticket lifecycle). */
function lifecycleActionOf(
  verb: string,
  data: unknown,
  ticketTitle: string,
  requesterLocale: Locale,
  /** the channel of the next tier, for an escalation */
  next: TierChannel | undefined,
): AgentStep | undefined | 'invalid' | 'missingSteps' | 'noTier' {
  if (verb === 'triage.reply') {
    const p = Reply.safeParse(data);
    return p.success
      ? { kind: 'reply', text: p.data.replyText, wait: p.data.wait === 'true' }
      : 'invalid';
  }
  if (verb === 'triage.note') {
    const p = Note.safeParse(data);
    return p.success ? { kind: 'note', text: p.data.noteText } : 'invalid';
  }
  if (verb === 'triage.resolve') {
    const p = Resolve.safeParse(data);
    return p.success ? { kind: 'resolve', note: p.data.resolution } : 'invalid';
  }
  if (verb === 'triage.escalate') {
    const p = Escalate.safeParse(data);
    if (!p.success) return 'invalid';
    if (!next) return 'noTier';
    return {
      kind: 'escalate',
      reason: p.data.escalateReason,
      notes: p.data.escalateNotes ?? '',
      team: next.name ?? next.channelId,
    };
  }
  if (verb === 'triage.sendSteps') {
    const p = SendSteps.safeParse(data);
    if (!p.success) return 'invalid';
    // An agent's own steps win; otherwise a known playbook, in the requester's language.
    const own = (p.data.ownSteps ?? '')
      .split(/\r?\n/)
      .map((l) => l.replace(/^\s*(\d+[.)]|[-*•])\s*/, '').trim())
      .filter((l) => l.length > 0);
    if (own.length > 0) {
      return { kind: 'sendSteps', playbook: '', title: ticketTitle, steps: own.slice(0, 15) };
    }
    const playbook = playbookById(shippedPlaybooks(), p.data.playbook ?? '');
    if (!playbook) return 'missingSteps';
    return {
      kind: 'sendSteps',
      playbook: playbook.id,
      title: playbook.title[requesterLocale],
      steps: stepsIn(playbook, requesterLocale),
    };
  }
  return undefined;
}

/** What an agent does to a ticket's conversation and resolution from its card. */
type AgentStep = Extract<
  LifecycleAction,
  { kind: 'reply' | 'note' | 'resolve' | 'sendSteps' | 'escalate' }
>;

const LIFECYCLE_NOTE: Record<AgentStep['kind'], StringKey> = {
  reply: 'triage.noteReplied',
  note: 'triage.noteNoted',
  resolve: 'triage.noteResolved',
  sendSteps: 'triage.noteStepsSent',
  escalate: 'triage.noteEscalated',
};

/** The note an agent reads after a change made from the card. */
function changedNote(locale: Locale, action: TriageAction, ticket: Ticket, policy: SlaPolicy) {
  switch (action.kind) {
    case 'classify':
      return t(locale, 'triage.noteClassified', {
        priority: t(locale, `priority.${ticket.priority}`),
      });
    case 'partsWait':
      return t(locale, 'triage.notePartsWaiting', {
        date: formatLocalDate(locale, action.expectedDate, policy.calendar.timeZone),
      });
    case 'partsArrived':
      return t(locale, 'triage.notePartsArrived');
    case 'waitRequester':
      return t(locale, 'triage.noteWaitingRequester');
    case 'resume':
      return t(locale, 'triage.noteResumed');
    default:
      return t(locale, 'triage.noteAssigned', { name: ticket.owner?.name ?? '' });
  }
}

export async function runTriageAction(
  verb: (typeof TRIAGE_VERBS)[number],
  ctx: TurnContext,
  deps: TriageActionDeps,
  data: unknown,
): Promise<AdaptiveCardJson | string> {
  const clicker = { isAgent: true, locale: clientLocale(ctx) };
  const result = await cardAction(ctx, deps.log, verb, async ({ locale, tenantId, actor }) => {
    const base = Base.safeParse(data);
    if (!base.success) return t(locale, 'error.invalidAction');
    const settings = await deps.tenants.settings(tenantId);
    if (!settings.triage) return t(locale, 'channel.noTriage');
    const agents = await deps.agents.members(ctx, settings.triage.teamId);
    const isAgent = agents.some((a) => a.id === actor.id);
    clicker.isAgent = isAgent;
    clicker.locale = locale;

    if (verb === 'triage.refresh') {
      // Universal actions: Teams asks for the current card when an agent views it.
      const ticket = await deps.triage.current(tenantId, base.data.number);
      const card = triageCard(locale, ticket, deps.policy, { agents, now: deps.clock.now() });
      return isAgent ? card : forClickerOnly(card);
    }

    const needsTicket = verb === 'triage.sendSteps' || verb === 'triage.escalate';
    const current = needsTicket ? await deps.triage.current(tenantId, base.data.number) : undefined;
    const nextTier = current ? current.tier + 1 : 2;
    const step = lifecycleActionOf(
      verb,
      data,
      current?.title ?? '',
      current?.locale ?? locale,
      current ? tierChannel(settings, nextTier, current.category) : undefined,
    );
    if (step === 'noTier') {
      return forClickerOnly(
        triageCard(locale, current!, deps.policy, {
          agents,
          now: deps.clock.now(),
          note: t(locale, 'triage.noTier', { tier: nextTier }),
          noteColor: 'Attention',
        }),
      );
    }
    if (step === 'invalid') return t(locale, 'error.invalidAction');
    if (step === 'missingSteps') {
      return forClickerOnly(
        triageCard(locale, current!, deps.policy, {
          agents,
          now: deps.clock.now(),
          note: t(locale, 'triage.noteStepsMissing'),
          noteColor: 'Attention',
        }),
      );
    }
    if (step) {
      const now = deps.clock.now();
      const outcome = await deps.triage.lifecycle(
        tenantId,
        base.data.number,
        actor,
        isAgent,
        step,
        activityKey(ctx.activity),
      );
      const card = (note: string, noteColor: TriageCardOptions['noteColor']) =>
        triageCard(locale, outcome.ticket, deps.policy, { agents, now, note, noteColor });
      switch (outcome.kind) {
        case 'refused':
          return forClickerOnly(card(t(locale, 'triage.noteRefused'), 'Attention'));
        case 'invalid':
          return forClickerOnly(
            card(
              outcome.error.why === 'handoff'
                ? t(locale, 'triage.handoffPending', {
                    tier: outcome.ticket.handoff?.toTier ?? nextTier,
                  })
                : t(locale, 'lifecycle.invalid', {
                    status: t(locale, `status.${outcome.ticket.status}`),
                  }),
              'Attention',
            ),
          );
        case 'repeated':
          return card('', 'Default');
        case 'changed':
          deps.kick(tenantId, outcome.ticket.number, outcome.jobs, outcome.written);
          return card(
            t(locale, LIFECYCLE_NOTE[step.kind], {
              tier: outcome.ticket.handoff?.toTier ?? nextTier,
              team: outcome.ticket.handoff?.team ?? '',
            }),
            'Good',
          );
      }
    }

    let action: TriageAction;
    if (verb === 'triage.assignMe') {
      const seen = SeenOwner.safeParse(data);
      action = { kind: 'assignMe', seenOwner: seen.success ? seen.data.owner : undefined };
    } else if (verb === 'triage.assign') {
      const parsed = Assign.safeParse(data);
      const to = parsed.success ? agents.find((a) => a.id === parsed.data.assignee) : undefined;
      if (!to) return t(locale, 'error.invalidAction'); // only agents of the tier can own tickets
      action = { kind: 'assign', to: { id: to.id, name: to.name } };
    } else if (verb === 'triage.classify') {
      const parsed = Classify.safeParse(data);
      if (!parsed.success) return t(locale, 'error.invalidAction');
      action = { kind: 'classify', ...parsed.data };
    } else if (verb === 'triage.partsWait') {
      const parsed = PartsWait.safeParse(data);
      const now = deps.clock.now();
      const problem = parsed.success
        ? checkPartsDate(deps.policy, now, parsed.data.expectedDate)
        : 'invalid';
      if (problem || !parsed.success) {
        const ticket = await deps.triage.current(tenantId, base.data.number);
        const cal = deps.policy.calendar;
        return forClickerOnly(
          triageCard(locale, ticket, deps.policy, {
            agents,
            now,
            note: t(locale, 'triage.notePartsDate', {
              from: formatLocalDate(
                locale,
                addBusinessDays(now, deps.policy.parts.minBusinessDays, cal),
                cal.timeZone,
              ),
              to: formatLocalDate(
                locale,
                addBusinessDays(now, deps.policy.parts.maxBusinessDays, cal),
                cal.timeZone,
              ),
            }),
            noteColor: 'Attention',
          }),
        );
      }
      action = { kind: 'partsWait', expectedDate: parsed.data.expectedDate };
    } else if (verb === 'triage.partsArrived') action = { kind: 'partsArrived' };
    else if (verb === 'triage.waitRequester') action = { kind: 'waitRequester' };
    else action = { kind: 'resume' };

    const outcome = await deps.triage.act(tenantId, base.data.number, actor, isAgent, action);
    const people = agents;
    const now = deps.clock.now();
    switch (outcome.kind) {
      case 'refused':
        deps.log.info({ activityId: ctx.activity.id, verb }, 'triage action refused: not an agent');
        return forClickerOnly(
          triageCard(locale, outcome.ticket, deps.policy, {
            now,
            note: t(locale, 'triage.noteRefused'),
            noteColor: 'Attention',
          }),
        );
      case 'conflict':
        return forClickerOnly(
          triageCard(locale, outcome.ticket, deps.policy, {
            agents: people,
            now,
            note:
              action.kind === 'assignMe' && outcome.ticket.owner
                ? t(locale, 'triage.noteTaken', { name: outcome.ticket.owner.name })
                : t(locale, 'triage.noteConflict'),
            noteColor: 'Warning',
          }),
        );
      case 'changed':
        deps.kick(tenantId, outcome.ticket.number, outcome.jobs, outcome.written);
        return triageCard(locale, outcome.ticket, deps.policy, {
          agents: people,
          now,
          note: changedNote(locale, action, outcome.ticket, deps.policy),
          noteColor: 'Good',
        });
      case 'unchanged':
        // On a closed ticket nothing can change: say so rather than show the card silently.
        return isOpen(outcome.ticket)
          ? triageCard(locale, outcome.ticket, deps.policy, { agents: people, now })
          : forClickerOnly(
              triageCard(locale, outcome.ticket, deps.policy, {
                now,
                note: t(locale, 'lifecycle.invalid', {
                  status: t(locale, `status.${outcome.ticket.status}`),
                }),
                noteColor: 'Attention',
              }),
            );
    }
  });
  // Someone outside the support team is told so, and never sees the ticket the data named.
  if (!clicker.isAgent && typeof result !== 'string') {
    return refusalCard(t(clicker.locale, 'triage.noteRefused'));
  }
  return result;
}
