import { randomUUID } from 'node:crypto';
import { Activity, TurnContext } from 'botbuilder';
import { z } from 'zod';
import { emailRequester } from '../../domain/intake/email';
import { Locale, t } from '../../domain/i18n';
import { CATEGORIES } from '../../domain/tickets/category';
import { IMPACTS, SEVERITIES } from '../../domain/tickets/priority-matrix';
import { Person, TITLE_MAX } from '../../domain/tickets/ticket';
import { Logger } from '../../logger';
import { IntakeService } from '../../services/intake.service';
import { EmailIndexRepository, isEmailAddress } from '../../storage/email-index.repository';
import { idemHash } from '../../storage/keys';
import { TenantRepository } from '../../storage/tenant.repository';
import { UserRepository } from '../../storage/user.repository';
import { AgentDirectory } from '../agents';
import { AdaptiveCardJson, asAttachment } from '../cards/render';
import { CALL_VIAS, LogCallValues, SUGGEST_CATEGORY, logCallCard } from '../cards/log-call.card';
import { cardAction } from './card-action';

export interface LogCallDeps {
  intake: IntakeService;
  emails: EmailIndexRepository;
  users: UserRepository;
  tenants: TenantRepository;
  agents: AgentDirectory;
  log: Logger;
}

export const LOG_CALL_SUBMIT = 'logcall.submit';
export const LOG_CALL_VERBS = [LOG_CALL_SUBMIT];

/** A new form's id: a double submit of one form creates one ticket. */
export const newFormId = () => randomUUID().replace(/-/g, '');

const FormId = z.string().regex(/^[a-f0-9]{8,64}$/);

/** The form's inputs plus its data; card data is untrusted, every field is checked. */
export const LogCallSubmit = z.object({
  formId: FormId,
  requester: z.string().max(254).default(''),
  via: z.enum(CALL_VIAS).default('phone'),
  title: z.string().max(TITLE_MAX).default(''),
  description: z.string().max(100_000).default(''),
  category: z.enum([SUGGEST_CATEGORY, ...CATEGORIES]).default(SUGGEST_CATEGORY),
  impact: z.enum(IMPACTS).default('low'),
  severity: z.enum(SEVERITIES).default('medium'),
});

/** Where a channel message or card action happens: its team and channel. */
function placeOf(activity: Partial<Activity>): { teamId?: string; channelId?: string } {
  const data = (activity.channelData ?? {}) as {
    team?: { id?: unknown };
    channel?: { id?: unknown };
  };
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  return {
    teamId: str(data.team?.id),
    channelId: str(data.channel?.id) ?? activity.conversation?.id?.split(';')[0],
  };
}

/**
 * Whether `who` may log a call here: the channel must be the triage channel or a tier's channel
 * (stored settings, not card data), and `who` a member of the team that holds it.
 */
export async function mayLogCall(
  ctx: TurnContext,
  deps: Pick<LogCallDeps, 'tenants' | 'agents'>,
  tenantId: string,
  who: Person,
): Promise<'ok' | 'notHere' | 'notAgent'> {
  const settings = await deps.tenants.settings(tenantId);
  const { channelId } = placeOf(ctx.activity);
  const support = [...(settings.triage ? [settings.triage] : []), ...settings.tiers].find(
    (c) => c.channelId === channelId,
  );
  if (!support) return 'notHere';
  return (await deps.agents.isAgent(ctx, support.teamId, who.id)) ? 'ok' : 'notAgent';
}

/** The form as the agent filled it in, for showing it again with an error. */
function valuesOf(data: unknown): Partial<LogCallValues> {
  const d = (typeof data === 'object' && data ? data : {}) as Record<string, unknown>;
  const str = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : undefined);
  const out: Partial<LogCallValues> = {};
  for (const [k, max] of [
    ['requester', 254],
    ['title', TITLE_MAX],
    ['description', 8_000],
  ] as const) {
    const v = str(d[k], max);
    if (v !== undefined) out[k] = v;
  }
  for (const [k, allowed] of [
    ['via', CALL_VIAS],
    ['category', [SUGGEST_CATEGORY, ...CATEGORIES]],
    ['impact', IMPACTS],
    ['severity', SEVERITIES],
  ] as const) {
    const v = d[k];
    if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) out[k] = v;
  }
  return out;
}

/**
 * The requester a call was logged for: a person the bot knows by that e-mail address (their
 * tickets and chat), else someone known only by the address (the same pseudo id as e-mail
 * intake) or only by name.
 */
