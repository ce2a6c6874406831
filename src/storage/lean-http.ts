import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import {
  PipelinePolicy,
  PipelineRequest,
  PipelineResponse,
  RestError,
  createHttpHeaders,
  createPipelineRequest,
} from '@azure/core-rest-pipeline';
import type {
  CreateTableEntityResponse,
  DeleteTableEntityOptions,
  GetTableEntityResponse,
  TableClient,
  TableEntity,
  TableEntityResult,
  TableMergeEntityHeaders,
  UpdateMode,
  UpdateTableEntityOptions,
} from '@azure/data-tables';

/**
 * Single-entity requests (read by key, create, merge, replace, delete) and transactions sent
 * straight over Node's HTTP client, signed with the account key, instead of through the Azure
 * SDK's pipeline and serializer. Measured in process against Azurite after warm-up, a read by
 * key costs the bot 0.27–0.30 ms of processor time this way against 0.60 ms through
 * `TableClient.getEntity` (0.47 ms through the client's pipeline alone): a creation's turn makes
 * 3–4 such requests, and its outbox about 20 more (docs/benchmarks.md).
 *
 * Same contract as the SDK's methods: the same request lines, headers and JSON, the same entity
 * shape back (types from the `@odata.type` annotations, as `deserialize` in @azure/data-tables),
 * and a `RestError` with the status and the service's error code for a 4xx. One try only: a
 * network error, a 408, a 429 or a 5xx hands the call to the SDK's own method, whose pipeline
 * retries it with its back-off (so the same request may reach the service more than once, as
 * with the SDK's retries); a timeout fails at once with an `AbortError`, as the SDK's does.
 * Only for a connection string with an account key (Azure Table storage, Azurite); with a SAS or
 * a token credential the SDK serves every call. Extra pipeline policies (the round-trip counters
 * of tests and benchmarks) still see every request, to observe it: what they change in it is not
 * sent.
 */

/** The account name and key of a connection string, when it has both (no SAS). */
export interface AccountKey {
  account: string;
  key: Buffer;
}

export function accountKeyOf(connectionString: string): AccountKey | undefined {
  const parts = new Map<string, string>();
  for (const part of connectionString.split(';')) {
    const at = part.indexOf('=');
    if (at > 0) parts.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
  }
  const account = parts.get('accountname');
  const key = parts.get('accountkey');
  if (!account || !key || parts.has('sharedaccesssignature')) return undefined;
  return { account, key: Buffer.from(key, 'base64') };
}

/** What a lean request answered. */
export interface LeanResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** A response that the SDK's pipeline would have tried again. */
const retriable = (status: number) => status === 408 || status === 429 || status >= 500;

/** A lean try that failed in a way the SDK's pipeline would retry: the SDK takes the call. */
export class Retriable extends Error {}

/**
 * A request that got no answer within the client's timeout: final, as the SDK's own (its retry
 * policy does not retry an abort), so that a storage account that stopped answering costs a
 * turn one timeout, not two.
 */
class TimedOut extends Error {
  override name = 'AbortError';
  constructor() {
    super('The operation was aborted: no answer from storage within the request timeout.');
  }
}

