import { OutboxRepository, partsOf } from '../../src/storage/outbox.repository';
import { RecurringRepository } from '../../src/storage/recurring.repository';
import { threadLink } from '../../src/teams/cards/handoff.card';
import { Harness, setClock, waitFor } from '../support/bot-harness';
import {
  ChannelMember,
  SentMessage,
  TENANT_ID,
  TeamChannel,
  accountFor,
  buttonTitles,
  cardOf,
  cardText,
  makeChannel,
} from '../support/fake-teams';
import { openTicket, stored, supportDesk } from '../support/ticket-flow';

/**
 * Recurring problems end to end (spec 7.2, issue #7 item 4): similar tickets of one category in
 * Spanish and English within the window are posted once to the supervisors channel, with links and
 * the count; later ones update that card; unrelated ones and old ones do not group; an agent
 * attaches a playbook, anyone else is refused.
 */
const admin = accountFor('Alicia Admin', 'es-MX');
const luis = accountFor('Luis Agent', 'en-US');
const sofia = accountFor('Sofía Supervisora', 'es-MX');

let h: Harness;
let triage: TeamChannel;
let supervisors: TeamChannel;
let luisIn: ChannelMember;
let adminInSupervisors: ChannelMember;
let sofiaIn: ChannelMember;
let luisInSupervisors: ChannelMember;

jest.setTimeout(30_000);

const since = new Date('2026-11-01T00:00:00Z');
const groups = () => new RecurringRepository(h.bot.tables).groupsSince(TENANT_ID, since, 10);
/** Every card the bot posted in the supervisors channel. */
const posts = () => adminInSupervisors.received().filter((m) => cardOf(m.activity));
const textOf = (m: SentMessage) => cardText(cardOf(m.activity)!);

