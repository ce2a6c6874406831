import { parseIntent } from '../../src/domain/intake/intent';
import { formatTrackingId, parseTrackingId } from '../../src/domain/tickets/tracking-number';
import { titleFrom } from '../../src/domain/tickets/ticket';

describe('1:1 commands in Spanish and English', () => {
  it.each([
    ['hello', { kind: 'welcome' }],
    ['Hi!', { kind: 'welcome' }],
    ['HELP', { kind: 'welcome' }],
    ['hola', { kind: 'welcome' }],
    ['Buenas', { kind: 'welcome' }],
    ['¡Buenos días!', { kind: 'welcome' }],
    ['ayuda', { kind: 'welcome' }],
    ['new ticket', { kind: 'newTicketForm' }],
    ['Nuevo  Ticket', { kind: 'newTicketForm' }],
    ['my tickets', { kind: 'myTickets' }],
    ['mis tickets', { kind: 'myTickets' }],
    ['status SUP-000123', { kind: 'status', number: 123 }],
    ['estado sup-42', { kind: 'status', number: 42 }],
    ['estado', { kind: 'status', number: undefined }],
    ['language es', { kind: 'language', locale: 'es' }],
    ['idioma EN', { kind: 'language', locale: 'en' }],
    ['idioma fr', { kind: 'language', locale: undefined }],
    ['   ', { kind: 'empty' }],
  ])('%j → %j', (text, intent) => {
    expect(parseIntent(text, 'SUP')).toEqual(intent);
  });

  it('anything else is a problem description, kept as written', () => {
    expect(parseIntent('  Hola, mi impresora no imprime  ', 'SUP')).toEqual({
      kind: 'freeText',
      text: 'Hola, mi impresora no imprime',
    });
    expect(parseIntent('help me, the VPN is down', 'SUP').kind).toBe('freeText');
  });
});

describe('tracking numbers', () => {
  it('are six digits at least, with the configured prefix', () => {
    expect(formatTrackingId('SUP', 123)).toBe('SUP-000123');
    expect(formatTrackingId('HD', 1234567)).toBe('HD-1234567');
    expect(parseTrackingId('HD', 'see hd-0042 please')).toBe(42);
    expect(parseTrackingId('SUP', 'SUP-0')).toBeUndefined();
    expect(parseTrackingId('SUP', 'nothing here')).toBeUndefined();
  });
});

describe('titles', () => {
  it('come from the first non-empty line, cut at a word', () => {
    expect(titleFrom('\n\n  Printer jams\nsince Monday')).toBe('Printer jams');
    const long = 'word '.repeat(60);
    const title = titleFrom(long);
    expect(title.length).toBeLessThanOrEqual(120);
    expect(title.endsWith('…')).toBe(true);
  });
});
