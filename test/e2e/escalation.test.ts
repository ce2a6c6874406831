import { loadPolicy } from '../../src/index';
import { Harness, setClock, startHarness, waitFor } from '../support/bot-harness';
import {
  ChannelMember,
  TeamChannel,
  accountFor,
  buttonTitles,
  cardOf,
  cardText,
  makeChannel,
} from '../support/fake-teams';
import { openTicket, stored, textsOf, threadTexts } from '../support/ticket-flow';

/**
 * Escalation end to end (spec 4): the tier-2 channel is set up, a tier-1 agent escalates with a
 * reason and notes, the handoff card reaches tier 2 with everything needed, a tier-2 agent
 * accepts or returns it, and the requester is told in their language.
 */
const admin = accountFor('Alicia Admin', 'en-US');
const luis = accountFor('Luis Agent', 'en-US');
const nora = accountFor('Nora Network', 'en-US');

let h: Harness;
let triage: TeamChannel;
let tier2: TeamChannel;
let luisIn: ChannelMember;
let noraIn: ChannelMember;
let luisInTier2: ChannelMember;

const handoffIn = (id: string) =>
  waitFor(
    h,
    () => {
      try {
        return noraIn.cardOf(id);
      } catch {
        return undefined;
      }
    },
    `the handoff card of ${id}`,
  );

beforeAll(async () => {
  h = await startHarness({ SUPPORT_ADMINS: admin.aadObjectId, OUTBOX_SWEEP_MS: '100' });
  await setClock(h.url, { now: '2026-11-25T16:00:00Z' });
  triage = makeChannel('Triage');
  tier2 = makeChannel('Redes');
  h.teams.setRoster(triage.teamId, [admin, luis]);
  h.teams.setRoster(tier2.teamId, [nora]);
  await new ChannelMember(h.teams, admin, triage).say('setup triage');
  luisIn = new ChannelMember(h.teams, luis, triage);
  noraIn = new ChannelMember(h.teams, nora, tier2);
  luisInTier2 = new ChannelMember(h.teams, luis, tier2);
});
afterAll(async () => h.close());

