import { SettableClock } from '../../src/domain/clock';
import { StorageUnavailableError } from '../../src/domain/errors';
import { Ticket } from '../../src/domain/tickets/ticket';
import { IntakeService, noSuggestion } from '../../src/services/intake.service';
import { TicketRepository } from '../../src/storage/ticket.repository';
import { UserRepository } from '../../src/storage/user.repository';
import { testTables } from '../support/bot-harness';
import { policy } from '../support/card-samples';

const TENANT = 'tenant-reindex';

/** A users repository whose index writes fail while `down` says so (storage unreachable). */
class FlakyUsers extends UserRepository {
  down = 0;
  override async indexTicket(...args: Parameters<UserRepository['indexTicket']>) {
    if (this.down > 0) {
      this.down -= 1;
      throw new StorageUnavailableError('ECONNREFUSED');
    }
    return super.indexTicket(...args);
  }
}

async function setup(down: number) {
  const { tables } = await testTables();
  const users = new FlakyUsers(tables);
  users.down = down;
  const outcomes: [string, boolean][] = [];
  const intake = new IntakeService({
    tickets: new TicketRepository(tables),
    users,
    clock: new SettableClock(undefined, new Date('2026-11-25T16:00:00Z')),
    policy,
    trackingPrefix: 'SUP',
    suggest: noSuggestion,
    reindexDelaysMs: [20, 20, 20],
    onReindexed: (t: Ticket, ok: boolean) => outcomes.push([t.trackingId, ok]),
  });
  const create = () =>
    intake.createTicket({
      tenantId: TENANT,
      requester: { id: 'ana', name: 'Ana' },
      locale: 'es',
      channel: 'teams',
      description: 'La impresora no imprime',
      idemKey: 'activity-1',
      replyKey: 'activity-1',
      profile: {
        partitionKey: UserRepository.partition(TENANT, 'ana'),
        rowKey: 'profile',
        name: 'Ana',
        language: 'es',
      },
    });
  return { users, intake, outcomes, create };
}

describe('a ticket whose index write failed', () => {
  it('is put into its requester’s index (with the turn’s profile) once storage answers again', async () => {
    const { users, intake, outcomes, create } = await setup(2); // the turn's write and one retry
    const result = await create();
    expect(result).toMatchObject({ created: true, mustAcknowledge: true, unindexed: true });
    expect((await users.loadContext(TENANT, 'ana')).tickets).toEqual([]);
    await intake.reindexed();
    expect(outcomes).toEqual([['SUP-000001', true]]);
    const ctx = await users.loadContext(TENANT, 'ana');
    expect(ctx.tickets.map((t) => t.trackingId)).toEqual(['SUP-000001']);
    expect(ctx.profile?.name).toBe('Ana');
  });

  it('gives up after its tries, and says so', async () => {
    const { users, intake, outcomes, create } = await setup(10);
    await create();
    await intake.reindexed();
    expect(outcomes).toEqual([['SUP-000001', false]]);
    expect((await users.loadContext(TENANT, 'ana')).tickets).toEqual([]);
  });
});
