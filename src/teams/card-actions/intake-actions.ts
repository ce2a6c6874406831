import { randomUUID } from 'node:crypto';
import { TurnContext } from 'botbuilder';
import { z } from 'zod';
import { DomainError, StorageUnavailableError } from '../../domain/errors';
import { Locale, t } from '../../domain/i18n';
import { CATEGORIES } from '../../domain/tickets/category';
import { IMPACTS, SEVERITIES } from '../../domain/tickets/priority-matrix';
import { Logger } from '../../logger';
import { IntakeService } from '../../services/intake.service';
import { UserRepository } from '../../storage/user.repository';
import { AdaptiveCardJson } from '../cards/render';
import { FormValues, ticketFormCard } from '../cards/ticket-form.card';
import { ticketListCard } from '../cards/ticket-list.card';
import { ticketRequesterCard } from '../cards/ticket-requester.card';
import { clientLocale, conversationRefOf, personOf, tenantOf } from '../turn';
import { CardTicketNumber } from './card-action';
import { offerSelfHelp } from '../messages/self-help';

export interface IntakeActionDeps {
  intake: IntakeService;
  users: UserRepository;
  log: Logger;
}

/** Card data is untrusted: every payload is parsed, and ids are checked against storage. */
const Id = z.string().regex(/^[a-f0-9]{8,64}$/);
const TicketNumber = CardTicketNumber;

export const SubmitAction = z.object({
  formId: Id,
  title: z.string().max(10_000).optional().default(''),
  description: z.string().max(1_000_000).optional().default(''),
  category: z.enum(CATEGORIES).optional().default('other'),
  impact: z.enum(IMPACTS).optional().default('low'),
  severity: z.enum(SEVERITIES).optional().default('medium'),
});
const StatusAction = z.object({ number: TicketNumber });
const DraftAction = z.object({ draftId: Id });
const AddToAction = z.object({ draftId: Id, number: TicketNumber });

type Handler = (
  ctx: TurnContext,
  deps: IntakeActionDeps,
  data: unknown,
  locale: Locale,
) => Promise<AdaptiveCardJson | string>;

