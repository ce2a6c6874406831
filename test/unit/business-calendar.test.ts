import { DateTime } from 'luxon';
import {
  addBusinessDays,
  addBusinessMinutes,
  BusinessCalendar,
  businessDayEdge,
  businessDayMinutes,
  businessDaysUntil,
  businessMinutesBetween,
  formatLocalDate,
  isBusinessDay,
  localDate,
  nextBusinessMorning,
} from '../../src/domain/sla/business-calendar';
import {
  clockMinutes,
  dueAt,
  initialDueTimes,
  parseSlaPolicy,
  policyFingerprint,
} from '../../src/domain/sla/policy';
import policyFile from '../../config/sla-policy.json';

const mexico: BusinessCalendar = {
  timeZone: 'America/Mexico_City',
  workingDays: [1, 2, 3, 4, 5],
  start: '09:00',
  end: '18:00',
  holidays: ['2026-12-25'],
};
const madrid: BusinessCalendar = { ...mexico, timeZone: 'Europe/Madrid', holidays: [] };

const at = (iso: string) => new Date(iso);

describe('business minutes', () => {
  it.each([
    // [start (UTC), minutes, expected (UTC), why]
    ['2026-11-25T16:00:00Z', 10, '2026-11-25T16:10:00Z', 'inside hours: plain addition'],
    [
      '2026-11-25T23:55:00Z',
      10,
      '2026-11-26T15:05:00Z',
      'evening (17:55 local): 5 today, 5 tomorrow',
    ],
    ['2026-11-26T02:00:00Z', 60, '2026-11-26T16:00:00Z', 'night: starts at 09:00 next morning'],
    ['2026-11-28T01:00:00Z', 10, '2026-11-30T15:10:00Z', 'Friday 19:00 → Monday 09:10'],
    ['2026-11-28T18:00:00Z', 480, '2026-11-30T23:00:00Z', 'Saturday → Monday, 8 h → 17:00'],
    [
      '2026-12-24T23:00:00Z',
      120,
      '2026-12-28T16:00:00Z',
      'Thu 17:00 + holiday Friday: 1 h Thu, 1 h Mon',
    ],
    [
      '2026-11-25T15:00:00Z',
      1440,
      '2026-11-27T21:00:00Z',
      '24 business hours: Wed 9 h, Thu 9 h, Fri until 15:00',
    ],
  ])('%s + %i min → %s (%s)', (start, minutes, expected) => {
    expect(addBusinessMinutes(at(start), minutes, mexico).toISOString()).toBe(
      new Date(expected).toISOString(),
    );
  });

  it('follows daylight saving in Madrid (last Sunday of March)', () => {
    // Friday 27 Mar 2026 17:30 CET (16:30Z) + 60 min: 30 min Friday, 30 min Monday 09:00 CEST.
    expect(addBusinessMinutes(at('2026-03-27T16:30:00Z'), 60, madrid).toISOString()).toBe(
      '2026-03-30T07:30:00.000Z',
    );
    // and back in October: Friday 23 Oct 17:30 CEST (15:30Z) → Monday 26 Oct 09:30 CET (08:30Z)
    expect(addBusinessMinutes(at('2026-10-23T15:30:00Z'), 60, madrid).toISOString()).toBe(
      '2026-10-26T08:30:00.000Z',
    );
  });

  it('refuses a calendar without working time', () => {
    expect(() =>
      addBusinessMinutes(at('2026-11-25T16:00:00Z'), 10, { ...mexico, workingDays: [] }),
    ).toThrow();
  });
});

describe('business minutes: the same-day shortcut agrees with counting', () => {
  // Zones with daylight saving (Madrid, New York) and a half-hour offset (Kolkata).
  const calendars: BusinessCalendar[] = [
    mexico,
    madrid,
    { ...mexico, timeZone: 'America/New_York', start: '08:30', end: '17:15' },
    { ...mexico, timeZone: 'Asia/Kolkata', start: '09:30', end: '18:00', holidays: [] },
  ];
  it('lands in working hours, exactly `minutes` business minutes later, for 4,000 instants', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    // Around the spring and autumn clock changes and the year's end.
    const from = [Date.UTC(2026, 2, 5), Date.UTC(2026, 9, 20), Date.UTC(2026, 11, 20)];
    for (let i = 0; i < 4000; i++) {
      const cal = calendars[i % calendars.length];
      const start = new Date(from[i % 3] + Math.floor(rand() * 20 * 24 * 60) * 60_000);
      const minutes = [5, 15, 60, 240, 480, 1440][Math.floor(rand() * 6)];
      const due = addBusinessMinutes(start, minutes, cal);
      expect(businessMinutesBetween(start, due, cal)).toBeCloseTo(minutes, 6);
      // Never later than needed: one minute earlier is short of the target.
      expect(businessMinutesBetween(start, new Date(due.getTime() - 60_000), cal)).toBeLessThan(
        minutes,
      );
      expect(isBusinessDay(due, cal)).toBe(true);
    }
  });
});

