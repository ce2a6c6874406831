import { TurnContext } from 'botbuilder';
import { CardTicketNumber, cardAction } from './card-action';
import { z } from 'zod';
import { TicketNotFoundError } from '../../domain/errors';
import { StringKey, t } from '../../domain/i18n';
import { LifecycleAction } from '../../domain/tickets/lifecycle';
import { Ticket } from '../../domain/tickets/ticket';
import { TenantRepository, tierChannel } from '../../storage/tenant.repository';
import { TicketRepository } from '../../storage/ticket.repository';
import { AgentDirectory } from '../agents';
import { handoffCard } from '../cards/handoff.card';
import { AdaptiveCardJson, refusalCard } from '../cards/render';
import { activityKey } from '../turn';
import { TriageActionDeps } from './triage-actions';

export interface HandoffActionDeps extends TriageActionDeps {
  tickets: TicketRepository;
  tenants: TenantRepository;
  agents: AgentDirectory;
}

/** The next tier's answers to a handoff card: take it, or send it back with the reason. */
export const HANDOFF_VERBS = [
  'handoff.accept',
  'handoff.return',
  'handoff.escalate',
  'handoff.note',
] as const;
export type HandoffVerb = (typeof HANDOFF_VERBS)[number];

const Base = z.object({ number: CardTicketNumber });
const Return = Base.extend({ returnReason: z.string().trim().min(1).max(20_000) });
const Note = Base.extend({ noteText: z.string().trim().min(1).max(20_000) });
const Escalate = Base.extend({
  escalateReason: z.string().trim().min(1).max(20_000),
  escalateNotes: z.string().max(20_000).optional(),
});

export async function runHandoffAction(
  verb: HandoffVerb,
  ctx: TurnContext,
  deps: HandoffActionDeps,
  data: unknown,
): Promise<AdaptiveCardJson | string> {
  return cardAction(ctx, deps.log, verb, async ({ locale, tenantId, actor }) => {
    const base = Base.safeParse(data);
    if (!base.success) return t(locale, 'error.invalidAction');
    const stored = await deps.tickets.get(tenantId, base.data.number);
    if (!stored?.ticket.handoff) throw new TicketNotFoundError(String(base.data.number));
    const tier = stored.ticket.handoff.toTier;
    const settings = await deps.tenants.settings(tenantId);
    let action: LifecycleAction;
    if (verb === 'handoff.accept') action = { kind: 'accept' };
    else if (verb === 'handoff.note') {
      // An internal note from the next tier: in the ticket's history and on both cards.
      const p = Note.safeParse(data);
      if (!p.success) return t(locale, 'error.invalidAction');
      action = { kind: 'note', text: p.data.noteText };
    } else if (verb === 'handoff.return') {
      const p = Return.safeParse(data);
      if (!p.success) return t(locale, 'error.invalidAction');
      action = { kind: 'return', reason: p.data.returnReason };
    } else {
      // The tier that holds the ticket hands it on, the same way tier 1 does.
      const p = Escalate.safeParse(data);
      if (!p.success) return t(locale, 'error.invalidAction');
      const next = tierChannel(settings, stored.ticket.tier + 1, stored.ticket.category);
      if (!next) return t(locale, 'triage.noTier', { tier: stored.ticket.tier + 1 });
      action = {
        kind: 'escalate',
        reason: p.data.escalateReason,
        notes: p.data.escalateNotes ?? '',
        team: next.name ?? next.channelId,
      };
    }
    // Who may act comes from storage: the members of the team of that tier's channel.
    const channel = tierChannel(settings, tier, stored.ticket.category);
    const agents = channel ? await deps.agents.members(ctx, channel.teamId) : [];
    const isAgent = agents.some((a) => a.id === actor.id);

    const outcome = await deps.triage.lifecycle(
      tenantId,
      base.data.number,
      actor,
      isAgent,
      action,
      activityKey(ctx.activity),
    );
    const render = async (ticket: Ticket, note?: StringKey) => {
      const full = await deps.tickets.getFull(tenantId, ticket.number);
      const card = handoffCard(locale, ticket, full?.events ?? [], deps.policy, {
        now: deps.clock.now(),
      });
      const body = (card.body as unknown[]) ?? [];
      if (note) {
        body.unshift({
          type: 'TextBlock',
          text: t(locale, note, {
            tier:
              note === 'handoff.noteReturned'
                ? (ticket.handoff?.fromTier ?? 1)
                : note === 'handoff.noteEscalated'
                  ? (ticket.handoff?.toTier ?? tier + 1)
                  : tier,
            trackingId: ticket.trackingId,
          }),
          wrap: true,
          color: note === 'handoff.notAgent' ? 'Attention' : 'Good',
        });
      }
      return { ...card, body };
    };
    switch (outcome.kind) {
      case 'refused':
        // The refusal only: card data can name any ticket, and this clicker may not see it.
        return refusalCard(t(locale, 'handoff.notAgent', { tier }));
      case 'invalid':
      case 'repeated':
        return isAgent
          ? render(outcome.ticket)
          : refusalCard(t(locale, 'handoff.notAgent', { tier }));
      case 'changed':
        deps.kick(tenantId, outcome.ticket.number, outcome.jobs, outcome.written);
        return render(
          outcome.ticket,
          action.kind === 'accept'
            ? 'handoff.noteAccepted'
            : action.kind === 'return'
              ? 'handoff.noteReturned'
              : action.kind === 'note'
                ? 'triage.noteNoted'
                : 'handoff.noteEscalated',
        );
    }
  });
}
