import { PipelinePolicy, RestError } from '@azure/core-rest-pipeline';
import { TableClient, TransactionAction } from '@azure/data-tables';
import { createTables, ensureTables } from '../../src/storage/tables';
import { submitTransaction } from '../../src/storage/transaction';
import { freshPrefix, testConnectionString } from '../support/bot-harness';

/**
 * The lean transactions of `src/storage/transaction.ts` against the SDK's own
 * `TableClient.submitTransaction`, on the test Azurite: the same request (apart from the random
 * boundaries), the same results, the same errors.
 */

/** Records the body and headers of every `$batch` request a client sends. */
function recorder(): {
  policy: PipelinePolicy;
  bodies: string[];
  headers: Record<string, string>[];
} {
  const bodies: string[] = [];
  const headers: Record<string, string>[] = [];
  return {
    bodies,
    headers,
    policy: {
      name: 'recordBatches',
      sendRequest: (req, next) => {
        if (req.url.includes('$batch')) {
          bodies.push(String(req.body));
          headers.push(req.headers.toJSON());
        }
        return next(req);
      },
    },
  };
}

/** A body with its random batch and changeset ids replaced. */
const normalized = (body: string) => body.replace(/(batch|changeset)_[0-9a-f-]{36}/g, '$1_ID');

const tricky = "a|b 'c' é+&=";

let sdk: TableClient;
let lean: TableClient;
let seen: ReturnType<typeof recorder>;

beforeAll(async () => {
  const prefix = freshPrefix();
  seen = recorder();
  const tables = createTables(
    { kind: 'connectionString', connectionString: testConnectionString() },
    { prefix, policies: [seen.policy] },
  );
  await ensureTables(tables);
  lean = tables.tickets;
  // The SDK's transactions on the same table, for comparison.
  sdk = TableClient.fromConnectionString(testConnectionString(), lean.tableName, {
    allowInsecureConnection: true,
    additionalPolicies: [{ policy: seen.policy, position: 'perRetry' }],
  });
});

/** The same actions on partition `pk` through both, each after `setUp` made the same rows. */
async function both(
  pk: string,
  actions: (pk: string) => TransactionAction[],
): Promise<{ sdk: string; lean: string }> {
  const from = seen.bodies.length;
  await sdk.submitTransaction(actions(`${pk}-sdk`));
  await submitTransaction(lean, actions(`${pk}-lean`));
  const [a, b] = seen.bodies.slice(from);
  return { sdk: normalized(a).replace(/-sdk/g, '-X'), lean: normalized(b).replace(/-lean/g, '-X') };
}

