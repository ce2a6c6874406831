import { addBusinessMinutes, BusinessCalendar } from '../../src/domain/sla/business-calendar';
import { dueAt, initialDueTimes, parseSlaPolicy } from '../../src/domain/sla/policy';
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