describe('SLA policy file', () => {
  const policy = parseSlaPolicy(policyFile);

  it('has the spec defaults', () => {
    expect(policy.targets.alta).toMatchObject({ firstResponseMinutes: 5, resolutionMinutes: 60 });
    expect(policy.targets.media).toMatchObject({
      firstResponseMinutes: 10,
      resolutionMinutes: 480,
    });
    expect(policy.targets.baja).toMatchObject({
      firstResponseMinutes: 15,
      resolutionMinutes: 1440,
    });
    expect(policy.calendar.timeZone).toBe('America/Mexico_City');
  });

  it('computes due times on the business clock, or 24×7 when the priority says so', () => {
    const created = at('2026-11-27T23:30:00Z'); // Friday 17:30 local
    expect(initialDueTimes(policy, 'alta', created).firstResponseDueAt.toISOString()).toBe(
      '2026-11-27T23:35:00.000Z',
    );
    expect(initialDueTimes(policy, 'alta', created).resolutionDueAt.toISOString()).toBe(
      '2026-11-30T15:30:00.000Z',
    );
    const allHours = parseSlaPolicy({
      ...policyFile,
      targets: { ...policyFile.targets, alta: { ...policyFile.targets.alta, clock: '24x7' } },
    });
    expect(dueAt(allHours, 'alta', created, 60).toISOString()).toBe('2026-11-28T00:30:00.000Z');
  });

  it('rejects an invalid policy with the field named', () => {
    expect(() =>
      parseSlaPolicy({
        ...policyFile,
        calendar: { ...policyFile.calendar, timeZone: 'Mars/Base' },
      }),
    ).toThrow(/timeZone/);
    expect(() => parseSlaPolicy({ ...policyFile, targets: { alta: {} } })).toThrow(/targets/);
  });
});

