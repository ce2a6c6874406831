import { decodeEntities, htmlToText, messageBodyText } from '../../src/domain/intake/html-text';
import {
  isTeamsMessageLink,
  parseTicketLink,
  ticketLink,
} from '../../src/domain/tickets/ticket-link';
import { fold, matchesWords, parseTicketQuery } from '../../src/domain/tickets/ticket-search';
import { messageLinkFromColumn, messageLinkToColumn } from '../../src/storage/message-link';

describe('htmlToText (Teams message bodies)', () => {
  it.each([
    ['<div><div>Hi</div></div>', 'Hi'],
    ['<p>one</p><p>two</p>', 'one\n\ntwo'],
    ['a<br>b<br/>c', 'a\nb\nc'],
    ['<at id="0">Luis</at>&nbsp;help', 'Luis help'],
    ['<ul><li>a</li><li>b</li></ul>', '- a\n- b'],
    ['5 &lt; 6 &amp;&amp; &quot;x&quot; &#241; &#xF1; &eacute;', '5 < 6 && "x" ñ ñ é'],
    ['<b>bold</b> <i>it</i> <a href="https://x.example">link</a>', 'bold it link'],
    ['<style>p{}</style><script>alert(1)</script>text<!-- note -->', 'text'],
    ['<div>\n\n\n  spaced   out  \n\n\n</div><div>next</div>', 'spaced out\n\nnext'],
    ['<table><tr><td>a</td><td>b</td></tr></table>', 'a b'],
    ['&unknown; &#0; plain', '&unknown; &#0; plain'],
    ['', ''],
  ])('%j → %j', (html, text) => {
    expect(htmlToText(html)).toBe(text);
  });

  it('keeps plain-text bodies and treats a missing type as HTML', () => {
    expect(messageBodyText({ contentType: 'text', content: '  a <b> c  ' })).toBe('a <b> c');
    expect(messageBodyText({ content: '<p>x</p>' })).toBe('x');
    expect(messageBodyText(undefined)).toBe('');
    expect(messageBodyText(null)).toBe('');
  });

  it('leaves out-of-range code points as they are', () => {
    expect(decodeEntities('&#x110000;')).toBe('&#x110000;');
  });
});

describe('ticket search queries', () => {
  it.each([
    [undefined, { kind: 'recent' }],
    ['   ', { kind: 'recent' }],
    ['SUP-000123', { kind: 'number', number: 123 }],
    ['sup-7', { kind: 'number', number: 7 }],
    ['SUP7', { kind: 'number', number: 7 }],
    ['123', { kind: 'number', number: 123 }],
    ['#45', { kind: 'number', number: 45 }],
    ['0', { kind: 'words', words: ['0'] }],
    ['Impresión  piso-2', { kind: 'words', words: ['impresion', 'piso', '2'] }],
    ["' or 1 eq 1", { kind: 'words', words: ['or', '1', 'eq', '1'] }],
    ['!!!', { kind: 'recent' }],
  ])('%j → %j', (text, query) => {
    expect(parseTicketQuery(text, 'SUP')).toEqual(query);
  });

  it('matches every word in the title or the number, ignoring case and accents', () => {
    const entry = { title: 'La impresora del piso 2 atasca', trackingId: 'SUP-000123' };
    expect(matchesWords(entry, ['impre', 'piso'])).toBe(true);
    expect(matchesWords(entry, ['000123'])).toBe(true);
    expect(matchesWords(entry, ['impresora', 'vpn'])).toBe(false);
    expect(fold('ÁÉÍÓÚ Ñandú')).toBe('aeiou nandu');
  });
});

describe('ticket links', () => {
  it('round-trips a ticket link with the configured prefix', () => {
    const url = ticketLink('desk.contoso.com', 'SUP-000123');
    expect(url).toBe('https://desk.contoso.com/tickets/SUP-000123');
    expect(parseTicketLink(url, 'SUP')).toBe(123);
    expect(parseTicketLink(`${url}/`, 'sup')).toBe(123);
  });

  it.each([
    'http://desk.contoso.com/tickets/SUP-000123',
    'https://desk.contoso.com/tickets/HD-000123',
    'https://desk.contoso.com/tickets/SUP-0',
    'https://desk.contoso.com/other/SUP-000123',
    'https://desk.contoso.com/tickets/SUP-000123/edit',
    'not a url',
  ])('refuses %s', (url) => {
    expect(parseTicketLink(url, 'SUP')).toBeUndefined();
  });

  it('keeps only https links to Teams messages', () => {
    const teams = 'https://teams.microsoft.com/l/message/19:abc@thread.tacv2/1611060744833';
    expect(isTeamsMessageLink(teams)).toBe(true);
    expect(isTeamsMessageLink('https://teams.cloud.microsoft/l/message/19:a/1')).toBe(true);
    expect(isTeamsMessageLink('http://teams.microsoft.com/l/message/1')).toBe(false);
    expect(isTeamsMessageLink('https://evil.example/teams.microsoft.com')).toBe(false);
    expect(isTeamsMessageLink('javascript:alert(1)')).toBe(false);
    expect(isTeamsMessageLink(`${teams}?x=${'a'.repeat(2000)}`)).toBe(false);
    expect(messageLinkToColumn(teams)).toBe(teams);
    expect(messageLinkToColumn('https://evil.example/x')).toBe('');
    expect(messageLinkToColumn(undefined)).toBe('');
    expect(messageLinkFromColumn(teams)).toBe(teams);
    expect(messageLinkFromColumn('https://evil.example/x')).toBeUndefined();
    expect(messageLinkFromColumn(42)).toBeUndefined();
    expect(messageLinkFromColumn('')).toBeUndefined();
  });
});
