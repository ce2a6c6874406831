import { DateTime, IANAZone } from 'luxon';
import '../../src/domain/zone-offsets';

/** The per-minute memo of zone offsets must give exactly what Intl gives, also around DST. */
describe('zone offsets (memoised)', () => {
  const fresh = (zone: string, ts: number) => {
    // Intl directly: the UTC offset in minutes of `zone` at `ts`.
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    }).formatToParts(new Date(ts));
    const n = (type: string) => Number(parts.find((p) => p.type === type)!.value);
    const asUtc = Date.UTC(
      n('year'),
      n('month') - 1,
      n('day'),
      n('hour'),
      n('minute'),
      n('second'),
    );
    return (asUtc - Math.floor(ts / 1000) * 1000) / 60_000;
  };

  it.each([
    ['America/Mexico_City', '2022-10-30T06:30:00Z'], // last DST change there
    ['America/New_York', '2026-03-08T06:59:00Z'],
    ['America/New_York', '2026-03-08T07:00:00Z'],
    ['America/New_York', '2026-11-01T05:59:59Z'],
    ['America/New_York', '2026-11-01T06:00:00Z'],
    ['Europe/Madrid', '2026-03-29T00:59:59Z'],
    ['Europe/Madrid', '2026-03-29T01:00:00Z'],
    ['Asia/Kolkata', '2026-06-01T12:34:56Z'],
    ['Australia/Lord_Howe', '2026-04-04T14:59:00Z'], // a 30-minute DST shift
    ['Australia/Lord_Howe', '2026-04-04T15:00:00Z'],
  ])('%s at %s, asked twice', (zone, iso) => {
    const ts = Date.parse(iso);
    const z = IANAZone.create(zone);
    expect(z.offset(ts)).toBe(fresh(zone, ts));
    expect(z.offset(ts)).toBe(fresh(zone, ts));
    expect(DateTime.fromMillis(ts, { zone }).offset).toBe(fresh(zone, ts));
  });

  it('every minute of a DST night in New York', () => {
    const from = Date.parse('2026-11-01T04:00:00Z');
    for (let m = 0; m < 240; m++) {
      const ts = from + m * 60_000 + 17_000;
      expect(IANAZone.create('America/New_York').offset(ts)).toBe(fresh('America/New_York', ts));
    }
  });
});
