import { Activity } from 'botbuilder';
import { AuthenticationConstants, ClaimsIdentity } from 'botframework-connector';
import { createLogger } from '../../src/logger';
import { createAdapter } from '../../src/teams/app';
import { keepClients } from '../../src/teams/desk-adapter';

/**
 * The adapter keeps its outgoing clients across turns and proactive sends: one ConnectorClient
 * per app id, service URL and audience, one user-token client per app id (botbuilder builds
 * both anew for every turn).
 */
type Auth = Parameters<typeof keepClients>[0];

const authOf = (appId = '') =>
  (
    createAdapter({ appId, appPassword: '', tenantId: '' }, createLogger('silent')) as unknown as {
      botFrameworkAuthentication: Auth;
    }
  ).botFrameworkAuthentication;

const activity = (serviceUrl: string) =>
  ({
    type: 'message',
    serviceUrl,
    channelId: 'msteams',
    conversation: { id: 'a:1' },
  }) as Activity;

const claims = (appId: string) =>
  new ClaimsIdentity([{ type: AuthenticationConstants.AudienceClaim, value: appId }], true);

describe('outgoing clients kept across turns', () => {
  it('gives every turn to the same service URL the same connector client', async () => {
    const auth = authOf();
    const turn = async (url: string) => {
      const result = await auth.authenticateRequest(activity(url), '');
      return result.connectorFactory!.create(url, result.audience);
    };
    const first = await turn('https://smba.example/emea/');
    expect(await turn('https://smba.example/emea/')).toBe(first);
    expect(await turn('https://smba.example/amer/')).not.toBe(first);
    // A proactive send to the same place (same app id, audience) uses it too.
    const proactive = await auth
      .createConnectorFactory(claims(''))
      .create(
        'https://smba.example/emea/',
        (await auth.authenticateRequest(activity('https://smba.example/emea/'), '')).audience,
      );
    expect(proactive).toBe(first);
  });

  it('never gives one app id’s client to another', async () => {
    const auth = authOf();
    const url = 'https://smba.example/emea/';
    const a = await auth.createConnectorFactory(claims('app-a')).create(url);
    expect(await auth.createConnectorFactory(claims('app-a')).create(url)).toBe(a);
    expect(await auth.createConnectorFactory(claims('app-b')).create(url)).not.toBe(a);
    const tokenA = await auth.createUserTokenClient(claims('app-a'));
    expect(await auth.createUserTokenClient(claims('app-a'))).toBe(tokenA);
    expect(await auth.createUserTokenClient(claims('app-b'))).not.toBe(tokenA);
  });

  it('still refuses a request without a token when an app id is set', async () => {
    const auth = authOf('00000000-0000-0000-0000-000000000001');
    await expect(
      auth.authenticateRequest(activity('https://smba.example/emea/'), ''),
    ).rejects.toThrow();
  });
});

describe('a connector factory that does not name its app id', () => {
  it('is used as it is: nothing kept, nothing shared', async () => {
    let made = 0;
    const factory = { create: async () => ({ n: ++made }) };
    const auth = {
      authenticateRequest: async () => ({ connectorFactory: factory }),
      createConnectorFactory: () => factory,
      createUserTokenClient: async () => ({}),
    } as unknown as Auth;
    keepClients(auth);
    const f = auth.createConnectorFactory(claims('x'));
    const a = await f.create('https://smba.example/');
    expect(await f.create('https://smba.example/')).not.toBe(a);
    expect(made).toBe(2);
  });
});
