import { Application, TurnState } from '../teams-ai';
import { ActivityTypes, TurnContext } from 'botbuilder';
import {
  CREATE_TICKET_COMMAND,
  fetchCreateTicketTask,
  submitCreateTicket,
} from './create-ticket.action';
import { MessageExtensionDeps, refuseInvoke } from './deps';
import { SEARCH_TICKETS_COMMAND, searchTickets } from './search-tickets.query';
import { unfurlTicketLink } from './ticket-link.unfurl';

const COMMANDS: Record<string, string> = {
  'composeExtension/fetchTask': CREATE_TICKET_COMMAND,
  'composeExtension/submitAction': CREATE_TICKET_COMMAND,
  'composeExtension/query': SEARCH_TICKETS_COMMAND,
};

/**
 * A message-extension invoke that no route can read (no value, an unknown command, parameters
 * that are not a list, a link that is not a string): answered 400 before teams-ai's routes,
 * which would otherwise fail on it with a 500 or leave it unanswered (501).
 */
function isMalformed(ctx: TurnContext): boolean {
  const { type, name } = ctx.activity;
  if (type !== ActivityTypes.Invoke || !name?.startsWith('composeExtension/')) return false;
  const value = ctx.activity.value as Record<string, unknown> | undefined;
  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
  if (name === 'composeExtension/queryLink') return !isObject || typeof value.url !== 'string';
  const command = COMMANDS[name];
  if (!command) return false;
  if (!isObject || value.commandId !== command) return true;
  return (
    name === 'composeExtension/query' &&
    value.parameters !== undefined &&
    !Array.isArray(value.parameters)
  );
}

/** The message extension's routes (command ids as declared in appPackage/manifest.json). */
export function registerMessageExtension(
  app: Application<TurnState>,
  deps: MessageExtensionDeps,
): void {
  app.addRoute(
    async (ctx) => isMalformed(ctx),
    async (ctx) => refuseInvoke(ctx, 400, 'malformed message extension invoke'),
    true,
  );
  app.messageExtensions.fetchTask(CREATE_TICKET_COMMAND, (ctx) => fetchCreateTicketTask(ctx, deps));
  app.messageExtensions.submitAction(CREATE_TICKET_COMMAND, (ctx) => submitCreateTicket(ctx, deps));
  app.messageExtensions.query(SEARCH_TICKETS_COMMAND, (ctx) => searchTickets(ctx, deps));
  app.messageExtensions.queryLink((ctx) => unfurlTicketLink(ctx, deps));
}
