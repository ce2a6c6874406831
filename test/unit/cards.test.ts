import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { intakeChoiceCard, MAX_CHOICES } from '../../src/teams/cards/intake-choice.card';
import { escapeMarkdown, MAX_CARD_BYTES, shorten } from '../../src/teams/cards/render';
import { ticketFormCard } from '../../src/teams/cards/ticket-form.card';
import { triageCard } from '../../src/teams/cards/triage.card';
import { Ticket } from '../../src/domain/tickets/ticket';
import { ticketListCard } from '../../src/teams/cards/ticket-list.card';
import { ticketRequesterCard } from '../../src/teams/cards/ticket-requester.card';
import { welcomeCard } from '../../src/teams/cards/welcome.card';
import { buttonTitles, cardText } from '../support/fake-teams';
import { LARGEST, LOCALES, TYPICAL, policy, sampleTicket } from '../support/card-samples';

const size = (card: object) => Buffer.byteLength(JSON.stringify(card), 'utf8');

describe('card templates', () => {
  it('every template in adaptiveCards/ has a largest and a typical sample', () => {
    const templates = readdirSync(join(__dirname, '../../adaptiveCards')).filter((f) =>
      f.endsWith('.json'),
    );
    expect(Object.keys(LARGEST).sort()).toEqual(templates.sort());
    expect(Object.keys(TYPICAL).sort()).toEqual(templates.sort());
  });

  describe.each(LOCALES)('in %s', (locale) => {
    it.each(Object.keys(LARGEST))(
      '%s renders under 28 KB with the largest data, no ${…} left',
      (name) => {
        const card = LARGEST[name](locale);
        expect(size(card)).toBeLessThan(MAX_CARD_BYTES);
        const json = JSON.stringify(card);
        // A template field left unbound shows as a literal "${name}"; user text may contain "${x}".
        expect(json.replace(/\$\{x\}/g, '')).not.toMatch(/\$\{[a-zA-Z.]+\}/);
        expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
      },
    );
  });

  it('speaks the person’s language, buttons included', () => {
    expect(buttonTitles(welcomeCard('en', 'Ana'))).toEqual(['New ticket', 'My tickets']);
    expect(buttonTitles(welcomeCard('es', 'Ana'))).toEqual(['Nuevo ticket', 'Mis tickets']);
    expect(buttonTitles(ticketFormCard('en', 'abcdef12'))).toEqual(['Submit']);
    expect(buttonTitles(ticketFormCard('es', 'abcdef12'))).toEqual(['Enviar']);
    const open = [{ number: 7, trackingId: 'SUP-000007' }];
    expect(buttonTitles(intakeChoiceCard('en', 'abcdef12', 'x', open))).toEqual([
      'Add to SUP-000007',
      'Create ticket',
    ]);
    expect(buttonTitles(intakeChoiceCard('es', 'abcdef12', 'x', open))).toEqual([
      'Agregar a SUP-000007',
      'Crear ticket',
    ]);
  });

  it('offers at most a few "add to" buttons', () => {
    const many = Array.from({ length: 9 }, (_, i) => ({ number: i + 1, trackingId: `SUP-${i}` }));
    expect(buttonTitles(intakeChoiceCard('en', 'abcdef12', 'x', many))).toHaveLength(
      MAX_CHOICES + 1,
    );
  });

  it('shows the tracking number on every card that shows a ticket', () => {
    for (const l of LOCALES) {
      expect(cardText(ticketRequesterCard(l, sampleTicket(42), policy))).toContain('SUP-000042');
      expect(cardText(ticketListCard(l, [sampleTicket(42)], []))).toContain('SUP-000042');
    }
  });

  it('keeps user text literal: TextRuns hold it unchanged, Markdown is escaped elsewhere', () => {
    const card = ticketRequesterCard(
      'en',
      sampleTicket(3, { description: '[a](http://x) ${y}', title: '# T' }),
      policy,
    );
    const runs: string[] = [];
    JSON.stringify(card, (_k, v) => (v?.type === 'TextRun' && runs.push(v.text), v));
    expect(runs).toEqual(['# T', '[a](http://x) ${y}']);
    expect(escapeMarkdown('**a** [b](c) _d_ # e')).toBe(
      '\\*\\*a\\*\\* \\[b\\]\\(c\\) \\_d\\_ \\# e',
    );
    expect(cardText(welcomeCard('en', '[Boss](https://evil.example)'))).toContain(
      'Hi \\[Boss\\]\\(https://evil\\.example\\)!',
    );
  });

  it('shortens long text without splitting an emoji', () => {
    const s = shorten('a'.repeat(1998) + '🐛🐛', 2000);
    expect(s.truncated).toBe(true);
    expect(s.text.endsWith('a…')).toBe(true);
  });
});

describe('the playbook preselected on a triage card', () => {
  const preselected = (card: object): unknown => {
    const found: unknown[] = [];
    JSON.stringify(card, (_k, v: { id?: string; value?: unknown }) => {
      if (v && typeof v === 'object' && v.id === 'playbook') found.push(v.value);
      return v;
    });
    return found[0];
  };
  const ticket = (over: Partial<Ticket>) =>
    sampleTicket(7, { title: 'x', description: 'x', category: 'other', ...over });

  it('follows each ticket’s own text and category, drawn again and again', () => {
    const printer = ticket({ title: 'The printer is offline', description: 'It does not print' });
    const vpn = ticket({ title: 'VPN', description: 'The VPN does not connect from home' });
    for (let round = 0; round < 3; round++) {
      expect(preselected(triageCard('en', printer, policy))).toBe('printer-offline');
      expect(preselected(triageCard('es', vpn, policy))).toBe('vpn-not-connecting');
      expect(preselected(triageCard('en', ticket({ description: 'Hola' }), policy))).toBe('none');
    }
    // the same text, closed: no steps to send, nothing suggested
    const closed = preselected(triageCard('en', { ...printer, status: 'closed' }, policy));
    expect([undefined, 'none']).toContain(closed);
  });
});
