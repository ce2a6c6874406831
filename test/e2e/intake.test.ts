import { TicketRepository } from '../../src/storage/ticket.repository';
import { Harness, setClock, startHarness } from '../support/bot-harness';
import { ChatUser, TENANT_ID, buttonTitles, cardOf, cardText } from '../support/fake-teams';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  // Wednesday 25 Nov 2026, 10:00 in Mexico City (16:00 UTC): inside business hours.
  await setClock(h.url, { now: '2026-11-25T16:00:00Z' });
});
afterAll(async () => h.close());

function trackingIdIn(text: string): string {
  const m = /SUP-\d{6}/.exec(text);
  if (!m) throw new Error(`no tracking number in: ${text}`);
  return m[0];
}

/** The requester's acknowledgement card (a self-help offer may follow it). */
function ackOf(u: ChatUser): Record<string, any> {
  const acks = u
    .received()
    .map((m) => cardOf(m.activity))
    .filter((c): c is Record<string, any> => !!c && /Ticket SUP-\d{6} regist/.test(cardText(c)));
  if (acks.length === 0) throw new Error(`${u.account.name} got no acknowledgement`);
  return acks[acks.length - 1];
}

/** Exactly one acknowledgement, and at most one self-help offer after it. */
function expectOneAcknowledgement(u: ChatUser): void {
  const cards = u.received().map((m) => cardText(cardOf(m.activity) ?? {}));
  expect(cards.filter((c) => /Ticket SUP-\d{6} regist/.test(c))).toHaveLength(1);
  expect(
    cards.filter((c) => /SUP-\d{6}, (try this|prueba esto)/.test(c)).length,
  ).toBeLessThanOrEqual(1);
  expect(cards).toHaveLength(
    1 + cards.filter((c) => /SUP-\d{6}, (try this|prueba esto)/.test(c)).length,
  );
}

describe('free text becomes a ticket', () => {
  it('in English: tracking number, priority, status and when an agent will answer', async () => {
    const ana = h.teams.user('Ana Smith', 'en-US');
    const res = await ana.say('My laptop does not turn on since this morning, I cannot work');
    expect(res.status).toBe(200);
    expect(ana.received()).toHaveLength(1);
    const text = cardText(ana.lastCard().card);
    expect(text).toMatch(/Ticket SUP-\d{6} registered/);
    expect(text).toContain('My laptop does not turn on since this morning, I cannot work');
    expect(text).toContain('Status: New');
    // the classifier: hardware, one person (low impact), work stopped (high severity) → media
    expect(text).toContain('Category: Hardware');
    expect(text).toContain('Priority: Medium');
    // media: first response within 10 business minutes → 10:10 Mexico City time
    expect(text).toContain('An agent will respond by Wed 25 Nov, 10:10 AM');
    expect(text).toContain('Target resolution: Wed 25 Nov, 6:00 PM');
  });

  it('in Spanish, with the answer in Spanish', async () => {
    const luis = h.teams.user('Luis Pérez', 'es-MX');
    await luis.say('La impresora de mi escritorio imprime manchado, puedo usar la del pasillo');
    const text = cardText(ackOf(luis));
    expect(text).toMatch(/Ticket SUP-\d{6} registrado/);
    expect(text).toContain('Estado: Nuevo');
    // impresión, una persona, hay alternativa → baja: primera respuesta en 15 minutos hábiles
    expect(text).toContain('Categoría: Impresión');
    expect(text).toContain('Prioridad: Baja');
    expect(text).toContain('Un agente te responderá a más tardar el mié 25 de nov, 10:15');
  });

  it('outside business hours the promise moves to the next business morning', async () => {
    await setClock(h.url, { now: '2026-11-28T01:00:00Z' }); // Friday 27 Nov, 19:00 local
    const eve = h.teams.user('Eve Late', 'en-US');
    await eve.say('VPN keeps dropping');
    // baja (15 business minutes), Friday 19:00 → Monday 09:15
    expect(cardText(ackOf(eve))).toContain('An agent will respond by Mon 30 Nov, 9:15 AM');
    await setClock(h.url, { now: '2026-11-25T16:00:00Z' });
  });

  it('shows Markdown and ${…} in the description literally', async () => {
    const mallory = h.teams.user('Mallory', 'en-US');
    const hostile =
      '**URGENT** [click here](https://evil.example) ${description} # heading <b>x</b>';
    await mallory.say(hostile);
    const { card } = mallory.lastCard();
    const runs: string[] = [];
    JSON.stringify(card, (_k, v) => {
      if (v && v.type === 'TextRun') runs.push(v.text);
      return v;
    });
    // User text is in TextRuns, which Teams does not render as Markdown, byte for byte.
    expect(runs).toContain(hostile);
    expect(JSON.stringify(card)).not.toContain('"${');
  });

  it('stores a 100 KB message in full and keeps the card small', async () => {
    const big = h.teams.user('Bea Big', 'en-US');
    const line = 'The ERP export fails with error 0x80004005 when the report has many rows; ';
    const text = line.repeat(Math.ceil(100_000 / line.length)).slice(0, 99_999) + '.';
    const res = await big.say(text);
    expect(res.status).toBe(200);
    const { message, card } = big.lastCard();
    expect(Buffer.byteLength(JSON.stringify(message.activity))).toBeLessThan(28 * 1024);
    const shown = cardText(card);
    expect(shown).toContain('the full text of 100000 characters is kept with the ticket');
    const number = Number(trackingIdIn(shown).slice(4));
    const full = await new TicketRepository(h.bot.tables).getFull(TENANT_ID, number);
    expect(full?.stored.ticket.description).toBe(text);
    expect(full?.events.map((e) => e.type)).toEqual(['created']);
  });
});

