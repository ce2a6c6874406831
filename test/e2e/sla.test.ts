import { Harness, setClock, startHarness, waitFor } from '../support/bot-harness';
import {
  moveTo as moveTo_,
  openTicket,
  stored as stored_,
  textsOf,
  threadTexts as threadTexts_,
} from '../support/ticket-flow';
import {
  ChannelMember,
  ChatUser,
  TeamChannel,
  accountFor,
  buttonTitles,
  cardOf,
  cardText,
  makeChannel,
} from '../support/fake-teams';

/**
 * The SLA engine end to end (spec 5): the test clock moves time, the server's timers fire,
 * notices reach the ticket's thread and the requester's chat through the outbox, once each.
 * Times: America/Mexico_City is UTC−6; business hours 09:00–18:00 = 15:00Z–24:00Z.
 */
const admin = accountFor('Alicia Admin', 'en-US');
const luis = accountFor('Luis Agent', 'en-US');

let h: Harness;
let triage: TeamChannel;
let luisInChannel: ChannelMember;

const threadTexts = (id: string) => threadTexts_(h, luisInChannel, id);
/** The plain-text messages a requester got in their chat. */
const chatTexts = (u: ChatUser) => textsOf(u.received()).filter((t) => t !== '');
const moveTo = (iso: string) => moveTo_(h, iso);
const newTicket = (text: string) => openTicket(h, luisInChannel, text);
const stored = (id: string) => stored_(h, id);

beforeEach(async () => {
  // Each scenario gets its own bot and storage: their clocks do not interfere.
  h = await startHarness({
    SUPPORT_ADMINS: admin.aadObjectId,
    OUTBOX_SWEEP_MS: '100',
    SLA_SWEEP_MS: '3600000',
  });
  await setClock(h.url, { now: '2026-11-25T16:00:00Z' }); // Wed 10:00 local
  triage = makeChannel('Triage');
  h.teams.setRoster(triage.teamId, [admin, luis]);
  await new ChannelMember(h.teams, admin, triage).say('setup triage');
  luisInChannel = new ChannelMember(h.teams, luis, triage);
});
afterEach(async () => h.close());

describe('SLA notices', () => {
  it('warns at 75 % and reports a first-response breach once, and the card shows it', async () => {
    const { id } = await newTicket('The printer on floor 3 is offline');
    const ticket = (await stored(id)).stored.ticket;
    const target = ticket.sla.firstResponse.targetMinutes;
    expect([5, 10, 15]).toContain(target);

    // just before 75 % of the target: nothing
    await moveTo(
      new Date(ticket.createdAt.getTime() + target * 0.75 * 60_000 - 1000).toISOString(),
    );
    expect(threadTexts(id)).toEqual([]);

    await moveTo(new Date(ticket.createdAt.getTime() + target * 0.75 * 60_000).toISOString());
    expect(threadTexts(id)).toEqual([
      expect.stringMatching(new RegExp(`^⚠ ${id}: 75% of the first-response time is used`)),
    ]);

    await moveTo(ticket.firstResponseDueAt.toISOString());
    await moveTo(new Date(ticket.firstResponseDueAt.getTime() + 60_000).toISOString());
    await h.bot.sla.sweep();
    await h.bot.dispatcher.idle();
    const breaches = threadTexts(id).filter((t) => t.includes('first-response target'));
    expect(breaches).toEqual([
      `⛔ ${id}: first-response target (${target} min) missed. It was due Wed 25 Nov, ${formatLocal(ticket.firstResponseDueAt)}.`,
    ]);
    // the breach is recorded with its target on the ticket, and the card says so in place
    const after = await stored(id);
    expect(after.stored.ticket.sla.firstResponse.breachedAt).toBeDefined();
    const slaEvents = after.events.filter((e) => e.type === 'sla');
    expect(slaEvents.map((e) => (e.data.notices as { kind: string }[]).map((n) => n.kind))).toEqual(
      [['firstResponse.warning'], ['firstResponse.breach']],
    );
    expect(cardText(cardOf(luisInChannel.cardOf(id).activity)!)).toContain(
      '⛔ First-response target missed',
    );

    // taking it afterwards stores the actual minutes beside the target
    await luisInChannel.click(luisInChannel.cardOf(id), 'Assign to me');
    const taken = (await stored(id)).stored.ticket;
    expect(taken.sla.firstResponse.actualMinutes).toBeGreaterThan(target);
    expect(taken.sla.firstResponse.targetMinutes).toBe(target);
  });

  it('sends an untouched ticket’s requester a status update after 4 business hours, once', async () => {
    const { requester, id } = await newTicket('My second monitor flickers now and then');
    const before = chatTexts(requester).length;
    await moveTo('2026-11-25T19:59:00Z'); // 13:59 local
    expect(chatTexts(requester)).toHaveLength(before);
    await moveTo('2026-11-25T20:00:00Z'); // 14:00 local: 4 business hours
    const updates = chatTexts(requester).filter((t) => t.startsWith(`Update on ${id}`));
    expect(updates).toEqual([
      expect.stringMatching(/still open, status "New"\. It is in the support queue/),
    ]);
    await h.bot.sla.sweep();
    await h.bot.dispatcher.idle();
    expect(chatTexts(requester).filter((t) => t.startsWith(`Update on ${id}`))).toHaveLength(1);
    // the next one 4 business hours later: Wednesday 18:00 local, then Thursday 13:00
    await moveTo('2026-11-25T23:59:00Z');
    expect(chatTexts(requester).filter((t) => t.startsWith(`Update on ${id}`))).toHaveLength(1);
    await moveTo('2026-11-26T00:00:00Z');
    expect(chatTexts(requester).filter((t) => t.startsWith(`Update on ${id}`))).toHaveLength(2);
    await moveTo('2026-11-26T18:59:00Z');
    expect(chatTexts(requester).filter((t) => t.startsWith(`Update on ${id}`))).toHaveLength(2);
    await moveTo('2026-11-26T19:00:00Z');
    expect(chatTexts(requester).filter((t) => t.startsWith(`Update on ${id}`))).toHaveLength(3);
  });
});