describe('business minutes between two instants', () => {
  it.each([
    // [from (UTC), to (UTC), expected, why]
    ['2026-11-25T16:00:00Z', '2026-11-25T18:30:00Z', 150, 'Wed 10:00 → 12:30, inside hours'],
    ['2026-11-25T23:00:00Z', '2026-11-26T16:00:00Z', 120, 'Wed 17:00 → Thu 10:00: 1 h + 1 h'],
    ['2026-11-26T01:00:00Z', '2026-11-26T14:00:00Z', 0, 'Wed 19:00 → Thu 08:00: all night'],
    ['2026-11-27T23:00:00Z', '2026-11-30T16:00:00Z', 120, 'Fri 17:00 → Mon 10:00: weekend is 0'],
    ['2026-11-28T16:00:00Z', '2026-11-29T22:00:00Z', 0, 'Saturday → Sunday'],
    ['2026-12-24T23:00:00Z', '2026-12-28T16:00:00Z', 120, 'Thu 17:00 → Mon 10:00, holiday Fri'],
    ['2026-11-23T15:00:00Z', '2026-11-30T15:00:00Z', 2700, 'Mon 09:00 → next Mon 09:00: 5 days'],
    ['2026-11-25T16:00:00Z', '2026-11-25T16:07:30Z', 7.5, 'fractions of a minute count'],
  ])('%s → %s = %d min (%s)', (from, to, expected) => {
    expect(businessMinutesBetween(at(from), at(to), mexico)).toBe(expected);
  });

  it('is 0 when `to` is not after `from`', () => {
    const t = at('2026-11-25T16:00:00Z'); // Wed 10:00 local
    expect(businessMinutesBetween(t, t, mexico)).toBe(0);
    expect(businessMinutesBetween(t, at('2026-11-25T15:30:00Z'), mexico)).toBe(0);
  });

  it('is the inverse of addBusinessMinutes', () => {
    const starts = [
      '2026-11-25T16:00:00Z', // Wed 10:00
      '2026-11-25T23:55:00Z', // Wed 17:55
      '2026-11-26T02:00:00Z', // Wed 20:00
      '2026-11-28T18:00:00Z', // Sat 12:00
      '2026-12-24T22:00:00Z', // Thu 16:00 before the holiday
    ];
    for (const start of starts) {
      for (const minutes of [1, 7.5, 45, 540, 541, 1440, 2700]) {
        const due = addBusinessMinutes(at(start), minutes, mexico);
        expect(businessMinutesBetween(at(start), due, mexico)).toBeCloseTo(minutes, 6);
      }
    }
  });

  it('counts real minutes across daylight saving in Madrid', () => {
    // Fri 27 Mar 17:30 CET (16:30Z) → Mon 30 Mar 09:30 CEST (07:30Z): 30 + 30
    expect(
      businessMinutesBetween(at('2026-03-27T16:30:00Z'), at('2026-03-30T07:30:00Z'), madrid),
    ).toBe(60);
    // Fri 23 Oct 17:30 CEST (15:30Z) → Mon 26 Oct 09:30 CET (08:30Z): 30 + 30
    expect(
      businessMinutesBetween(at('2026-10-23T15:30:00Z'), at('2026-10-26T08:30:00Z'), madrid),
    ).toBe(60);
  });

  it('a working window that spans the change itself is shorter or longer', () => {
    // A Sunday-only calendar 01:00–04:00 local: on 29 Mar 02:00 → 03:00 does not exist (2 h),
    // on 25 Oct 02:00 → 03:00 happens twice (4 h).
    const sundayNight: BusinessCalendar = {
      ...madrid,
      workingDays: [7],
      start: '01:00',
      end: '04:00',
    };
    expect(
      businessMinutesBetween(at('2026-03-28T12:00:00Z'), at('2026-03-30T00:00:00Z'), sundayNight),
    ).toBe(120);
    expect(
      businessMinutesBetween(at('2026-10-24T12:00:00Z'), at('2026-10-26T00:00:00Z'), sundayNight),
    ).toBe(240);
  });
});

