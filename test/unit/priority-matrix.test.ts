import { priorityOf } from '../../src/domain/tickets/priority-matrix';

describe('impact × severity → priority (spec 2.1)', () => {
  it.each([
    ['high', 'high', 'alta'],
    ['high', 'medium', 'alta'],
    ['high', 'low', 'media'],
    ['medium', 'high', 'alta'],
    ['medium', 'medium', 'media'],
    ['medium', 'low', 'baja'],
    ['low', 'high', 'media'],
    ['low', 'medium', 'baja'],
    ['low', 'low', 'baja'],
  ] as const)('impact %s, severity %s → %s', (impact, severity, priority) => {
    expect(priorityOf(impact, severity)).toBe(priority);
  });
});