describe('waiting for parts', () => {
  it('tells the requester the date, follows up daily, alerts when late, resumes on arrival', async () => {
    const { requester, id, thread } = await newTicket('The laptop battery is swollen');
    await luisInChannel.click(thread, 'Assign to me');
    const original = (await stored(id)).stored.ticket;
    expect(buttonTitles(cardOf(thread.activity)!)).toEqual(
      expect.arrayContaining(['Waiting for parts', 'Waiting for requester']),
    );

    // a weekend day is refused with the allowed range, and nothing changes
    const refused = await luisInChannel.submit(thread, 'triage.partsWait', {
      expectedDate: '2026-11-28',
    });
    expect(cardText(refused.card!)).toContain(
      'Pick a working day between Thu 26 Nov and Wed 2 Dec for the parts. Nothing was changed.',
    );
    expect((await stored(id)).stored.ticket.status).toBe('assigned');

    // three business days ahead: Thu 26, Fri 27, Mon 30
    const res = await luisInChannel.submit(thread, 'triage.partsWait', {
      expectedDate: '2026-11-30',
    });
    expect(cardText(res.card!)).toContain('Waiting for parts until Mon 30 Nov.');
    expect(cardText(res.card!)).toContain(
      '⏸ Resolution clock paused: waiting for parts (expected Mon 30 Nov)',
    );
    expect(buttonTitles(res.card!)).toContain('Parts arrived');
    await h.bot.dispatcher.idle();
    const told = await waitFor(
      h,
      () => chatTexts(requester).find((t) => t.includes('are on order')),
      'the requester to hear the date',
    );
    expect(told).toBe(
      `The parts needed for ${id} are on order and expected by Mon 30 Nov. The resolution time is paused meanwhile; I will update you every business day.`,
    );

    const followUps = () => chatTexts(requester).filter((t) => t.includes('still on their way'));
    await moveTo('2026-11-26T14:59:00Z'); // Thu 08:59
    expect(followUps()).toHaveLength(0);
    await moveTo('2026-11-26T15:00:00Z'); // Thu 09:00
    expect(followUps()).toEqual([
      `${id}: the parts are still on their way, expected by Mon 30 Nov.`,
    ]);
    await moveTo('2026-11-27T15:00:00Z'); // Fri 09:00
    await moveTo('2026-11-28T15:00:00Z'); // Sat: no follow-up
    await moveTo('2026-11-29T15:00:00Z'); // Sun: none
    expect(followUps()).toHaveLength(2);
    await moveTo('2026-11-30T15:00:00Z'); // Mon 09:00
    expect(followUps()).toHaveLength(3);
    // no regular status updates while the parts follow-ups run
    expect(chatTexts(requester).filter((t) => t.startsWith(`Update on ${id}`))).toHaveLength(0);

    // the expected day ends without the parts: the channel is alerted, once
    const alerts = () => threadTexts(id).filter((t) => t.startsWith(`📦 ${id}`));
    await moveTo('2026-11-30T23:59:00Z');
    expect(alerts()).toHaveLength(0);
    await moveTo('2026-12-01T00:00:00Z'); // Mon 18:00 local
    await moveTo('2026-12-01T02:00:00Z');
    expect(alerts()).toEqual([
      `📦 ${id}: the parts expected Mon 30 Nov have not arrived. Set a new date or mark them arrived.`,
    ]);
    await moveTo('2026-12-01T15:00:00Z'); // Tue 09:00: the follow-up says they are late
    expect(chatTexts(requester).at(-1)).toBe(
      `${id}: the parts expected Mon 30 Nov are late. The support team was alerted and will give you a new date.`,
    );

    // parts arrive Tue 10:00 local: the clock resumes, the due time moved by the paused time
    await moveTo('2026-12-01T16:00:00Z');
    const card = cardOf(luisInChannel.cardOf(id).activity)!;
    const arrived = await luisInChannel.click(luisInChannel.cardOf(id), 'Parts arrived');
    expect(card).toBeDefined();
    expect(cardText(arrived.card!)).toContain('Parts arrived: the resolution clock runs again.');
    await h.bot.dispatcher.idle();
    const after = (await stored(id)).stored.ticket;
    expect(after.status).toBe('in_progress');
    expect(after.sla.resolution.pausedSince).toBeUndefined();
    // paused from Wed 10:00 to Tue 10:00 local: 4 business days of 9 h = 2160 business minutes
    expect(after.sla.resolution.pausedBusinessMinutes).toBe(2160);
    expect(after.resolutionDueAt.getTime()).toBeGreaterThan(original.resolutionDueAt.getTime());
    const events = (await stored(id)).events.map((e) => e.type);
    expect(events).toEqual(expect.arrayContaining(['parts.waiting', 'parts.arrived']));
    await waitFor(
      h,
      () => chatTexts(requester).find((t) => t.startsWith(`The parts for ${id} have arrived`)),
      'the requester to hear that the parts arrived',
    );
  });
});

