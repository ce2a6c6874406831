import { KbStatsRepository } from '../../src/storage/kb-stats.repository';
import { testTables } from '../support/bot-harness';

describe('playbook success rates', () => {
  it('counts each outcome once, even when its job runs again or outcomes race', async () => {
    const { tables } = await testTables();
    const kb = new KbStatsRepository(tables);
    await kb.tally('t1', 5, 3, 'printer-offline', true);
    await kb.tally('t1', 5, 3, 'printer-offline', true); // the same outcome again: no change
    await Promise.all([
      kb.tally('t1', 6, 4, 'printer-offline', false),
      kb.tally('t1', 7, 2, 'printer-offline', true),
      kb.tally('t1', 8, 9, 'printer-offline', true),
      kb.tally('t1', 9, 2, 'vpn-not-connecting', false),
    ]);
    const stats = await kb.stats('t1');
    expect(stats.get('printer-offline')).toEqual({ worked: 3, failed: 1 });
    expect(stats.get('vpn-not-connecting')).toEqual({ worked: 0, failed: 1 });
    // another tenant's figures are its own
    expect((await kb.stats('t2')).size).toBe(0);
  });
});
