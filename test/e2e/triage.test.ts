import { TicketRepository } from '../../src/storage/ticket.repository';
import { Harness, setClock, startHarness, waitFor as waitUntil } from '../support/bot-harness';
import {
  ChannelMember,
  TENANT_ID,
  TeamChannel,
  accountFor,
  actionsOf,
  buttonTitles,
  cardOf,
  cardText,
  makeChannel,
} from '../support/fake-teams';

const admin = accountFor('Alicia Admin', 'es-MX');
const luis = accountFor('Luis Agent', 'en-US');
const marta = accountFor('Marta Agent', 'en-US');
const outsider = accountFor('Otto Outsider', 'en-US');

let h: Harness;
let triage: TeamChannel;
let alicia: ChannelMember;
let luisInChannel: ChannelMember;
let martaInChannel: ChannelMember;

const idIn = (text: string) => /SUP-\d{6}/.exec(text)?.[0] ?? '';

async function settle(): Promise<void> {
  await h.bot.dispatcher.idle();
}

/** The triage thread of a ticket, once the outbox has posted it. */
function threadOf(id: string, what = `the triage card of ${id}`, ms?: number) {
  return waitUntil(
    h,
    () => {
      try {
        return alicia.cardOf(id);
      } catch {
        return undefined;
      }
    },
    what,
    ms,
  );
}

beforeAll(async () => {
  h = await startHarness({ SUPPORT_ADMINS: admin.aadObjectId, OUTBOX_SWEEP_MS: '100' });
  await setClock(h.url, { now: '2026-11-25T16:00:00Z' });
  triage = makeChannel('Triage');
  h.teams.setRoster(triage.teamId, [admin, luis, marta]);
  alicia = new ChannelMember(h.teams, admin, triage);
  luisInChannel = new ChannelMember(h.teams, luis, triage);
  martaInChannel = new ChannelMember(h.teams, marta, triage);
});
afterAll(async () => h.close());

describe('triage channel setup', () => {
  it('is refused for someone who is not a support admin', async () => {
    await luisInChannel.say('setup triage');
    expect(luisInChannel.received().at(-1)?.activity.text).toBe(
      'Sorry, only support administrators can set up channels. Ask one of them to do it.',
    );
  });

  it('keeps tickets created before setup and posts them once a channel is set', async () => {
    const early = h.teams.user('Early Bird', 'en-US');
    await early.say('The projector in room B does not turn on');
    const id = idIn(cardText(early.lastCard().card));
    await settle();
    expect(() => alicia.cardOf(id)).toThrow();

    await alicia.say('configurar triage');
    expect(alicia.received().at(-1)?.activity.text).toBe(
      'Listo: este canal es ahora el canal de triage. Los tickets nuevos aparecerán aquí como tarjetas.',
    );
    const posted = await threadOf(id, 'the held ticket to be posted');
    expect(cardText(cardOf(posted.activity)!)).toContain(
      'The projector in room B does not turn on',
    );
  });
});

describe('a new ticket in the triage channel', () => {
  it('appears as a card with everything needed to triage it, in the team’s language', async () => {
    const ana = h.teams.user('Ana Requester', 'en-US');
    await ana.say('Outlook does not sync my mailbox since this morning');
    const id = idIn(cardText(ana.lastCard().card));
    const thread = await threadOf(id, 'triage card');
    const card = cardOf(thread.activity)!;
    const text = cardText(card);
    // the channel was set up by a Spanish speaker: the team's cards are in Spanish
    expect(text).toContain(`${id} · prioridad`);
    expect(text).toContain('Solicitante: Ana Requester');
    expect(text).toContain('Recibido por: Chat de Teams');
    expect(text).toContain('Categoría: Correo electrónico');
    expect(text).toContain('Responsable: Sin asignar');
    expect(text).toContain('Primera respuesta a más tardar');
    expect(text).toContain('Outlook does not sync my mailbox since this morning');
    expect(buttonTitles(card)).toEqual(
      expect.arrayContaining(['Asignarme', 'Asignar a…', 'Asignar', 'Reclasificar', 'Actualizar']),
    );
    expect(
      h.teams.messages.filter((m) => JSON.stringify(m.activity).includes(`${id} ·`)),
    ).toHaveLength(1);
    // a universal-action card: Teams refreshes it for the agents when they view it
    expect(card.refresh).toMatchObject({
      action: {
        type: 'Action.Execute',
        verb: 'triage.refresh',
        data: { number: Number(id.slice(4)) },
      },
      userIds: [admin.id, luis.id, marta.id],
    });
  });

  it('answers a refresh with the current state', async () => {
    const ana = h.teams.user('Ana Refresh', 'en-US');
    await ana.say('Webcam is not detected');
    const id = idIn(cardText(ana.lastCard().card));
    const thread = await threadOf(id, 'triage card');
    await luisInChannel.click(thread, 'Asignarme');
    const stale = cardOf(thread.history[0])!;
    const refreshed = await martaInChannel.invoke(thread, stale.refresh.action);
    expect(cardText(refreshed.card!)).toContain('Owner: Luis Agent');
  });
});

