import { shippedPlaybooks } from '../../src/domain/kb/playbook';
import {
  Signature,
  addMembers,
  bestMatch,
  dayKeys,
  weekKey,
  weekKeys,
  groupLabel,
  isSimilar,
  signatureOf,
  similarity,
  suggestedPlaybook,
  termOf,
  windowStart,
  MEMBERS_SHOWN,
} from '../../src/domain/reports/recurring';
import { Category } from '../../src/domain/tickets/category';
import { sinceText } from '../../src/teams/cards/recurring.card';
import { recurringSample } from '../support/card-samples';
import { buttonTitles, cardText } from '../support/fake-teams';

const playbooks = shippedPlaybooks();
const sig = (text: string, category: Category = 'network') =>
  signatureOf(text, { category, playbooks });
const terms = (text: string, category?: Category) => sig(text, category).terms;
const alike = (a: string, b: string, category?: Category) =>
  isSimilar(terms(a, category), terms(b, category));

/** Groups texts the way the service does: each joins the group of its most similar predecessor. */
function groupsOf(texts: string[], category: Category = 'network'): number[][] {
  const seen: { number: number; terms: string[]; groupId: string }[] = [];
  const groups = new Map<string, number[]>();
  texts.forEach((text, number) => {
    const own = terms(text, category);
    const match = bestMatch(own, seen);
    const groupId = match ? match.groupId : String(number);
    seen.push({ number, terms: own, groupId });
    groups.set(groupId, [...(groups.get(groupId) ?? []), number]);
  });
  return [...groups.values()];
}

describe('terms: normalised, stemmed, one family across Spanish and English', () => {
  it.each([
    ['conecta', 'connect'],
    ['conectarme', 'connecting'],
    ['certificado', 'certificate'],
    ['impresoras', 'impresora'],
    ['bloqueada', 'bloqueado'],
  ])('%s and %s are one term', (a, b) => {
    expect(termOf(a)).toBe(termOf(b));
  });

  it('drops stopwords, negations and words every request uses; keeps acronyms for labels', () => {
    const s = sig("Hola, la VPN no conecta. Please help, it doesn't work since today!");
    expect(s.terms).toContain('vpn');
    expect(s.terms).toContain(termOf('conecta'));
    for (const generic of ['no', 'hola', 'help', 'please', 'doesnt', 'since', 'today', 'la']) {
      expect(s.terms).not.toContain(generic);
    }
    expect(s.words[s.terms.indexOf('vpn')]).toBe('VPN');
  });

  it('adds the playbook the text is about, which bridges the two languages', () => {
    expect(terms('La impresora no imprime', 'printing')).toContain('kb:printer-offline');
    expect(terms('The printer is offline', 'printing')).toContain('kb:printer-offline');
    expect(terms('The office plant needs water', 'other').some((x) => x.startsWith('kb:'))).toBe(
      false,
    );
  });

  it('keeps a bounded signature of a huge text', () => {
    const words = Array.from({ length: 5000 }, (_, i) => `palabra${i} word${i}x`).join(' ');
    expect(sig(words).terms.length).toBeLessThanOrEqual(40);
  });
});

