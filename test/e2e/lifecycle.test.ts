import { Harness, setClock, startHarness, waitFor } from '../support/bot-harness';
import {
  cardWith,
  idIn,
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
 * Diagnosis and resolution end to end (spec 3): agent and requester talk through the ticket,
 * internal notes stay internal, a resolution is confirmed, rejected or closes by itself, and
 * the requester can cancel and reopen. Mexico City is UTC−6; business hours 15:00Z–24:00Z.
 */
const admin = accountFor('Alicia Admin', 'en-US');
const luis = accountFor('Luis Agent', 'en-US');

let h: Harness;
let triage: TeamChannel;
let luisInChannel: ChannelMember;

const threadTexts = (id: string) => threadTexts_(h, luisInChannel, id);
const stored = (id: string) => stored_(h, id);
const moveTo = (iso: string) => moveTo_(h, iso);
const newTicket = (text: string, opts: { locale?: string } = {}) =>
  openTicket(h, luisInChannel, text, { assign: true, ...opts });
const messageCard = cardWith;

beforeAll(async () => {
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
afterAll(async () => h.close());

describe('the conversation between agent and requester', () => {
  it('a reply reaches the requester with the ticket, and their answer reaches the thread', async () => {
    const { requester, id, thread } = await newTicket('Outlook asks for my password all day');
    const res = await luisInChannel.submit(thread, 'triage.reply', {
      replyText: 'Did you change your password **recently**? [click](https://evil.example)',
      wait: 'true',
    });
    expect(cardText(res.card!)).toContain('Sent to the requester.');
    const message = await waitFor(
      h,
      () => messageCard(requester, `Luis Agent replied on ${id}`),
      'the reply in the requester chat',
    );
    const card = cardOf(message.activity)!;
    // the agent's text is shown literally (a TextRun, not Markdown)
    expect(cardText(card)).toContain(
      'Did you change your password **recently**? [click](https://evil.example)',
    );
    expect(cardText(card)).toContain('Please answer: without an answer the ticket closes');
    expect(threadTexts(id)).toContain(
      '↩ Luis Agent to the requester: Did you change your password \\*\\*recently\\*\\*? \\[click\\]\\(https://evil\\.example\\)',
    );
    expect((await stored(id)).stored.ticket.status).toBe('waiting_requester');

    const answered = await requester.click('Submit', { answer: 'Yes, on Monday' }, message);
    expect(cardText(answered.card!)).toContain('Sent to the support team. Thank you!');
    expect(buttonTitles(answered.card!)).not.toContain('Reply');
    await h.bot.dispatcher.idle();
    expect(threadTexts(id)).toContain(`💬 ${requester.account.name} (requester): Yes, on Monday`);
    const after = await stored(id);
    expect(after.stored.ticket.status).toBe('in_progress');
    expect(after.events.map((e) => e.type)).toEqual(['created', 'assigned', 'reply', 'comment']);
  });

  it('an internal note shows in the thread and never reaches the requester', async () => {
    const { requester, id, thread } = await newTicket('The scanner does not send e-mails');
    const before = requester.received().length;
    await luisInChannel.submit(thread, 'triage.note', {
      noteText: 'Probably the SMTP relay again',
    });
    await h.bot.dispatcher.idle();
    expect(threadTexts(id)).toContain(
      '📝 Internal note by Luis Agent: Probably the SMTP relay again',
    );
    const seen = requester
      .received()
      .slice(before)
      .map((m) => JSON.stringify(m.activity));
    expect(seen.join('\n')).not.toContain('SMTP relay');
    expect((await stored(id)).events.at(-1)).toMatchObject({
      type: 'note',
      data: { internal: true },
    });
  });
});

describe('resolving', () => {
  it.each([
    ['en-US', 'It works now', 'You already have open tickets', 'registered'],
    ['es-MX', 'Ya funciona', 'Ya tienes tickets abiertos', 'registrado'],
  ])(
    '%s: while the ticket is open a new message offers the choice; once closed it becomes a ticket at once',
    async (locale, works, choiceTitle, registered) => {
      const { requester, id, thread } = await newTicket('The scanner on floor 2 jams', {
        locale,
      });
      // Open: the next message offers to add it to the ticket.
      await requester.say('It jams with every page');
      expect(cardText(requester.lastCard().card)).toContain(choiceTitle);
      await luisInChannel.submit(thread, 'triage.resolve', { resolution: 'Cleaned the rollers' });
      const message = await waitFor(
        h,
        () =>
          requester.received().find((m) => buttonTitles(cardOf(m.activity) ?? {}).includes(works)),
        'the resolution in the requester chat',
      );
      await requester.click(works, {}, message);
      await h.bot.dispatcher.idle();
      expect((await stored(id)).stored.ticket.status).toBe('closed');
      // Closed: the next message is a new ticket, acknowledged in the person's language.
      const before = requester.received().length;
      await requester.say('Now the printer next to it is offline');
      const cards = requester
        .received()
        .slice(before)
        .map((m) => cardText(cardOf(m.activity) ?? {}));
      expect(cards.some((c) => c.includes(choiceTitle))).toBe(false);
      const ack = cards.find((c) => new RegExp(`Ticket SUP-\\d{6} ${registered}`).test(c));
      expect(ack).toBeDefined();
      expect(idIn(ack!)).not.toBe(id);
    },
  );

  it('resolve → It works now closes the ticket; the SLA actual time is stored', async () => {
    const { requester, id, thread } = await newTicket('The projector in room 2 shows no image');
    await moveTo('2026-11-25T16:30:00Z');
    await luisInChannel.submit(thread, 'triage.resolve', { resolution: 'Replaced the HDMI cable' });
    const message = await waitFor(
      h,
      () => messageCard(requester, `${id} is resolved`),
      'the resolution in the requester chat',
    );
    expect(buttonTitles(cardOf(message.activity)!)).toEqual(['It works now', 'Still failing']);
    const res = await requester.click('It works now', {}, message);
    expect(cardText(res.card!)).toContain(`Thank you! ${id} is closed.`);
    await h.bot.dispatcher.idle();
    const after = await stored(id);
    expect(after.stored.ticket.status).toBe('closed');
    expect(after.stored.ticket.sla.resolution.actualMinutes).toBe(30);
    expect(after.events.map((e) => e.type).slice(-2)).toEqual(['resolved', 'closed']);
    expect(threadTexts(id)).toEqual(
      expect.arrayContaining([
        '✅ Resolved by Luis Agent: Replaced the HDMI cable',
        `🔒 ${id} closed: the requester confirmed it works.`,
      ]),
    );
    // the same button clicked again on an old copy of the card changes nothing
    const again = await requester.invokeAction(message, {
      verb: 'ticket.confirm',
      data: { number: Number(id.slice(4)) },
    });
    expect(cardText(again.card!)).toContain('Nothing was changed.');
    expect((await stored(id)).events).toHaveLength(after.events.length);
  });

  it('resolve → Still failing reopens it and tells the owner', async () => {
    const { requester, id, thread } = await newTicket('Teams keeps crashing on start');
    await luisInChannel.submit(thread, 'triage.resolve', { resolution: 'Cleared the Teams cache' });
    const message = await waitFor(
      h,
      () => messageCard(requester, `${id} is resolved`),
      'the resolution card',
    );
    await requester.click('Still failing', {}, message);
    await h.bot.dispatcher.idle();
    const after = (await stored(id)).stored.ticket;
    expect(after.status).toBe('in_progress');
    expect(after.reopenCount).toBe(1);
    const line = h.teams
      .messagesIn(luisInChannel.cardOf(id).conversationId)
      .find((m) => String(m.activity.text ?? '').startsWith(`🔁 ${id} reopened`))!;
    expect(line.activity.text).toBe(
      `🔁 ${id} reopened by the requester (1): it still fails. <at>Luis Agent</at>`,
    );
    expect(line.activity.entities).toEqual([
      expect.objectContaining({
        type: 'mention',
        mentioned: { id: luis.aadObjectId, name: 'Luis Agent' },
      }),
    ]);
  });

  it('an unanswered resolution closes after 3 business days, and can be reopened for 5', async () => {
    await moveTo('2026-11-25T16:00:00Z');
    const { requester, id, thread } = await newTicket('My headset microphone is muted');
    await luisInChannel.submit(thread, 'triage.resolve', {
      resolution: 'Updated the audio driver',
    });
    await h.bot.dispatcher.idle();
    await moveTo('2026-11-30T15:59:00Z'); // Mon 09:59 local: 2 days 23 h 59 min of business time
    expect((await stored(id)).stored.ticket.status).toBe('resolved');
    await moveTo('2026-11-30T16:00:00Z'); // Mon 10:00: 3 business days
    expect((await stored(id)).stored.ticket.status).toBe('closed');
    await waitFor(
      h,
      () =>
        textsOf(requester.received()).find((x) =>
          x.startsWith(`${id} was closed: it was resolved and we did not hear back`),
        ),
      'the closing notice',
    );

    // the requester's own card now offers Reopen, within 5 business days
    await h.bot.dispatcher.idle();
    const own = requester
      .received()
      .find(
        (m) =>
          m.history.length > 0 &&
          cardText(cardOf(m.activity) ?? {}).includes(`Ticket ${id} registered`),
      )!;
    expect(buttonTitles(cardOf(own.activity)!)).toContain('Reopen');
    const reopened = await requester.click('Reopen', {}, own);
    expect(cardText(reopened.card!)).toContain(`${id} is open again`);
    expect((await stored(id)).stored.ticket.status).toBe('in_progress');
  });

  it('reopening after the window, or resolving a closed ticket, is refused and changes nothing', async () => {
    await moveTo('2026-11-25T16:00:00Z');
    const { requester, id, thread, ack } = await newTicket('Keyboard letters are wrong');
    await luisInChannel.submit(thread, 'triage.resolve', {
      resolution: 'Set the keyboard layout to Latin American',
    });
    const message = await waitFor(h, () => messageCard(requester, `${id} is resolved`), 'card');
    await requester.click('It works now', {}, message);
    await h.bot.dispatcher.idle();
    const events = (await stored(id)).events.length;

    // an old triage card replayed: resolving a closed ticket is refused with the reason
    const resolveAgain = await luisInChannel.invoke(
      luisInChannel.cardOf(id),
      { verb: 'triage.resolve', data: { number: Number(id.slice(4)) } },
      { resolution: 'again' },
    );
    expect(cardText(resolveAgain.card!)).toContain(
      'That is not possible while the ticket is "Closed". Nothing was changed.',
    );

    expect((await stored(id)).events).toHaveLength(events);

    await moveTo('2026-12-03T16:00:00Z'); // Thu 3 Dec: 6 business days later
    // (meanwhile the unanswered satisfaction survey got its one reminder, an `sla` event)
    const beforeLate = (await stored(id)).events.length;
    const late = await requester.invokeAction(ack, {
      verb: 'ticket.reopen',
      data: { number: Number(id.slice(4)) },
    });
    expect(cardText(late.card!)).toContain('can no longer be reopened');
    expect((await stored(id)).events).toHaveLength(beforeLate);
    expect((await stored(id)).stored.ticket.status).toBe('closed');
  }, 20_000);
});

describe('the requester', () => {
  it('can cancel an open ticket; nobody else can act on it', async () => {
    await moveTo('2026-11-25T16:00:00Z');
    const { requester, id, ack } = await newTicket('Please install Visio');
    const stranger = h.teams.user('Stranger Danger', 'en-US');
    const refused = await stranger.invokeAction(ack, {
      verb: 'ticket.cancel',
      data: { number: Number(id.slice(4)) },
    });
    expect(refused.text).toBe(`Only the person who opened ${id} can do that. Nothing was changed.`);
    expect((await stored(id)).stored.ticket.status).toBe('assigned');

    const own = requester
      .received()
      .find((m) => cardText(cardOf(m.activity) ?? {}).includes(`Ticket ${id} registered`))!;
    const res = await requester.click('Cancel', {}, own);
    expect(cardText(res.card!)).toContain(`${id} is cancelled.`);
    await h.bot.dispatcher.idle();
    expect((await stored(id)).stored.ticket.status).toBe('cancelled');
    expect(threadTexts(id)).toContain(`✖ ${id} cancelled by the requester.`);
  });
});

describe('self-help and resolution steps', () => {
  /** The latest steps card the requester got for a ticket. */
  const stepsOf = (u: ChatUser, id: string) =>
    [...u.received()]
      .reverse()
      .find(
        (m) =>
          /(try this|prueba esto|sent steps for|envió pasos para)/.test(
            cardText(cardOf(m.activity) ?? {}),
          ) && cardText(cardOf(m.activity)!).includes(id),
      );

  it('offers a matching playbook right after intake; "Ya funciona" closes it as self-service', async () => {
    await moveTo('2026-11-25T16:00:00Z');
    const ana = h.teams.user('Ana Impresora', 'es-MX');
    await ana.say('La impresora del piso 3 dice sin conexión y no imprime');
    const offer = ana.lastCard();
    const text = cardText(offer.card);
    const id = idIn(text);
    expect(text).toContain(`Mientras un agente revisa ${id}, prueba esto`);
    expect(buttonTitles(offer.card)).toEqual(['Ya funciona', 'Sigue fallando']);
    const res = await ana.click('Ya funciona', { step1: 'true', step2: 'true' }, offer.message);
    expect(cardText(res.card!)).toContain(`¡Excelente! ${id} está cerrado. Gracias.`);
    await h.bot.dispatcher.idle();
    const after = await stored(id);
    expect(after.stored.ticket.status).toBe('closed');
    expect(after.events.at(-1)).toMatchObject({
      type: 'steps.outcome',
      data: { worked: true, selfService: true, playbook: 'printer-offline', ticked: [1, 2] },
    });
    await waitFor(
      h,
      () => threadTexts(id).find((x) => x.startsWith(`🎉 ${id}: the steps worked`)),
      'the outcome in the thread',
    );
  });

  it.each([
    {
      lang: 'es',
      locale: 'es-MX',
      at: '2026-11-25T16:10:00Z',
      text: 'La impresora del piso 3 dice sin conexión y no imprime',
      worksNow: 'Ya funciona',
      ack: /Ticket SUP-\d+ registrado/,
      offer: (id: string) => `Mientras un agente revisa ${id}, prueba esto`,
    },
    {
      lang: 'en',
      locale: 'en-US',
      at: '2026-11-25T16:12:00Z',
      text: 'The printer on floor 3 says offline and does not print',
      worksNow: 'It works now',
      ack: /Ticket SUP-\d+ registered/,
      offer: (id: string) => `While an agent looks at ${id}, try this`,
    },
  ])(
    '($lang) Teams gets its answer once the acknowledgement is out; the offer follows in the same turn',
    async ({ locale, at, text, worksNow, ack, offer }) => {
      await moveTo(at);
      const eva = h.teams.user(`Eva Impresora ${locale}`, locale);
      // Teams is slow to take the offer (the card with the "it works now" button).
      h.teams.inject({
        match: (method, path, body) =>
          method === 'POST' &&
          path.startsWith(`/v3/conversations/${eva.conversationId}/activities`) &&
          JSON.stringify(body ?? {}).includes(worksNow),
        status: 200,
        delayMs: 1500,
        effect: 'slow',
      });
      const settle = h.teams.settle;
      h.teams.settle = undefined;
      try {
        const started = Date.now();
        const res = await eva.say(text);
        expect(res.status).toBe(200);
        expect(Date.now() - started).toBeLessThan(1500);
        // Answered with the acknowledgement sent, the offer still on its way.
        expect(eva.received().map((m) => cardText(cardOf(m.activity) ?? {}))).toEqual([
          expect.stringMatching(ack),
        ]);
      } finally {
        h.teams.settle = settle;
      }
      await h.bot.turns.afterAnswers();
      const id = idIn(cardText(cardOf(eva.received()[0].activity)!));
      expect(eva.received()).toHaveLength(2);
      expect(cardText(stepsOf(eva, id)!.activity.attachments[0].content)).toContain(offer(id));
      // The acknowledgement's place was written after the answer: its card is updated in place.
      await h.bot.dispatcher.idle();
      const after = await stored(id);
      expect(after.stored.ticket.requesterCard).toBeDefined();
    },
  );

  it('"Still failing" keeps the ticket for an agent and records the steps tried', async () => {
    const bo = h.teams.user('Bo VPN', 'en-US');
    await bo.say('The VPN will not connect from home, it says the server is unreachable');
    const offer = bo.lastCard();
    const id = idIn(cardText(offer.card));
    await bo.click('Still failing', { step1: 'true', step3: 'true' }, offer.message);
    await h.bot.dispatcher.idle();
    const after = await stored(id);
    expect(after.stored.ticket.status).toBe('new');
    expect(after.events.at(-1)).toMatchObject({
      type: 'steps.outcome',
      data: { worked: false, selfService: false, playbook: 'vpn-not-connecting', ticked: [1, 3] },
    });
    await waitFor(
      h,
      () => threadTexts(id).find((x) => x.startsWith(`🧰 ${id}: still failing after the steps`)),
      'the steps tried in the thread',
    );
  });

  it('the outcomes feed each playbook’s success rate, shown when agents send steps', async () => {
    const { thread } = await newTicket('Another printer shows offline on floor 2');
    await h.bot.dispatcher.idle();
    const choices = JSON.stringify(cardOf(thread.activity));
    expect(choices).toMatch(/worked 100% \(1 of 1\)/); // the printer playbook above
    expect(choices).toMatch(/worked 0% \(0 of 1\)/); // the VPN playbook above
  });

  it('an agent sends their own numbered steps; the requester ticks them and answers', async () => {
    const { requester, id, thread } = await newTicket('Excel crashes when I open the budget');
    const res = await luisInChannel.submit(thread, 'triage.sendSteps', {
      playbook: 'none',
      ownSteps: '1. Close Excel\n2. Open it in safe mode: excel /safe\n- Open the budget again',
    });
    expect(cardText(res.card!)).toContain('Steps sent to the requester.');
    const card = await waitFor(h, () => stepsOf(requester, id), 'the steps card');
    expect(cardText(cardOf(card.activity)!)).toContain(`Luis Agent sent steps for ${id}`);
    expect(cardText(cardOf(card.activity)!)).toContain('2. Open it in safe mode: excel /safe');
    expect(cardText(cardOf(card.activity)!)).toContain('3. Open the budget again');
    await requester.click('It works now', { step1: 'true', step2: 'true', step3: 'true' }, card);
    await h.bot.dispatcher.idle();
    const after = await stored(id);
    expect(after.stored.ticket.status).toBe('closed');
    expect(after.events.map((e) => e.type).slice(-2)).toEqual(['steps', 'steps.outcome']);
    expect(after.events.at(-1)).toMatchObject({
      data: { worked: true, source: 'agent', selfService: false, ticked: [1, 2, 3], total: 3 },
    });
  });

  it('an agent sends a playbook in the requester’s language; sending nothing is refused', async () => {
    const { requester, id, thread } = await newTicket('Wi-Fi keeps dropping in meeting room B');
    const empty = await luisInChannel.submit(thread, 'triage.sendSteps', { playbook: 'none' });
    expect(cardText(empty.card!)).toContain('Choose a playbook or write at least one step.');
    await luisInChannel.submit(thread, 'triage.sendSteps', { playbook: 'wifi-drops' });
    const card = await waitFor(h, () => stepsOf(requester, id), 'the steps card');
    expect(cardText(cardOf(card.activity)!)).toMatch(/1\. /);
    expect((await stored(id)).events.at(-1)).toMatchObject({
      type: 'steps',
      data: { playbook: 'wifi-drops' },
    });
  });
});
