import { loadPolicy } from '../../src/index';
import { localDate } from '../../src/domain/sla/business-calendar';
import { StatsRepository } from '../../src/storage/stats.repository';
import { TicketRepository } from '../../src/storage/ticket.repository';
import { isOpen, Ticket } from '../../src/domain/tickets/ticket';
import { Harness, waitFor } from '../support/bot-harness';
import {
  ChannelMember,
  TENANT_ID,
  TeamChannel,
  accountFor,
  cardOf,
  cardText,
} from '../support/fake-teams';
import {
  cardWith,
  moveTo as moveTo_,
  openTicket,
  stored,
  textsOf,
  supportDesk,
} from '../support/ticket-flow';

/**
 * The KPI report end to end (spec 7.1, issue #7): a history of tickets is made through Teams as
 * people would (answered, resolved, confirmed, cancelled, solved by self-help, left open) on the
 * controllable clock; `report 7d` must show the figures that this test computes on its own
 * from the stored tickets, not from the report totals. Mexico City is UTC−6.
 */
const admin = accountFor('Alicia Admin', 'en-US');
const luis = accountFor('Luis Agent', 'en-US');
const marta = accountFor('Marta Agente', 'es-MX');

let h: Harness;
let triage: TeamChannel;
let luisIn: ChannelMember;
let martaIn: ChannelMember;
const ids: string[] = [];

const moveTo = (iso: string) => moveTo_(h, iso);

/** The last card the bot posted in the channel (not a thread root of a ticket). */
async function reportIn(member: ChannelMember, text: string) {
  // the totals are counted by outbox jobs, within one outbox sweep of each change
  await h.bot.dispatcher.sweep();
  await h.bot.dispatcher.idle();
  const before = member.received().length;
  await member.say(text);
  const answer = await waitFor(
    h,
    () =>
      member
        .received()
        .slice(before)
        .find((m) => cardOf(m.activity) || m.activity.text),
    'the report',
  );
  return answer;
}

/** "Name: value" facts of a card. */
function facts(card: Record<string, any>): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of cardText(card).split('\n')) {
    const i = line.indexOf(': ');
    if (i > 0) out.set(line.slice(0, i), line.slice(i + 2));
  }
  return out;
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? undefined : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const pct = (n: number, d: number) => (d === 0 ? '—' : `${Math.round((100 * n) / d)}%`);
const mins = (m: number | undefined) => {
  if (m === undefined) return '—';
  const r = Math.round(m);
  const hours = Math.floor(r / 60);
  return hours === 0 ? `${r} min` : r % 60 === 0 ? `${hours} h` : `${hours} h ${r % 60} min`;
};