async function requesterOf(
  deps: LogCallDeps,
  tenantId: string,
  given: string,
): Promise<{ person: Person; known: boolean; locale?: Locale }> {
  const text = given.replace(/\s+/g, ' ').trim();
  if (isEmailAddress(text)) {
    const entry = await deps.emails.find(tenantId, text);
    if (entry) {
      const ctx = await deps.users.loadContext(tenantId, entry.id);
      const profile = ctx.profile;
      return {
        person: { id: entry.id, name: (profile?.name || entry.name || text).slice(0, 200) },
        known: !!profile?.conversation,
        locale: profile?.language ?? profile?.clientLocale ?? entry.locale,
      };
    }
    return { person: emailRequester(text), known: false };
  }
  const name = text.slice(0, 200);
  return {
    person: { id: `name:${idemHash(name.toLowerCase()).slice(0, 32)}`, name },
    known: false,
  };
}

/** `logcall.submit`: validates the form, creates the ticket once, answers the confirmation. */
async function submit(
  ctx: TurnContext,
  deps: LogCallDeps,
  data: unknown,
  turn: { locale: Locale; tenantId: string; actor: Person },
): Promise<AdaptiveCardJson | string> {
  const { locale, tenantId, actor } = turn;
  const rawFormId = (data as { formId?: unknown } | null)?.formId;
  const formId = FormId.safeParse(rawFormId).success ? String(rawFormId) : newFormId();
  const allowed = await mayLogCall(ctx, deps, tenantId, actor);
  if (allowed !== 'ok') {
    deps.log.info({ activityId: ctx.activity.id, allowed }, 'log call refused');
    return t(locale, allowed === 'notHere' ? 'logCall.notHere' : 'channel.notAgent');
  }
  const again = (error: string) =>
    logCallCard(locale, formId, {
      values: valuesOf(data),
      error: t(locale, 'form.invalid', { issues: error }),
    });
  const parsed = LogCallSubmit.safeParse(data);
  if (!parsed.success) {
    return again(
      [...new Set(parsed.error.issues.map((i) => i.path.join('.') || 'data'))].join(', '),
    );
  }
  const form = parsed.data;
  const missing = [
    ...(form.requester.trim() ? [] : [t(locale, 'logCall.missingRequester')]),
    ...(form.description.trim() ? [] : [t(locale, 'form.missingDescription')]),
  ];
  if (missing.length > 0) return again(missing.join('; '));

  const requester = await requesterOf(deps, tenantId, form.requester);
  const { stored, created } = await deps.intake.createTicket({
    tenantId,
    requester: requester.person,
    locale: requester.locale ?? locale,
    channel: form.via,
    title: form.title.trim() || undefined,
    description: form.description.trim(),
    // Left open: the classifier suggests the category from the description.
    category: form.category === SUGGEST_CATEGORY ? undefined : form.category,
    impact: form.impact,
    severity: form.severity,
    // One ticket per form, whoever of the agents submits it (the bot issued the id).
    idemKey: `logcall:${form.formId}`,
    actor,
  });
  deps.log.info(
    { activityId: ctx.activity.id, ticket: stored.ticket.trackingId, created, via: form.via },
    'call logged',
  );
  const confirmation = logCallCard(locale, form.formId, {
    done: { ticket: stored.ticket, notified: requester.known },
  });
  await showToEveryone(ctx, confirmation, deps.log);
  return confirmation;
}

/**
 * The invoke's answer replaces the form for the agent who clicked; the channel's other members
 * see the confirmation too once the message itself is updated (best effort: on failure they keep
 * the form, and submitting it again only shows the same ticket).
 */
async function showToEveryone(ctx: TurnContext, card: AdaptiveCardJson, log: Logger) {
  const id = ctx.activity.replyToId;
  if (!id) return;
  await ctx
    .updateActivity({ id, type: 'message', attachments: [asAttachment(card)] })
    .catch((e) => log.warn({ err: (e as Error).message }, 'log call form not updated'));
}

/** Runs a log-call verb (card actions go through `cardAction`: words, never a stack trace). */
export function runLogCallAction(
  verb: string,
  ctx: TurnContext,
  deps: LogCallDeps,
  data: unknown,
): Promise<AdaptiveCardJson | string> {
  return cardAction(ctx, deps.log, verb, (turn) => submit(ctx, deps, data, turn));
}
