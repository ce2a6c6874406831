import { ActivityTypes, TurnContext } from 'botbuilder';
import { SlaPolicy } from '../../domain/sla/policy';
import { Logger } from '../../logger';
import { IntakeService } from '../../services/intake.service';
import { TicketSearchService, Viewer } from '../../services/ticket-search.service';
import { TenantRepository } from '../../storage/tenant.repository';
import { AgentDirectory } from '../agents';
import { personOf, tenantOf } from '../turn';

/** What the message extension's commands need (wired in index.ts). */
export interface MessageExtensionDeps {
  intake: IntakeService;
  search: TicketSearchService;
  tenants: TenantRepository;
  agents: AgentDirectory;
  policy: SlaPolicy;
  trackingPrefix: string;
  log: Logger;
}

/**
 * Who is asking: an agent is a member of the team that holds the triage channel (roster cached
 * briefly); everyone else, and everyone when the roster cannot be read, is a requester.
 */
export async function viewerOf(ctx: TurnContext, deps: MessageExtensionDeps): Promise<Viewer> {
  const person = personOf(ctx.activity);
  const settings = await deps.tenants.settings(tenantOf(ctx.activity));
  let isAgent = false;
  if (settings.triage) {
    try {
      isAgent = await deps.agents.isAgent(ctx, settings.triage.teamId, person.id);
    } catch (e) {
      deps.log.warn(
        { err: (e as Error).message },
        'roster look-up failed: searching as a requester',
      );
    }
  }
  return { person, isAgent };
}

/** Answers the invoke with a 4xx status (malformed or refused); the route's own answer is skipped. */
export async function refuseInvoke(
  ctx: TurnContext,
  status: number,
  message: string,
): Promise<void> {
  await ctx.sendActivity({
    type: ActivityTypes.InvokeResponse,
    value: { status, body: { error: { code: 'BadRequest', message } } },
  });
}
