import { Application, TurnState } from './teams-ai';
import { ActivityTypes, TurnContext } from 'botbuilder';
import { t } from '../domain/i18n';
import { refuseInvoke } from './message-extension/deps';
import { clientLocale } from './turn';

/**
 * The last invoke route: whatever no other route took. teams-ai would answer 501 (a server
 * error to Teams) to an unknown card verb, an `adaptiveCard/action` without a value, or an
 * invoke name the bot does not serve. A button whose verb the bot does not know (an old or forged
 * card) gets a message the person reads; anything else is a malformed request: 400.
 * Register it after every other route.
 */
export function registerInvokeFallback(app: Application<TurnState>): void {
  app.addRoute(
    async (ctx) => ctx.activity.type === ActivityTypes.Invoke,
    async (ctx) => answerUnknownInvoke(ctx),
    true,
  );
}

async function answerUnknownInvoke(ctx: TurnContext): Promise<void> {
  const value = ctx.activity.value as { action?: { type?: unknown; verb?: unknown } } | undefined;
  const action = typeof value === 'object' && value !== null ? value.action : undefined;
  const isButton =
    ctx.activity.name === 'adaptiveCard/action' &&
    typeof action === 'object' &&
    action !== null &&
    action.type === 'Action.Execute' &&
    typeof action.verb === 'string';
  if (!isButton) {
    await refuseInvoke(ctx, 400, 'unsupported or malformed invoke');
    return;
  }
  await ctx.sendActivity({
    type: ActivityTypes.InvokeResponse,
    value: {
      status: 200,
      body: {
        statusCode: 200,
        type: 'application/vnd.microsoft.activity.message',
        value: t(clientLocale(ctx), 'error.invalidAction'),
      },
    },
  });
}