describe('lean transactions: what the SDK sends, for a fraction of its work', () => {
  it('writes the body the SDK writes for every kind of action and value', async () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    await sdk.createEntity({ partitionKey: 'p1-sdk', rowKey: tricky, n: 0 });
    await lean.createEntity({ partitionKey: 'p1-lean', rowKey: tricky, n: 0 });
    await sdk.createEntity({ partitionKey: 'p1-sdk', rowKey: 'gone', n: 0 });
    await lean.createEntity({ partitionKey: 'p1-lean', rowKey: 'gone', n: 0 });
    const bodies = await both('p1', (pk) => [
      [
        'create',
        {
          partitionKey: pk,
          rowKey: 'new',
          text: 'héllo "quoted" \\ ñ 😀',
          int: 3,
          float: 1.5,
          yes: true,
          empty: '',
          at,
          big: 5n,
        },
      ],
      ['update', { partitionKey: pk, rowKey: tricky, n: 1 }, 'Merge'],
      ['upsert', { partitionKey: pk, rowKey: 'r', n: 2 }, 'Replace'],
      ['upsert', { partitionKey: pk, rowKey: 'm', n: 3 }, 'Merge'],
      ['delete', { partitionKey: pk, rowKey: 'gone' }],
    ]);
    expect(bodies.lean).toBe(bodies.sdk);
    expect(bodies.lean).toContain(`RowKey='a%7Cb%20''c''%20%C3%A9%2B%26%3D'`);
    // The outer request carries the same protocol headers.
    const [h1, h2] = seen.headers.slice(-2);
    for (const name of ['accept', 'x-ms-version', 'dataserviceversion', 'maxdataserviceversion']) {
      expect(h2[name]).toBe(h1[name]);
    }
    expect(h2['content-type']).toMatch(/^multipart\/mixed; boundary=batch_[0-9a-f-]{36}$/);
    // And storage holds the same rows.
    const row = await lean.getEntity('p1-lean', 'new');
    expect(row).toMatchObject({ text: 'héllo "quoted" \\ ñ 😀', int: 3, float: 1.5, yes: true });
    expect((row.at as Date).toISOString?.() ?? row.at).toBe(at.toISOString());
    expect(await lean.getEntity('p1-lean', tricky)).toMatchObject({ n: 1 });
  });

  it('returns every operation’s status and etag, in order', async () => {
    const res = await submitTransaction(lean, [
      ['create', { partitionKey: 'p2', rowKey: 'a' }],
      ['upsert', { partitionKey: 'p2', rowKey: 'b' }, 'Replace'],
    ]);
    expect(res.status).toBe(202);
    expect(res.subResponses.map((r) => r.status)).toEqual([204, 204]);
    const a = await lean.getEntity('p2', 'a');
    expect(res.subResponses[0].etag).toBe(a.etag);
    // An etag from it is a valid condition for the next write.
    await submitTransaction(lean, [
      ['update', { partitionKey: 'p2', rowKey: 'a', v: 1 }, 'Merge', { etag: a.etag }],
    ]);
  });

  it.each([
    [
      'a key already used',
      (pk: string): TransactionAction[] => [
        ['create', { partitionKey: pk, rowKey: 'fresh' }],
        ['create', { partitionKey: pk, rowKey: 'taken' }],
      ],
      409,
    ],
    [
      'a stale etag',
      (pk: string): TransactionAction[] => [
        [
          'update',
          { partitionKey: pk, rowKey: 'taken' },
          'Merge',
          { etag: `W/"datetime'2020-01-01T00%3A00%3A00.0000000Z'"` },
        ],
      ],
      412,
    ],
    [
      'a missing row',
      (pk: string): TransactionAction[] => [['delete', { partitionKey: pk, rowKey: 'nope' }]],
      404,
    ],
  ])('fails as the SDK fails on %s, and writes nothing', async (_what, actions, status) => {
    const pk = `p3-${status}`;
    await lean.createEntity({ partitionKey: pk, rowKey: 'taken' });
    const errorOf = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: RestError) => ({
          name: e.name,
          statusCode: e.statusCode,
          code: e.code,
          at: e.message.split(':')[0],
        }),
      );
    const theirs = await errorOf(sdk.submitTransaction(actions(pk)));
    const ours = await errorOf(submitTransaction(lean, actions(pk)));
    expect(ours).toEqual(theirs);
    expect(ours?.statusCode).toBe(status);
    const rows = [];
    for await (const r of lean.listEntities({
      queryOptions: { filter: `PartitionKey eq '${pk}'` },
    }))
      rows.push(r.rowKey);
    expect(rows).toEqual(['taken']);
  });

  it('deletes a row only while it is unchanged when the deletion names its etag', async () => {
    const pk = 'p4';
    const a = await lean.createEntity({ partitionKey: pk, rowKey: 'a', v: 1 });
    const b = await lean.createEntity({ partitionKey: pk, rowKey: 'b', v: 1 });
    await lean.updateEntity({ partitionKey: pk, rowKey: 'b', v: 2 }, 'Merge');
    // b changed since its etag was taken: nothing is deleted, and the error names b's operation.
    const err = await submitTransaction(lean, [
      ['delete', { partitionKey: pk, rowKey: 'a', etag: a.etag }],
      ['delete', { partitionKey: pk, rowKey: 'b', etag: b.etag }],
    ]).then(
      () => undefined,
      (e: RestError) => e,
    );
    expect(err?.statusCode).toBe(412);
    expect(err?.message.split(':')[0]).toBe('1');
    const left = async () => {
      const rows = [];
      for await (const r of lean.listEntities({
        queryOptions: { filter: `PartitionKey eq '${pk}'` },
      }))
        rows.push(r.rowKey);
      return rows;
    };
    expect(await left()).toEqual(['a', 'b']);
    // With their current etags both go.
    const now = await lean.getEntity(pk, 'b');
    await submitTransaction(lean, [
      ['delete', { partitionKey: pk, rowKey: 'a', etag: a.etag }],
      ['delete', { partitionKey: pk, rowKey: 'b', etag: now.etag }],
    ]);
    expect(await left()).toEqual([]);
  });

  it('refuses actions on two partitions before sending anything', async () => {
    const sent = seen.bodies.length;
    await expect(
      submitTransaction(lean, [
        ['create', { partitionKey: 'x', rowKey: '1' }],
        ['create', { partitionKey: 'y', rowKey: '1' }],
      ]),
    ).rejects.toThrow(/same partitionKey/);
    expect(seen.bodies.length).toBe(sent);
  });

  it('is what the product’s table clients use', () => {
    // createTables replaced the SDK's method on every client.
    expect(lean.submitTransaction).not.toBe(TableClient.prototype.submitTransaction);
  });
});
