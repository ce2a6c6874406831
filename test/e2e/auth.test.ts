/**
 * RELIABILITY case 1 and issue #9 item 1: the server started WITH an app id authenticates every
 * request with a real Bot Framework token, checked against a local OpenID metadata document and
 * JWKS served by this test (the key carries `endorsements: ["msteams"]`), tokens signed RS256 by
 * hand with a test key. A missing, expired, wrongly signed, wrong-audience or wrong-issuer token
 * gets 401 and nothing is stored or sent. `ALLOWED_TENANTS`: another tenant's activity gets 403,
 * nothing stored or sent, one warning in the log. The bot's own calls to the connector carry the
 * token of the injected credentials (no MSAL: it wants an https authority).
 */
import { KeyObject, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger';
import { TABLE_NAMES } from '../../src/storage/tables';
import { Harness, startHarness } from '../support/bot-harness';
import { BOT, ChannelMember, TENANT_ID, accountFor, makeChannel } from '../support/fake-teams';
import { idIn, openTicket, stored } from '../support/ticket-flow';

jest.setTimeout(60_000);

const APP_ID = '3c8e0f2a-7d4b-4f0e-9a51-6b2d1c0e9f17';
const ISSUER = 'https://api.botframework.com';
const KID = 'test-key-1';
const OUTGOING_TOKEN = `outgoing-${randomUUID()}`;
const OTHER_TENANT = '0b5e1d7c-1111-4a2b-9c3d-000000000bad';

const key = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 });

const b64url = (x: string | Buffer) => Buffer.from(x).toString('base64url');

/** A JWT signed RS256 with `privateKey`, built by hand. */
function jwt(payload: Record<string, unknown>, privateKey: KeyObject = key.privateKey): string {
  const head = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: KID }));
  const body = b64url(JSON.stringify(payload));
  const signature = sign('sha256', Buffer.from(`${head}.${body}`), privateKey);
  return `${head}.${body}.${b64url(signature)}`;
}

/** The claims the Bot Framework puts in a token to this bot, for `serviceUrl`. */
function claims(serviceUrl: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: ISSUER,
    aud: APP_ID,
    serviceurl: serviceUrl,
    nbf: now - 60,
    iat: now - 60,
    exp: now + 3600,
    ...over,
  };
}