describe('similarity', () => {
  it('is the cosine of the binary term vectors', () => {
    expect(similarity(['a', 'b'], ['a', 'b'])).toBe(1);
    expect(similarity(['a', 'b'], ['c'])).toBe(0);
    expect(similarity(['a', 'b', 'c', 'd'], ['a', 'b'])).toBeCloseTo(2 / Math.sqrt(8));
    expect(similarity([], ['a'])).toBe(0);
  });

  it('groups a mixed-language pair that shares stems: "VPN no conecta" / "VPN won\'t connect"', () => {
    expect(alike('VPN no conecta', "VPN won't connect")).toBe(true);
    expect(similarity(terms('VPN no conecta'), terms("VPN won't connect"))).toBe(1);
  });

  it('groups similar Spanish texts, and similar English texts', () => {
    expect(
      alike('La VPN no conecta desde esta mañana', 'No puedo conectarme a la VPN desde casa'),
    ).toBe(true);
    expect(alike('The VPN does not connect since the update', "VPN won't connect from home")).toBe(
      true,
    );
    expect(
      alike('El correo de Outlook no sincroniza', 'Outlook no sincroniza el correo nuevo', 'email'),
    ).toBe(true);
    expect(alike('Outlook is not syncing my mail', 'Outlook stopped syncing mail', 'email')).toBe(
      true,
    );
  });

  it('does not group unrelated texts, even of one category', () => {
    expect(alike('VPN no conecta', 'The Wi-Fi drops in meeting room 3')).toBe(false);
    expect(alike('The shared drive S: is not mapped', 'La VPN no conecta')).toBe(false);
    expect(
      alike('My laptop screen flickers', 'The docking station does not charge', 'hardware'),
    ).toBe(false);
    // one shared word is not enough
    expect(alike('Cable de red roto en la sala 3', 'Sala 3 sin proyector')).toBe(false);
  });

  it('puts a mixed Spanish/English set in one group and the unrelated ones apart', () => {
    const groups = groupsOf([
      'VPN no conecta',
      'The Wi-Fi drops in meeting room 3',
      "VPN won't connect",
      'La VPN no conecta desde casa, error 809',
      'The shared drive S: is not mapped',
      'The VPN does not connect since the update',
    ]);
    expect(groups).toEqual([[0, 2, 3, 5], [1], [4]]);
  });

  it('picks the most similar candidate, the oldest on a tie', () => {
    const c = [
      { number: 1, terms: ['vpn', 'conect', 'x'], groupId: 'a' },
      { number: 2, terms: ['vpn', 'conect'], groupId: 'b' },
      { number: 3, terms: ['vpn', 'conect'], groupId: 'c' },
    ];
    expect(bestMatch(['vpn', 'conect'], c)?.groupId).toBe('b');
    expect(bestMatch(['wifi', 'drop'], c)).toBeUndefined();
  });
});

describe('groups', () => {
  const at = (d: number) => new Date(Date.UTC(2026, 10, d, 12));
  const s = (words: string[]): Signature => ({ terms: words.map(termOf), words });

  it('counts each ticket once, tracks first and last, labels with the common words', () => {
    const one = addMembers(undefined, [
      {
        member: { number: 1, trackingId: 'SUP-000001', at: at(23) },
        signature: s(['VPN', 'conecta']),
      },
      {
        member: { number: 2, trackingId: 'SUP-000002', at: at(24) },
        signature: s(['VPN', 'connect', 'home']),
      },
    ]).group;
    expect(one.count).toBe(2);
    const again = addMembers(one, [
      { member: { number: 2, trackingId: 'SUP-000002', at: at(24) }, signature: s(['VPN']) },
    ]);
    expect(again.changed).toBe(false);
    expect(again.group.count).toBe(2);
    const three = addMembers(one, [
      {
        member: { number: 3, trackingId: 'SUP-000003', at: at(22) },
        signature: s(['VPN', 'error']),
      },
    ]).group;
    expect(three.count).toBe(3);
    expect(three.firstAt).toEqual(at(22));
    expect(three.lastAt).toEqual(at(24));
    expect(three.members.map((m) => m.number)).toEqual([3, 1, 2]);
    expect(groupLabel(three.terms, three.count)).toBe('VPN conecta');
  });

  it('keeps what the card shows for the newest members only', () => {
    const added = Array.from({ length: 12 }, (_, i) => ({
      member: {
        number: i + 1,
        trackingId: `SUP-${i + 1}`,
        at: at(i + 1),
        shown: { title: `title ${i + 1}` },
      },
      signature: s(['VPN']),
    }));
    const group = addMembers(undefined, added).group;
    expect(group.members.map((m) => m.shown?.title)).toEqual([
      undefined,
      undefined,
      ...Array.from({ length: MEMBERS_SHOWN }, (_, i) => `title ${i + 3}`),
    ]);
  });

  it('suggests the playbook most of its tickets are about', () => {
    expect(
      suggestedPlaybook(
        { 'kb:vpn-not-connecting': { n: 2, word: '' }, vpn: { n: 3, word: 'VPN' } },
        3,
      ),
    ).toBe('vpn-not-connecting');
    expect(suggestedPlaybook({ 'kb:wifi-drops': { n: 1, word: '' } }, 3)).toBeUndefined();
  });
});

