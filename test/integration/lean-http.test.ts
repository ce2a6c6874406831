import http from 'node:http';
import { AddressInfo } from 'node:net';
import { PipelinePolicy } from '@azure/core-rest-pipeline';
import { TableClient } from '@azure/data-tables';
import { accountKeyOf } from '../../src/storage/lean-http';
import {
  Tables,
  createTables,
  ensureTables,
  isUnavailable,
  statusOf,
} from '../../src/storage/tables';
import { freshPrefix, testConnectionString } from '../support/bot-harness';

/**
 * The lean single-entity requests of `src/storage/lean-http.ts` against the SDK's own methods, on
 * the test Azurite: the same rows written, the same entities read back, the same errors; a
 * retriable failure handed to the SDK; policies still seeing every request.
 */

const tricky = "a|b 'c' é+&=";
const at = new Date('2026-01-02T03:04:05.678Z');

/** Every kind of value a row can hold. */
const values = {
  text: 'héllo "quoted" \\ ñ 😀',
  int: 3,
  float: 1.5,
  whole: { value: '2', type: 'Double' as const },
  yes: true,
  at,
  big: BigInt('9007199254740993'),
  guid: { value: '0f8fad5b-d9cb-469f-a165-70867728950e', type: 'Guid' as const },
  bytes: new Uint8Array([0, 1, 254, 255]),
  empty: '',
};

/** An entity without what the service sets (etag, timestamp) and the response's metadata. */
const body = (e: Record<string, unknown>) => {
  const { etag, timestamp, 'odata.metadata': _m, ...rest } = e;
  return { rest, etag, timestamp };
};

const seen: { method: string; url: string }[] = [];
const counter: PipelinePolicy = {
  name: 'seen',
  sendRequest: (req, next) => {
    seen.push({ method: req.method, url: req.url });
    return next(req);
  },
};

let tables: Tables;
let lean: TableClient;
let sdk: TableClient;

beforeAll(async () => {
  tables = createTables(
    { kind: 'connectionString', connectionString: testConnectionString() },
    { prefix: freshPrefix(), policies: [counter] },
  );
  await ensureTables(tables);
  lean = tables.tickets;
  sdk = TableClient.fromConnectionString(testConnectionString(), lean.tableName, {
    allowInsecureConnection: true,
  });
});