describe('acting on a ticket from its card', () => {
  async function newTicket(text: string, locale = 'en-US') {
    const requester = h.teams.user(`Req ${Math.random().toString(36).slice(2, 6)}`, locale);
    await requester.say(text);
    const id = idIn(cardText(requester.lastCard().card));
    const thread = await threadOf(id, `triage card of ${id}`);
    return { requester, id, thread };
  }

  it('Assign to me: owner and status change, the first response is recorded, both cards update', async () => {
    const { requester, id, thread } = await newTicket('Teams crashes when I share my screen');
    const res = await luisInChannel.click(
      thread,
      'Assign to me'.replace('Assign to me', 'Asignarme'),
    );
    const answered = cardText(res.card!);
    expect(answered).toContain('Assigned to Luis Agent.');
    expect(answered).toContain('Owner: Luis Agent');
    expect(answered).toContain('Status: Assigned');
    await settle();
    // the stored channel message was updated in place, for everyone
    const channelCard = cardText(cardOf(alicia.cardOf(id).activity)!);
    expect(channelCard).toContain('Responsable: Luis Agent');
    expect(alicia.cardOf(id).history.length).toBeGreaterThan(1);
    // and so was the requester's own card
    const mine = requester.received().find((m) => JSON.stringify(m.activity).includes(id))!;
    expect(mine.history.length).toBeGreaterThan(1);
    expect(cardText(cardOf(mine.activity)!)).toContain('Owner: Luis Agent');
    // and the requester's index, which "my tickets" and intake read, follows the status
    const { UserRepository } = await import('../../src/storage/user.repository');
    const index = await new UserRepository(h.bot.tables).loadContext(
      TENANT_ID,
      requester.account.aadObjectId,
    );
    expect(index.tickets.find((e) => e.trackingId === id)?.status).toBe('assigned');
    const full = await new TicketRepository(h.bot.tables).getFull(TENANT_ID, Number(id.slice(4)));
    expect(full?.stored.ticket.firstResponseBy?.name).toBe('Luis Agent');
    expect(full?.stored.ticket.firstResponseAt?.toISOString()).toBe('2026-11-25T16:00:00.000Z');
    expect(full?.events.map((e) => e.type)).toEqual(['created', 'assigned']);
    // clicking again changes nothing and records nothing
    await luisInChannel.click(thread, 'Asignarme');
    const again = await new TicketRepository(h.bot.tables).getFull(TENANT_ID, Number(id.slice(4)));
    expect(again?.events).toHaveLength(2);
  });

  it('refuses someone who is not in the support team, and changes nothing', async () => {
    const { id, thread } = await newTicket('Keyboard missing keys');
    const otto = new ChannelMember(h.teams, outsider, triage);
    const res = await otto.click(thread, 'Asignarme');
    expect(cardText(res.card!)).toContain(
      'Only agents of the support team can change tickets. Nothing was changed.',
    );
    expect(res.card!.refresh).toBeUndefined(); // the refusal is shown to Otto alone
    // a replayed card with a forged assignee is refused too
    const forged = await otto.invoke(
      thread,
      { verb: 'triage.assign', data: { number: Number(id.slice(4)) } },
      { assignee: outsider.aadObjectId },
    );
    expect(forged.text ?? cardText(forged.card ?? {})).toMatch(/not valid|Only agents/);
    const full = await new TicketRepository(h.bot.tables).getFull(TENANT_ID, Number(id.slice(4)));
    expect(full?.stored.ticket.owner).toBeUndefined();
    expect(full?.events.map((e) => e.type)).toEqual(['created']);
  });

  it('two agents taking the same ticket at once: one owner, consistent cards', async () => {
    const { id, thread } = await newTicket('Shared drive S: is not mapped');
    const [a, b] = await Promise.all([
      luisInChannel.click(thread, 'Asignarme'),
      martaInChannel.click(thread, 'Asignarme'),
    ]);
    const full = await new TicketRepository(h.bot.tables).getFull(TENANT_ID, Number(id.slice(4)));
    const owner = full!.stored.ticket.owner!.name;
    expect(['Luis Agent', 'Marta Agent']).toContain(owner);
    expect(full!.events.filter((e) => e.type === 'assigned')).toHaveLength(1);
    for (const res of [a, b]) expect(cardText(res.card!)).toContain(`Owner: ${owner}`);
    const loser = owner === 'Luis Agent' ? b : a;
    expect(cardText(loser.card!)).toContain(`${owner} took this ticket just before you`);
    await settle();
    expect(cardText(cardOf(alicia.cardOf(id).activity)!)).toContain(`Responsable: ${owner}`);
  });

  it('"Assign to me" on a card drawn before a colleague took the ticket: theirs stands', async () => {
    // Two bot instances: Marta's click was handled first, and Luis still sees the card without
    // an owner (its refresh had not reached him). His click must not silently take the ticket.
    const { id, thread } = await newTicket('Outlook asks for my password all the time');
    const stale = { ...thread, activity: structuredClone(thread.activity) };
    const taken = await martaInChannel.click(thread, 'Asignarme');
    expect(cardText(taken.card!)).toContain('Owner: Marta Agent');
    const late = await luisInChannel.click(stale, 'Asignarme');
    expect(cardText(late.card!)).toContain('Marta Agent took this ticket just before you');
    expect(cardText(late.card!)).toContain('Owner: Marta Agent');
    const full = await new TicketRepository(h.bot.tables).getFull(TENANT_ID, Number(id.slice(4)));
    expect(full!.stored.ticket.owner?.name).toBe('Marta Agent');
    expect(full!.events.filter((e) => e.type === 'assigned')).toHaveLength(1);
    // Taking over from the owner the card shows is deliberate, and allowed. (The thread's card is
    // Marta's answer in English or the channel's refresh in Spanish, whichever came last.)
    await settle();
    const current = cardOf(thread.activity)!;
    const assignMe = actionsOf(current).find((a) => a.verb === 'triage.assignMe')!;
    expect(JSON.stringify(assignMe.data)).toContain(full!.stored.ticket.owner!.id);
    const over = await luisInChannel.invoke(thread, assignMe);
    expect(cardText(over.card!)).toContain('Owner: Luis Agent');
  });

  it('reclassifying recomputes the priority by the matrix and the due times', async () => {
    const { id, thread } = await newTicket('Printer prints blank pages, I can use another one');
    const res = await martaInChannel.click(thread, 'Actualizar', {
      impact: 'high',
      severity: 'high',
      category: 'printing',
    });
    const text = cardText(res.card!);
    expect(text).toContain('Priority is now High.');
    expect(text).toContain('Priority: High');
    expect(text).toContain('First response due: Wed 25 Nov, 10:05 AM');
    const full = await new TicketRepository(h.bot.tables).getFull(TENANT_ID, Number(id.slice(4)));
    expect(full?.stored.ticket).toMatchObject({
      impact: 'high',
      severity: 'high',
      priority: 'alta',
    });
    expect(full?.events.at(-1)).toMatchObject({
      type: 'classified',
      data: { to: { priority: 'alta' }, from: { priority: 'baja' } },
    });
  });
});

