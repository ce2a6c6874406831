import { Locale } from '../i18n';
import { parseTrackingId } from '../tickets/tracking-number';

/** What a 1:1 message asks for (spec section 9, conversation commands). */
export type Intent =
  | { kind: 'welcome' }
  | { kind: 'newTicketForm' }
  | { kind: 'myTickets' }
  | { kind: 'status'; number?: number }
  | { kind: 'language'; locale?: Locale }
  | { kind: 'freeText'; text: string }
  | { kind: 'empty' };

/** Lowercase, accents removed, spaces folded, trailing punctuation dropped. */
export function normalizeCommand(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/^[\s¡¿]+|[\s!.?,;:]+$/g, '')
    .trim();
}

const GREETINGS = new Set([
  'hello',
  'hi',
  'hey',
  'help',
  'good morning',
  'good afternoon',
  'hola',
  'buenas',
  'buenos dias',
  'buenas tardes',
  'buenas noches',
  'ayuda',
]);

export function parseIntent(text: string, trackingPrefix: string): Intent {
  const cmd = normalizeCommand(text);
  if (!cmd) return { kind: 'empty' };
  if (GREETINGS.has(cmd)) return { kind: 'welcome' };
  if (cmd === 'new ticket' || cmd === 'nuevo ticket') return { kind: 'newTicketForm' };
  if (cmd === 'my tickets' || cmd === 'mis tickets') return { kind: 'myTickets' };
  const status = /^(status|estado)(?: (.*))?$/.exec(cmd);
  if (status) return { kind: 'status', number: parseTrackingId(trackingPrefix, status[2] ?? '') };
  const language = /^(language|idioma)(?: (\w+))?$/.exec(cmd);
  if (language) {
    const code = language[2];
    return {
      kind: 'language',
      locale: code === 'es' || code === 'en' ? code : undefined,
    };
  }
  return { kind: 'freeText', text: text.trim() };
}