describe('one ticket and one confirmation per activity', () => {
  it('the same activity delivered twice at once', async () => {
    const dup = h.teams.user('Dan Dup', 'en-US');
    const activity = dup.messageActivity('Outlook asks for my password again and again');
    const [a, b] = await Promise.all([h.teams.post(activity), h.teams.post(activity)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expectOneAcknowledgement(dup);
    await dup.say('my tickets');
    expect(cardText(dup.lastCard().card).match(/SUP-\d{6}/g)).toHaveLength(1);
  });

  it('the same activity delivered again later', async () => {
    const dup = h.teams.user('Dora Later', 'es-MX');
    const activity = dup.messageActivity('El monitor parpadea');
    await h.teams.post(activity);
    await new Promise((r) => setTimeout(r, 300));
    await h.teams.post(activity);
    expectOneAcknowledgement(dup);
  });

  it('a confirmation that failed to send is sent by the redelivery, once', async () => {
    const unlucky = h.teams.user('Uma Retry', 'en-US');
    h.teams.inject({
      match: (method, path) => method === 'POST' && path.includes(unlucky.conversationId),
      status: 500,
      // Every try fails: the bot's own (`leanConnector`), then the connector client's, which
      // retries a 5xx three times itself.
      times: 5,
    });
    const activity = unlucky.messageActivity('Teams calls have no audio');
    const first = await h.teams.post(activity);
    expect(first.status).toBe(500); // Teams will re-deliver
    expect(unlucky.received()).toHaveLength(0);
    const second = await h.teams.post(activity);
    expect(second.status).toBe(200);
    expect(unlucky.received()).toHaveLength(1);
    const repo = new TicketRepository(h.bot.tables);
    const number = Number(trackingIdIn(cardText(unlucky.lastCard().card)).slice(4));
    expect((await repo.get(TENANT_ID, number))?.ticket.description).toBe(
      'Teams calls have no audio',
    );
    await unlucky.say('mis tickets');
    expect(cardText(unlucky.lastCard().card).match(/SUP-\d{6}/g)).toHaveLength(1);
  }, 30_000);
});

describe('commands', () => {
  it('hello and ayuda get the welcome card in the person’s language', async () => {
    const en = h.teams.user('Olga', 'en-GB');
    await en.say('Hello!');
    expect(cardText(en.lastCard().card)).toContain('IT Support Desk');
    expect(buttonTitles(en.lastCard().card)).toEqual(['New ticket', 'My tickets']);
    const es = h.teams.user('Óscar', 'es-ES');
    await es.say('ayuda');
    expect(cardText(es.lastCard().card)).toContain('Mesa de ayuda de TI');
    expect(buttonTitles(es.lastCard().card)).toEqual(['Nuevo ticket', 'Mis tickets']);
  });

  it('new ticket opens the form; Submit creates it with the priority of the matrix', async () => {
    const fer = h.teams.user('Fernanda', 'es-MX');
    await fer.say('nuevo ticket');
    const form = fer.lastCard().card;
    expect(cardText(form)).toContain('Nuevo ticket de soporte');
    expect(buttonTitles(form)).toEqual(['Enviar']);
    const res = await fer.click('Enviar', {
      title: 'Servidor de archivos caído',
      description: 'Nadie en contabilidad puede abrir la unidad compartida',
      category: 'access',
      impact: 'medium',
      severity: 'high',
    });
    const text = cardText(res.card!);
    expect(text).toMatch(/Ticket SUP-\d{6} registrado/);
    expect(text).toContain('Servidor de archivos caído');
    expect(text).toContain('Prioridad: Alta'); // medium impact × high severity
    expect(text).toContain('Categoría: Cuentas y accesos');
    expect(text).toContain('5 minutos hábiles');
  });

  it('Submit twice on the same form creates one ticket', async () => {
    const gus = h.teams.user('Gus', 'en-US');
    await gus.say('new ticket');
    const formMessage = gus.lastCard().message;
    const theForm = structuredClone(formMessage.activity);
    const inputs = {
      description: 'Printer out of toner',
      category: 'printing',
      impact: 'low',
      severity: 'low',
    };
    const first = await gus.click('Submit', inputs);
    // a double click: the same form, submitted again before the answer replaced it
    const again = await gus.click('Submit', inputs, {
      ...formMessage,
      activity: theForm,
      history: [],
    });
    expect(trackingIdIn(cardText(again.card!))).toBe(trackingIdIn(cardText(first.card!)));
    expect(cardText(first.card!)).toContain('Priority: Low');
    await gus.say('my tickets');
    expect(cardText(gus.lastCard().card).match(/SUP-\d{6}/g)).toHaveLength(1);
  });

  it('an empty description is refused with the form shown again', async () => {
    const hal = h.teams.user('Hal', 'en-US');
    await hal.say('new ticket');
    const res = await hal.click('Submit', { title: 'x', description: '   ' });
    expect(cardText(res.card!)).toContain('Please check the form: the description is required');
    expect(buttonTitles(res.card!)).toEqual(['Submit']);
  });

  it('my tickets lists the person’s tickets, and status shows one', async () => {
    const ivy = h.teams.user('Ivy', 'en-US');
    await ivy.say('Wi-Fi drops every ten minutes in room 4');
    const id = trackingIdIn(cardText(ivy.lastCard().card));
    await ivy.say('my tickets');
    const list = cardText(ivy.lastCard().card);
    expect(list).toContain('Your tickets');
    expect(list).toContain(id);
    expect(list).toContain('Wi-Fi drops every ten minutes in room 4');
    await ivy.say(`status ${id}`);
    const status = cardText(ivy.lastCard().card);
    expect(status).toContain(`Tracking number: ${id}`);
    expect(status).toContain('Owner: Unassigned');
    await ivy.say(`status ${id.toLowerCase().replace('-000', '-')}`);
    expect(cardText(ivy.lastCard().card)).toContain(`Tracking number: ${id}`);
  });

  it('a stranger asking for someone else’s ticket learns nothing', async () => {
    const owner = h.teams.user('Jo Owner', 'en-US');
    await owner.say('Cannot log in to SAP');
    const id = trackingIdIn(cardText(owner.lastCard().card));
    const stranger = h.teams.user('Kim Stranger', 'es-MX');
    await stranger.say(`estado ${id}`);
    const reply = stranger.last().activity;
    expect(reply.text).toBe(
      `No encontré ${id} entre tus tickets. Revisa el número o escribe "mis tickets".`,
    );
    expect(JSON.stringify(reply)).not.toContain('SAP');
  });

  it('language es|en overrides the Teams client language', async () => {
    const leo = h.teams.user('Leo', 'en-US');
    await leo.say('idioma es');
    expect(leo.last().activity.text).toBe('Listo: a partir de ahora te hablaré en español.');
    await leo.say('hi');
    expect(cardText(leo.lastCard().card)).toContain('Mesa de ayuda de TI');
    await leo.say('language en');
    expect(leo.last().activity.text).toBe('Done: I will speak English with you from now on.');
  });

  it('with an open ticket, a new message offers one click: add to it, or create a ticket', async () => {
    const max = h.teams.user('Max', 'en-US');
    await max.say('Docking station does not detect the second monitor');
    const first = trackingIdIn(cardText(max.lastCard().card));
    await max.say('It also happens with the HDMI cable');
    const choice = max.lastCard().card;
    expect(cardText(choice)).toContain('You already have open tickets');
    expect(buttonTitles(choice)).toEqual([`Add to ${first}`, 'Create ticket']);
    const added = await max.click(`Add to ${first}`);
    expect(added.text).toBe(`Added to ${first}. The agents will see your message in the ticket.`);
    const repo = new TicketRepository(h.bot.tables);
    const full = await repo.getFull(TENANT_ID, Number(first.slice(4)));
    expect(full?.events.map((e) => e.type)).toEqual(['created', 'comment']);
    expect(full?.events[1].data.text).toBe('It also happens with the HDMI cable');
    // the same card clicked again adds nothing more
    await max.invokeAction(max.lastCard().message, {
      verb: 'intake.addTo',
      data: choiceData(choice, first),
    });
    expect((await repo.getFull(TENANT_ID, Number(first.slice(4))))?.events).toHaveLength(2);

    await max.say('Also my headset is broken');
    const created = await max.click('Create ticket');
    const second = trackingIdIn(cardText(created.card!));
    expect(second).not.toBe(first);
    expect(cardText(created.card!)).toContain('Also my headset is broken');
  });
});

describe('a group chat', () => {
  it('points the person to the 1:1 chat, in their language', async () => {
    const pia = h.teams.user('Pía', 'es-MX');
    const activity = pia.messageActivity('<at>Support Desk</at> la impresora no funciona');
    activity.conversation = {
      conversationType: 'groupChat',
      tenantId: TENANT_ID,
      id: '19:group@thread.v2',
      isGroup: true,
    };
    const res = await h.teams.post(activity);
    expect(res.status).toBe(200);
    const reply = h.teams.messagesIn('19:group@thread.v2').at(-1)!;
    expect(reply.activity.text).toBe(
      'Recibo solicitudes de soporte en un chat 1:1: abre un chat conmigo y describe el problema. Los equipos de soporte me usan en sus canales.',
    );
  });
});

describe('HTTP edge', () => {
  it('answers 4xx to a GET, a non-JSON body and a JSON array, and stays up', async () => {
    expect((await fetch(`${h.url}/api/messages`)).status).toBe(405);
    const bad = await fetch(`${h.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).not.toMatch(/at .*\.js:\d+/);
    const arr = await fetch(`${h.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '[1,2]',
    });
    expect(arr.status).toBe(400);
    const health = await fetch(`${h.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
  });

  it('the test clock can be read and moved', async () => {
    await setClock(h.url, { now: '2026-11-25T16:00:00Z' });
    const moved = await setClock(h.url, { advanceMinutes: 90 });
    expect(moved.now).toBe('2026-11-25T17:30:00.000Z');
    const read = (await (await fetch(`${h.url}/test/clock`)).json()) as { now: string };
    expect(read.now).toBe('2026-11-25T17:30:00.000Z');
    const bad = await fetch(`${h.url}/test/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ now: 'yesterday' }),
    });
    expect(bad.status).toBe(400);
    await setClock(h.url, { now: '2026-11-25T16:00:00Z' });
  });
});

function choiceData(card: Record<string, any>, trackingId: string): unknown {
  const action = (card.actions as any[]).find((a) => a.title === `Add to ${trackingId}`);
  return action.data;
}
