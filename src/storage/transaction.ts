import { randomUUID } from 'node:crypto';
import {
  HttpClient,
  PipelineRequest,
  RestError,
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineRequest,
} from '@azure/core-rest-pipeline';
import type {
  TableClient,
  TableEntity,
  TableTransactionEntityResponse,
  TableTransactionResponse,
  TransactionAction,
} from '@azure/data-tables';
import { Retriable, keyInUrl, leanSenderOf } from './lean-http';

/**
 * Entity-group transactions written directly, sent through the table client's own pipeline
 * (its credential, retries, timeout and any policy the caller added).
 *
 * Why not `TableClient.submitTransaction`: in @azure/data-tables 13.3.2 every transaction builds a
 * second `TableClient` (a whole pipeline) and runs each operation through the generated client's
 * serializer only to capture the request it would have sent: about 1.5 ms of CPU per transaction
 * plus a pipeline pass per operation, the largest single cost of a ticket's creation
 * (docs/benchmarks.md). The request body here is the one the SDK writes, byte for byte in its
 * parts (the same sub-request lines, headers and JSON; see test/integration/transaction.test.ts),
 * and failures are thrown as the SDK throws them: a `RestError` with the failing operation's
 * status and code, its message starting with the operation's index.
 *
 * For Azure Table storage and Azurite, what the product runs on. (The SDK rewrites a transaction's
 * PATCH for Cosmos DB's Table API endpoints; this writer does not, so it is not for those.)
 */

const CRLF = '\r\n';
let httpClient: HttpClient | undefined;

type Primitive = string | number | boolean | null | undefined;

/**
 * The SDK's entity serialization: Dates as Edm.DateTime, bigints as Edm.Int64, typed values
 * `{ value, type }`. `etag` and `timestamp`, which the service sets, are left out (the SDK would
 * send a row read back from storage with them as `odata.etag` and `Timestamp`).
 */
export function entityJson(entity: TableEntity): string {
  const out: Record<string, Primitive> = {};
  for (const [name, value] of Object.entries(entity)) {
    const key = name === 'partitionKey' ? 'PartitionKey' : name === 'rowKey' ? 'RowKey' : name;
    if (name === 'etag' || name === 'timestamp' || value === undefined) continue;
    if (value instanceof Date) {
      out[key] = value.toISOString();
      out[`${key}@odata.type`] = 'Edm.DateTime';
    } else if (typeof value === 'bigint') {
      out[key] = value.toString();
      out[`${key}@odata.type`] = 'Edm.Int64';
    } else if (value instanceof Uint8Array) {
      out[key] = Buffer.from(value).toString('base64');
      out[`${key}@odata.type`] = 'Edm.Binary';
    } else if (value !== null && typeof value === 'object' && 'type' in value && 'value' in value) {
      out[key] = (value as { value: Primitive }).value;
      out[`${key}@odata.type`] = `Edm.${(value as { type: string }).type}`;
    } else if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) {
      out[key] = value as Primitive;
    } else {
      throw new Error(`Unknown EDM type ${typeof value}`);
    }
  }
  return JSON.stringify(out);
}

function subRequest(tableUrl: string, action: TransactionAction): string {
  const [kind, entity] = action;
  const entityUrl = `${tableUrl}(PartitionKey='${keyInUrl(entity.partitionKey)}',RowKey='${keyInUrl(entity.rowKey)}')`;
  let line: string;
  let headers: string[];
  let body: string | undefined;
  switch (kind) {
    case 'create':
      line = `POST ${tableUrl}`;
      headers = [
        'Content-Type: application/json;odata=nometadata',
        'Accept: application/json;odata=minimalmetadata',
        'DataServiceVersion: 3.0',
        'Prefer: return-no-content',
      ];
      body = entityJson(entity);
      break;
    case 'delete': {
      line = `DELETE ${entityUrl}`;
      // As the SDK, a deletion is unconditional, unless the row names an etag (the SDK ignores
      // it): then it fails, and the transaction with it, if the row changed since.
      const etag = typeof entity.etag === 'string' && entity.etag !== '' ? entity.etag : '*';
      headers = [
        'Accept: application/json;odata=minimalmetadata',
        'DataServiceVersion: 3.0',
        `If-Match: ${etag}`,
      ];
      break;
    }
    case 'update':
    case 'upsert': {
      const mode = action[2] ?? 'Merge';
      line = `${mode === 'Replace' ? 'PUT' : 'PATCH'} ${entityUrl}`;
      headers = [
        'Content-Type: application/json',
        'DataServiceVersion: 3.0',
        'Accept: application/json',
      ];
      if (kind === 'update') headers.push(`If-Match: ${action[3]?.etag ?? '*'}`);
      body = entityJson(entity);
      break;
    }
    default:
      throw new Error(`Unknown transaction action ${String(kind)}`);
  }
  return [
    'content-type: application/http',
    'content-transfer-encoding: binary',
    '',
    `${line} HTTP/1.1`,
    ...headers,
    '',
    '',
    ...(body === undefined ? [] : [body]),
  ].join(CRLF);
}

