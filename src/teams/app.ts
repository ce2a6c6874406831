import {
  ActivityTypes,
  ConfigurationBotFrameworkAuthenticationOptions,
  ConfigurationServiceClientCredentialFactory,
  TurnContext,
} from 'botbuilder';
import { Application, TeamsAdapter, TurnState } from './teams-ai';
import { DeliveryError } from '../domain/errors';
import { t } from '../domain/i18n';
import { Logger } from '../logger';
import { IntakeService } from '../services/intake.service';
import { UserRepository } from '../storage/user.repository';
import { INTAKE_VERBS, runIntakeAction } from './card-actions/intake-actions';
import { asAttachment } from './cards/render';
import { welcomeCard } from './cards/welcome.card';
import { ChannelDeps, handleChannelMessage } from './messages/channel-message';
import { handlePersonalMessage } from './messages/personal-message';
import { TRIAGE_VERBS, TriageActionDeps, runTriageAction } from './card-actions/triage-actions';
import { HANDOFF_VERBS, HandoffActionDeps, runHandoffAction } from './card-actions/handoff-actions';
import {
  RECURRING_VERBS,
  RecurringActionDeps,
  runRecurringAction,
} from './card-actions/recurring-actions';
import {
  REQUESTER_VERBS,
  RequesterActionDeps,
  runRequesterAction,
} from './card-actions/requester-actions';
import { SURVEY_VERBS, SurveyActionDeps, runSurveyAction } from './card-actions/survey-actions';
import { clientLocale, isPersonal, personOf } from './turn';
import { MessageExtensionDeps } from './message-extension/deps';
import { registerMessageExtension } from './message-extension/routes';
import { registerInvokeFallback } from './invoke-fallback';
import { LOG_CALL_VERBS, LogCallDeps, runLogCallAction } from './card-actions/log-call-actions';
import { DirectoryLearner } from './directory';
import { AfterAnswer } from './later';
import { DeskAdapter, OutgoingCredentialFactory, OutgoingCredentials } from './desk-adapter';

export interface TeamsDeps {
  intake: IntakeService;
  users: UserRepository;
  channel: ChannelDeps;
  triage: TriageActionDeps;
  requester: RequesterActionDeps;
  /** the message extension: create from a message, search, link unfurling */
  messageExtension: MessageExtensionDeps;
  handoff: HandoffActionDeps;
  /** satisfaction surveys: the requester's answer */
  survey: SurveyActionDeps;
  /** recurring problems: attach a playbook from the group's card */
  recurring?: RecurringActionDeps;
  /** `log call`: a phone or e-mail request registered by an agent for someone */
  logCall: LogCallDeps;
  /** fills the e-mail → person index as people write to the bot in 1:1 */
  directory?: DirectoryLearner;
  /** sends the extras (the self-help offer) after the answers while the server is busy */
  later?: AfterAnswer;
  trackingPrefix: string;
  log: Logger;
  bot: { appId: string; appPassword: string; appType?: string; tenantId: string };
  /** tests turn it off: the typing indicator is a background timer */
  startTypingTimer?: boolean;
}

/** How incoming requests are checked and outgoing calls signed, beyond the bot's identity. */
export interface AdapterOptions {
  /** ALLOWED_TENANTS: activities from other tenants get 403; empty: every tenant */
  allowedTenants?: string[];
  /**
   * Tests only: where the keys that sign the channel's tokens are published (an OpenID
   * configuration document), instead of the Bot Framework's public one.
   */
  openIdMetadataUrl?: string;
  /** Tests only: tokens for the bot's outgoing calls, instead of MSAL's */
  outgoingCredentials?: OutgoingCredentials;
}

export function createAdapter(
  bot: TeamsDeps['bot'],
  log: Logger,
  opts: AdapterOptions = {},
): TeamsAdapter {
  const appType = bot.appType ?? (bot.tenantId ? 'SingleTenant' : 'MultiTenant');
  const identity = {
    MicrosoftAppId: bot.appId,
    MicrosoftAppPassword: bot.appPassword,
    MicrosoftAppType: appType,
    MicrosoftAppTenantId: bot.tenantId,
  };
  const auth: ConfigurationBotFrameworkAuthenticationOptions = opts.openIdMetadataUrl
    ? // With one endpoint given botbuilder expects all of them: the public cloud's, but this one.
      { ...identity, ...PUBLIC_CLOUD, ToBotFromChannelOpenIdMetadataUrl: opts.openIdMetadataUrl }
    : identity;
  const credentials = opts.outgoingCredentials
    ? new OutgoingCredentialFactory(identity, opts.outgoingCredentials)
    : new ConfigurationServiceClientCredentialFactory(identity);
  const adapter = new DeskAdapter([auth, credentials], {
    log,
    allowedTenants: opts.allowedTenants ?? [],
  });
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    log.error(
      { activityId: context.activity.id, err: { name: error.name, message: error.message } },
      'turn failed',
    );
    // Invokes answer through the HTTP response; messages get an apology in the chat, unless
    // sending itself failed (Teams re-delivers the activity and the reply is retried then).
    if (context.activity.type === ActivityTypes.Message && !(error instanceof DeliveryError)) {
      await context.sendActivity(t(clientLocale(context), 'error.generic')).catch(() => undefined);
    }
    // The HTTP answer becomes 500 so that Teams retries; its body must not carry internals.
    throw new Error('turn failed');
  };
  return adapter;
}