describe('business days', () => {
  it.each([
    ['2026-11-25T16:00:00Z', true, 'Wednesday 10:00'],
    ['2026-11-25T09:00:00Z', true, 'Wednesday 03:00: outside hours, still a working day'],
    ['2026-11-28T18:00:00Z', false, 'Saturday'],
    ['2026-11-29T18:00:00Z', false, 'Sunday'],
    ['2026-12-25T18:00:00Z', false, 'holiday (Friday 25 Dec)'],
    ['2026-11-28T05:30:00Z', true, 'Friday 23:30 local although Saturday in UTC'],
    ['2026-11-30T02:00:00Z', false, 'Sunday 20:00 local although Monday in UTC'],
  ])('isBusinessDay(%s) = %s (%s)', (iso, expected) => {
    expect(isBusinessDay(at(iso), mexico)).toBe(expected);
  });

  it('localDate is the date in the calendar zone', () => {
    expect(localDate(at('2026-11-28T05:30:00Z'), mexico)).toBe('2026-11-27'); // Fri 23:30
    expect(localDate(at('2026-11-27T23:30:00Z'), madrid)).toBe('2026-11-28'); // Sat 00:30 CET
    expect(localDate(at('2026-11-25T16:00:00Z'), mexico)).toBe('2026-11-25');
  });

  it.each([
    // [from (UTC), n, expected local date, why]
    ['2026-11-25T16:00:00Z', 1, '2026-11-26', 'Wed → Thu'],
    ['2026-11-25T16:00:00Z', 2, '2026-11-27', 'Wed → Fri'],
    ['2026-11-25T16:00:00Z', 3, '2026-11-30', 'Wed → Mon, the weekend skipped'],
    ['2026-11-25T16:00:00Z', 5, '2026-12-02', 'Wed → next Wed'],
    ['2026-11-28T18:00:00Z', 1, '2026-11-30', 'Sat → Mon'],
    ['2026-12-24T16:00:00Z', 1, '2026-12-28', 'Thu → Mon, the holiday skipped'],
    ['2026-11-27T05:30:00Z', 1, '2026-11-27', 'Thu 23:30 local (Fri in UTC) → Fri'],
  ])('addBusinessDays(%s, %i) = %s (%s)', (from, n, expected) => {
    expect(addBusinessDays(at(from), n, mexico)).toBe(expected);
  });

  it('addBusinessDays gives the plain day-by-day count at every instant', () => {
    // Every 7 minutes for 12 days across Madrid's change from summer time (25 Oct 2026) and
    // midnights in both zones, against a count written out here with luxon.
    const reference = (from: Date, n: number, cal: BusinessCalendar) => {
      let day = DateTime.fromJSDate(from, { zone: cal.timeZone }).startOf('day');
      for (let left = n; left > 0;) {
        day = day.plus({ days: 1 });
        if (cal.workingDays.includes(day.weekday) && !cal.holidays.includes(day.toISODate()!)) {
          left -= 1;
        }
      }
      return day.toISODate();
    };
    let compared = 0;
    for (const cal of [mexico, madrid]) {
      for (let ms = Date.parse('2026-10-20T00:00:00Z'); ms < Date.parse('2026-11-01T00:00:00Z');) {
        for (const n of [1, 5]) {
          expect(addBusinessDays(new Date(ms), n, cal)).toBe(reference(new Date(ms), n, cal));
          compared += 1;
        }
        ms += 7 * 60_000;
      }
    }
    expect(compared).toBeGreaterThan(9_000);
  });

  it('addBusinessDays refuses a calendar without working days', () => {
    expect(() =>
      addBusinessDays(at('2026-11-25T16:00:00Z'), 1, { ...mexico, workingDays: [] }),
    ).toThrow(/no working time/);
  });

  it.each([
    // from Wed 25 Nov 10:00 local
    ['2026-11-25', 0, 'today'],
    ['2026-11-26', 1, 'Thursday'],
    ['2026-11-28', 2, 'Saturday: Thu and Fri'],
    ['2026-11-30', 3, 'Monday'],
    ['2026-12-02', 5, 'next Wednesday'],
    ['2026-11-20', 0, 'a past date'],
  ])('businessDaysUntil(%s) = %i (%s)', (date, expected) => {
    expect(businessDaysUntil(at('2026-11-25T16:00:00Z'), date, mexico)).toBe(expected);
  });

  it('businessDaysUntil skips holidays, uses the local date and refuses a bad date', () => {
    expect(businessDaysUntil(at('2026-12-24T16:00:00Z'), '2026-12-28', mexico)).toBe(1);
    // Thu 26 Nov 20:00 local is Fri 02:00 in UTC: Friday is still one business day ahead.
    expect(businessDaysUntil(at('2026-11-27T02:00:00Z'), '2026-11-27', mexico)).toBe(1);
    expect(businessDaysUntil(at('2026-11-25T16:00:00Z'), '2026-02-30', mexico)).toBeNaN();
  });

  it('businessDaysUntil counts back what addBusinessDays added', () => {
    const from = at('2026-12-22T16:00:00Z'); // Tue 22 Dec, holiday on Fri 25
    for (let n = 1; n <= 10; n++) {
      expect(businessDaysUntil(from, addBusinessDays(from, n, mexico), mexico)).toBe(n);
    }
  });
});