/** The multipart body of one changeset holding `actions`, for a table at `tableUrl`. */
export function transactionBody(
  tableUrl: string,
  actions: TransactionAction[],
  batchId: string,
  changesetId: string,
): string {
  const changeset = `changeset_${changesetId}`;
  return [
    `--batch_${batchId}`,
    `content-type: multipart/mixed; boundary=${changeset}`,
    '',
    '',
    ...actions.map((a) => `--${changeset}${CRLF}${subRequest(tableUrl, a)}`),
    `--${changeset}--`,
    `--batch_${batchId}--`,
    '',
  ].join(CRLF);
}

/** Statuses and etags of the operations, or the failing operation's error (as the SDK throws). */
export function parseTransactionResponse(
  status: number,
  text: string,
  request: PipelineRequest,
): TableTransactionResponse {
  const parts = text.split('--changesetresponse_').slice(1, -1);
  const fail = (json: string, code: number): never => {
    let message = 'Transaction Failed';
    let errorCode: string | undefined;
    try {
      const error = JSON.parse(json)?.['odata.error'];
      if (error) {
        message = error.message?.value ?? message;
        errorCode = error.code;
      }
    } catch {
      /* not JSON: the generic message */
    }
    throw new RestError(message, { code: errorCode, statusCode: code, request });
  };
  if (status < 200 || status >= 300) fail(text, status);
  const subResponses: TableTransactionEntityResponse[] = parts.map((part) => {
    const code = Number(/HTTP\/1\.1 (\d+)/.exec(part)?.[1]);
    if (!Number.isInteger(code)) throw new Error(`No status in a transaction sub-response`);
    const json = /\{(.*)\}/.exec(part);
    if (json) fail(json[0], code);
    const etag = /ETag: (.*)/.exec(part)?.[1]?.trim();
    const rowKey = /RowKey='(.*)'/.exec(part)?.[1];
    return { status: code, ...(rowKey && { rowKey }), ...(etag && { etag }) };
  });
  return {
    status,
    subResponses,
    getResponseForEntity: (rowKey: string) => subResponses.find((r) => r.rowKey === rowKey),
  };
}

/**
 * Submits `actions` (one partition, at most 100) as one entity-group transaction through
 * `client`'s pipeline. Same contract as `TableClient.submitTransaction`.
 */
export async function submitTransaction(
  client: TableClient,
  actions: TransactionAction[],
): Promise<TableTransactionResponse> {
  if (actions.length === 0) throw new Error('A transaction needs at least one action');
  const partitionKey = actions[0][1].partitionKey;
  if (actions.some((a) => a[1].partitionKey !== partitionKey)) {
    throw new Error('All operations in a transaction must target the same partitionKey');
  }
  // A SAS token stays on the $batch URL only, never inside the sub-requests.
  const [base, sas] = client.url.split('?');
  const account = base.endsWith('/') ? base : `${base}/`;
  const batchId = randomUUID();
  const url = `${account}$batch${sas ? `?${sas}` : ''}`;
  const body = transactionBody(`${account}${client.tableName}`, actions, batchId, randomUUID());
  const headers = {
    accept: 'application/json',
    DataServiceVersion: '3.0;',
    MaxDataServiceVersion: '3.0;NetFx',
    'Content-Type': `multipart/mixed; boundary=batch_${batchId}`,
    'Accept-Charset': 'UTF-8',
  };
  const request = createPipelineRequest({
    url,
    method: 'POST',
    body,
    headers: createHttpHeaders({
      ...headers,
      'x-ms-version': '2019-02-02',
      Connection: 'Keep-Alive',
    }),
    allowInsecureConnection: account.startsWith('http:'),
  });
  // Straight over HTTP when the client has a lean sender; its pipeline (with retries) otherwise,
  // and when the lean try failed in a way the pipeline would retry.
  const lean = leanSenderOf(client);
  if (lean) {
    try {
      const res = await lean.send('POST', url, headers, body);
      return parseTransactionResponse(res.status, res.text, request);
    } catch (e) {
      if (!(e instanceof Retriable)) throw e;
    }
  }
  httpClient ??= createDefaultHttpClient();
  const response = await client.pipeline.sendRequest(httpClient, request);
  return parseTransactionResponse(response.status, response.bodyAsText ?? '', request);
}

/** Makes `client.submitTransaction` the lean one above (createTables does it for every table). */
export function withLeanTransactions(client: TableClient): TableClient {
  client.submitTransaction = (actions) => submitTransaction(client, actions);
  return client;
}