describe('resources follow priority', () => {
  it('an alta ticket mentions the on-call agents in its thread', async () => {
    await alicia.say('de guardia', [luis, marta]);
    expect(alicia.received().at(-1)?.activity.text).toBe(
      'De guardia ahora: Luis Agent, Marta Agent. Se les mencionará en los tickets de prioridad alta.',
    );
    const boss = h.teams.user('Bea Boss', 'es-MX');
    await boss.say('nuevo ticket');
    const ack = await boss.click('Enviar', {
      title: 'Nadie puede entrar al ERP',
      description: 'Toda la empresa está sin ERP desde las 9',
      category: 'software',
      impact: 'high',
      severity: 'high',
    });
    const id = idIn(cardText(ack.card!));
    const mention = await waitUntil(
      h,
      () =>
        h.teams.messages.find(
          (m) =>
            m.conversationId.startsWith(triage.channelId) &&
            /<at>Luis Agent<\/at>/.test(m.activity.text ?? ''),
        ),
      'the on-call mention',
    );
    expect(mention.activity.text).toBe(
      `Ticket de prioridad alta ${id}: <at>Luis Agent</at>, <at>Marta Agent</at>, por favor revísenlo.`,
    );
    expect(mention.activity.entities.map((e: any) => e.mentioned.name)).toEqual([
      'Luis Agent',
      'Marta Agent',
    ]);
    expect(mention.conversationId).toBe(alicia.cardOf(id).conversationId); // in the ticket's thread
  });
});

