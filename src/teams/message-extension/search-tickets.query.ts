import {
  CardFactory,
  MessagingExtensionAttachment,
  MessagingExtensionResult,
  TurnContext,
} from 'botbuilder';
import { z } from 'zod';
import { StorageUnavailableError } from '../../domain/errors';
import { Locale, t } from '../../domain/i18n';
import { QUERY_MAX, parseTicketQuery } from '../../domain/tickets/ticket-search';
import { StoredTicket } from '../../storage/ticket.repository';
import { SEARCH_RESULTS_MAX } from '../../services/ticket-search.service';
import { ticketRequesterCard } from '../cards/ticket-requester.card';
import { asAttachment } from '../cards/render';
import { clientLocale, tenantOf } from '../turn';
import { MessageExtensionDeps, refuseInvoke, viewerOf } from './deps';

/** The search command's id in appPackage/manifest.json. */
export const SEARCH_TICKETS_COMMAND = 'searchTickets';

/** `composeExtension/query` (Microsoft's documented shape): parameters and paging. */
const QueryValue = z.object({
  commandId: z.literal(SEARCH_TICKETS_COMMAND),
  parameters: z
    .array(z.object({ name: z.string().max(100), value: z.unknown() }))
    .max(10)
    .default([]),
  queryOptions: z
    .object({
      skip: z.number().int().nonnegative().optional(),
      count: z.number().int().positive().optional(),
    })
    .optional(),
});

export const noResults = (): MessagingExtensionResult => ({
  type: 'result',
  attachmentLayout: 'list',
  attachments: [],
});

/** One result: the requester card goes into the conversation; the preview lists it. */
export function resultOf(
  locale: Locale,
  stored: StoredTicket,
  deps: MessageExtensionDeps,
): MessagingExtensionAttachment {
  const { ticket } = stored;
  const card = ticketRequesterCard(locale, ticket, deps.policy, {
    descriptionLength: stored.descriptionLength,
  });
  const preview = CardFactory.thumbnailCard(
    ticket.title,
    `${ticket.trackingId} · ${t(locale, `status.${ticket.status}`)}`,
  );
  return { ...asAttachment(card), preview };
}

/**
 * `composeExtension/query`: by tracking number or words; the initial run (no text) lists the
 * newest tickets the person may see. A requester sees their own, an agent any of the tenant.
 */
export async function searchTickets(
  ctx: TurnContext,
  deps: MessageExtensionDeps,
): Promise<MessagingExtensionResult> {
  const parsed = QueryValue.safeParse(ctx.activity.value);
  if (!parsed.success) {
    await refuseInvoke(ctx, 400, 'malformed query');
    return noResults();
  }
  const params = new Map(parsed.data.parameters.map((p) => [p.name, p.value]));
  const initialRun = params.get('initialRun') === true || params.get('initialRun') === 'true';
  const raw = params.get('query');
  const text = !initialRun && typeof raw === 'string' ? raw.slice(0, QUERY_MAX) : '';
  // Paging: the list is newest first and short; a later page has nothing more.
  if ((parsed.data.queryOptions?.skip ?? 0) > 0) return noResults();
  const limit = Math.min(parsed.data.queryOptions?.count ?? SEARCH_RESULTS_MAX, SEARCH_RESULTS_MAX);
  const locale = clientLocale(ctx);
  try {
    const viewer = await viewerOf(ctx, deps);
    const found = await deps.search.search(
      tenantOf(ctx.activity),
      viewer,
      parseTicketQuery(text, deps.trackingPrefix),
      limit,
    );
    return {
      type: 'result',
      attachmentLayout: 'list',
      attachments: found.map((s) => resultOf(locale, s, deps)),
    };
  } catch (e) {
    if (e instanceof StorageUnavailableError) {
      return { type: 'message', text: t(locale, 'error.storage') };
    }
    throw e;
  }
}