/** botframework-connector's AuthenticationConstants for the public cloud (botbuilder 4.23). */
const PUBLIC_CLOUD = {
  ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
  ToChannelFromBotOAuthScope: 'https://api.botframework.com',
  ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
  OAuthUrl: 'https://api.botframework.com',
  ToBotFromEmulatorOpenIdMetadataUrl:
    'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
  CallerId: 'urn:botframework:azure',
};

/** The Teams application: every route of the contract, no AI, no process-memory state. */
export function createTeamsApp(adapter: TeamsAdapter, deps: TeamsDeps): Application<TurnState> {
  const app = new Application<TurnState>({
    adapter,
    botAppId: deps.bot.appId,
    removeRecipientMention: true,
    startTypingTimer: deps.startTypingTimer ?? false,
    longRunningMessages: false,
  });
  if (!(deps.startTypingTimer ?? false)) {
    // teams-ai 1.7 starts its typing timer in run() whatever the option says; turn it off here.
    (app as unknown as { startTypingTimer: () => void }).startTypingTimer = () => undefined;
  }

  app.activity(ActivityTypes.Message, async (ctx) => {
    if (isPersonal(ctx.activity)) await handlePersonalMessage(ctx, deps);
    else if (ctx.activity.conversation?.conversationType === 'channel') {
      await handleChannelMessage(ctx, deps.channel);
    } else {
      // A group chat: tickets are personal, so point the person to the 1:1 chat.
      await ctx.sendActivity(t(clientLocale(ctx), 'group.hint'));
    }
  });

  app.conversationUpdate('membersAdded', async (ctx) => {
    const added = ctx.activity.membersAdded ?? [];
    const botAdded = added.some((m) => m.id === ctx.activity.recipient?.id);
    if (isPersonal(ctx.activity) && botAdded) {
      const card = welcomeCard(clientLocale(ctx), personOf(ctx.activity).name);
      await ctx.sendActivity({ attachments: [asAttachment(card)] });
    }
  });

  for (const verb of INTAKE_VERBS) {
    app.adaptiveCards.actionExecute(verb, (ctx, _state, data) =>
      runIntakeAction(verb, ctx, deps, data),
    );
  }

  for (const verb of TRIAGE_VERBS) {
    app.adaptiveCards.actionExecute(verb, (ctx, _state, data) =>
      runTriageAction(verb, ctx, deps.triage, data),
    );
  }

  for (const verb of HANDOFF_VERBS) {
    app.adaptiveCards.actionExecute(verb, (ctx, _state, data) =>
      runHandoffAction(verb, ctx, deps.handoff, data),
    );
  }

  for (const verb of REQUESTER_VERBS) {
    app.adaptiveCards.actionExecute(verb, (ctx, _state, data) =>
      runRequesterAction(verb, ctx, deps.requester, data),
    );
  }

  for (const verb of LOG_CALL_VERBS) {
    app.adaptiveCards.actionExecute(verb, (ctx, _state, data) =>
      runLogCallAction(verb, ctx, deps.logCall, data),
    );
  }

  const recurring = deps.recurring;
  if (recurring) {
    for (const verb of RECURRING_VERBS) {
      app.adaptiveCards.actionExecute(verb, (ctx, _state, data) =>
        runRecurringAction(verb, ctx, recurring, data),
      );
    }
  }

  for (const verb of SURVEY_VERBS) {
    app.adaptiveCards.actionExecute(verb, (ctx, _state, data) =>
      runSurveyAction(verb, ctx, deps.survey, data),
    );
  }

  registerMessageExtension(app, deps.messageExtension);
  // Keep last: answers the invokes no route above took (unknown verbs, malformed invokes).
  registerInvokeFallback(app);

  return app;
}
