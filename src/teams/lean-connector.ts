import { RestError, createHttpHeaders } from '@azure/core-rest-pipeline';
import type { ConnectorClient } from 'botframework-connector';
import { Retriable, exchange, keptAliveAgents } from '../storage/lean-http';

/**
 * The connector calls a turn and the outbox make most (a reply, a new message, a card updated
 * in place, a new channel thread) sent straight over Node's HTTP client instead of through the
 * connector SDK's pipeline and serializer. Under the concurrency-16 load of `npm run bench` that
 * pipeline was a fifth of the bot's processor time (a reply through it costs about 1 ms of
 * processor; docs/benchmarks.md), for requests that are one JSON body each way.
 *
 * Same contract as the SDK's operations (`client.conversations.*`):
 * - the same method, URL (path segments percent-encoded) and headers, `x-ms-conversation-id` on
 *   a reply, and the request signed by the client's own credentials (`signRequest`: with
 *   authentication off they add nothing, with an app id they add the bearer token);
 * - the activity as JSON, as the bot built it (the SDK's serializer drops the properties its
 *   schema does not name; Teams reads the same JSON either way);
 * - the answer's JSON back (a `ResourceResponse`, or a `ConversationResourceResponse`), `{}`
 *   when it has no body;
 * - a refusal (a 4xx other than 408 and 429) thrown as a `RestError` with its status, and the
 *   service's error code and message when the body has them.
 *
 * One try only: a network error, a 408, a 429 or a 5xx hands the call to the SDK's own
 * operation, whose pipeline retries it with its back-off (as with the SDK's retries, Teams may
 * then get the same request twice). With a proxy configured (`HTTPS_PROXY`, `HTTP_PROXY`), or
 * for a call with options or a callback, the SDK serves the call.
 */

const agents = keptAliveAgents();

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];

/** True when the environment names a proxy (the SDK's pipeline honours it; this sender does not). */
export const proxyConfigured = (env: NodeJS.ProcessEnv = process.env): boolean =>
  PROXY_VARIABLES.some((name) => (env[name] ?? '') !== '');

/** A connector request: method, path under the service URL, body, extra headers. */
type Request = [
  method: 'POST' | 'PUT',
  path: string,
  body: unknown,
  headers?: Record<string, string>,
];

/** What signs a request: the connector client's credentials (`AppCredentials`, or a test's). */
interface Signer {
  signRequest(resource: unknown): Promise<unknown>;
}

/** `v3/...` under the service URL, whatever the URL's trailing slashes. */
const urlOf = (serviceUrl: string, path: string) => `${serviceUrl.replace(/\/+$/, '')}/${path}`;

/** The path of a conversation's activities: `v3/conversations/{id}/activities[/{activityId}]`. */
const activities = (conversationId: string, activityId?: string) =>
  `v3/conversations/${encodeURIComponent(conversationId)}/activities` +
  (activityId === undefined ? '' : `/${encodeURIComponent(activityId)}`);

async function send(
  credentials: Signer | undefined,
  method: 'POST' | 'PUT',
  url: string,
  body: unknown,
  extra: Record<string, string> = {},
): Promise<unknown> {
  const headers = createHttpHeaders({
    'content-type': 'application/json; charset=utf-8',
    accept: 'application/json',
    ...extra,
  });
  // The credentials set what they set on the SDK's requests: the authorization header.
  if (credentials) await credentials.signRequest({ url, method, headers });
  const text = JSON.stringify(body);
  const all: Record<string, string | number> = {
    ...headers.toJSON(),
    'content-length': Buffer.byteLength(text),
  };
  // Rejects with `Retriable` when the SDK should take the call over.
  const answer = await exchange(new URL(url), method, all, text, agents);
  let parsed: unknown;
  try {
    parsed = answer.text === '' ? undefined : JSON.parse(answer.text);
  } catch {
    parsed = undefined;
  }
  if (answer.status >= 200 && answer.status < 300) {
    return parsed !== null && typeof parsed === 'object' ? parsed : {};
  }
  const error = (parsed as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  throw new RestError(
    typeof error?.message === 'string' ? error.message : answer.text || `status ${answer.status}`,
    {
      statusCode: answer.status,
      ...(typeof error?.code === 'string' && { code: error.code }),
    },
  );
}

/**
 * Makes `client` (a connector for `serviceUrl`, owned by the caller) send its replies, new
 * messages, card updates and new conversations through the lean sender; every other operation,
 * and these whenever the lean try cannot settle them, stay with the SDK. Returns `client`.
 */
export function leanConnector(client: ConnectorClient, serviceUrl: string): ConnectorClient {
  if (proxyConfigured()) return client;
  const ops = client.conversations as unknown as Record<string, (...args: unknown[]) => unknown>;
  const credentials = (client as unknown as { credentials?: Signer }).credentials;
  /** Each operation's request from its leading arguments (the rest are options, a callback). */
  const requests: Record<string, [number, (...a: string[]) => Request]> = {
    replyToActivity: [
      3,
      (conversationId, activityId, activity) => [
        'POST',
        activities(conversationId, activityId),
        activity,
        { 'x-ms-conversation-id': conversationId },
      ],
    ],
    sendToConversation: [
      2,
      (conversationId, activity) => ['POST', activities(conversationId), activity],
    ],
    updateActivity: [
      3,
      (conversationId, activityId, activity) => [
        'PUT',
        activities(conversationId, activityId),
        activity,
      ],
    ],
    createConversation: [1, (parameters) => ['POST', 'v3/conversations', parameters]],
  };
  for (const [name, [arity, request]] of Object.entries(requests)) {
    const viaSdk = ops[name].bind(ops);
    ops[name] = (...args: unknown[]) => {
      // Options or a callback: the SDK's (this app passes none).
      if (args.slice(arity).some((x) => x !== undefined)) return viaSdk(...args);
      const [method, path, body, headers] = request(...(args as string[]));
      return send(credentials, method, urlOf(serviceUrl, path), body, headers).catch((e: unknown) =>
        // Not final: the SDK's operation, whose pipeline retries it.
        e instanceof Retriable ? viaSdk(...args) : Promise.reject(e),
      );
    };
  }
  return client;
}