describe('waiting for the requester', () => {
  it('pauses the clock, resumes when the requester answers, and closes after 3 silent business days', async () => {
    const { requester, id, thread } = await newTicket('I need access to the finance share');
    await luisInChannel.click(thread, 'Assign to me');
    const res = await luisInChannel.click(thread, 'Waiting for requester');
    expect(cardText(res.card!)).toContain('⏸ Resolution clock paused: waiting for the requester');
    expect(buttonTitles(res.card!)).toContain('Resume');
    const asked = await waitFor(
      h,
      () => chatTexts(requester).find((t) => t.includes('needs an answer from you')),
      'the requester to be asked',
    );
    // Wed 10:00 + 3 business days of 9 h = Mon 10:00 local
    expect(asked).toBe(
      `The support team needs an answer from you on ${id}. Reply in this chat; without an answer the ticket closes Mon 30 Nov, 10:00 AM.`,
    );

    // the requester answers on Thursday: the answer goes to the ticket and the clock runs again
    await moveTo('2026-11-26T16:00:00Z');
    await requester.say('It is the share \\\\fin01\\budget, read only is enough');
    await requester.click(`Add to ${id}`);
    await h.bot.dispatcher.idle();
    let ticket = (await stored(id)).stored.ticket;
    expect(ticket.status).toBe('in_progress');
    expect(ticket.sla.resolution.pausedBusinessMinutes).toBe(540); // Wed 10:00 → Thu 10:00
    expect(ticket.sla.autoCloseAt).toBeUndefined();

    // asked again, and this time nobody answers: closed on Tuesday 10:00 local (3 business days)
    await luisInChannel.click(luisInChannel.cardOf(id), 'Waiting for requester');
    await moveTo('2026-12-01T15:59:00Z');
    expect((await stored(id)).stored.ticket.status).toBe('waiting_requester');
    await moveTo('2026-12-01T16:00:00Z');
    ticket = (await stored(id)).stored.ticket;
    expect(ticket.status).toBe('closed');
    expect(ticket.sla.resolution.actualMinutes).toBeDefined();
    await waitFor(
      h,
      () => chatTexts(requester).find((t) => t.startsWith(`${id} was closed`)),
      'the requester to be told about the closing',
    );
    expect(cardText(cardOf(luisInChannel.cardOf(id).activity)!)).toContain('Status: Closed');
  });
});

function formatLocal(d: Date): string {
  // h:mm a in Mexico City (UTC−6), as the cards and notices show it
  const local = new Date(d.getTime() - 6 * 3600_000);
  const h24 = local.getUTCHours();
  const h12 = h24 % 12 === 0 ? 12 : h24 % 12;
  return `${h12}:${String(local.getUTCMinutes()).padStart(2, '0')} ${h24 < 12 ? 'AM' : 'PM'}`;
}
