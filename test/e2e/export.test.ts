import { Harness, setClock, startHarness } from '../support/bot-harness';
import {
  ChannelMember,
  ChatUser,
  SentMessage,
  TeamChannel,
  accountFor,
  buttonTitles,
  cardOf,
  cardText,
  makeChannel,
} from '../support/fake-teams';
import { idIn, openTicket, textsOf } from '../support/ticket-flow';

/**
 * CSV export through signed, expiring links (issue #7 item 6): an agent asks `export [from]
 * [to]` in a support channel, gets a card with two links, and the bot serves the files; a
 * changed link is refused, an old one has expired, a non-agent gets nothing.
 *
 * The business time zone is America/Mexico_City (UTC−6 in November): a range of local days
 * starts at 06:00 UTC. Tickets are seeded on both sides of each end of November.
 */
const admin = accountFor('Alicia Admin', 'en-US');
const luis = accountFor('Luis Agent', 'en-US');
const sofia = accountFor('Sofía Agente', 'es-MX');
const omar = accountFor('Omar Outsider', 'en-US');

const QUOTED_TITLE = 'Printer, "HP 4000"\nfloor 2';
const FORMULA_TITLE = '=HYPERLINK("http://evil.example","click")';

let h: Harness;
let triage: TeamChannel;
let luisIn: ChannelMember;
const ids: Record<string, string> = {};

/** RFC 4180, read independently of the bot's writer: records of cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) throw new Error('the file does not end with CRLF');
  return rows;
}

/** Records as objects keyed by the header. */
function records(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(header.map((k, i) => [k, r[i]])));
}

/** The links of a card's Action.OpenUrl buttons, by title. */
function links(card: Record<string, any>): Record<string, string> {
  return Object.fromEntries(
    (card.actions as Array<{ type: string; title: string; url: string }>)
      .filter((a) => a.type === 'Action.OpenUrl')
      .map((a) => [a.title, a.url]),
  );
}

const lastCard = (answers: SentMessage[]): Record<string, any> | undefined =>
  [...answers]
    .reverse()
    .map((x: SentMessage) => cardOf(x.activity))
    .find(Boolean);

async function get(url: string): Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(url);
  const bytes = Buffer.from(await res.arrayBuffer());
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    text: bytes.toString('utf8'),
  };
}

/** A ticket from the "new ticket" form, so that its title is exactly `title`. */
async function formTicket(title: string): Promise<string> {
  const u: ChatUser = h.teams.user(`Form ${Object.keys(ids).length}`, 'en-US');
  await u.say('new ticket');
  const res = await u.click('Submit', {
    title,
    description: 'Filed from the form',
    category: 'printing',
    impact: 'low',
    severity: 'medium',
  });
  return idIn(cardText(res.card!));
}

beforeAll(async () => {
  h = await startHarness({ SUPPORT_ADMINS: admin.aadObjectId, OUTBOX_SWEEP_MS: '100' });
  triage = makeChannel('Triage');
  h.teams.setRoster(triage.teamId, [admin, luis, sofia]);
  await setClock(h.url, { now: '2026-10-30T15:00:00Z' });
  await new ChannelMember(h.teams, admin, triage).say('setup triage');
  luisIn = new ChannelMember(h.teams, luis, triage);

  // 31 Oct, 23:00 in Mexico City: before the range
  await setClock(h.url, { now: '2026-11-01T05:00:00Z' });
  ids.before = (await openTicket(h, luisIn, 'The file server is unreachable')).id;
  // 3 Nov: taken by Luis the same day
  await setClock(h.url, { now: '2026-11-03T15:00:00Z' });
  ids.first = (
    await openTicket(h, luisIn, 'Outlook asks for my password again and again', {
      assign: true,
    })
  ).id;
  await setClock(h.url, { now: '2026-11-15T15:00:00Z' });
  ids.quoted = await formTicket(QUOTED_TITLE);
  await setClock(h.url, { now: '2026-11-20T15:00:00Z' });
  ids.formula = await formTicket(FORMULA_TITLE);
  // 30 Nov, 21:00 in Mexico City (1 Dec in UTC): the range's last day
  await setClock(h.url, { now: '2026-12-01T03:00:00Z' });
  ids.lastDay = (await openTicket(h, luisIn, 'The projector in room 4 shows no image')).id;
  // 1 Dec, 01:00 in Mexico City: after the range; the formula ticket is taken then (its event too)
  await setClock(h.url, { now: '2026-12-01T07:00:00Z' });
  ids.after = (await openTicket(h, luisIn, 'Teams calls drop after a minute')).id;
  await luisIn.click(luisIn.cardOf(ids.formula), 'Assign to me');
  await h.bot.dispatcher.idle();
  await setClock(h.url, { now: '2026-12-02T16:00:00Z' });
}, 60_000);
afterAll(async () => h.close());

