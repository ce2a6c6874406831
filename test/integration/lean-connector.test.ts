import http from 'node:http';
import { AddressInfo } from 'node:net';
import { Activity } from 'botbuilder';
import { ConnectorClient } from 'botframework-connector';
import { leanConnector, proxyConfigured } from '../../src/teams/lean-connector';

/**
 * `leanConnector`: the connector calls a turn and the outbox make most, sent without the SDK's
 * pipeline. Each must reach Teams as the SDK's call does (method, URL, headers that matter,
 * JSON, the credentials' token), answer as it does, and leave to the SDK what only its pipeline
 * settles (retries).
 */

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

/** A stand-in for Teams' connector service: records requests, answers with `answer(i)`. */
async function connectorService(
  answer: (i: number, req: Seen) => { status: number; body?: unknown } | 'drop' = () => ({
    status: 200,
    body: { id: 'a-1' },
  }),
) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const one: Seen = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: text ? JSON.parse(text) : undefined,
      };
      seen.push(one);
      const a = answer(seen.length - 1, one);
      if (a === 'drop') {
        req.socket.destroy();
        return;
      }
      res.writeHead(a.status, { 'content-type': 'application/json' });
      res.end(a.body === undefined ? '' : JSON.stringify(a.body));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/amer/`;
  return { url, seen, close: () => new Promise<void>((ok) => server.close(() => ok())) };
}

const TOKEN = 'token-from-the-credentials';
const signer = {
  signRequest: async (req: { headers: { set(k: string, v: string): void } }) => {
    req.headers.set('Authorization', `Bearer ${TOKEN}`);
    return req;
  },
};
const clientFor = (url: string) =>
  new ConnectorClient(signer as never, { baseUri: url, noRetryPolicy: false } as never);

const CONVERSATION = '19:abc@thread.tacv2;messageid=1700000000000';
const activity: Partial<Activity> = {
  type: 'message',
  text: 'Ticket **TKT-000042** registrado',
  locale: 'es-MX',
  conversation: {
    id: CONVERSATION,
    tenantId: 't1',
    conversationType: 'channel',
    isGroup: true,
    name: 'Triage',
  },
  from: { id: '28:bot', name: 'Mesa de ayuda' },
  recipient: { id: '29:user', name: 'Ana', aadObjectId: 'aad-ana' },
  replyToId: '1700000000001',
  attachments: [
    {
      contentType: 'application/vnd.microsoft.card.adaptive',
      content: { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'á ñ' }] },
    },
  ],
  entities: [{ type: 'mention', text: '<at>Ana</at>', mentioned: { id: '29:user', name: 'Ana' } }],
};

/** What the SDK and the lean sender must both send: the parts Teams reads. */
const request = (s: Seen) => ({
  method: s.method,
  url: s.url,
  authorization: s.headers.authorization,
  conversationHeader: s.headers['x-ms-conversation-id'],
  contentType: String(s.headers['content-type']).split(';')[0],
  body: s.body,
});

describe('leanConnector', () => {
  const calls: [string, (c: ConnectorClient) => Promise<unknown>][] = [
    [
      'replyToActivity',
      (c) => c.conversations.replyToActivity(CONVERSATION, '1700000000001', activity),
    ],
    ['sendToConversation', (c) => c.conversations.sendToConversation(CONVERSATION, activity)],
    [
      'updateActivity',
      (c) => c.conversations.updateActivity(CONVERSATION, '1700000000001', activity),
    ],
    [
      'createConversation',
      (c) =>
        c.conversations.createConversation({
          isGroup: true,
          channelData: { channel: { id: '19:abc@thread.tacv2' } },
          activity: { type: 'message', text: 'nuevo hilo' },
          tenantId: 't1',
        } as never),
    ],
  ];

  test.each(calls)(
    '%s reaches Teams as the SDK sends it, and answers the same',
    async (_, call) => {
      const svc = await connectorService((i) => ({ status: 201, body: { id: `a-${i % 2}` } }));
      try {
        const viaSdk = await call(clientFor(svc.url));
        const lean = await call(leanConnector(clientFor(svc.url), svc.url));
        expect(svc.seen).toHaveLength(2);
        const [sdk, mine] = svc.seen.map(request);
        expect(mine).toEqual(sdk);
        expect(mine.authorization).toBe(`Bearer ${TOKEN}`);
        expect(lean).toEqual({ id: 'a-1' });
        expect((viaSdk as { id?: string }).id).toBe('a-0');
      } finally {
        await svc.close();
      }
    },
  );

  test('a reply percent-encodes the conversation and names it in x-ms-conversation-id', async () => {
    const svc = await connectorService();
    try {
      await leanConnector(clientFor(svc.url), svc.url).conversations.replyToActivity(
        CONVERSATION,
        '1700000000001',
        activity,
      );
      expect(svc.seen[0].url).toBe(
        `/amer/v3/conversations/${encodeURIComponent(CONVERSATION)}/activities/1700000000001`,
      );
      expect(svc.seen[0].headers['x-ms-conversation-id']).toBe(CONVERSATION);
    } finally {
      await svc.close();
    }
  });

  test('an answer without a body is an empty response, as the SDK gives', async () => {
    const svc = await connectorService(() => ({ status: 200 }));
    try {
      const client = leanConnector(clientFor(svc.url), svc.url);
      await expect(
        client.conversations.updateActivity(CONVERSATION, '1', activity),
      ).resolves.toEqual({});
    } finally {
      await svc.close();
    }
  });

  test('a refusal is a RestError with its status and code, sent once (not retried)', async () => {
    const svc = await connectorService(() => ({
      status: 403,
      body: { error: { code: 'BotNotInConversationRoster', message: 'The bot is not part' } },
    }));
    try {
      const client = leanConnector(clientFor(svc.url), svc.url);
      const error = await client.conversations
        .sendToConversation(CONVERSATION, activity)
        .catch((e: unknown) => e);
      expect(error).toMatchObject({
        name: 'RestError',
        statusCode: 403,
        code: 'BotNotInConversationRoster',
        message: 'The bot is not part',
      });
      expect(svc.seen).toHaveLength(1);
    } finally {
      await svc.close();
    }
  });

  test.each([
    ['a 503', { status: 503 }],
    ['a 429', { status: 429 }],
    ['a dropped connection', 'drop' as const],
  ])('after %s the SDK takes the call over and its answer is returned', async (_, first) => {
    const svc = await connectorService((i) =>
      i === 0 ? first : { status: 200, body: { id: 'x' } },
    );
    try {
      const client = leanConnector(clientFor(svc.url), svc.url);
      await expect(
        client.conversations.replyToActivity(CONVERSATION, '1', activity),
      ).resolves.toMatchObject({ id: 'x' });
      expect(svc.seen).toHaveLength(2);
      expect(request(svc.seen[1])).toEqual(request(svc.seen[0]));
    } finally {
      await svc.close();
    }
  });

  test('a call with options, and every other operation, stays with the SDK', async () => {
    const svc = await connectorService(() => ({ status: 200, body: { id: 'o' } }));
    try {
      const client = leanConnector(clientFor(svc.url), svc.url);
      await client.conversations.sendToConversation(CONVERSATION, activity, {
        customHeaders: { 'x-test': 'options' },
      } as never);
      expect(svc.seen[0].headers['x-test']).toBe('options');
      // The SDK names itself; the lean sender does not.
      expect(String(svc.seen[0].headers['user-agent'])).toContain('botframework-connector');
      await client.conversations.deleteActivity(CONVERSATION, '1');
      expect(svc.seen[1].method).toBe('DELETE');
      await client.conversations.sendToConversation(CONVERSATION, activity);
      expect(String(svc.seen[2].headers['user-agent'] ?? '')).not.toContain(
        'botframework-connector',
      );
    } finally {
      await svc.close();
    }
  });

  test('with a proxy configured the SDK sends everything', () => {
    expect(proxyConfigured({ HTTPS_PROXY: 'http://proxy:3128' })).toBe(true);
    expect(proxyConfigured({ http_proxy: 'http://proxy:3128' })).toBe(true);
    expect(proxyConfigured({ HTTPS_PROXY: '' })).toBe(false);
    const saved = process.env.HTTPS_PROXY;
    process.env.HTTPS_PROXY = 'http://proxy.invalid:3128';
    try {
      const client = clientFor('http://127.0.0.1:9/');
      const before = client.conversations.replyToActivity;
      expect(leanConnector(client, 'http://127.0.0.1:9/').conversations.replyToActivity).toBe(
        before,
      );
    } finally {
      if (saved === undefined) delete process.env.HTTPS_PROXY;
      else process.env.HTTPS_PROXY = saved;
    }
  });
});