/** Waits until the `recurring.match` jobs of these tickets are done (or held, when `held`). */
async function matched(ticketIds: string[], held = false): Promise<void> {
  const outbox = new OutboxRepository(h.bot.tables);
  const until = Date.now() + 10_000;
  for (;;) {
    await h.bot.dispatcher.idle();
    // Its own row once tried, else a part of the ticket's `bundle` row until that is sent.
    const jobs = await Promise.all(
      ticketIds.map(async (id) =>
        (await outbox.jobsOf(TENANT_ID, Number(id.slice(4))))
          .flatMap((j) => (j.kind === 'bundle' ? partsOf(j) : [j]))
          .find((j) => j.kind === 'recurring.match'),
      ),
    );
    if (jobs.every((j) => !j || (held && j.lastError === 'held'))) return;
    if (Date.now() > until) throw new Error(`recurring.match of ${ticketIds.join(', ')} not done`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  const desk = await supportDesk({ admin, team: [admin, luis] });
  ({ h, triage } = desk);
  supervisors = makeChannel('Supervisión');
  h.teams.setRoster(supervisors.teamId, [admin, sofia, luis]);
  luisIn = desk.member(luis);
  adminInSupervisors = new ChannelMember(h.teams, admin, supervisors);
  sofiaIn = new ChannelMember(h.teams, sofia, supervisors);
  luisInSupervisors = new ChannelMember(h.teams, luis, supervisors);
});
afterAll(async () => h.close());

describe('recurring problems', () => {
  const ids: string[] = [];

  it('three similar tickets in Spanish and English → one post with links and the count', async () => {
    // Monday, Wednesday, Wednesday (business time: America/Mexico_City)
    await setClock(h.url, { now: '2026-11-23T16:00:00Z' });
    ids.push((await openTicket(h, luisIn, 'La VPN no conecta desde casa', { locale: 'es-MX' })).id);
    await setClock(h.url, { now: '2026-11-25T15:00:00Z' });
    ids.push((await openTicket(h, luisIn, "VPN won't connect since this morning")).id);
    ids.push((await openTicket(h, luisIn, 'No puedo conectarme a la VPN', { locale: 'es-MX' })).id);
    for (const id of ids) expect((await stored(h, id)).stored.ticket.category).toBe('network');

    // no supervisors channel yet: the post is held, not lost
    await matched(ids, true);
    const [group] = await groups();
    expect(group).toMatchObject({ count: 3, category: 'network', label: 'VPN conecta' });
    expect(group.trackingIds).toEqual(ids);
    expect(posts()).toHaveLength(0);

    await adminInSupervisors.say('configurar supervisores');
    const post = await waitFor(h, () => posts()[0], 'the recurring-problem card');
    const text = textOf(post);
    // the channel's language (Spanish: set up by a Spanish speaker)
    expect(text).toContain('3 tickets sobre VPN conecta desde el lunes');
    const json = JSON.stringify(cardOf(post.activity));
    for (const id of ids) {
      const thread = luisIn.cardOf(id);
      const link = threadLink(triage.channelId, thread.id, triage.teamId, TENANT_ID);
      expect(json).toContain(`[${id}](${link})`);
    }
    expect(buttonTitles(cardOf(post.activity)!)).toEqual(['Asociar guía']);
    expect(text).toContain('Guía: ninguna todavía');
  });

  it('a fourth similar ticket updates the count on the same card, no second post', async () => {
    const before = posts()[0];
    const versions = before.history.length;
    const { id } = await openTicket(h, luisIn, 'The VPN does not connect again');
    ids.push(id);
    await waitFor(
      h,
      () => (before.history.length > versions ? true : undefined),
      'the card to be updated',
    );
    expect(posts()).toHaveLength(1);
    expect(textOf(posts()[0])).toContain('4 tickets sobre VPN conecta desde el lunes');
    expect(JSON.stringify(cardOf(posts()[0].activity))).toContain(`[${id}](`);
    expect((await groups())[0]).toMatchObject({ count: 4, trackingIds: ids });
  });

  it('three unrelated tickets produce nothing', async () => {
    await setClock(h.url, { now: '2026-11-25T18:00:00Z' });
    const unrelated = [
      (await openTicket(h, luisIn, 'The Wi-Fi drops in meeting room 3')).id,
      (await openTicket(h, luisIn, 'Network cable broken at desk 12')).id,
      (await openTicket(h, luisIn, 'El teléfono IP de recepción no tiene tono')).id,
    ];
    await matched(unrelated);
    expect(posts()).toHaveLength(1);
    expect((await groups()).map((g) => g.count)).toEqual([4]);
  });

  it('tickets outside the window do not group', async () => {
    await setClock(h.url, { now: '2026-11-02T16:00:00Z' }); // earlier tickets are in the future
    const old = (await openTicket(h, luisIn, 'The printer on floor 2 does not print')).id;
    await setClock(h.url, { now: '2026-11-12T16:00:00Z' }); // 10 days later: outside 7 days
    const a = (await openTicket(h, luisIn, 'Printer on floor 2 does not print anymore')).id;
    const b = (await openTicket(h, luisIn, "The printer on floor 2 won't print")).id;
    await matched([old, a, b]);
    const printing = (await groups()).filter((g) => g.category === 'printing');
    // the two recent ones group; the old one (same text) is not in it, so no post (threshold 3)
    expect(printing).toEqual([expect.objectContaining({ count: 2, trackingIds: [a, b] })]);
    expect(printing[0].trackingIds).not.toContain(old);
    expect(posts()).toHaveLength(1);
  });

  it('an agent attaches a playbook (the card updates); a non-agent is refused', async () => {
    const post = posts()[0];
    const refused = await sofiaIn.click(post, 'Asociar guía', { playbook: 'vpn-not-connecting' });
    expect(cardText(refused.card!)).toContain(
      'Solo los agentes de soporte (miembros del equipo de triage) pueden asociar una guía.',
    );
    expect((await groups())[0].playbook).toBeUndefined();
    // card data is not trusted: a forged group id changes nothing either
    const forged = await sofiaIn.invoke(post, {
      verb: 'recurring.attach',
      data: { groupId: '../x', playbook: 'vpn-not-connecting' },
    });
    expect(forged.card).toBeUndefined();
    expect(forged.text).toBe('Esa acción no es válida para esta tarjeta.');

    const done = await luisInSupervisors.click(post, 'Asociar guía', {
      playbook: 'vpn-not-connecting',
    });
    const text = cardText(done.card!);
    expect(text).toContain('Guía asociada: La VPN no conecta.');
    expect(text).toContain('Guía: La VPN no conecta (asociada por Luis Agent)');
    expect(text).toContain('4 tickets sobre VPN conecta');
    expect((await groups())[0].playbook).toBe('vpn-not-connecting');

    // the next similar ticket's update keeps showing the playbook
    const versions = post.history.length;
    await setClock(h.url, { now: '2026-11-26T15:00:00Z' });
    await openTicket(h, luisIn, 'VPN no conecta', { locale: 'es-MX' });
    await waitFor(h, () => (post.history.length > versions ? true : undefined), 'the update');
    expect(textOf(post)).toContain('5 tickets sobre VPN conecta desde el lunes');
    expect(textOf(post)).toContain('Guía: La VPN no conecta (asociada por Luis Agent)');
  });
});
