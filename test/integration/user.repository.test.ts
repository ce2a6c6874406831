import { Ticket } from '../../src/domain/tickets/ticket';
import { startClocks } from '../../src/domain/sla/clocks';
import { policy } from '../support/card-samples';
import { Tables, createTables } from '../../src/storage/tables';
import { UserRepository } from '../../src/storage/user.repository';
import { testConnectionString, testTables } from '../support/bot-harness';

let tables: Tables;
/** The same tables through a client that records every request to the users table. */
let counted: Tables;
const requests: string[] = [];
beforeAll(async () => {
  let prefix: string;
  ({ tables, prefix } = await testTables());
  counted = createTables(
    { kind: 'connectionString', connectionString: testConnectionString() },
    {
      prefix,
      policies: [
        {
          name: 'recordUserRequests',
          sendRequest: (req, next) => {
            const path = decodeURIComponent(new URL(req.url).pathname);
            if (path.includes('users'))
              requests.push(`${req.method} ${path.includes("RowKey='") ? 'row' : 'query'}`);
            return next(req);
          },
        },
      ],
    },
  );
});

const ticket = (n: number, requesterId: string): Ticket => ({
  tenantId: 'ten',
  number: n,
  trackingId: `SUP-00000${n}`,
  title: `title ${n}`,
  description: 'd',
  category: 'other',
  impact: 'low',
  severity: 'low',
  priority: 'baja',
  status: 'new',
  requester: { id: requesterId, name: 'R' },
  locale: 'en',
  intakeChannel: 'teams',
  createdAt: new Date(),
  updatedAt: new Date(),
  firstResponseDueAt: new Date(),
  resolutionDueAt: new Date(),
  sla: startClocks(policy, 'baja', new Date()).sla,
  tier: 1,
  eventCount: 1,
});