describe('lean single-entity requests: what the SDK does, for half its processor time', () => {
  it('is what the product’s table clients use when the connection string has a key', () => {
    expect(lean.getEntity).not.toBe(TableClient.prototype.getEntity);
    expect(lean.updateEntity).not.toBe(TableClient.prototype.updateEntity);
    expect(accountKeyOf(testConnectionString())).toBeDefined();
    // A SAS or a token credential: the SDK serves every call.
    expect(
      accountKeyOf('TableEndpoint=https://x.table.core.windows.net;SharedAccessSignature=sv=1'),
    ).toBeUndefined();
    const viaSas = createTables(
      {
        kind: 'connectionString',
        connectionString:
          'TableEndpoint=https://x.table.core.windows.net/;SharedAccessSignature=sv=1',
      },
      { prefix: 'p' },
    );
    expect(viaSas.tickets.getEntity).toBe(TableClient.prototype.getEntity);
  });

  it('writes and reads every kind of value as the SDK does', async () => {
    await sdk.createEntity({ partitionKey: 'v-sdk', rowKey: tricky, ...values });
    await lean.createEntity({ partitionKey: 'v-lean', rowKey: tricky, ...values });
    // Each read back by both, from both.
    const rows = await Promise.all([
      sdk.getEntity('v-sdk', tricky),
      lean.getEntity('v-sdk', tricky),
      sdk.getEntity('v-lean', tricky),
      lean.getEntity('v-lean', tricky),
    ]);
    const [a, b, c, d] = rows.map(body);
    expect(b.rest).toEqual(a.rest);
    expect(b.etag).toBe(a.etag);
    expect(b.timestamp).toBe(a.timestamp);
    expect({ ...c.rest, partitionKey: 'v-sdk' }).toEqual(a.rest);
    expect(d.rest).toEqual(c.rest);
    expect(d.etag).toBe(c.etag);
    expect(d.rest).toMatchObject({ ...values, whole: 2, partitionKey: 'v-lean', rowKey: tricky });
    expect(d.rest.at).toBeInstanceOf(Date);
    expect(typeof d.rest.big).toBe('bigint');
  });

  it('merges, replaces and upserts as the SDK does, returning the new etag', async () => {
    const pk = 'w';
    const made = await lean.createEntity({ partitionKey: pk, rowKey: 'r', a: 1, b: 'x' });
    const first = await lean.getEntity(pk, 'r');
    expect(made.etag).toBe(first.etag);
    const merged = await lean.updateEntity({ partitionKey: pk, rowKey: 'r', a: 2 }, 'Merge', {
      etag: first.etag,
    });
    expect(await lean.getEntity(pk, 'r')).toMatchObject({ a: 2, b: 'x', etag: merged.etag });
    const replaced = await lean.updateEntity({ partitionKey: pk, rowKey: 'r', c: true }, 'Replace');
    const now = await sdk.getEntity(pk, 'r');
    expect(now).toMatchObject({ c: true, etag: replaced.etag });
    expect(now.a).toBeUndefined();
    await lean.upsertEntity({ partitionKey: pk, rowKey: 'new', n: 1 });
    await lean.upsertEntity({ partitionKey: pk, rowKey: 'new', m: 2 }, 'Merge');
    expect(await sdk.getEntity(pk, 'new')).toMatchObject({ n: 1, m: 2 });
    await lean.upsertEntity({ partitionKey: pk, rowKey: 'new', k: 3 }, 'Replace');
    const replacedRow = await sdk.getEntity(pk, 'new');
    expect(replacedRow).toMatchObject({ k: 3 });
    expect(replacedRow.n).toBeUndefined();
  });

  it('fails as the SDK fails: a missing row, a taken key, a stale etag', async () => {
    const pk = 'e';
    await lean.createEntity({ partitionKey: pk, rowKey: 'r', n: 1 });
    const stale = (await lean.getEntity(pk, 'r')).etag;
    await lean.updateEntity({ partitionKey: pk, rowKey: 'r', n: 2 }, 'Merge');
    const cases: [string, (c: TableClient) => Promise<unknown>][] = [
      ['read of a missing row', (c) => c.getEntity(pk, 'missing')],
      ['create of a taken key', (c) => c.createEntity({ partitionKey: pk, rowKey: 'r' })],
      [
        'update with a stale etag',
        (c) => c.updateEntity({ partitionKey: pk, rowKey: 'r' }, 'Merge', { etag: stale }),
      ],
      [
        'update of a missing row',
        (c) => c.updateEntity({ partitionKey: pk, rowKey: 'missing' }, 'Replace'),
      ],
      ['delete with a stale etag', (c) => c.deleteEntity(pk, 'r', { etag: stale })],
      ['delete of a missing row', (c) => c.deleteEntity(pk, 'missing')],
    ];
    for (const [what, call] of cases) {
      const expected = await call(sdk).catch((e: unknown) => e);
      const got = await call(lean).catch((e: unknown) => e);
      const summary = (e: unknown) => ({
        what,
        status: statusOf(e),
        code: (e as { code?: string }).code,
        odata: (e as { details?: { odataError?: { code?: string } } }).details?.odataError?.code,
      });
      expect(summary(got)).toEqual(summary(expected));
      expect(statusOf(got)).toBeGreaterThanOrEqual(400);
      expect((got as Error).name).toBe('RestError');
    }
    // The row is still there, unchanged by the failed calls; a current etag deletes it.
    const row = await lean.getEntity(pk, 'r');
    expect(row).toMatchObject({ n: 2 });
    await lean.deleteEntity(pk, 'r', { etag: row.etag });
    expect(statusOf(await lean.getEntity(pk, 'r').catch((e: unknown) => e))).toBe(404);
  });

  it('lets the caller’s pipeline policies see every request', async () => {
    const from = seen.length;
    await lean.upsertEntity({ partitionKey: 's', rowKey: 'r', n: 1 });
    await lean.getEntity('s', 'r');
    await lean.deleteEntity('s', 'r');
    await lean.submitTransaction([['create', { partitionKey: 's', rowKey: 'x' }]]);
    expect(seen.slice(from).map((r) => r.method)).toEqual(['PATCH', 'GET', 'DELETE', 'POST']);
    expect(seen[from + 1].url).toContain(`${lean.tableName}(PartitionKey='s',RowKey='r')`);
    // A refusal is not retried: one request, and the caller has the 404.
    const before = seen.length;
    expect(statusOf(await lean.getEntity('s', 'r').catch((e: unknown) => e))).toBe(404);
    expect(seen.length).toBe(before + 1);
  });
});

