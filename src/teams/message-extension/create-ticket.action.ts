import { randomUUID } from 'node:crypto';
import { TaskModuleTaskInfo, TurnContext } from 'botbuilder';
import { z } from 'zod';
import { StorageUnavailableError } from '../../domain/errors';
import { t } from '../../domain/i18n';
import { messageBodyText } from '../../domain/intake/html-text';
import { CATEGORIES } from '../../domain/tickets/category';
import { IMPACTS, SEVERITIES } from '../../domain/tickets/priority-matrix';
import { Person, TITLE_MAX, titleFrom } from '../../domain/tickets/ticket';
import { isTeamsMessageLink } from '../../domain/tickets/ticket-link';
import { createTicketDialogCard } from '../cards/create-ticket-dialog.card';
import { asAttachment } from '../cards/render';
import { activityKey, clientLocale, personOf, tenantOf } from '../turn';
import { MessageExtensionDeps, refuseInvoke } from './deps';

/** The action command's id in appPackage/manifest.json. */
export const CREATE_TICKET_COMMAND = 'createTicket';

/** The message the command ran on (`value.messagePayload`, Microsoft's documented shape). */
const MessagePayload = z.object({
  id: z.string().max(200).nullish(),
  linkToMessage: z.string().max(4000).nullish(),
  body: z
    .object({
      contentType: z.string().max(40).nullish(),
      content: z.string().max(1_000_000).nullish(),
    })
    .nullish(),
  from: z
    .object({
      user: z
        .object({
          id: z.string().min(1).max(200),
          displayName: z.string().max(500).nullish(),
        })
        .nullish(),
    })
    .nullish(),
});
type MessagePayload = z.infer<typeof MessagePayload>;

const FetchTaskValue = z.object({
  commandId: z.literal(CREATE_TICKET_COMMAND),
  commandContext: z.string().max(40).optional(),
  messagePayload: MessagePayload.nullish(),
});

/** The dialog's inputs plus the Action.Submit data the dialog carries. */
const SubmitData = z.object({
  formId: z
    .string()
    .regex(/^[A-Za-z0-9]{8,64}$/)
    .optional(),
  requester: z.enum(['author', 'me']).default('me'),
  title: z.string().max(TITLE_MAX).default(''),
  description: z
    .string()
    .max(100_000)
    .refine((s) => s.trim().length > 0, 'description is empty'),
  category: z.enum(CATEGORIES),
  impact: z.enum(IMPACTS),
  severity: z.enum(SEVERITIES),
  messageLink: z.string().max(4000).optional(),
  authorId: z.string().max(200).optional(),
  authorName: z.string().max(500).optional(),
});

const SubmitValue = z.object({
  commandId: z.literal(CREATE_TICKET_COMMAND),
  commandContext: z.string().max(40).optional(),
  data: SubmitData,
  messagePayload: MessagePayload.nullish(),
});

const issuesOf = (e: z.ZodError) =>
  e.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || 'value'}: ${i.message}`)
    .join('; ');

function authorOf(payload: MessagePayload | null | undefined): Person | undefined {
  const user = payload?.from?.user;
  if (!user) return undefined; // a bot's or an app's message has no person to help
  return { id: user.id, name: (user.displayName ?? '').slice(0, 200) || user.id };
}

function linkOf(link: string | null | undefined): string {
  return link && isTeamsMessageLink(link) ? link : '';
}

/** `composeExtension/fetchTask`: the dialog, prefilled from the message when there is one. */
export async function fetchCreateTicketTask(
  ctx: TurnContext,
  deps: MessageExtensionDeps,
): Promise<TaskModuleTaskInfo | string> {
  const parsed = FetchTaskValue.safeParse(ctx.activity.value);
  if (!parsed.success) {
    await refuseInvoke(ctx, 400, issuesOf(parsed.error));
    return '';
  }
  const locale = clientLocale(ctx);
  const me = personOf(ctx.activity);
  const payload = parsed.data.messagePayload;
  const text = messageBodyText(payload?.body);
  const author = authorOf(payload);
  const suggested = deps.intake.suggest(text);
  const card = createTicketDialogCard(locale, {
    formId: randomUUID().replace(/-/g, ''),
    author,
    me,
    messageLink: linkOf(payload?.linkToMessage),
    values: {
      title: titleFrom(text),
      description: text,
      ...suggested,
      requester: author && author.id !== me.id ? 'author' : 'me',
    },
  });
  return {
    title: t(locale, 'button.createTicket'),
    card: asAttachment(card),
    width: 'medium',
    height: 'large',
  };
}

/**
 * `composeExtension/submitAction`: creates the ticket once per dialog (the form id; without one,
 * the invoke's activity id), posts it to triage through the outbox, and tells the clicker.
 */
export async function submitCreateTicket(
  ctx: TurnContext,
  deps: MessageExtensionDeps,
): Promise<string> {
  const parsed = SubmitValue.safeParse(ctx.activity.value);
  if (!parsed.success) {
    await refuseInvoke(ctx, 400, issuesOf(parsed.error));
    return '';
  }
  const { data, messagePayload } = parsed.data;
  const locale = clientLocale(ctx);
  const me = personOf(ctx.activity);
  // The message Teams sends again with the submit wins over what the dialog's data says.
  const author =
    authorOf(messagePayload) ??
    (data.authorId ? { id: data.authorId, name: data.authorName || data.authorId } : undefined);
  if (data.requester === 'author' && !author) {
    await refuseInvoke(ctx, 400, 'requester: the message has no author');
    return '';
  }
  const requester = data.requester === 'author' && author ? author : me;
  const idemKey = data.formId
    ? `mext:${me.id}:${data.formId}`
    : (activityKey(ctx.activity) ?? `mext:${me.id}:${randomUUID()}`);
  try {
    const { stored } = await deps.intake.createTicket({
      tenantId: tenantOf(ctx.activity),
      requester,
      locale,
      channel: 'message-extension',
      title: data.title.trim() || undefined,
      description: data.description.trim(),
      category: data.category,
      impact: data.impact,
      severity: data.severity,
      idemKey,
      messageLink: linkOf(messagePayload?.linkToMessage) || linkOf(data.messageLink) || undefined,
      actor: requester.id === me.id ? undefined : me,
    });
    return t(locale, 'mext.created', {
      trackingId: stored.ticket.trackingId,
      name: stored.ticket.requester.name,
    });
  } catch (e) {
    if (e instanceof StorageUnavailableError) return t(locale, 'error.storage');
    throw e;
  }
}