describe('a person’s partition', () => {
  it('reads profile, ticket index and the activity’s claim in one query, nobody else’s', async () => {
    const users = new UserRepository(tables);
    await users.saveProfile('ten', 'ana', undefined, { name: 'Ana', language: 'es' });
    await users.indexTicket(ticket(1, 'ana'), 'act-1', new Date());
    await users.indexTicket(ticket(2, 'bob'), 'act-2', new Date());
    const ctx = await users.loadContext('ten', 'ana', 'act-1');
    expect(ctx.profile).toMatchObject({ name: 'Ana', language: 'es' });
    expect(ctx.tickets.map((t) => t.trackingId)).toEqual(['SUP-000001']);
    expect(ctx.claim).toMatchObject({ kind: 'ack', number: 1, state: 'claimed' });
    expect((await users.loadContext('ten', 'ana', 'act-2')).claim).toBeUndefined();
  });

  it('gives the reply claim of an activity to exactly one delivery', async () => {
    const users = new UserRepository(tables);
    const results = await Promise.all(
      [1, 2, 3].map(() => users.indexTicket(ticket(5, 'cy'), 'act-5', new Date())),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    await users.settleClaim('ten', 'cy', 'act-5', 'sent');
    expect((await users.loadContext('ten', 'cy', 'act-5')).claim?.state).toBe('sent');
  });

  it('keeps a long draft whole', async () => {
    const users = new UserRepository(tables);
    const text = 'z'.repeat(100_000);
    await users.claimChoice(
      'ten',
      'dee',
      'act-9',
      { id: 'abcdef0123', text, locale: 'en' },
      new Date(),
    );
    expect((await users.getDraft('ten', 'dee', 'abcdef0123'))?.text).toBe(text);
    expect(await users.getDraft('ten', 'dee', '../etc')).toBeUndefined();
  });

  it('marks each open ticket on the profile with its index row, and unmarks it once closed', async () => {
    const users = new UserRepository(tables);
    await users.saveProfile('ten', 'dora', undefined, {
      name: 'Dora',
      language: 'es',
      directoryAt: new Date('2026-11-01T10:00:00Z'),
    });
    await users.indexTicket(ticket(11, 'dora'), 'act-11', new Date());
    await users.indexTicket(ticket(12, 'dora'), undefined, new Date());
    expect((await users.profile('ten', 'dora'))?.open.sort()).toEqual([11, 12]);
    // Closed: the mark goes, everything else on the profile stays.
    const closed = await users.refreshIndex({ ...ticket(11, 'dora'), status: 'closed' });
    expect(closed).toMatchObject({ name: 'Dora', language: 'es', open: [12] });
    const stored = await users.profile('ten', 'dora');
    expect(stored).toMatchObject({ name: 'Dora', language: 'es', open: [12] });
    expect(stored?.directoryAt?.toISOString()).toBe('2026-11-01T10:00:00.000Z');
    expect((await users.loadContext('ten', 'dora')).tickets.map((t) => t.status)).toEqual([
      'new',
      'closed',
    ]);
    // Reopened: marked again.
    await users.refreshIndex({ ...ticket(11, 'dora'), status: 'in_progress' });
    expect((await users.profile('ten', 'dora'))?.open.sort()).toEqual([11, 12]);
  });

  it('a profile changed while a close is written is read again, not overwritten', async () => {
    const users = new UserRepository(tables);
    await users.indexTicket(ticket(21, 'eli'), undefined, new Date());
    let raced = false;
    // Between the close's read of the profile and its rewrite, the person changes language.
    const racing = new UserRepository(
      Object.assign(Object.create(tables) as Tables, {
        users: Object.assign(Object.create(tables.users), {
          getEntity: async (...args: Parameters<typeof tables.users.getEntity>) => {
            const row = await tables.users.getEntity(...args);
            if (!raced) {
              raced = true;
              await users.saveProfile('ten', 'eli', undefined, { name: 'Eli', language: 'en' });
            }
            return row;
          },
        }),
      }),
    );
    await racing.refreshIndex({ ...ticket(21, 'eli'), status: 'closed' });
    expect(raced).toBe(true);
    expect(await users.profile('ten', 'eli')).toMatchObject({
      name: 'Eli',
      language: 'en',
      open: [],
    });
  });

  it('a person indexed for someone else’s call gets a profile that lists the ticket', async () => {
    const users = new UserRepository(tables);
    expect(await users.profile('ten', 'fer')).toBeUndefined();
    await users.indexTicket(ticket(31, 'fer'), undefined, new Date());
    expect(await users.profile('ten', 'fer')).toMatchObject({ open: [31], name: '' });
  });

  it('quick context: a point read, and the query only for a person with open tickets', async () => {
    const users = new UserRepository(counted);
    const quick = async (who: string, key?: string) => {
      requests.length = 0;
      const ctx = await users.loadContext('ten', who, key, { quick: true });
      return { ctx, requests: [...requests] };
    };
    // Never met: one point read, nothing found.
    expect(await quick('gil', 'act-g')).toEqual({
      ctx: { profile: undefined, tickets: [] },
      requests: ['GET row'],
    });
    // Met, no open ticket (the closed ones are not read).
    await users.saveProfile('ten', 'gil', undefined, { name: 'Gil' });
    await users.indexTicket({ ...ticket(41, 'gil'), status: 'closed' }, undefined, new Date());
    const known = await quick('gil', 'act-g');
    expect(known.requests).toEqual(['GET row']);
    expect(known.ctx).toMatchObject({ profile: { name: 'Gil', open: [] }, tickets: [] });
    // With an open ticket: the whole context, its claim included.
    await users.indexTicket(ticket(42, 'gil'), 'act-g', new Date());
    const open = await quick('gil', 'act-g');
    expect(open.requests).toEqual(['GET row', 'GET query']);
    expect(open.ctx.tickets.map((t) => t.number)).toEqual([42, 41]);
    expect(open.ctx.claim).toMatchObject({ kind: 'ack', number: 42 });
  });
});