describe('escalation to tier 2', () => {
  it('is refused with a clear message while no tier-2 channel exists', async () => {
    const { id, thread } = await openTicket(h, luisIn, 'The VPN certificate is rejected', {
      assign: true,
    });
    const res = await luisIn.submit(thread, 'triage.escalate', { escalateReason: 'network' });
    expect(cardText(res.card!)).toContain(
      'No channel is set up for tier 2 yet: a support admin says "setup tier 2" in it.',
    );
    expect((await stored(h, id)).events.map((e) => e.type)).toEqual(['created', 'assigned']);
  });

  it('setup tier 2 is for support admins, in the channel that receives the handoffs', async () => {
    await noraIn.say('setup tier 2');
    expect(textsOf(noraIn.received()).at(-1)).toBe(
      'Sorry, only support administrators can set up channels. Ask one of them to do it.',
    );
    // the Spanish command works too; the answer follows the speaker's Teams language
    await new ChannelMember(h.teams, admin, tier2).say('configurar nivel 2');
    expect(textsOf(new ChannelMember(h.teams, admin, tier2).received()).at(-1)).toBe(
      'Done: this channel receives the tickets escalated to tier 2. Its team’s members are the tier-2 agents.',
    );
  });

  it('posts a handoff card with the context; tier 2 accepts; the requester is told', async () => {
    const { requester, id, thread } = await openTicket(
      h,
      luisIn,
      'VPN says certificate invalid since the update',
      { assign: true },
    );
    // the requester already tried the VPN self-help steps the bot offered
    const offer = requester
      .received()
      .find((m) => cardText(cardOf(m.activity) ?? {}).includes(`${id}, try this`))!;
    await requester.click('Still failing', { step1: 'true', step2: 'true' }, offer);
    await luisIn.submit(thread, 'triage.reply', { replyText: 'Which error code do you see?' });
    await h.bot.dispatcher.idle();
    await luisIn.submit(thread, 'triage.note', { noteText: 'Probably the new CA bundle' });
    const res = await luisIn.submit(thread, 'triage.escalate', {
      escalateReason: 'The VPN concentrator rejects the client certificate',
      escalateNotes: 'Reinstalled the client; error 809 persists',
    });
    expect(cardText(res.card!)).toContain('Escalated to tier 2 (Redes).');

    const handoff = await handoffIn(id);
    const text = cardText(cardOf(handoff.activity)!);
    expect(text).toContain(`${id} · escalated to tier 2`);
    expect(text).toContain('The VPN concentrator rejects the client certificate');
    expect(text).toContain('Reinstalled the client; error 809 persists');
    expect(text).toContain('Which error code do you see?');
    expect(text).toContain('Probably the new CA bundle');
    expect(text).toContain('Steps tried: ');
    expect(text).toMatch(/: ticked 1, 2 of \d+, still failing/);
    // SLA time left: created Wed 10:00, media or baja → hours of business time left at 10:00
    expect(text).toMatch(/SLA time left: \d+ h/);
    await h.bot.dispatcher.idle();
    expect(cardText(cardOf(luisIn.cardOf(id).activity)!)).toContain(
      'Tier: 1, escalated to tier 2 (Redes): waiting to be accepted',
    );
    expect(buttonTitles(cardOf(handoff.activity)!)).toEqual(
      expect.arrayContaining(['Accept', 'Return', 'Open the tier-1 thread']),
    );
    await waitFor(
      h,
      () =>
        textsOf(requester.received()).find((x) =>
          x.startsWith(`Your ticket ${id} was escalated to Redes (tier 2)`),
        ),
      'the requester to be told',
    );
    expect(threadTexts(h, luisIn, id)).toContain(
      `⬆ Luis Agent escalated ${id} to tier 2 (Redes): The VPN concentrator rejects the client certificate`,
    );

    // a tier-1 agent who is not in tier 2 cannot accept
    const refused = await luisInTier2.click(handoff, 'Accept');
    expect(cardText(refused.card!)).toContain('Only agents of tier 2 can accept or return');
    expect((await stored(h, id)).stored.ticket.owner?.name).toBe('Luis Agent');

    const accepted = await noraIn.click(handoff, 'Accept');
    expect(cardText(accepted.card!)).toContain(`You are now the owner of ${id}.`);
    await h.bot.dispatcher.idle();
    const after = (await stored(h, id)).stored.ticket;
    expect(after).toMatchObject({ tier: 2, owner: { name: 'Nora Network' } });
    expect(cardText(cardOf(luisIn.cardOf(id).activity)!)).toContain('Owner: Nora Network');
    expect(cardText(cardOf(luisIn.cardOf(id).activity)!)).toContain('Tier: 2 (Redes)');
    await waitFor(
      h,
      () =>
        textsOf(requester.received()).find(
          (x) => x === `Nora Network from Redes is now handling ${id}.`,
        ),
      'the requester to hear who took it',
    );

    // tier 2 writes an internal note on the handoff card: in the history, never to the requester
    const seenBefore = requester.received().length;
    await noraIn.submit(noraIn.cardOf(id), 'handoff.note', { noteText: 'CA bundle 2026 missing' });
    await h.bot.dispatcher.idle();
    expect(threadTexts(h, luisIn, id)).toContain(
      '📝 Internal note by Nora Network: CA bundle 2026 missing',
    );
    expect(cardText(cardOf(noraIn.cardOf(id).activity)!)).toContain('CA bundle 2026 missing');
    expect(JSON.stringify(requester.received().slice(seenBefore))).not.toContain('CA bundle');
  });

  it('tiers form a chain: tier 2 hands an accepted ticket on to tier 3 the same way', async () => {
    const tier3 = makeChannel('Datacenter');
    const omar = accountFor('Omar Ops', 'en-US');
    h.teams.setRoster(tier3.teamId, [omar]);
    await new ChannelMember(h.teams, admin, tier3).say('setup tier 3');
    const omarIn = new ChannelMember(h.teams, omar, tier3);
    const { id, thread } = await openTicket(h, luisIn, 'The file server is unreachable', {
      assign: true,
    });
    await luisIn.submit(thread, 'triage.escalate', { escalateReason: 'Storage network issue' });
    const handoff = await handoffIn(id);
    await noraIn.click(handoff, 'Accept');
    await h.bot.dispatcher.idle();
    const accepted = noraIn.cardOf(id);
    // only tier-2 agents may hand it on
    const refused = await luisInTier2.submit(accepted, 'handoff.escalate', {
      escalateReason: 'no',
    });
    expect(cardText(refused.card!)).toContain('Only agents of tier 2');
    const res = await noraIn.submit(accepted, 'handoff.escalate', {
      escalateReason: 'The SAN controller needs the datacenter team',
    });
    expect(cardText(res.card!)).toContain(`${id} was handed on to tier 3.`);
    const third = await waitFor(
      h,
      () => {
        try {
          return omarIn.cardOf(id);
        } catch {
          return undefined;
        }
      },
      'the tier-3 handoff card',
    );
    expect(cardText(cardOf(third.activity)!)).toContain(`${id} · escalated to tier 3`);
    await omarIn.click(third, 'Accept');
    await h.bot.dispatcher.idle();
    expect((await stored(h, id)).stored.ticket).toMatchObject({
      tier: 3,
      owner: { name: 'Omar Ops' },
    });
  });

  it('a returned handoff goes back to tier 1 with its reason', async () => {
    const { id, thread } = await openTicket(h, luisIn, 'Printer queue stuck again', {
      assign: true,
    });
    await luisIn.submit(thread, 'triage.escalate', { escalateReason: 'Needs the print server' });
    const handoff = await handoffIn(id);
    const res = await noraIn.submit(handoff, 'handoff.return', {
      returnReason: 'Print servers belong to tier 1: restart the spooler',
    });
    expect(cardText(res.card!)).toContain(`${id} went back to tier 1.`);
    await h.bot.dispatcher.idle();
    const after = (await stored(h, id)).stored.ticket;
    expect(after).toMatchObject({ tier: 1, owner: { name: 'Luis Agent' } });
    expect(after.handoff).toMatchObject({ state: 'returned' });
    expect(threadTexts(h, luisIn, id)).toContain(
      `↩ Nora Network (tier 2) returned ${id}: Print servers belong to tier 1: restart the spooler`,
    );
    // it can be escalated again later
    const again = await luisIn.submit(luisIn.cardOf(id), 'triage.escalate', {
      escalateReason: 'Spooler restart did not help',
    });
    expect(cardText(again.card!)).toContain('Escalated to tier 2');
  });

  it('escalating a closed ticket is refused and changes nothing', async () => {
    const { requester, id, thread } = await openTicket(h, luisIn, 'Mouse double clicks', {
      assign: true,
    });
    await luisIn.submit(thread, 'triage.resolve', { resolution: 'New mouse' });
    await h.bot.dispatcher.idle();
    await requester.invokeAction(requester.lastCard().message, {
      verb: 'ticket.confirm',
      data: { number: Number(id.slice(4)) },
    });
    const events = (await stored(h, id)).events.length;
    const res = await luisIn.invoke(
      luisIn.cardOf(id),
      { verb: 'triage.escalate', data: { number: Number(id.slice(4)) } },
      { escalateReason: 'too late' },
    );
    expect(cardText(res.card!)).toContain(
      'That is not possible while the ticket is "Closed". Nothing was changed.',
    );
    // so is taking it, from an old copy of its card
    const take = await luisIn.invoke(luisIn.cardOf(id), {
      verb: 'triage.assignMe',
      data: { number: Number(id.slice(4)) },
    });
    expect(cardText(take.card!)).toContain('That is not possible while the ticket is "Closed".');
    expect((await stored(h, id)).events).toHaveLength(events);
  });
});