describe('the window', () => {
  it('spans the UTC days from its start to now', () => {
    const now = new Date('2026-11-27T10:00:00Z');
    const since = windowStart(now, 7);
    expect(since.toISOString()).toBe('2026-11-20T10:00:00.000Z');
    expect(dayKeys(since, now)).toEqual([
      '20261120',
      '20261121',
      '20261122',
      '20261123',
      '20261124',
      '20261125',
      '20261126',
      '20261127',
    ]);
  });

  it('says "since Monday" in either language, or the date when older than a week', () => {
    const zone = 'America/Mexico_City';
    const now = new Date('2026-11-27T18:00:00Z'); // Friday
    const monday = new Date('2026-11-23T16:00:00Z');
    expect(sinceText('en', monday, now, zone)).toBe('Monday');
    expect(sinceText('es', monday, now, zone)).toBe('lunes');
    expect(sinceText('en', new Date('2026-11-12T16:00:00Z'), now, zone)).toBe('12 Nov');
    expect(sinceText('es', new Date('2026-11-12T16:00:00Z'), now, zone)).toBe('12 de nov');
  });
});

describe('the group card', () => {
  it('says how many tickets about what since when, in the channel’s language, with links', () => {
    const en = recurringSample('en', 'typical') as Record<string, unknown>;
    const es = recurringSample('es', 'typical') as Record<string, unknown>;
    expect(cardText(en)).toContain('5 tickets about VPN conecta since Monday');
    expect(cardText(es)).toContain('5 tickets sobre VPN conecta desde el lunes');
    expect(buttonTitles(en)).toEqual(['Attach playbook']);
    expect(buttonTitles(es)).toEqual(['Asociar guía']);
    expect(cardText(en)).toContain('Playbook: VPN will not connect (attached by Luis Agent)');
    expect(JSON.stringify(en)).toMatch(
      /\[SUP-000104\]\(https:\/\/teams\.microsoft\.com\/l\/message\/[^)]+\)/,
    );
  });

  it('shows user text literally and says how many tickets are not listed', () => {
    const card = recurringSample('en', 'largest') as Record<string, unknown>;
    expect(cardText(card)).toContain('… and 390 more');
    expect(cardText(card)).toContain('\\*\\*bold\\*\\* \\[x\\]');
  });
});

describe('signature partitions by UTC week', () => {
  it('a 7-day window reads the weeks it touches (two, not eight days)', () => {
    const now = new Date('2026-11-27T10:00:00Z'); // a Friday
    const since = windowStart(now, 7);
    expect(weekKey(now)).toBe('20261123'); // its Monday
    expect(weekKey(new Date('2026-11-23T00:00:00Z'))).toBe('20261123');
    expect(weekKey(new Date('2026-11-22T23:59:59Z'))).toBe('20261116'); // Sunday: week before
    expect(weekKeys(since, now)).toEqual(['20261116', '20261123']);
    // Every instant of the window lies in one of those weeks.
    for (let t = since.getTime(); t <= now.getTime(); t += 3_600_000) {
      expect(weekKeys(since, now)).toContain(weekKey(new Date(t)));
    }
    // Across a year's end.
    expect(weekKeys(new Date('2026-12-28T00:00:00Z'), new Date('2027-01-04T12:00:00Z'))).toEqual([
      '20261228',
      '20270104',
    ]);
  });
});