const handlers: Record<string, Handler> = {
  'intake.form': async (_ctx, _deps, _data, locale) =>
    ticketFormCard(locale, randomUUID().replace(/-/g, '')),

  'intake.myTickets': async (ctx, deps, _data, locale) => {
    const { open, recent } = await deps.intake.listForRequester(
      tenantOf(ctx.activity),
      personOf(ctx.activity).id,
    );
    return ticketListCard(locale, open, recent);
  },

  'intake.status': async (ctx, deps, data, locale) => {
    const parsed = StatusAction.safeParse(data);
    if (!parsed.success) return t(locale, 'error.invalidAction');
    const found = await deps.intake.getForRequester(
      tenantOf(ctx.activity),
      personOf(ctx.activity).id,
      parsed.data.number,
    );
    if (!found) return t(locale, 'error.expired');
    return ticketRequesterCard(locale, found.ticket, deps.intake.policy, {
      descriptionLength: found.descriptionLength,
    });
  },

  'intake.submit': async (ctx, deps, data, locale) => {
    const parsed = SubmitAction.safeParse(data);
    if (!parsed.success) {
      const formId = Id.safeParse((data as { formId?: unknown })?.formId).success
        ? String((data as { formId: string }).formId)
        : randomUUID().replace(/-/g, '');
      return ticketFormCard(
        locale,
        formId,
        valuesOf(data),
        t(locale, 'form.invalid', {
          issues: parsed.error.issues.map((i) => i.path.join('.')).join(', '),
        }),
      );
    }
    const form = parsed.data;
    if (form.description.trim().length === 0) {
      return ticketFormCard(
        locale,
        form.formId,
        form,
        t(locale, 'form.invalid', {
          issues: t(locale, 'form.missingDescription'),
        }),
      );
    }
    const who = personOf(ctx.activity);
    const tenantId = tenantOf(ctx.activity);
    const result = await deps.intake.createTicket({
      tenantId,
      requester: who,
      locale,
      channel: 'teams',
      title: form.title.trim() || undefined,
      description: form.description,
      category: form.category,
      impact: form.impact,
      severity: form.severity,
      idemKey: `form:${who.id}:${form.formId}`,
    });
    deps.log.info(
      {
        activityId: ctx.activity.id,
        ticket: result.stored.ticket.trackingId,
        created: result.created,
      },
      'ticket from form',
    );
    // The answer replaces the form: that message is the requester's card of this ticket.
    await deps.intake.rememberRequesterCard(
      tenantId,
      result.stored.ticket.number,
      ctx.activity.conversation.id,
      ctx.activity.replyToId,
    );
    if (result.created) await offerSelfHelp(ctx, locale, result.stored.ticket, deps.log);
    return ticketRequesterCard(locale, result.stored.ticket, deps.intake.policy, {
      acknowledgement: true,
    });
  },

  'intake.create': async (ctx, deps, data, locale) => {
    const parsed = DraftAction.safeParse(data);
    if (!parsed.success) return t(locale, 'error.invalidAction');
    const who = personOf(ctx.activity);
    const tenantId = tenantOf(ctx.activity);
    const draft = await deps.intake.draft(tenantId, who.id, parsed.data.draftId);
    if (!draft) return t(locale, 'error.expired');
    const result = await deps.intake.createFromDraft(tenantId, who, draft, locale);
    await deps.intake.rememberRequesterCard(
      tenantId,
      result.stored.ticket.number,
      ctx.activity.conversation.id,
      ctx.activity.replyToId,
    );
    if (result.created) await offerSelfHelp(ctx, locale, result.stored.ticket, deps.log);
    return ticketRequesterCard(locale, result.stored.ticket, deps.intake.policy, {
      acknowledgement: true,
    });
  },

  'intake.addTo': async (ctx, deps, data, locale) => {
    const parsed = AddToAction.safeParse(data);
    if (!parsed.success) return t(locale, 'error.invalidAction');
    const who = personOf(ctx.activity);
    const tenantId = tenantOf(ctx.activity);
    const draft = await deps.intake.draft(tenantId, who.id, parsed.data.draftId);
    if (!draft) return t(locale, 'error.expired');
    const ticket = await deps.intake.addDraftToTicket(tenantId, who, draft, parsed.data.number);
    return t(locale, 'choice.added', { trackingId: ticket.trackingId });
  },
};

export const INTAKE_VERBS = Object.keys(handlers);

/** Runs one intake verb; domain and storage errors become words, never a stack trace. */
export async function runIntakeAction(
  verb: string,
  ctx: TurnContext,
  deps: IntakeActionDeps,
  data: unknown,
): Promise<AdaptiveCardJson | string> {
  const tenantId = tenantOf(ctx.activity);
  const who = personOf(ctx.activity);
  let locale = clientLocale(ctx);
  try {
    const user = await deps.intake.context(tenantId, who.id);
    locale = clientLocale(ctx, user.profile?.language);
    await deps.users.saveProfile(tenantId, who.id, user.profile, {
      name: who.name,
      conversation: conversationRefOf(ctx.activity),
    });
    return await handlers[verb](ctx, deps, data, locale);
  } catch (e) {
    if (e instanceof StorageUnavailableError) return t(locale, 'error.storage');
    if (e instanceof DomainError) {
      deps.log.info({ activityId: ctx.activity.id, code: e.code, verb }, 'card action refused');
      return t(locale, 'error.expired');
    }
    throw e;
  }
}

function valuesOf(data: unknown): Partial<FormValues> {
  const d = (typeof data === 'object' && data ? data : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v.slice(0, 8_000) : '');
  return {
    title: str(d.title),
    description: str(d.description),
    category: str(d.category) || 'other',
    impact: str(d.impact) || 'low',
    severity: str(d.severity) || 'medium',
  };
}
