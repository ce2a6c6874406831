import { ATTACHMENTS_MAX } from '../../src/domain/tickets/ticket';
import { isEmailAddress, normalizeEmail } from '../../src/storage/email-index.repository';
import { EmailIndexRepository } from '../../src/storage/email-index.repository';
import {
  CARD_ATTACHMENTS_MAX,
  attachmentLines,
  shortType,
} from '../../src/teams/cards/attachments';
import { handoffCard } from '../../src/teams/cards/handoff.card';
import { logCallCard } from '../../src/teams/cards/log-call.card';
import { ticketRequesterCard } from '../../src/teams/cards/ticket-requester.card';
import { triageCard } from '../../src/teams/cards/triage.card';
import { chatAttachments } from '../../src/teams/messages/chat-attachments';
import { buttonTitles, cardText } from '../support/fake-teams';
import { manyAttachments, policy, sampleTicket } from '../support/card-samples';

const FILE = 'application/vnd.microsoft.teams.file.download.info';
const file = (name: string, over: Record<string, unknown> = {}) => ({
  contentType: FILE,
  name,
  contentUrl: `https://contoso.sharepoint.com/d/${encodeURIComponent(name)}`,
  content: { downloadUrl: 'https://contoso.sharepoint.com/download.aspx?x=1', fileType: 'pdf' },
  ...over,
});

describe('chatAttachments: files and screenshots of a Teams message', () => {
  it('keeps files (lasting link first) and inline images, ignores the HTML copy and cards', () => {
    expect(
      chatAttachments([
        file('report.pdf'),
        { contentType: 'image/*', contentUrl: 'https://smba.trafficmanager.net/v3/attachments/1' },
        { contentType: 'image/png', contentUrl: 'https://example.com/a.png', name: 'shot.png' },
        { contentType: 'text/html', content: '<p>hi</p>' },
        { contentType: 'application/vnd.microsoft.card.adaptive', content: {} },
      ]),
    ).toEqual([
      {
        name: 'report.pdf',
        contentType: 'application/pdf',
        url: 'https://contoso.sharepoint.com/d/report.pdf',
      },
      {
        name: 'image-1',
        contentType: 'image/*',
        url: 'https://smba.trafficmanager.net/v3/attachments/1',
      },
      { name: 'shot.png', contentType: 'image/png', url: 'https://example.com/a.png' },
    ]);
  });

  it('falls back to the download link, and refuses anything but https', () => {
    expect(chatAttachments([file('a.pdf', { contentUrl: undefined })])[0].url).toBe(
      'https://contoso.sharepoint.com/download.aspx?x=1',
    );
    expect(
      chatAttachments([
        file('b.pdf', { contentUrl: 'http://x', content: { downloadUrl: 'javascript:1' } }),
        { contentType: 'image/png', contentUrl: 'data:image/png;base64,AAAA' },
        { contentType: 'image/png', contentUrl: 'http://example.com/x.png' },
      ]),
    ).toEqual([]);
  });

  it('survives hostile shapes: wrong types, nulls, too many, too long', () => {
    expect(chatAttachments(undefined)).toEqual([]);
    expect(chatAttachments('x')).toEqual([]);
    expect(
      chatAttachments([null, 42, { contentType: FILE, name: 42 }, { contentType: 'image/*' }]),
    ).toEqual([]);
    const many = chatAttachments(Array.from({ length: 50 }, (_, i) => file(`f${i}.pdf`)));
    expect(many).toHaveLength(ATTACHMENTS_MAX);
    const long = chatAttachments([file('n'.repeat(5000) + '.pdf')]);
    expect(long[0].name).toHaveLength(200);
    // the same link twice is one attachment
    expect(chatAttachments([file('x.pdf'), file('x.pdf')])).toHaveLength(1);
  });
});

