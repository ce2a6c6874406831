import { TurnContext } from 'botbuilder';
import { z } from 'zod';
import { t } from '../../domain/i18n';
import { playbookById } from '../../domain/kb/playbook';
import { SlaPolicy } from '../../domain/sla/policy';
import { Logger } from '../../logger';
import { RecurringService } from '../../services/recurring.service';
import { TenantRepository } from '../../storage/tenant.repository';
import { AgentDirectory } from '../agents';
import { recurringCard } from '../cards/recurring.card';
import { AdaptiveCardJson } from '../cards/render';
import { cardAction } from './card-action';

export interface RecurringActionDeps {
  recurring: RecurringService;
  tenants: TenantRepository;
  agents: AgentDirectory;
  policy: SlaPolicy;
  log: Logger;
}

/** An agent attaches a playbook to a recurring problem, from its card in the supervisors channel. */
export const RECURRING_VERBS = ['recurring.attach'] as const;
export type RecurringVerb = (typeof RECURRING_VERBS)[number];

/** Card data is untrusted: parsed strictly; the group and the clicker's rights come from storage. */
const Attach = z.object({
  groupId: z.string().regex(/^[a-z]{2,12}-\d{9}$/),
  playbook: z
    .string()
    .max(60)
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/)
    .optional(),
});

export async function runRecurringAction(
  verb: RecurringVerb,
  ctx: TurnContext,
  deps: RecurringActionDeps,
  data: unknown,
): Promise<AdaptiveCardJson | string> {
  return cardAction(ctx, deps.log, verb, async ({ locale: clicker, tenantId, actor }) => {
    const parsed = Attach.safeParse(data);
    if (!parsed.success) return t(clicker, 'error.invalidAction');
    const settings = await deps.tenants.settings(tenantId);
    // The card keeps the channel's language, whoever clicks.
    const locale = settings.supervisors?.locale ?? clicker;
    // Agents are the members of the triage team (spec 9), looked up now, never taken from the card.
    const isAgent = settings.triage
      ? await deps.agents.isAgent(ctx, settings.triage.teamId, actor.id)
      : false;
    const { groupId, playbook } = parsed.data;
    const outcome = await deps.recurring.attachPlaybook(
      tenantId,
      groupId,
      playbook ?? '',
      actor,
      isAgent,
    );
    const zone = deps.policy.calendar.timeZone;
    switch (outcome.kind) {
      case 'refused':
        deps.log.info({ activityId: ctx.activity.id, groupId }, 'attach playbook refused');
        return recurringCard(locale, outcome.view, zone, {
          text: t(locale, 'recurring.notAgent'),
          good: false,
        });
      case 'invalid':
        return outcome.view
          ? recurringCard(locale, outcome.view, zone, {
              text: t(locale, 'error.invalidAction'),
              good: false,
            })
          : t(clicker, 'error.invalidAction');
      case 'attached': {
        const chosen = playbookById(deps.recurring.playbooks, playbook ?? '');
        return recurringCard(locale, outcome.view, zone, {
          text: t(locale, 'recurring.attached', { title: chosen?.title[locale] ?? '' }),
          good: true,
        });
      }
    }
  });
}
