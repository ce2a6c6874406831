import { Ticket } from '../../src/domain/tickets/ticket';
import { startClocks } from '../../src/domain/sla/clocks';
import { policy } from '../support/card-samples';
import { Tables } from '../../src/storage/tables';
import { UserRepository } from '../../src/storage/user.repository';
import { testTables } from '../support/bot-harness';

let tables: Tables;
beforeAll(async () => {
  ({ tables } = await testTables());
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
});
