import {
  Activity,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  InvokeResponse,
  TurnContext,
} from 'botbuilder';
import { TeamsAdapter } from '@microsoft/teams-ai';
import { Logger } from '../logger';

type AuthResult = Awaited<
  ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>
>;

/** Makes the credentials of the bot's outgoing calls (replies, proactive sends). */
export type OutgoingCredentials = Pick<
  ConfigurationServiceClientCredentialFactory,
  'createCredentials'
>;

/**
 * The configured credential factory with another source of outgoing tokens: which app ids are
 * valid and whether authentication is on still come from the configuration, so that nothing
 * passed here can weaken the checks of incoming requests. Tests use it to send to a fake Teams
 * without MSAL (which wants an https authority).
 */
export class OutgoingCredentialFactory extends ConfigurationServiceClientCredentialFactory {
  constructor(
    config: ConstructorParameters<typeof ConfigurationServiceClientCredentialFactory>[0],
    private readonly outgoing: OutgoingCredentials,
  ) {
    super(config);
  }

  override createCredentials(
    ...args: Parameters<ConfigurationServiceClientCredentialFactory['createCredentials']>
  ): ReturnType<ConfigurationServiceClientCredentialFactory['createCredentials']> {
    return this.outgoing.createCredentials(...args);
  }
}

/**
 * Teams' adapter with two checks before a turn runs, each answered without touching storage or
 * sending anything:
 * - a request that fails authentication gets 401, whatever the failure (botbuilder answers 500
 *   with the library's message for some bad tokens, e.g. a wrong signature);
 * - with an allow-list of tenants, an activity from any other tenant gets 403 and one warning in
 *   the log (a 4xx is not retried by Teams).
 */
export class DeskAdapter extends TeamsAdapter {
  constructor(
    args: ConstructorParameters<typeof TeamsAdapter>,
    private readonly guard: { log: Logger; allowedTenants: string[] },
  ) {
    super(...args);
  }

  protected override async processActivity(
    authHeaderOrResult: string | AuthResult,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    let auth: AuthResult;
    if (typeof authHeaderOrResult === 'string') {
      try {
        auth = await this.botFrameworkAuthentication.authenticateRequest(
          activity,
          authHeaderOrResult,
        );
      } catch (e) {
        // The reason is logged, never the token; the answer says nothing more than 401.
        this.guard.log.warn(
          { activityId: activity.id, reason: `${(e as Error).name}: ${(e as Error).message}` },
          'request refused: not authenticated',
        );
        return { status: 401, body: { code: 'Unauthorized', message: 'not authenticated' } };
      }
    } else auth = authHeaderOrResult;

    const tenant = refusedTenant(activity, this.guard.allowedTenants);
    if (tenant !== undefined) {
      this.guard.log.warn(
        { activityId: activity.id, type: activity.type, tenantId: tenant },
        'activity refused: tenant not in ALLOWED_TENANTS',
      );
      return { status: 403, body: { code: 'Forbidden', message: 'tenant not allowed' } };
    }
    return super.processActivity(auth, activity, logic);
  }
}

/**
 * The tenant an activity is refused for, or undefined when it may be served. Teams puts the
 * tenant in `conversation.tenantId` and `channelData.tenant.id`: each one present must be
 * allowed, and an activity that names no tenant is refused when a list is configured.
 */
export function refusedTenant(activity: Partial<Activity>, allowed: string[]): string | undefined {
  if (allowed.length === 0) return undefined;
  const fromChannelData = (activity.channelData as { tenant?: { id?: unknown } } | undefined)
    ?.tenant?.id;
  const named = [activity.conversation?.tenantId, fromChannelData].filter(
    (x) => x !== undefined && x !== null,
  );
  if (named.length === 0) return '(none)';
  const ok = new Set(allowed.map((t) => t.toLowerCase()));
  const bad = named.find((x) => typeof x !== 'string' || !ok.has(x.toLowerCase()));
  return bad === undefined ? undefined : String(bad).slice(0, 100);
}