describe('business day edges', () => {
  it('opens and closes a local date at the calendar hours', () => {
    expect(businessDayEdge('2026-11-25', 'start', mexico).toISOString()).toBe(
      '2026-11-25T15:00:00.000Z', // 09:00 local
    );
    expect(businessDayEdge('2026-11-25', 'end', mexico).toISOString()).toBe(
      '2026-11-26T00:00:00.000Z', // 18:00 local
    );
  });

  it('follows daylight saving in Madrid', () => {
    expect(businessDayEdge('2026-03-27', 'start', madrid).toISOString()).toBe(
      '2026-03-27T08:00:00.000Z', // 09:00 CET
    );
    expect(businessDayEdge('2026-03-30', 'start', madrid).toISOString()).toBe(
      '2026-03-30T07:00:00.000Z', // 09:00 CEST
    );
    expect(businessDayEdge('2026-10-23', 'end', madrid).toISOString()).toBe(
      '2026-10-23T16:00:00.000Z', // 18:00 CEST
    );
    expect(businessDayEdge('2026-10-26', 'end', madrid).toISOString()).toBe(
      '2026-10-26T17:00:00.000Z', // 18:00 CET
    );
  });

  it.each([
    // [from (UTC), expected (UTC), why]
    ['2026-11-25T16:00:00Z', '2026-11-26T15:00:00.000Z', 'Wed 10:00 → Thu 09:00'],
    ['2026-11-25T13:00:00Z', '2026-11-26T15:00:00.000Z', 'Wed 07:00 → Thu 09:00, not today'],
    ['2026-11-27T20:00:00Z', '2026-11-30T15:00:00.000Z', 'Fri 14:00 → Mon 09:00'],
    ['2026-11-28T18:00:00Z', '2026-11-30T15:00:00.000Z', 'Sat → Mon 09:00'],
    ['2026-12-24T16:00:00Z', '2026-12-28T15:00:00.000Z', 'Thu 24 Dec → Mon 28 (holiday Fri)'],
  ])('nextBusinessMorning(%s) = %s (%s)', (from, expected) => {
    expect(nextBusinessMorning(at(from), mexico).toISOString()).toBe(expected);
  });

  it('nextBusinessMorning across the spring change in Madrid', () => {
    // Fri 27 Mar 16:00 CET → Mon 30 Mar 09:00 CEST
    expect(nextBusinessMorning(at('2026-03-27T15:00:00Z'), madrid).toISOString()).toBe(
      '2026-03-30T07:00:00.000Z',
    );
    // Fri 23 Oct 16:00 CEST → Mon 26 Oct 09:00 CET
    expect(nextBusinessMorning(at('2026-10-23T14:00:00Z'), madrid).toISOString()).toBe(
      '2026-10-26T08:00:00.000Z',
    );
  });

  it('businessDayMinutes is the length of a working day', () => {
    expect(businessDayMinutes(mexico)).toBe(540);
    expect(businessDayMinutes({ ...mexico, start: '08:30', end: '17:15' })).toBe(525);
  });
});

describe('formatLocalDate', () => {
  it('reads a local date in English and Spanish', () => {
    expect(formatLocalDate('en', '2026-12-02', 'America/Mexico_City')).toBe('Wed 2 Dec');
    expect(formatLocalDate('es', '2026-12-02', 'America/Mexico_City')).toBe('mié 2 de dic');
  });

  it('does not shift the date in far-off zones', () => {
    expect(formatLocalDate('en', '2026-12-02', 'Pacific/Kiritimati')).toBe('Wed 2 Dec'); // UTC+14
    expect(formatLocalDate('en', '2026-12-02', 'Pacific/Pago_Pago')).toBe('Wed 2 Dec'); // UTC−11
  });
});