describe('automatic escalation on a resolution breach (policy)', () => {
  let h2: Harness;
  afterAll(async () => h2?.close());

  it('hands the ticket to tier 2 the same way, once, when the policy says so', async () => {
    h2 = await startHarness(
      { SUPPORT_ADMINS: admin.aadObjectId, OUTBOX_SWEEP_MS: '100', SLA_SWEEP_MS: '3600000' },
      { policy: { ...loadPolicy(), autoEscalateOnBreach: true } },
    );
    await setClock(h2.url, { now: '2026-11-25T16:00:00Z' });
    const t1 = makeChannel('Triage');
    const t2 = makeChannel('Redes');
    h2.teams.setRoster(t1.teamId, [admin, luis]);
    h2.teams.setRoster(t2.teamId, [nora]);
    await new ChannelMember(h2.teams, admin, t1).say('setup triage');
    await new ChannelMember(h2.teams, admin, t2).say('setup tier 2');
    const agent = new ChannelMember(h2.teams, luis, t1);
    const { requester, id } = await openTicket(h2, agent, 'Outlook will not open at all', {
      assign: true,
    });
    const due = (await stored(h2, id)).stored.ticket.resolutionDueAt;
    await setClock(h2.url, { now: new Date(due.getTime() + 60_000).toISOString() });
    await h2.bot.sla.sweep();
    await h2.bot.sla.sweep();
    await h2.bot.dispatcher.idle();
    const after = await stored(h2, id);
    expect(after.events.filter((e) => e.type === 'escalated')).toHaveLength(1);
    expect(after.stored.ticket.handoff).toMatchObject({ toTier: 2, state: 'pending' });
    const tier2 = new ChannelMember(h2.teams, nora, t2);
    await waitFor(
      h2,
      () => {
        try {
          return tier2.cardOf(id);
        } catch {
          return undefined;
        }
      },
      'the handoff card',
    );
    await waitFor(
      h2,
      () =>
        textsOf(requester.received()).find((x) => x.includes('the resolution target was missed')),
      'the requester to be told why',
    );
  });
});