beforeAll(async () => {
  const desk = await supportDesk({
    admin,
    team: [admin, luis, marta],
    now: '2026-11-23T16:00:00Z', // Mon 10:00 local
    env: { SLA_SWEEP_MS: '3600000' },
  });
  ({ h, triage } = desk);
  luisIn = desk.member(luis);
  martaIn = desk.member(marta);

  // 1. Monday: Luis takes it at once and solves it; the requester confirms.
  const a = await openTicket(h, luisIn, 'The projector in room 2 shows no image', { assign: true });
  await moveTo('2026-11-23T16:40:00Z');
  await luisIn.submit(a.thread, 'triage.resolve', { resolution: 'Replaced the HDMI cable' });
  const resolved = await waitFor(h, () => cardWith(a.requester, `${a.id} is resolved`), 'resolved');
  await a.requester.click('It works now', {}, resolved);
  const survey = await waitFor(
    h,
    () => cardWith(a.requester, `How did we do with ${a.id}?`),
    'the survey',
  );
  await a.requester.click('Submit', { rating: '2', comment: 'It took a while' }, survey);
  ids.push(a.id);

  // 2. Monday: nobody answers for 40 minutes (a breach); Marta answers and resolves on Tuesday.
  const b = await openTicket(
    h,
    luisIn,
    'Outlook asks for my password all day, I cannot send urgent mail to clients',
  );
  await moveTo('2026-11-23T17:20:00Z');
  await martaIn.click(b.thread, 'Assign to me');
  await moveTo('2026-11-24T16:00:00Z');
  await martaIn.submit(b.thread, 'triage.resolve', { resolution: 'Reset the Outlook profile' });
  ids.push(b.id);

  // 3. Tuesday: the requester cancels.
  const c = await openTicket(h, luisIn, 'Please install Visio on my laptop');
  const own = c.requester
    .received()
    .find((m) => cardText(cardOf(m.activity) ?? {}).includes(`Ticket ${c.id} registered`))!;
  await c.requester.click('Cancel', {}, own);
  ids.push(c.id);

  // 4. Tuesday: the VPN self-help steps solve it without an agent.
  const d = await openTicket(h, luisIn, 'The VPN does not connect from home, error 809');
  const offer = await waitFor(h, () => cardWith(d.requester, `${d.id}, try this`), 'self-help');
  await d.requester.click('It works now', { step1: 'true' }, offer);
  ids.push(d.id);
  // Two more about the VPN, in English and Spanish: with ticket 4, a recurring problem.
  for (const text of ['VPN will not connect, error 809 again', 'La VPN no conecta desde casa']) {
    ids.push((await openTicket(h, luisIn, text)).id);
  }

  // 5. Wednesday: still open, Luis answered after 3 minutes.
  await moveTo('2026-11-25T15:30:00Z');
  const e = await openTicket(h, luisIn, 'The whole office has no internet, nobody can work');
  await moveTo('2026-11-25T15:33:00Z');
  await luisIn.click(e.thread, 'Assign to me');
  ids.push(e.id);

  await h.bot.dispatcher.idle();
}, 120_000);
afterAll(async () => h.close());