describe('lean requests that fail on the way are the SDK’s to retry; no answer fails at once', () => {
  /**
   * A proxy in front of the test Azurite that fails the lean tries (they carry no SDK
   * user-agent) as `fail` says, and forwards everything else; `silence` leaves every request
   * unanswered, the SDK's too.
   */
  async function proxy(fail: 'status' | 'silence' | 'reset') {
    const target = new URL(/TableEndpoint=([^;]+)/.exec(testConnectionString())![1]);
    const tries = { lean: 0, sdk: 0 };
    const server = http.createServer((req, res) => {
      const fromSdk = String(req.headers['user-agent'] ?? '').includes('azsdk');
      if (fail === 'silence') {
        tries[fromSdk ? 'sdk' : 'lean'] += 1;
        return;
      }
      if (!fromSdk) {
        tries.lean += 1;
        if (fail === 'status') {
          res.statusCode = 503;
          res.end('{"odata.error":{"code":"ServerBusy"}}');
        } else req.socket.destroy();
        return;
      }
      tries.sdk += 1;
      const out = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 500, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(out);
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const { port } = server.address() as AddressInfo;
    const connectionString = testConnectionString().replace(
      /TableEndpoint=[^;]+/,
      `TableEndpoint=http://127.0.0.1:${port}${target.pathname}`,
    );
    const via = createTables(
      { kind: 'connectionString', connectionString },
      {
        prefix: lean.tableName.replace(/tickets$/, ''),
        requestTimeoutMs: 300,
      },
    );
    return {
      tables: via,
      tries,
      endpoint: `http://127.0.0.1:${port}${target.pathname}`,
      close: () =>
        new Promise((ok) => {
          server.closeAllConnections();
          server.close(ok);
        }),
    };
  }

  for (const fail of ['status', 'reset'] as const) {
    it(`reads and writes through the SDK after a lean try ended in ${fail}`, async () => {
      const p = await proxy(fail);
      try {
        const c = p.tables.tickets;
        await c.upsertEntity({ partitionKey: `f-${fail}`, rowKey: 'r', n: 1 });
        await c.submitTransaction([
          ['update', { partitionKey: `f-${fail}`, rowKey: 'r', n: 2 }, 'Merge'],
        ]);
        expect(await c.getEntity(`f-${fail}`, 'r')).toMatchObject({ n: 2 });
        expect(p.tries.lean).toBe(3);
        expect(p.tries.sdk).toBe(3);
      } finally {
        await p.close();
      }
    });
  }

  it('gives up after one timeout when storage stops answering, as the SDK does', async () => {
    const p = await proxy('silence');
    try {
      const sdk = TableClient.fromConnectionString(
        testConnectionString().replace(/TableEndpoint=[^;]+/, `TableEndpoint=${p.endpoint}`),
        lean.tableName,
        {
          allowInsecureConnection: true,
          additionalPolicies: [
            {
              policy: { name: 'timeout', sendRequest: (r, next) => ((r.timeout = 300), next(r)) },
              position: 'perRetry',
            },
          ],
        },
      );
      for (const [who, client] of [
        ['lean', p.tables.tickets],
        ['sdk', sdk],
      ] as const) {
        const started = Date.now();
        const err = await client.getEntity('quiet', 'r').catch((e: unknown) => e);
        expect({ who, name: (err as Error).name, unavailable: isUnavailable(err) }).toEqual({
          who,
          name: 'AbortError',
          unavailable: true,
        });
        expect(Date.now() - started).toBeLessThan(1500);
      }
      // One request each: neither tried again.
      expect(p.tries).toEqual({ lean: 1, sdk: 1 });
    } finally {
      await p.close();
    }
  });
});