describe('attachments on cards', () => {
  it('lists at most a few within a budget and counts the rest', () => {
    const { attachments, attachmentsMore } = attachmentLines('en', manyAttachments);
    expect(attachments.length).toBeLessThanOrEqual(CARD_ATTACHMENTS_MAX);
    expect(attachments.length).toBeGreaterThan(0);
    expect(attachmentsMore).toBe(
      `…and ${manyAttachments.length - attachments.length} more, kept with the ticket.`,
    );
    expect(shortType({ name: 'x', contentType: 'image/*', url: '' })).toBe('IMAGE');
    expect(shortType({ name: 'log.txt', contentType: 'text/plain', url: '' })).toBe('TXT');
    expect(shortType({ name: 'x', contentType: 'application/pdf', url: '' })).toBe('PDF');
  });

  it('shows e-mail attachments already stored on the triage, requester and handoff cards', () => {
    const ticket = sampleTicket(7, {
      description: 'See the attached screenshot',
      intakeChannel: 'email',
      attachments: [
        {
          name: '[evil](https://x) shot.png',
          contentType: 'image/png',
          url: 'https://m.example/1',
        },
      ],
      handoff: {
        fromTier: 1,
        toTier: 2,
        team: 'Redes',
        reason: 'r',
        notes: '',
        by: { id: 'o', name: 'Luis' },
        at: new Date('2026-11-25T17:00:00Z'),
        state: 'pending',
      },
      messageLink: 'https://teams.microsoft.com/l/message/19:abc@thread.tacv2/1',
    });
    for (const card of [
      triageCard('es', ticket, policy),
      ticketRequesterCard('es', ticket, policy),
      handoffCard('es', ticket, [], policy),
    ]) {
      const text = cardText(card);
      expect(text).toContain('Adjuntos (1)');
      // The name is a TextRun (never Markdown): shown literally, the link is the stored one.
      expect(text).toContain('[evil](https://x) shot.png');
      expect(JSON.stringify(card)).toContain('"url":"https://m.example/1"');
      expect(buttonTitles(card)).toContain('Abrir el mensaje');
    }
  });

  it('says who registered a ticket for the requester', () => {
    const card = ticketRequesterCard('en', sampleTicket(8), policy, {
      acknowledgement: true,
      registeredBy: { name: 'Luis *Agent*', channel: 'phone' },
    });
    expect(cardText(card)).toContain(
      'Registered for you by Luis \\*Agent\\*. Received through: Phone.',
    );
  });
});

describe('log call card', () => {
  it('becomes the confirmation with the tracking number, without inputs or buttons', () => {
    const ticket = sampleTicket(42, {
      requester: { id: 'x', name: 'Pedro Páramo' },
      intakeChannel: 'phone',
    });
    for (const [l, heading, note] of [
      ['en', 'Ticket SUP-000042 registered for Pedro Páramo', 'tell them the tracking number'],
      ['es', 'Ticket SUP-000042 registrado para Pedro Páramo', 'comunícale el número'],
    ] as const) {
      const card = logCallCard(l, 'abcdef12', { done: { ticket, notified: false } });
      expect(cardText(card)).toContain(heading);
      expect(cardText(card)).toContain(note);
      expect(buttonTitles(card)).toEqual([]);
      expect(JSON.stringify(card)).not.toContain('Input.');
    }
  });
});

describe('e-mail index keys', () => {
  it('hashes the lower-cased address into a legal key', () => {
    expect(normalizeEmail('  Ana.Lopez@Contoso.COM ')).toBe('ana.lopez@contoso.com');
    expect(EmailIndexRepository.rowKey('Ana.Lopez@Contoso.com')).toBe(
      EmailIndexRepository.rowKey('ana.lopez@contoso.com'),
    );
    expect(EmailIndexRepository.rowKey('a/b#c@x.com')).toMatch(/^m\|[a-f0-9]{40}$/);
    expect(isEmailAddress('ana@contoso.com')).toBe(true);
    expect(isEmailAddress('Ana López')).toBe(false);
    expect(isEmailAddress('a@b')).toBe(false);
  });
});