/** An OData key in a URL: quotes doubled, then percent-encoded (as the SDK does). */
export function keyInUrl(key: string): string {
  return encodeURIComponent(key.replace(/'/g, "''"));
}

/** Sends signed requests to one storage account, over kept-alive connections. */
export class LeanSender {
  private readonly agents = keptAliveAgents();

  constructor(
    private readonly credential: AccountKey,
    private readonly timeoutMs: number,
    private readonly policies: PipelinePolicy[] = [],
  ) {}

  /**
   * One try of `method url`; rejects with `Retriable` when the SDK should take over (the
   * request failed on the way or got a retriable status), with an `AbortError` when no answer
   * came within the timeout.
   */
  async send(
    method: string,
    url: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<LeanResponse> {
    headers = { ...headers, 'x-ms-version': '2019-02-02' };
    if (this.policies.length === 0) return this.sendNow(method, url, headers, body);
    // The caller's policies (counters) see the request as the pipeline would show it.
    const request = createPipelineRequest({ url, method: method as 'GET', body });
    for (const [k, v] of Object.entries(headers)) request.headers.set(k, v);
    let answer: LeanResponse | undefined;
    const last = async (req: PipelineRequest): Promise<PipelineResponse> => {
      answer = await this.sendNow(method, url, headers, body);
      return {
        request: req,
        status: answer.status,
        headers: createHttpHeaders(answer.headers as Record<string, string>),
        bodyAsText: answer.text,
      };
    };
    const chain = this.policies.reduceRight<(req: PipelineRequest) => Promise<PipelineResponse>>(
      (next, policy) => (req) => policy.sendRequest(req, next),
      last,
    );
    await chain(request);
    if (!answer) throw new Retriable('a policy answered without sending');
    return answer;
  }

  private sendNow(
    method: string,
    url: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<LeanResponse> {
    const target = new URL(url);
    const date = new Date().toUTCString();
    const signature = createHmac('sha256', this.credential.key)
      .update(`${date}\n/${this.credential.account}${target.pathname}`, 'utf8')
      .digest('base64');
    const all: Record<string, string | number> = {
      ...headers,
      'x-ms-date': date,
      authorization: `SharedKeyLite ${this.credential.account}:${signature}`,
    };
    if (body !== undefined) all['content-length'] = Buffer.byteLength(body);
    return exchange(target, method, all, body, this.agents, this.timeoutMs);
  }
}

/** Kept-alive connections, one agent per protocol. */
export type Agents = Record<'http:' | 'https:', http.Agent>;

export const keptAliveAgents = (): Agents => ({
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
});

/**
 * One HTTP exchange over `agents`: the answer, or `Retriable` when the request failed on the way
 * or got a status the SDKs' pipelines retry (408, 429, 5xx); with `timeoutMs`, an `AbortError`
 * when no answer came in time. Shared by the table requests here and the connector calls
 * (`src/teams/lean-connector.ts`).
 */
export function exchange(
  target: URL,
  method: string,
  headers: Record<string, string | number>,
  body: string | undefined,
  agents: Agents,
  timeoutMs?: number,
): Promise<LeanResponse> {
  const secure = target.protocol === 'https:';
  return new Promise<LeanResponse>((ok, fail) => {
    const req = (secure ? https : http).request(
      target,
      { method, headers, agent: agents[secure ? 'https:' : 'http:'] },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', () => fail(new Retriable('response interrupted')));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (retriable(status)) fail(new Retriable(`status ${status}`));
          else ok({ status, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    if (timeoutMs !== undefined) req.setTimeout(timeoutMs, () => req.destroy(new TimedOut()));
    req.on('error', (e) =>
      fail(e instanceof Retriable || e instanceof TimedOut ? e : new Retriable(e.message)),
    );
    req.end(body);
  });
}

/**
 * The service's refusal as the SDK throws it: a `RestError` with the status, the response's
 * text as its message, and the OData error in its details (the SDK sets no `code` for these).
 */
export function restErrorOf(res: LeanResponse): RestError {
  let odataError: unknown;
  try {
    odataError = JSON.parse(res.text)?.['odata.error'];
  } catch {
    /* not JSON: the text is all there is */
  }
  // No stack: it would show this response's callback, not the caller; and capturing it was
  // most of the cost of a routine 404 (a person's first message reads a profile that is not
  // there yet).
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    const error = new RestError(res.text || `status ${res.status}`, { statusCode: res.status });
    error.details = { odataError };
    return error;
  } finally {
    Error.stackTraceLimit = limit;
  }
}

const CASE = new Map([
  ['PartitionKey', 'partitionKey'],
  ['RowKey', 'rowKey'],
  ['odata.etag', 'etag'],
  ['Timestamp', 'timestamp'],
]);

/** An entity as the SDK's `getEntity` gives it (type conversion on). */
export function entityOf(json: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    if (key.includes('@odata.type')) continue;
    const type = json[`${key}@odata.type`];
    out[CASE.get(key) ?? key] = type === undefined ? value : typed(value, String(type));
  }
  return out;
}

function typed(value: unknown, type: string): unknown {
  switch (type) {
    case 'Edm.DateTime':
      return new Date(value as string);
    case 'Edm.Int64':
      return BigInt(value as string);
    case 'Edm.Guid':
      return { value, type: 'Guid' };
    case 'Edm.Binary':
      return new Uint8Array(Buffer.from(value as string, 'base64'));
    case 'Edm.Boolean':
    case 'Edm.Double':
    case 'Edm.Int32':
    case 'Edm.String':
      return value;
    default:
      throw new Error(`Unknown EDM type ${type}`);
  }
}

/** The headers the SDK returns for a write (the new etag among them). */
function writeHeaders(res: LeanResponse): TableMergeEntityHeaders {
  const h = (name: string) => {
    const v = res.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const date = h('date');
  return {
    etag: h('etag'),
    clientRequestId: h('x-ms-client-request-id'),
    requestId: h('x-ms-request-id'),
    version: h('x-ms-version'),
    ...(date && { date: new Date(date) }),
  };
}

const senders = new WeakMap<TableClient, LeanSender>();

/** The lean sender `client` was given (`withLeanEntities`), for its transactions. */
export const leanSenderOf = (client: TableClient): LeanSender | undefined => senders.get(client);

/**
 * Makes `client`'s single-entity methods lean (above), each falling back to the SDK's own for a
 * retriable failure or for options this path does not know (a `select`, type conversion off,
 * an abort signal...). The entity JSON is `toJson`'s (the SDK's serialization, see
 * `transaction.ts`).
 */
export function withLeanEntities(
  client: TableClient,
  sender: LeanSender,
  toJson: (entity: TableEntity) => string,
): TableClient {
  senders.set(client, sender);
  const base = client.url.split('?')[0].replace(/\/$/, '');
  const tableUrl = `${base}/${client.tableName}`;
  const entityUrl = (pk: string, rk: string) =>
    `${tableUrl}(PartitionKey='${keyInUrl(pk)}',RowKey='${keyInUrl(rk)}')`;
  const sdk = {
    getEntity: client.getEntity.bind(client),
    createEntity: client.createEntity.bind(client),
    updateEntity: client.updateEntity.bind(client),
    upsertEntity: client.upsertEntity.bind(client),
    deleteEntity: client.deleteEntity.bind(client),
  };
  /** `lean()`, or the SDK's `fallback()` when the lean try was retriable. */
  const attempt = async <T>(lean: () => Promise<T>, fallback: () => Promise<T>): Promise<T> => {
    try {
      return await lean();
    } catch (e) {
      if (e instanceof Retriable) return fallback();
      throw e;
    }
  };
  const plain = (options: object | undefined, allowed: string[] = []) =>
    options === undefined || Object.keys(options).every((k) => allowed.includes(k));
  const checkKeys = (pk: unknown, rk: unknown) => {
    if (pk === undefined || pk === null) {
      throw new Error("The entity's partitionKey cannot be undefined or null.");
    }
    if (rk === undefined || rk === null) {
      throw new Error("The entity's rowKey cannot be undefined or null.");
    }
  };

  client.getEntity = (<T extends object>(
    partitionKey: string,
    rowKey: string,
    options?: object,
  ): Promise<GetTableEntityResponse<TableEntityResult<T>>> => {
    if (!plain(options)) return sdk.getEntity<T>(partitionKey, rowKey, options);
    checkKeys(partitionKey, rowKey);
    return attempt(
      async () => {
        const res = await sender.send('GET', entityUrl(partitionKey, rowKey), {
          accept: 'application/json;odata=minimalmetadata',
          dataserviceversion: '3.0',
        });
        if (res.status !== 200) throw restErrorOf(res);
        return entityOf(JSON.parse(res.text)) as GetTableEntityResponse<TableEntityResult<T>>;
      },
      () => sdk.getEntity<T>(partitionKey, rowKey, options),
    );
  }) as TableClient['getEntity'];

  client.createEntity = (<T extends object>(
    entity: TableEntity<T>,
    options?: object,
  ): Promise<CreateTableEntityResponse> => {
    if (!plain(options)) return sdk.createEntity(entity, options);
    return attempt(
      async () => {
        const res = await sender.send(
          'POST',
          tableUrl,
          {
            'content-type': 'application/json;odata=nometadata',
            accept: 'application/json;odata=minimalmetadata',
            dataserviceversion: '3.0',
            prefer: 'return-no-content',
          },
          toJson(entity as TableEntity),
        );
        if (res.status !== 204 && res.status !== 201) throw restErrorOf(res);
        return writeHeaders(res);
      },
      () => sdk.createEntity(entity, options),
    );
  }) as TableClient['createEntity'];

  const write = <T extends object>(
    entity: TableEntity<T>,
    mode: UpdateMode,
    etag: string | undefined,
  ): Promise<TableMergeEntityHeaders> => {
    checkKeys(entity.partitionKey, entity.rowKey);
    if (mode !== 'Merge' && mode !== 'Replace') {
      throw new Error(`Unexpected value for update mode: ${String(mode)}`);
    }
    return sender
      .send(
        mode === 'Merge' ? 'PATCH' : 'PUT',
        entityUrl(entity.partitionKey, entity.rowKey),
        {
          'content-type': 'application/json',
          accept: 'application/json',
          dataserviceversion: '3.0',
          ...(etag !== undefined && { 'if-match': etag }),
        },
        toJson(entity as TableEntity),
      )
      .then((res) => {
        if (res.status !== 204) throw restErrorOf(res);
        return writeHeaders(res);
      });
  };

  client.updateEntity = (<T extends object>(
    entity: TableEntity<T>,
    mode: UpdateMode = 'Merge',
    options?: UpdateTableEntityOptions,
  ) => {
    if (!plain(options, ['etag'])) return sdk.updateEntity(entity, mode, options);
    return attempt(
      () => write(entity, mode, options?.etag ?? '*'),
      () => sdk.updateEntity(entity, mode, options),
    );
  }) as TableClient['updateEntity'];

  client.upsertEntity = (<T extends object>(
    entity: TableEntity<T>,
    mode: UpdateMode = 'Merge',
    options?: object,
  ) => {
    if (!plain(options)) return sdk.upsertEntity(entity, mode, options);
    return attempt(
      () => write(entity, mode, undefined),
      () => sdk.upsertEntity(entity, mode, options),
    );
  }) as TableClient['upsertEntity'];

  client.deleteEntity = ((
    partitionKey: string,
    rowKey: string,
    options?: DeleteTableEntityOptions,
  ) => {
    if (!plain(options, ['etag'])) return sdk.deleteEntity(partitionKey, rowKey, options);
    checkKeys(partitionKey, rowKey);
    return attempt(
      async () => {
        const res = await sender.send('DELETE', entityUrl(partitionKey, rowKey), {
          accept: 'application/json;odata=minimalmetadata',
          dataserviceversion: '3.0',
          'if-match': options?.etag ?? '*',
        });
        if (res.status !== 204) throw restErrorOf(res);
        return writeHeaders(res);
      },
      () => sdk.deleteEntity(partitionKey, rowKey, options),
    );
  }) as TableClient['deleteEntity'];

  return client;
}
