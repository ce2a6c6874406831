import { TableClient, TableServiceClient } from '@azure/data-tables';
import type { TokenCredential } from '@azure/core-auth';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { LeanSender, accountKeyOf, withLeanEntities } from './lean-http';
import { entityJson, withLeanTransactions } from './transaction';

/** Every table of the product; `docs/storage.md` gives their keys and the queries they serve. */
export const TABLE_NAMES = ['tickets', 'users', 'tenants', 'timers', 'stats', 'problems'] as const;
export type TableName = (typeof TABLE_NAMES)[number];
export type Tables = Record<TableName, TableClient>;

export type TablesTarget =
  | { kind: 'connectionString'; connectionString: string }
  | { kind: 'accountUrl'; accountUrl: string; credential: TokenCredential };

export interface TablesOptions {
  prefix: string;
  /** ms before one storage request is abandoned: a turn must never outlast Teams' limits */
  requestTimeoutMs?: number;
  /** retries after the first try (the SDK's exponential backoff) */
  maxRetries?: number;
  /** extra pipeline policies, e.g. a round-trip counter for benchmarks */
  policies?: PipelinePolicy[];
}

const REQUEST_TIMEOUT_MS = 2500;

/** Sets a per-request timeout, so that a stalled storage account fails fast. */
function timeoutPolicy(ms: number): PipelinePolicy {
  return {
    name: 'requestTimeout',
    sendRequest: (request, next) => {
      request.timeout = ms;
      return next(request);
    },
  };
}

function clientOptions(opts: TablesOptions, insecure: boolean) {
  return {
    allowInsecureConnection: insecure,
    retryOptions: {
      maxRetries: opts.maxRetries ?? 2,
      retryDelayInMs: 100,
      maxRetryDelayInMs: 1000,
    },
    additionalPolicies: [
      {
        policy: timeoutPolicy(opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS),
        position: 'perRetry' as const,
      },
      ...(opts.policies ?? []).map((policy) => ({ policy, position: 'perRetry' as const })),
    ],
  };
}

export function tableName(prefix: string, name: TableName): string {
  return `${prefix}${name}`;
}

function isHttp(target: TablesTarget): boolean {
  const url =
    target.kind === 'connectionString'
      ? (/TableEndpoint=([^;]+)/i.exec(target.connectionString)?.[1] ??
        (/DefaultEndpointsProtocol=http(;|$)/i.test(target.connectionString) ? 'http:' : ''))
      : target.accountUrl;
  return url.startsWith('http:') || /UseDevelopmentStorage=true/i.test(url);
}

export function createTables(target: TablesTarget, opts: TablesOptions): Tables {
  const options = clientOptions(opts, isHttp(target));
  // With an account key, single-entity requests and transactions go straight over HTTP
  // (`lean-http.ts`); the SDK serves queries, and every call when a lean try must be retried.
  const key =
    target.kind === 'connectionString' ? accountKeyOf(target.connectionString) : undefined;
  const sender = key
    ? new LeanSender(key, opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS, opts.policies)
    : undefined;
  const lean = (client: TableClient) =>
    sender ? withLeanEntities(client, sender, entityJson) : client;
  // Transactions are written by `transaction.ts` (a fraction of the SDK's CPU per transaction).
  const make = (name: TableName) =>
    lean(
      withLeanTransactions(
        target.kind === 'connectionString'
          ? TableClient.fromConnectionString(
              target.connectionString,
              tableName(opts.prefix, name),
              options,
            )
          : new TableClient(
              target.accountUrl,
              tableName(opts.prefix, name),
              target.credential,
              options,
            ),
      ),
    );
  return Object.fromEntries(TABLE_NAMES.map((n) => [n, make(n)])) as Tables;
}

export function createServiceClient(target: TablesTarget, opts: TablesOptions): TableServiceClient {
  const options = clientOptions(opts, isHttp(target));
  return target.kind === 'connectionString'
    ? TableServiceClient.fromConnectionString(target.connectionString, options)
    : new TableServiceClient(target.accountUrl, target.credential, options);
}

/** Creates every table that does not exist yet (409 from a concurrent creator is fine). */
export async function ensureTables(tables: Tables): Promise<void> {
  await Promise.all(Object.values(tables).map((t) => t.createTable()));
}

/** One cheap call that proves storage answers (for `/healthz`). */
export async function pingStorage(tables: Tables): Promise<void> {
  const iter = tables.tenants.listEntities({ queryOptions: { filter: "PartitionKey eq '~'" } });
  await iter.byPage({ maxPageSize: 1 }).next();
}

/** HTTP status of an Azure SDK error, if it has one. */
export function statusOf(e: unknown): number | undefined {
  const s = (e as { statusCode?: unknown })?.statusCode;
  return typeof s === 'number' ? s : undefined;
}

/** True when the error means the storage service could not be reached or did not answer. */
export function isUnavailable(e: unknown): boolean {
  const status = statusOf(e);
  if (status !== undefined) return status >= 500 || status === 408;
  const code = (e as { code?: unknown })?.code;
  return (
    (typeof code === 'string' &&
      /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EPIPE|EHOSTUNREACH|REQUEST_SEND_ERROR|Timeout/i.test(
        code,
      )) ||
    (e as { name?: string })?.name === 'AbortError'
  );
}