describe('CSV export through a signed, expiring link', () => {
  let ticketsUrl: string;
  let eventsUrl: string;

  it('an agent gets a card with two links that expire in 15 minutes', async () => {
    const card = lastCard(await luisIn.ask('export 2026-11-01 2026-11-30'))!;
    expect(cardText(card)).toContain('CSV export');
    expect(cardText(card)).toContain('Tickets created from 2026-11-01 to 2026-11-30');
    expect(cardText(card)).toContain('The links expire in 15 minutes');
    expect(buttonTitles(card)).toEqual(['Tickets (CSV)', 'Events (CSV)']);
    ticketsUrl = links(card)['Tickets (CSV)'];
    eventsUrl = links(card)['Events (CSV)'];
    expect(ticketsUrl).toMatch(
      /^http:\/\/localhost:\d+\/api\/export\/tickets\.csv\?tenant=[^&]+&from=2026-11-01&to=2026-11-30&exp=\d+&sig=[0-9a-f]{64}$/,
    );
    const exp = Number(new URL(ticketsUrl).searchParams.get('exp'));
    expect(exp).toBe(Date.parse('2026-12-02T16:15:00Z'));
    expect(new URL(eventsUrl).pathname).toBe('/api/export/events.csv');
  });

  it('the tickets file holds the tickets created in the range, escaped for Excel', async () => {
    const res = await get(ticketsUrl);
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/csv; charset=utf-8');
    expect(res.text.startsWith('\uFEFF')).toBe(true);
    const text = res.text.slice(1);
    expect(text.split('\r\n')[0]).toBe(
      'tracking_id,title,category,impact,severity,priority,status,intake_channel,requester,' +
        'owner,tier,created_at,first_response_at,resolved_at,closed_at,' +
        'first_response_sla_met,resolution_sla_met,reopen_count',
    );
    // the quoted title, written the RFC 4180 way, and the formula defused
    expect(text).toContain(`,"Printer, ""HP 4000""\nfloor 2",printing,`);
    expect(text).toContain(`,"'=HYPERLINK(""http://evil.example"",""click"")",printing,`);
    const rows = records(text);
    expect(rows.map((r) => r.tracking_id)).toEqual([
      ids.first,
      ids.quoted,
      ids.formula,
      ids.lastDay,
    ]);
    const [first, quoted, formula, lastDay] = rows;
    expect(first).toMatchObject({
      title: 'Outlook asks for my password again and again',
      status: 'assigned',
      owner: 'Luis Agent',
      intake_channel: 'teams',
      tier: '1',
      created_at: '2026-11-03T15:00:00.000Z',
      resolved_at: '',
      closed_at: '',
      // still open on 2 Dec, past its resolution target: breached
      resolution_sla_met: 'false',
      reopen_count: '0',
    });
    expect(first.requester).toMatch(/^Req /);
    expect(quoted).toMatchObject({
      title: QUOTED_TITLE,
      category: 'printing',
      impact: 'low',
      severity: 'medium',
      priority: 'baja',
      status: 'new',
      owner: '',
      requester: 'Form 2',
      created_at: '2026-11-15T15:00:00.000Z',
    });
    expect(formula.title).toBe(`'${FORMULA_TITLE}`);
    // assigned on 1 Dec: the file shows the ticket as it is now
    expect(formula).toMatchObject({ status: 'assigned', owner: 'Luis Agent' });
    expect(lastDay.created_at).toBe('2026-12-01T03:00:00.000Z');
  });

  it('the events file holds those tickets’ events in the range, data as compact JSON', async () => {
    const res = await get(eventsUrl);
    expect(res.status).toBe(200);
    expect(res.text.startsWith('\uFEFF')).toBe(true);
    const text = res.text.slice(1);
    expect(text.split('\r\n')[0]).toBe('tracking_id,seq,type,at,actor,channel,data');
    const rows = records(text);
    const of = (id: string) => rows.filter((r) => r.tracking_id === id);
    expect(of(ids.first).map((r) => r.type)).toEqual(
      expect.arrayContaining(['created', 'assigned']),
    );
    const assigned = of(ids.first).find((r) => r.type === 'assigned')!;
    expect(assigned).toMatchObject({ actor: 'Luis Agent', at: '2026-11-03T15:00:00.000Z' });
    expect(JSON.parse(assigned.data)).toEqual(expect.any(Object));
    expect(assigned.data).not.toMatch(/\n|": /);
    expect(of(ids.quoted)[0]).toMatchObject({ seq: '1', type: 'created', actor: 'Form 2' });
    // the formula ticket was assigned on 1 Dec: after the range
    expect(of(ids.formula).map((r) => r.type)).toContain('created');
    expect(of(ids.formula).map((r) => r.type)).not.toContain('assigned');
    expect(of(ids.before)).toEqual([]);
    expect(of(ids.after)).toEqual([]);
    for (const r of rows) {
      expect(Date.parse(r.at)).toBeGreaterThanOrEqual(Date.parse('2026-11-01T06:00:00Z'));
      expect(Date.parse(r.at)).toBeLessThan(Date.parse('2026-12-01T06:00:00Z'));
    }
    // in order: by ticket, then sequence
    const keys = rows.map((r) => `${r.tracking_id}|${r.seq.padStart(6, '0')}`);
    expect(keys).toEqual([...keys].sort());
  });

  it('a changed link is refused with 403, and a malformed one with 400 and the reason', async () => {
    const changed = new URL(ticketsUrl);
    changed.searchParams.set('to', '2026-12-31');
    const tampered = await get(changed.toString());
    expect(tampered.status).toBe(403);
    expect(tampered.type).toBe('text/plain; charset=utf-8');
    expect(tampered.text).toContain('This export link is not valid');
    expect(tampered.text).toContain('Este enlace de exportación no es válido');
    expect(tampered.text).not.toMatch(/tracking_id|at .*\.ts/);

    const badSig = new URL(eventsUrl);
    const sig = badSig.searchParams.get('sig')!;
    badSig.searchParams.set('sig', `${sig[0] === 'a' ? 'b' : 'a'}${sig.slice(1)}`);
    expect((await get(badSig.toString())).status).toBe(403);

    const noSig = new URL(ticketsUrl);
    noSig.searchParams.delete('sig');
    expect((await get(noSig.toString())).status).toBe(403);

    const badDate = new URL(ticketsUrl);
    badDate.searchParams.set('from', '2026-11-31');
    const bad = await get(badDate.toString());
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('from and to must be dates as YYYY-MM-DD');
  });

  it('after 16 minutes on the server’s clock the links have expired: 410', async () => {
    await setClock(h.url, { advanceMinutes: 16 });
    for (const url of [ticketsUrl, eventsUrl]) {
      const res = await get(url);
      expect(res.status).toBe(410);
      expect(res.text).toContain('This export link has expired');
      expect(res.text).toContain('Este enlace de exportación caducó');
    }
  });

  it('someone who is not an agent gets no link', async () => {
    const omarIn = new ChannelMember(h.teams, omar, triage);
    const before = omarIn.received().length;
    await omarIn.say('export 2026-11-01 2026-11-30');
    const answers = omarIn.received().slice(before);
    expect(textsOf(answers)).toEqual(['Only agents of the support team can do that.']);
    expect(answers.map((m) => cardOf(m.activity))).toEqual([undefined]);
  });

  it('dates that do not make a range get the usage', async () => {
    expect(textsOf(await luisIn.ask('export 2026-11-30 2026-11-01')).at(-1)).toBe(
      'The end date is before the start date. Usage: "export [from] [to]" with dates as ' +
        'YYYY-MM-DD, e.g. "export 2026-11-01 2026-11-30". Without dates: the last 30 days; with ' +
        'one: from that day to today. "to" cannot be before "from", and a range is at most 366 days.',
    );
    expect(textsOf(await luisIn.ask('export 2025-01-01 2026-11-30')).at(-1)).toMatch(
      /^That range is longer than 366 days\./,
    );
  });

  it('in Spanish: exportar, the card and its buttons in Spanish, the links work', async () => {
    const sofiaIn = new ChannelMember(h.teams, sofia, triage);
    const card = lastCard(await sofiaIn.ask('exportar 2026-11-01 2026-11-30'))!;
    expect(cardText(card)).toContain('Exportación CSV');
    expect(cardText(card)).toContain('Tickets creados del 2026-11-01 al 2026-11-30');
    expect(cardText(card)).toContain('Los enlaces caducan en 15 minutos');
    expect(buttonTitles(card)).toEqual(['Tickets (CSV)', 'Eventos (CSV)']);
    const res = await get(links(card)['Tickets (CSV)']);
    expect(res.status).toBe(200);
    expect(records(res.text.slice(1))).toHaveLength(4);
    const events = await get(links(card)['Eventos (CSV)']);
    expect(events.status).toBe(200);

    expect(textsOf(await sofiaIn.ask('exportar 2026-13-01')).at(-1)).toMatch(
      /^No pude leer esas fechas\. Uso: "exportar \[desde\] \[hasta\]"/,
    );
  });

  it('without dates: the last 30 days up to today', async () => {
    const card = lastCard(await luisIn.ask('export'))!;
    // the clock is at 2 Dec, 10:16 in Mexico City
    expect(cardText(card)).toContain('Tickets created from 2026-11-03 to 2026-12-02');
    const res = await get(links(card)['Tickets (CSV)']);
    expect(records(res.text.slice(1)).map((r) => r.tracking_id)).toEqual([
      ids.first,
      ids.quoted,
      ids.formula,
      ids.lastDay,
      ids.after,
    ]);
  });
});
