import {
  Activity,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  InvokeResponse,
  TurnContext,
} from 'botbuilder';
import {
  AuthenticationConstants,
  ClaimsIdentity,
  ConnectorClient,
  ConnectorFactory,
  UserTokenClient,
} from 'botframework-connector';
import { TeamsAdapter } from './teams-ai';
import { Logger } from '../logger';
import { leanConnector } from './lean-connector';

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
    keepClients(this.botFrameworkAuthentication);
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

/** At most this many kept clients of each kind (service URLs × audiences; Teams uses a few). */
const KEPT_CLIENTS = 64;

/** `make(key)` once per key while `cache` holds it (emptied when it would exceed its bound). */
function once<T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let client = cache.get(key);
  if (!client) {
    if (cache.size >= KEPT_CLIENTS) cache.clear();
    client = make();
    cache.set(key, client);
    // A failed creation (credentials unavailable) is tried again next time.
    client.catch(() => cache.delete(key));
  }
  return client;
}

const connectors = new WeakMap<object, Map<string, Promise<ConnectorClient>>>();

/**
 * `factory` keeping one ConnectorClient per service URL and audience. botbuilder builds a new
 * client, with a pipeline of its own, for every turn and every proactive send (0.35 ms of
 * processor time each under load, docs/benchmarks.md); a client holds no state of a turn (its
 * credentials fetch and renew their own tokens), so one per destination serves them all. The
 * factory's app id is part of the key. Its frequent calls go through `leanConnector`.
 */
function kept(factory: ConnectorFactory): ConnectorFactory {
  // botbuilder's factory names its app id (undefined with authentication off); one that does
  // not is used as it is, never shared between app ids.
  if (!Object.prototype.hasOwnProperty.call(factory, 'appId')) return factory;
  const appId = String((factory as { appId?: unknown }).appId ?? '');
  return {
    create: (serviceUrl: string, audience?: string) => {
      const owner = (factory as { credentialFactory?: object }).credentialFactory ?? factory;
      let cache = connectors.get(owner);
      if (!cache) connectors.set(owner, (cache = new Map()));
      return once(cache, `${appId}\n${serviceUrl}\n${audience ?? ''}`, async () =>
        leanConnector(await factory.create(serviceUrl, audience), serviceUrl),
      );
    },
  };
}

/** The app id botbuilder gives a turn's outgoing clients (audience claim, else app id claim). */
const appIdOf = (claims: ClaimsIdentity) =>
  claims.getClaimValue(AuthenticationConstants.AudienceClaim) ??
  claims.getClaimValue(AuthenticationConstants.AppIdClaim) ??
  '';

/**
 * Makes `auth` keep its outgoing clients: the connector factories of turns (`authenticateRequest`)
 * and of proactive sends (`createConnectorFactory`), as `kept`, and one user-token client per
 * app id (botbuilder makes one per turn; this app never uses it, but each costs a pipeline).
 * Authentication itself is untouched.
 */
export function keepClients(auth: {
  authenticateRequest(activity: Activity, authHeader: string): Promise<AuthResult>;
  createConnectorFactory(claims: ClaimsIdentity): ConnectorFactory;
  createUserTokenClient(claims: ClaimsIdentity): Promise<UserTokenClient>;
}): void {
  const authenticate = auth.authenticateRequest.bind(auth);
  auth.authenticateRequest = async (activity, authHeader) => {
    const result = await authenticate(activity, authHeader);
    return result.connectorFactory
      ? { ...result, connectorFactory: kept(result.connectorFactory) }
      : result;
  };
  const factoryOf = auth.createConnectorFactory.bind(auth);
  auth.createConnectorFactory = (claims) => kept(factoryOf(claims));
  const tokenClientOf = auth.createUserTokenClient.bind(auth);
  const tokenClients = new Map<string, Promise<UserTokenClient>>();
  auth.createUserTokenClient = (claims) =>
    once(tokenClients, appIdOf(claims), () => tokenClientOf(claims));
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
