import { MessagingExtensionResult, TurnContext } from 'botbuilder';
import { z } from 'zod';
import { parseTicketLink } from '../../domain/tickets/ticket-link';
import { clientLocale, tenantOf } from '../turn';
import { MessageExtensionDeps, refuseInvoke, viewerOf } from './deps';
import { noResults, resultOf } from './search-tickets.query';

/** `composeExtension/queryLink` (Microsoft's documented shape): the pasted URL. */
const QueryLinkValue = z.object({ url: z.string().min(1).max(4000) });

/**
 * `composeExtension/queryLink`: a ticket link (`https://<bot host>/tickets/SUP-000123`) unfurls
 * into the ticket's card for someone who may see the ticket; anyone else gets no card.
 */
export async function unfurlTicketLink(
  ctx: TurnContext,
  deps: MessageExtensionDeps,
): Promise<MessagingExtensionResult> {
  const parsed = QueryLinkValue.safeParse(ctx.activity.value);
  if (!parsed.success) {
    await refuseInvoke(ctx, 400, 'malformed link');
    return noResults();
  }
  const number = parseTicketLink(parsed.data.url, deps.trackingPrefix);
  if (number === undefined) return noResults();
  const viewer = await viewerOf(ctx, deps);
  const stored = await deps.search.visible(tenantOf(ctx.activity), viewer, number);
  if (!stored) return noResults();
  return {
    type: 'result',
    attachmentLayout: 'list',
    attachments: [resultOf(clientLocale(ctx), stored, deps)],
  };
}
