import { odata } from '@azure/data-tables';
import { StatsRepository } from '../../src/storage/stats.repository';
import { testTables } from '../support/bot-harness';

const luis = { id: 'luis', name: 'Luis' };

describe('report totals', () => {
  it('count each event once, when its job runs again or tallies race', async () => {
    const { tables } = await testTables();
    const stats = new StatsRepository(tables);
    const opened = { opened: 'alta' as const, open: { alta: 1 } };
    await stats.tally('t1', 1, 1, '2026-11-23', opened);
    await stats.tally('t1', 1, 1, '2026-11-23', opened); // the same event again: no change
    await Promise.all([
      stats.tally('t1', 2, 1, '2026-11-23', { opened: 'baja', open: { baja: 1 } }),
      stats.tally('t1', 3, 1, '2026-11-23', { opened: 'baja', open: { baja: 1 } }),
      stats.tally('t1', 1, 2, '2026-11-23', {
        firstResponse: { minutes: 4, met: true, agent: luis },
      }),
      stats.tally('t1', 1, 3, '2026-11-24', {
        resolution: { minutes: 50, met: true, agent: luis },
        open: { alta: -1 },
      }),
    ]);
    const [mon, tue, wed] = await stats.days('t1', ['2026-11-23', '2026-11-24', '2026-11-25']);
    expect(mon.opened).toEqual({ alta: 1, media: 0, baja: 2 });
    expect(mon.firstResponses).toBe(1);
    expect(mon.agents.luis.firstResponseMet).toBe(1);
    expect(tue.resolutions).toBe(1);
    expect(tue.agents.luis.handled).toBe(1);
    expect(wed.opened).toEqual({ alta: 0, media: 0, baja: 0 });
    expect(await stats.open('t1')).toEqual({ alta: 0, media: 0, baja: 2 });
    expect(await stats.open('t2')).toEqual({ alta: 0, media: 0, baja: 0 });
    // a ticket's closing may be counted before its opening: the sums come out right
    await stats.tally('t1', 4, 2, '2026-11-24', { closed: 'baja', open: { baja: -1 } });
    expect(await stats.open('t1')).toEqual({ alta: 0, media: 0, baja: 1 });
    await stats.tally('t1', 9, 2, '2026-11-24', { closed: 'media', open: { media: -1 } });
    expect(await stats.open('t1')).toEqual({ alta: 0, media: 0, baja: 1 }); // shown as 0
    await stats.tally('t1', 9, 1, '2026-11-24', { opened: 'media', open: { media: 1 } });
    await stats.tally('t1', 4, 1, '2026-11-24', { opened: 'baja', open: { baja: 1 } });
    expect(await stats.open('t1')).toEqual({ alta: 0, media: 0, baja: 2 });
  });

  it('compaction removes a finished day’s markers and keeps its totals', async () => {
    const { tables } = await testTables();
    const stats = new StatsRepository(tables);
    for (let n = 1; n <= 120; n++) {
      await stats.tally('t1', n, 1, '2026-11-20', { opened: 'media', open: { media: 1 } });
    }
    const markers = async (pk: string) => {
      let count = 0;
      for await (const _ of tables.stats.listEntities({
        queryOptions: {
          filter: odata`PartitionKey eq ${pk} and RowKey ge 'm|' and RowKey lt 'm}'`,
        },
      })) {
        count += 1;
      }
      return count;
    };
    expect(await markers('t1|d|2026-11-20')).toBe(120);
    expect(await stats.compactedThrough('t1')).toBeUndefined();
    expect(await stats.compact('t1', '2026-11-20')).toBe(120);
    expect(await markers('t1|d|2026-11-20')).toBe(0);
    expect(await stats.compactedThrough('t1')).toBe('2026-11-20');
    expect((await stats.days('t1', ['2026-11-20']))[0].opened.media).toBe(120);
    // the open counts' markers go by age: none is older than a minute ago, all are older than soon
    expect(await stats.trimOpenMarkers('t1', new Date(Date.now() - 60_000))).toBe(0);
    expect(await stats.trimOpenMarkers('t1', new Date(Date.now() + 60_000))).toBe(120);
    expect(await markers('t1|open')).toBe(0);
    expect(await stats.open('t1')).toEqual({ alta: 0, media: 120, baja: 0 });
  });
});
