import { KbStatsRepository } from '../../src/storage/kb-stats.repository';
import { createTables } from '../../src/storage/tables';
import { TenantRepository } from '../../src/storage/tenant.repository';
import { testConnectionString, testTables } from '../support/bot-harness';

/** Tables of `prefix` whose requests are counted. */
function counted(prefix: string) {
  const count = { requests: 0 };
  const tables = createTables(
    { kind: 'connectionString', connectionString: testConnectionString() },
    {
      prefix,
      policies: [{ name: 'count', sendRequest: (req, next) => (count.requests++, next(req)) }],
    },
  );
  return { tables, count };
}

const channel = (id: string) => ({ teamId: 'team', channelId: id, serviceUrl: 'http://x' });

describe('settings and playbook rates read once for a burst of turns', () => {
  it('serves a burst of reads of the settings with one request', async () => {
    const { prefix } = await testTables();
    const { tables, count } = counted(prefix);
    const tenants = new TenantRepository(tables);
    await tenants.update('t1', (s) => ({ ...s, triage: channel('c1') }));
    const before = count.requests;
    const burst = await Promise.all(Array.from({ length: 16 }, () => tenants.settings('t1')));
    expect(burst.every((s) => s.triage?.channelId === 'c1')).toBe(true);
    await tenants.settings('t1');
    expect(count.requests - before).toBe(1);
    // each caller gets its own copy: changing one changes no other
    burst[0].tiers.push({ ...channel('x'), tier: 2 });
    expect((await tenants.settings('t1')).tiers).toEqual([]);
  });

  it('sees its own change at once, and another instance after the TTL', async () => {
    const { tables } = await testTables();
    let now = 0;
    const mine = new TenantRepository(tables, { now: () => now });
    const other = new TenantRepository(tables, { now: () => now });
    expect((await mine.settings('t1')).triage).toBeUndefined();
    expect((await other.settings('t1')).triage).toBeUndefined();
    await mine.update('t1', (s) => ({ ...s, triage: channel('c1') }));
    expect((await mine.settings('t1')).triage?.channelId).toBe('c1');
    expect((await other.settings('t1')).triage).toBeUndefined();
    now += 10_000;
    expect((await other.settings('t1')).triage?.channelId).toBe('c1');
    // a change made from the stale copy still starts from storage: nothing is lost
    await other.update('t1', (s) => ({ ...s, supervisors: channel('sup') }));
    const both = await other.settings('t1');
    expect([both.triage?.channelId, both.supervisors?.channelId]).toEqual(['c1', 'sup']);
  });

  it('changes from a stale copy start from what storage holds', async () => {
    const { tables } = await testTables();
    const mine = new TenantRepository(tables);
    const other = new TenantRepository(tables);
    await other.settings('t1'); // caches "nothing set up"
    await mine.update('t1', (s) => ({ ...s, triage: channel('c1') }));
    await other.update('t1', (s) => ({ ...s, tiers: [{ ...channel('t2'), tier: 2 }] }));
    const s = await new TenantRepository(tables).settings('t1');
    expect(s.triage?.channelId).toBe('c1');
    expect(s.tiers.map((c) => c.channelId)).toEqual(['t2']);
  });

  it('shows a playbook outcome counted by this process at once', async () => {
    const { prefix } = await testTables();
    const { tables, count } = counted(prefix);
    const kb = new KbStatsRepository(tables);
    expect((await kb.stats('t1')).size).toBe(0);
    await kb.tally('t1', 5, 3, 'printer-offline', true);
    expect((await kb.stats('t1')).get('printer-offline')).toEqual({ worked: 1, failed: 0 });
    const before = count.requests;
    const burst = await Promise.all(Array.from({ length: 8 }, () => kb.stats('t1')));
    expect(count.requests - before).toBe(0);
    burst[0].get('printer-offline')!.worked = 99; // a caller's copy is its own
    expect((await kb.stats('t1')).get('printer-offline')).toEqual({ worked: 1, failed: 0 });
  });
});