describe('SLA policy defaults and checks', () => {
  const minimal = { targets: policyFile.targets, calendar: policyFile.calendar };

  it('fills in the defaults when a policy leaves them out', () => {
    const policy = parseSlaPolicy(minimal);
    expect(policy.warningThreshold).toBe(0.75);
    expect(policy.autoEscalateOnBreach).toBe(false);
    expect(policy.autoCloseBusinessDays).toBe(3);
    expect(policy.updateEveryBusinessHours).toBe(4);
    expect(policy.parts).toEqual({ minBusinessDays: 1, maxBusinessDays: 5 });
    expect(parseSlaPolicy({ ...minimal, parts: {} }).parts).toEqual({
      minBusinessDays: 1,
      maxBusinessDays: 5,
    });
  });

  it('the policy file states the same values', () => {
    expect(parseSlaPolicy(policyFile)).toEqual(parseSlaPolicy(minimal));
  });

  it('keeps values that are given', () => {
    const policy = parseSlaPolicy({
      ...minimal,
      warningThreshold: 0.5,
      autoEscalateOnBreach: true,
      autoCloseBusinessDays: 5,
      updateEveryBusinessHours: 2.5,
      parts: { minBusinessDays: 2, maxBusinessDays: 10 },
    });
    expect(policy).toMatchObject({
      warningThreshold: 0.5,
      autoEscalateOnBreach: true,
      autoCloseBusinessDays: 5,
      updateEveryBusinessHours: 2.5,
      parts: { minBusinessDays: 2, maxBusinessDays: 10 },
    });
  });

  it('refuses unknown keys', () => {
    expect(() => parseSlaPolicy({ ...policyFile, warnigThreshold: 0.8 })).toThrow(
      /warnigThreshold/,
    );
  });

  it.each([
    ['warningThreshold 0', { warningThreshold: 0 }],
    ['warningThreshold 1', { warningThreshold: 1 }],
    ['autoCloseBusinessDays 0', { autoCloseBusinessDays: 0 }],
    ['autoCloseBusinessDays 1.5', { autoCloseBusinessDays: 1.5 }],
    ['updateEveryBusinessHours 0', { updateEveryBusinessHours: 0 }],
    ['updateEveryBusinessHours 73', { updateEveryBusinessHours: 73 }],
    ['parts min > max', { parts: { minBusinessDays: 4, maxBusinessDays: 3 } }],
    ['parts max 31', { parts: { minBusinessDays: 1, maxBusinessDays: 31 } }],
    [
      'calendar start after end',
      { calendar: { ...policyFile.calendar, start: '18:00', end: '09:00' } },
    ],
    ['calendar time 24:00', { calendar: { ...policyFile.calendar, end: '24:00' } }],
    ['no working days', { calendar: { ...policyFile.calendar, workingDays: [] } }],
    ['weekday 8', { calendar: { ...policyFile.calendar, workingDays: [1, 8] } }],
    ['holiday 25/12/2026', { calendar: { ...policyFile.calendar, holidays: ['25/12/2026'] } }],
    [
      'unknown clock',
      { targets: { ...policyFile.targets, alta: { ...policyFile.targets.alta, clock: 'wall' } } },
    ],
    [
      'zero minutes',
      {
        targets: {
          ...policyFile.targets,
          baja: { ...policyFile.targets.baja, resolutionMinutes: 0 },
        },
      },
    ],
  ])('refuses %s', (_why, change) => {
    expect(() => parseSlaPolicy({ ...policyFile, ...change })).toThrow();
  });

  it('fingerprints the policy: equal policies agree, any change differs', () => {
    const base = parseSlaPolicy(policyFile);
    const fp = policyFingerprint(base);
    expect(fp).toMatch(/^[0-9a-f]{16}$/);
    expect(policyFingerprint(parseSlaPolicy(policyFile))).toBe(fp);
    expect(policyFingerprint(parseSlaPolicy(minimal))).toBe(fp); // defaults = file values
    const changes: object[] = [
      { warningThreshold: 0.8 },
      { autoEscalateOnBreach: true },
      { autoCloseBusinessDays: 4 },
      { updateEveryBusinessHours: 3 },
      { parts: { minBusinessDays: 1, maxBusinessDays: 6 } },
      { calendar: { ...policyFile.calendar, holidays: ['2026-12-25'] } },
      { calendar: { ...policyFile.calendar, end: '17:00' } },
      {
        targets: {
          ...policyFile.targets,
          media: { ...policyFile.targets.media, resolutionMinutes: 481 },
        },
      },
      { targets: { ...policyFile.targets, alta: { ...policyFile.targets.alta, clock: '24x7' } } },
    ];
    const prints = changes.map((c) => policyFingerprint(parseSlaPolicy({ ...policyFile, ...c })));
    for (const p of prints) expect(p).not.toBe(fp);
    expect(new Set(prints).size).toBe(prints.length);
  });

  it('clockMinutes counts business minutes, or every minute on a 24×7 clock', () => {
    const policy = parseSlaPolicy(policyFile);
    const allHours = parseSlaPolicy({
      ...policyFile,
      targets: { ...policyFile.targets, alta: { ...policyFile.targets.alta, clock: '24x7' } },
    });
    const friday = at('2026-11-27T23:00:00Z'); // Fri 17:00 local
    const monday = at('2026-11-30T16:00:00Z'); // Mon 10:00 local
    expect(clockMinutes(policy, 'alta', friday, monday)).toBe(120);
    expect(clockMinutes(allHours, 'alta', friday, monday)).toBe(65 * 60);
    expect(clockMinutes(allHours, 'media', friday, monday)).toBe(120); // media stays business
    expect(clockMinutes(policy, 'alta', monday, friday)).toBe(0);
    expect(clockMinutes(allHours, 'alta', monday, friday)).toBe(0);
  });

  it('dueAt and clockMinutes agree on both clocks', () => {
    const allHours = parseSlaPolicy({
      ...policyFile,
      targets: { ...policyFile.targets, alta: { ...policyFile.targets.alta, clock: '24x7' } },
    });
    const start = at('2026-11-27T22:00:00Z'); // Fri 16:00 local
    for (const priority of ['alta', 'media'] as const) {
      for (const minutes of [5, 60, 480, 1440]) {
        const due = dueAt(allHours, priority, start, minutes);
        expect(clockMinutes(allHours, priority, start, due)).toBe(minutes);
      }
    }
  });
});