describe('report', () => {
  it('shows the figures of the last 7 days, computed here from the tickets themselves', async () => {
    await moveTo('2026-11-25T18:00:00Z');
    const tickets: Ticket[] = [];
    for (const id of ids) tickets.push((await stored(h, id)).stored.ticket);

    const answer = await reportIn(luisIn, 'report 7d');
    const card = cardOf(answer.activity)!;
    const text = cardText(card);
    expect(text).toContain('Support report: last 7 days');
    const f = facts(card);
    if (process.env.SHOW_REPORT) console.log(text);

    const count = (p: (t: Ticket) => boolean) => tickets.filter(p).length;
    const byPriority = (p: (t: Ticket) => boolean) => {
      const n = (pr: string) => count((t) => p(t) && t.priority === pr);
      return `${count(p)} (High ${n('alta')} · Medium ${n('media')} · Low ${n('baja')})`;
    };
    expect(new Set(tickets.map((t) => t.priority))).toEqual(new Set(['alta', 'media', 'baja']));
    expect(f.get('Opened')).toBe(byPriority(() => true));
    expect(f.get('Closed')).toBe(byPriority((t) => t.status === 'closed'));
    expect(f.get('Open now')).toBe(byPriority((t) => isOpen(t)));

    const responded = tickets.filter((t) => t.firstResponseAt);
    const frMet = responded.filter(
      (t) => t.sla.firstResponse.actualMinutes! <= t.sla.firstResponse.targetMinutes,
    );
    expect(f.get('First response within target')).toBe(pct(frMet.length, responded.length));
    expect(f.get('Median first response')).toBe(
      mins(median(responded.map((t) => t.sla.firstResponse.actualMinutes!))),
    );
    const solved = tickets.filter(
      (t) => t.resolvedAt && t.sla.resolution.actualMinutes !== undefined,
    );
    const resMet = solved.filter(
      (t) => t.sla.resolution.actualMinutes! <= t.sla.resolution.targetMinutes,
    );
    expect(solved.length).toBe(3);
    expect(f.get('Resolution within target')).toBe(pct(resMet.length, solved.length));
    expect(f.get('Median resolution')).toBe(
      mins(median(solved.map((t) => t.sla.resolution.actualMinutes!))),
    );
    const closed = count((t) => t.status === 'closed');
    const selfService = (await Promise.all(ids.map((id) => stored(h, id)))).filter((s) =>
      s.events.some((e) => e.type === 'steps.outcome' && e.data.selfService === true),
    ).length;
    expect(selfService).toBe(1);
    expect(f.get('Solved by self-service')).toBe(pct(selfService, closed));

    // satisfaction: the ratings the stored tickets hold, over the tickets closed
    const rated = tickets.filter((t) => t.survey?.rating !== undefined);
    expect(rated.length).toBe(1);
    const avg = rated.reduce((n, t) => n + t.survey!.rating!, 0) / rated.length;
    expect(f.get('Satisfaction (1–5)')).toBe(
      `${avg.toFixed(1)} from ${rated.length} ratings (response rate ${pct(rated.length, closed)})`,
    );

    // per agent: resolutions credited to whoever resolved
    expect(text).toMatch(/Luis Agent\n1\n40 min\n100%\n2\.0\n/); // resolved in 40 min, rated 2
    expect(text).toMatch(/Marta Agente\n1\n/);

    // the recurring problem, with its tickets
    const problems = text.slice(text.indexOf('Recurring problems'));
    expect(problems).toMatch(/^Recurring problems\n3 × \nNetwork \/ VPN: /);
    for (const id of ids.slice(3, 6)) expect(problems).toContain(id);
    expect(text).not.toContain('Recurring problems\nNothing in this period.');

    // a chart Teams draws: tickets opened per day by priority
    const chart = (card.body as any[]).find((b) => b.type === 'Chart.VerticalBar.Grouped');
    expect(chart.data).toHaveLength(3);
    const perDay = (day: string) =>
      chart.data.reduce((n: number, s: any) => n + s.values.find((v: any) => v.x === day).y, 0);
    expect(typeof chart.data[0].values[0].y).toBe('number');
    for (const day of ['11-23', '11-24', '11-25', '11-22']) {
      const local = (t: Ticket) =>
        new Date(t.createdAt.getTime() - 6 * 3600_000).toISOString().slice(5, 10);
      expect(perDay(day)).toBe(count((t) => local(t) === day));
    }
    expect(perDay('11-24')).toBeGreaterThan(0);
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(28 * 1024);
  });

  it('counts each event once, even when its job runs again', async () => {
    const before = cardText(cardOf((await reportIn(luisIn, 'report')).activity)!);
    // Every event's contribution is counted again, as a re-delivered `stats.tally` job would.
    // Jobs run within minutes of their event: the daily housekeeping already removed the
    // markers of Monday (two days ago), whose events are final.
    const repo = new TicketRepository(h.bot.tables);
    const totals = new StatsRepository(h.bot.tables);
    const policy = loadPolicy();
    expect(await totals.compactedThrough(TENANT_ID)).toBe('2026-11-23');
    let again = 0;
    for (const id of ids) {
      const number = Number(id.slice(4));
      for (const e of (await stored(h, id)).events) {
        const s = await repo.eventStats(TENANT_ID, number, e.seq);
        const day = s && localDate(s.at, policy.calendar);
        if (s?.stats && day! > '2026-11-23') {
          await totals.tally(TENANT_ID, number, e.seq, day!, s.stats);
          again += 1;
        }
      }
    }
    expect(again).toBeGreaterThan(10);
    const after = cardText(cardOf((await reportIn(luisIn, 'report')).activity)!);
    expect(after).toBe(before);
  });

  it('is for agents only, in English or Spanish, with a clear usage message', async () => {
    const stranger = new ChannelMember(h.teams, accountFor('Random Person'), triage);
    await stranger.say('report 30d');
    expect(textsOf(stranger.received()).at(-1)).toBe(
      'Only agents of the support team can do that.',
    );
    const es = await reportIn(martaIn, 'reporte 30d');
    const text = cardText(cardOf(es.activity)!);
    expect(text).toContain('Reporte de soporte: últimos 30 días');
    expect(text).toContain('Abiertos ahora');
    const bad = await reportIn(luisIn, 'report 12 weeks');
    expect(bad.activity.text).toBe('Say "report", "report 7d" or "report 30d".');
  });
});
