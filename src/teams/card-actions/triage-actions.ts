import { TurnContext } from 'botbuilder';
import { z } from 'zod';
import { DomainError, StorageUnavailableError } from '../../domain/errors';
import { Locale, t } from '../../domain/i18n';
import { SlaPolicy } from '../../domain/sla/policy';
import { CATEGORIES } from '../../domain/tickets/category';
import { IMPACTS, SEVERITIES } from '../../domain/tickets/priority-matrix';
import { TriageAction } from '../../domain/triage/triage-rules';
import { Logger } from '../../logger';
import { TriageService } from '../../services/triage.service';
import { OutboxKind } from '../../storage/outbox.repository';
import { TenantRepository } from '../../storage/tenant.repository';
import { AgentDirectory } from '../agents';
import { AdaptiveCardJson } from '../cards/render';
import { forClickerOnly, triageCard } from '../cards/triage.card';
import { clientLocale, personOf, tenantOf } from '../turn';

export interface TriageActionDeps {
  triage: TriageService;
  tenants: TenantRepository;
  agents: AgentDirectory;
  policy: SlaPolicy;
  log: Logger;
  kick: (tenantId: string, number: number, kinds: OutboxKind[]) => void;
}

/** Card data is untrusted: parsed strictly; the ticket and the actor's rights come from storage. */
const Base = z.object({ number: z.coerce.number().int().positive().max(999_999_999) });
const Assign = Base.extend({ assignee: z.string().min(1).max(200) });
const Classify = Base.extend({
  impact: z.enum(IMPACTS).optional(),
  severity: z.enum(SEVERITIES).optional(),
  category: z.enum(CATEGORIES).optional(),
});

export const TRIAGE_VERBS = [
  'triage.assignMe',
  'triage.assign',
  'triage.classify',
  'triage.refresh',
] as const;

export async function runTriageAction(
  verb: (typeof TRIAGE_VERBS)[number],
  ctx: TurnContext,
  deps: TriageActionDeps,
  data: unknown,
): Promise<AdaptiveCardJson | string> {
  const locale: Locale = clientLocale(ctx);
  const tenantId = tenantOf(ctx.activity);
  const actor = personOf(ctx.activity);
  try {
    const base = Base.safeParse(data);
    if (!base.success) return t(locale, 'error.invalidAction');
    const settings = await deps.tenants.settings(tenantId);
    if (!settings.triage) return t(locale, 'channel.noTriage');
    const agents = await deps.agents.members(ctx, settings.triage.teamId);
    const isAgent = agents.some((a) => a.id === actor.id);

    if (verb === 'triage.refresh') {
      // Universal actions: Teams asks for the current card when an agent views it.
      const ticket = await deps.triage.current(tenantId, base.data.number);
      const card = triageCard(locale, ticket, deps.policy, { agents });
      return isAgent ? card : forClickerOnly(card);
    }

    let action: TriageAction;
    if (verb === 'triage.assignMe') action = { kind: 'assignMe' };
    else if (verb === 'triage.assign') {
      const parsed = Assign.safeParse(data);
      const to = parsed.success ? agents.find((a) => a.id === parsed.data.assignee) : undefined;
      if (!to) return t(locale, 'error.invalidAction'); // only agents of the tier can own tickets
      action = { kind: 'assign', to: { id: to.id, name: to.name } };
    } else {
      const parsed = Classify.safeParse(data);
      if (!parsed.success) return t(locale, 'error.invalidAction');
      action = { kind: 'classify', ...parsed.data };
    }

    const outcome = await deps.triage.act(tenantId, base.data.number, actor, isAgent, action);
    const people = agents;
    const priority = t(locale, `priority.${outcome.ticket.priority}`);
    switch (outcome.kind) {
      case 'refused':
        deps.log.info({ activityId: ctx.activity.id, verb }, 'triage action refused: not an agent');
        return forClickerOnly(
          triageCard(locale, outcome.ticket, deps.policy, {
            note: t(locale, 'triage.noteRefused'),
            noteColor: 'Attention',
          }),
        );
      case 'conflict':
        return forClickerOnly(
          triageCard(locale, outcome.ticket, deps.policy, {
            agents: people,
            note:
              action.kind === 'assignMe' && outcome.ticket.owner
                ? t(locale, 'triage.noteTaken', { name: outcome.ticket.owner.name })
                : t(locale, 'triage.noteConflict'),
            noteColor: 'Warning',
          }),
        );
      case 'changed':
        deps.kick(tenantId, outcome.ticket.number, ['triage.update', 'requester.update']);
        return triageCard(locale, outcome.ticket, deps.policy, {
          agents: people,
          note:
            action.kind === 'classify'
              ? t(locale, 'triage.noteClassified', { priority })
              : t(locale, 'triage.noteAssigned', { name: outcome.ticket.owner?.name ?? '' }),
          noteColor: 'Good',
        });
      case 'unchanged':
        return triageCard(locale, outcome.ticket, deps.policy, { agents: people });
    }
  } catch (e) {
    if (e instanceof StorageUnavailableError) return t(locale, 'error.storage');
    if (e instanceof DomainError) {
      deps.log.info({ activityId: ctx.activity.id, code: e.code, verb }, 'triage action failed');
      return t(locale, 'error.expired');
    }
    throw e;
  }
}