/** The Bot Framework's OpenID configuration and signing keys, served locally. */
async function startKeyServer(): Promise<{ server: Server; metadataUrl: string }> {
  const jwk = key.publicKey.export({ format: 'jwk' });
  const server = createServer((req, res) => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    res.setHeader('content-type', 'application/json');
    if (req.url === '/v1/.well-known/openidconfiguration') {
      res.end(
        JSON.stringify({
          issuer: ISSUER,
          authorization_endpoint: `${base}/authorize`,
          jwks_uri: `${base}/v1/.well-known/keys`,
          id_token_signing_alg_values_supported: ['RS256'],
          token_endpoint_auth_methods_supported: ['private_key_jwt'],
        }),
      );
    } else if (req.url === '/v1/.well-known/keys') {
      res.end(
        JSON.stringify({
          keys: [
            { kty: 'RSA', use: 'sig', kid: KID, n: jwk.n, e: jwk.e, endorsements: ['msteams'] },
          ],
        }),
      );
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return { server, metadataUrl: `http://127.0.0.1:${port}/v1/.well-known/openidconfiguration` };
}

/** Every row of every table of the bot, with its etag: equal snapshots = nothing written. */
async function storageSnapshot(h: Harness): Promise<string[]> {
  const rows: string[] = [];
  for (const name of TABLE_NAMES) {
    for await (const e of h.bot.tables[name].listEntities()) {
      rows.push(`${name}|${e.partitionKey}|${e.rowKey}|${e.etag}`);
    }
  }
  return rows.sort();
}

/** Log lines the bot wrote (pino JSON), warn and above. */
const logLines: Array<Record<string, any>> = [];
const logSink = new Writable({
  write(chunk, _enc, done) {
    for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
    done();
  },
});

describe('authentication with a real token (RELIABILITY 1) and ALLOWED_TENANTS', () => {
  let h: Harness;
  let keys: { server: Server; metadataUrl: string };
  const admin = accountFor('Admin Ana');
  const agent = accountFor('Agent Luis');
  const triage = makeChannel('Triage');
  /** what each activity's Authorization header is; by default a valid token */
  let tokenFor: (activity: Record<string, any>) => string | undefined;
  const validToken = (activity: Record<string, any>) =>
    `Bearer ${jwt(claims(String(activity.serviceUrl)))}`;

  beforeAll(async () => {
    // botbuilder's token validation writes every refused token's error to console.error (the
    // error and the public key, never the token): kept out of the test output.
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    keys = await startKeyServer();
    h = await startHarness(
      {
        MicrosoftAppId: APP_ID,
        MicrosoftAppPassword: 'not-used-outgoing-tokens-are-injected',
        MicrosoftAppType: 'SingleTenant',
        MicrosoftAppTenantId: TENANT_ID,
        SUPPORT_ADMINS: admin.aadObjectId,
        OUTBOX_SWEEP_MS: '100',
        ALLOWED_TENANTS: `${TENANT_ID.toUpperCase()}, 11111111-2222-3333-4444-555555555555`,
      },
      {
        log: createLogger('warn', logSink),
        auth: {
          openIdMetadataUrl: keys.metadataUrl,
          outgoingCredentials: {
            createCredentials: async () => ({
              signRequest: async (req: any) => {
                req.headers.set('Authorization', `Bearer ${OUTGOING_TOKEN}`);
                return req;
              },
            }),
          },
        },
      },
    );
    tokenFor = validToken;
    h.teams.authorize = (activity) => tokenFor(activity);
    h.teams.setRoster(triage.teamId, [admin, agent]);
  });

  afterAll(async () => {
    await h?.close();
    await new Promise<void>((ok) => (keys ? keys.server.close(() => ok()) : ok()));
  });

  afterEach(() => {
    tokenFor = validToken;
  });

  test('a valid token is accepted: the ticket is created and acknowledged, every call the bot makes carries the injected token', async () => {
    const setup = await new ChannelMember(h.teams, admin, triage).say('setup triage');
    expect(setup.status).toBe(200);
    const member = new ChannelMember(h.teams, agent, triage);
    const { id, ack, thread, requester } = await openTicket(h, member, 'My laptop will not boot');
    expect(idIn(JSON.stringify(ack.activity))).toBe(id);
    expect(thread).toBeDefined();
    // The ticket was stored for the requester, who got its number.
    const ticket = await stored(h, id);
    expect(ticket.stored.ticket.requester.id).toBe(requester.account.aadObjectId);
    expect(JSON.stringify(requester.received().map((m) => m.activity))).toContain(id);
    // Every connector call (the reply in the turn, the proactive triage card, roster look-ups).
    expect(h.teams.requests.length).toBeGreaterThan(0);
    for (const r of h.teams.requests) {
      expect({ path: r.path, authorization: r.authorization }).toEqual({
        path: r.path,
        authorization: `Bearer ${OUTGOING_TOKEN}`,
      });
    }
  });

  const refused: Array<[string, (activity: Record<string, any>) => string | undefined]> = [
    ['no token', () => undefined],
    ['a Basic credential', () => 'Basic dXNlcjpwYXNz'],
    ['a malformed token', () => 'Bearer not.a.jwt'],
    [
      'an expired token',
      (a) => `Bearer ${jwt(claims(a.serviceUrl, { exp: nowSec() - 3600, nbf: nowSec() - 7200 }))}`,
    ],
    ['a wrongly signed token', (a) => `Bearer ${jwt(claims(a.serviceUrl), otherKey.privateKey)}`],
    ['a wrong-audience token', (a) => `Bearer ${jwt(claims(a.serviceUrl, { aud: randomUUID() }))}`],
    [
      'a wrong-issuer token',
      (a) => `Bearer ${jwt(claims(a.serviceUrl, { iss: 'https://evil.example.com' }))}`,
    ],
    [
      'a token for another serviceUrl',
      (a) => `Bearer ${jwt(claims(a.serviceUrl, { serviceurl: 'https://evil.example.com/' }))}`,
    ],
    ['an unsigned token (alg none)', (a) => `Bearer ${unsigned(claims(a.serviceUrl))}`],
  ];

  test.each(refused)('%s gets 401: nothing stored, nothing sent', async (_what, token) => {
    tokenFor = token;
    const before = await storageSnapshot(h);
    const sentBefore = h.teams.requests.length;
    const requester = h.teams.user(`Eve ${randomUUID().slice(0, 4)}`);
    const msg = await requester.say('Please reset my password, it is urgent');
    const invoke = await h.teams.post({
      ...requester.messageActivity(''),
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb: 'intake.create', data: {} } },
    });
    for (const res of [msg, invoke]) {
      expect(res.status).toBe(401);
      // The answer names no library internals and echoes no token.
      expect(JSON.stringify(res.body ?? '')).not.toMatch(/jwt|signature|at .*\.js|Bearer|eyJ/i);
    }
    await h.bot.dispatcher.idle();
    expect(await storageSnapshot(h)).toEqual(before);
    expect(h.teams.requests.length).toBe(sentBefore);
    expect(requester.received()).toEqual([]);
  });

  test('ALLOWED_TENANTS: another tenant, with a valid token, gets 403; nothing stored or sent; one warning per activity', async () => {
    const before = await storageSnapshot(h);
    const sentBefore = h.teams.requests.length;
    const requester = h.teams.user('Mallory Other');
    const other = (a: Record<string, any>) => ({
      ...a,
      conversation: { ...a.conversation, tenantId: OTHER_TENANT },
      channelData: { ...a.channelData, tenant: { id: OTHER_TENANT } },
    });
    // conversation.tenantId allowed, channelData.tenant another: refused too.
    const mixed = (a: Record<string, any>) => ({
      ...a,
      channelData: { ...a.channelData, tenant: { id: OTHER_TENANT } },
    });
    // No tenant at all: refused when a list is configured.
    const none = (a: Record<string, any>) => {
      const { channelData: _c, ...rest } = a;
      return { ...rest, conversation: { ...a.conversation, tenantId: undefined } };
    };
    const activities: Array<Record<string, any>> = [
      other(requester.messageActivity('my printer is on fire')),
      mixed(requester.messageActivity('my printer is on fire again')),
      none(requester.messageActivity('hello')),
      other({
        ...requester.messageActivity(''),
        type: 'invoke',
        name: 'adaptiveCard/action',
        value: { action: { type: 'Action.Execute', verb: 'intake.create', data: {} } },
      }),
      other({
        ...requester.messageActivity(''),
        type: 'conversationUpdate',
        text: undefined,
        membersAdded: [{ id: BOT.id }],
      }),
    ];
    const warnsBefore = logLines.length;
    for (const a of activities) {
      const res = await h.teams.post(a);
      expect({ id: a.id, status: res.status }).toEqual({ id: a.id, status: 403 });
    }
    await h.bot.dispatcher.idle();
    expect(await storageSnapshot(h)).toEqual(before);
    expect(h.teams.requests.length).toBe(sentBefore);
    expect(requester.received()).toEqual([]);
    const warns = logLines.slice(warnsBefore).filter((l) => /ALLOWED_TENANTS/.test(String(l.msg)));
    for (const a of activities) {
      const lines = warns.filter((l) => l.activityId === a.id);
      expect(lines).toHaveLength(1);
      expect(lines[0].level).toBe(40); // pino: warn
    }
    expect(warns.filter((l) => l.tenantId === OTHER_TENANT)).toHaveLength(4);
    expect(warns.filter((l) => l.tenantId === '(none)')).toHaveLength(1);
  });

  test('the allowed tenant is still served after refusals (the refusals left nothing behind)', async () => {
    const requester = h.teams.user('Ana Allowed');
    const res = await requester.say('The VPN disconnects every hour');
    expect(res.status).toBe(200);
    expect(JSON.stringify(requester.received().map((m) => m.activity))).toMatch(/SUP-\d{6}/);
  });
});

function nowSec(): number {
  return Math.floor(Date.now() / 1000);
}

/** An unsigned JWT (`alg: none`), which must never be accepted. */
function unsigned(payload: Record<string, unknown>): string {
  return `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT', kid: KID }))}.${b64url(JSON.stringify(payload))}.`;
}