describe('my queue', () => {
  it('lists the agent’s open tickets and the unassigned ones, oldest first, with due times', async () => {
    await martaInChannel.say('my queue');
    const card = cardOf(martaInChannel.received().at(-1)!.activity)!;
    const text = cardText(card);
    expect(text).toContain('My queue');
    const repo = new TicketRepository(h.bot.tables);
    const open = await repo.openTickets(TENANT_ID);
    const mine = open.filter((o) => o.owner?.name === 'Marta Agent');
    const unassigned = open.filter((o) => !o.owner);
    expect(text).toContain(`Assigned to me (${mine.length})`);
    expect(text).toContain(`Unassigned (${unassigned.length})`);
    expect(unassigned.length).toBeGreaterThan(1);
    // oldest first: the first unassigned ticket shown is the oldest one
    const shown = text.match(/SUP-\d{6}/g)!;
    const firstUnassigned = shown.find((id) => unassigned.some((u) => u.trackingId === id));
    expect(firstUnassigned).toBe(unassigned[0].trackingId);
    expect(text).toMatch(/First response due: Wed 25 Nov/);
    await alicia.say('mi cola'); // Alicia's Teams is in Spanish
    const hers = cardText(cardOf(alicia.received().at(-1)!.activity)!);
    expect(hers).toContain('Mi cola');
    expect(hers).toContain('Asignados a mí (0)');
  });

  it('is only for agents', async () => {
    const otto = new ChannelMember(h.teams, outsider, triage);
    await otto.say('my queue');
    expect(otto.received().at(-1)?.activity.text).toBe(
      'Only agents of the support team can do that.',
    );
  });
});

describe('the outbox', () => {
  it('delivers the triage card once even when Teams answers 429 and then 500', async () => {
    h.teams.inject({
      match: (method, path) => method === 'POST' && path === '/v3/conversations',
      status: 429,
      headers: { 'Retry-After': '0' },
    });
    h.teams.inject({
      match: (method, path) => method === 'POST' && path === '/v3/conversations',
      status: 500,
      times: 4, // the connector client retries 5xx itself; the outbox retries after that
    });
    const req = h.teams.user('Rita Retry', 'en-US');
    await req.say('My second monitor flickers');
    const id = idIn(cardText(req.lastCard().card));
    const posted = await threadOf(id, 'the triage card after retries', 20_000);
    expect(posted).toBeDefined();
    await new Promise((r) => setTimeout(r, 300));
    await settle();
    expect(
      h.teams.messages.filter((m) => JSON.stringify(m.activity).includes(`${id} ·`)),
    ).toHaveLength(1);
  }, 30_000);
});
