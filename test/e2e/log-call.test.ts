import { emailRequesterId } from '../../src/domain/intake/email';
import { EmailIndexRepository } from '../../src/storage/email-index.repository';
import { TicketRepository } from '../../src/storage/ticket.repository';
import { Harness, waitFor } from '../support/bot-harness';
import {
  ChannelMember,
  ChatUser,
  SentMessage,
  TENANT_ID,
  TeamChannel,
  accountFor,
  actionsOf,
  buttonTitles,
  cardOf,
  cardText,
  makeChannel,
} from '../support/fake-teams';
import { idIn, supportDesk } from '../support/ticket-flow';

/**
 * `log call` / `registrar llamada` (spec 1.4, issue #6 item 4): an agent registers a request
 * that arrived by phone or e-mail for someone; a requester the bot knows gets the
 * acknowledgement in their chat, in their language, saying who registered it.
 */

const admin = accountFor('Alicia Admin', 'es-MX');
const luis = accountFor('Luis Agent', 'en-US');
const tina = accountFor('Tina Tier2', 'en-US');
const bob = accountFor('Bob Outsider', 'en-US');

let h: Harness;
let triage: TeamChannel;
let tier2: TeamChannel;
let general: TeamChannel;
let alicia: ChannelMember;
let luisHere: ChannelMember;
/** Karen chats with the bot in Spanish; her e-mail is known from her Teams profile. */
let karen: ChatUser;

const numberOf = (id: string) => Number(id.slice(4));
const tickets = () => new TicketRepository(h.bot.tables);

/** Says `log call` (or its Spanish) and returns the form card the bot answered with. */
async function openForm(who: ChannelMember, command = 'log call'): Promise<SentMessage> {
  const before = who.received().length;
  await who.say(command);
  const sent = who.received().slice(before);
  const form = sent.find((m) =>
    JSON.stringify(cardOf(m.activity) ?? {}).includes('"verb":"logcall.submit"'),
  );
  if (!form)
    throw new Error(`no form; the bot said: ${JSON.stringify(sent.map((m) => m.activity.text))}`);
  return form;
}

function inputsOf(card: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = {};
  for (const el of card.body as any[]) if (el.id) out[el.id] = el;
  return out;
}

async function openTicketCount(): Promise<number> {
  return (await tickets().openTickets(TENANT_ID)).length;
}

/** Every message the bot sent into 1:1 chats (conversation ids `a:…`). */
const chatMessages = () => h.teams.messages.filter((m) => m.conversationId.startsWith('a:'));

beforeAll(async () => {
  const desk = await supportDesk({ admin, team: [admin, luis], now: '2026-11-25T16:00:00Z' });
  ({ h, triage } = desk);
  tier2 = makeChannel('Redes N2');
  general = makeChannel('General');
  h.teams.setRoster(tier2.teamId, [tina]);
  alicia = desk.member(admin);
  luisHere = desk.member(luis);
  await new ChannelMember(h.teams, admin, tier2).say('setup tier 2');
  karen = h.teams.user('Karen Conocida', 'es-MX', undefined, 'Karen.Conocida@contoso.com');
  await karen.say('hola');
  await h.bot.directory.idle(); // her e-mail is read from Teams after the answer
});
afterAll(async () => h.close());

describe('log call / registrar llamada', () => {
  it.each([
    ['Omar Nuevo', 'es-MX', 'hola', 'mis tickets', 'es'],
    ['Olivia New', 'en-US', 'hello', 'my tickets', 'en'],
  ])(
    "reads a person's e-mail from Teams once, after answering them (%s, %s)",
    async (name, clientLocale, hello, mine, locale) => {
      const lookups = () =>
        h.teams.requests.filter((r) => r.method === 'GET' && /\/members\//.test(r.path)).length;
      const before = lookups();
      const address = `${name.replace(' ', '.')}@contoso.com`;
      const person = h.teams.user(name, clientLocale, undefined, address);
      expect((await person.say(hello)).status).toBe(200);
      await h.bot.directory.idle();
      expect(lookups()).toBe(before + 1);
      const emails = new EmailIndexRepository(h.bot.tables);
      expect(await emails.find(TENANT_ID, address.toLowerCase())).toMatchObject({ name, locale });
      await person.say(mine);
      await h.bot.directory.idle();
      expect(lookups()).toBe(before + 1); // known now: not read again for 30 days
    },
  );

  it('opens the form for an agent of the triage team, in English', async () => {
    const form = await openForm(luisHere);
    const card = cardOf(form.activity)!;
    expect(cardText(card)).toContain('Log a phone or e-mail request');
    expect(buttonTitles(card)).toEqual(['Submit']);
    const inputs = inputsOf(card);
    expect(Object.keys(inputs)).toEqual([
      'requester',
      'via',
      'title',
      'description',
      'category',
      'impact',
      'severity',
    ]);
    expect(inputs.via.choices.map((c: any) => c.title)).toEqual(['Phone', 'E-mail']);
    expect(inputs.category.value).toBe('auto');
    expect(inputs.category.choices[0].title).toBe('Let the classifier suggest one');
  });

  it('registers the call for a known requester: her chat gets the acknowledgement, triage the card', async () => {
    const form = await openForm(luisHere);
    const res = await luisHere.click(form, 'Submit', {
      requester: '  KAREN.conocida@Contoso.com ',
      via: 'phone',
      title: '',
      description: 'Outlook asks for my password every 5 minutes and I cannot send mail',
      category: 'auto',
      impact: 'low',
      severity: 'high',
    });
    expect(res.status).toBe(200);
    const text = cardText(res.card!);
    const id = idIn(text);
    expect(text).toContain(`Ticket ${id} registered for Karen Conocida`);
    expect(text).toContain('Received through: Phone');
    expect(text).toContain('Karen Conocida gets the acknowledgement in their Teams chat with me.');
    expect(res.card!.actions ?? []).toEqual([]); // the form is gone: nothing to submit twice
    // The channel's message itself becomes the confirmation, for everyone in the channel.
    expect(cardText(cardOf(form.activity)!)).toContain(
      `Ticket ${id} registered for Karen Conocida`,
    );

    const full = (await tickets().getFull(TENANT_ID, numberOf(id)))!;
    expect(full.stored.ticket).toMatchObject({
      intakeChannel: 'phone',
      requester: { id: karen.account.aadObjectId, name: 'Karen Conocida' },
      // the classifier's category, the agent's impact and severity
      category: 'email',
      impact: 'low',
      severity: 'high',
      priority: 'media',
      locale: 'es',
    });
    // The event records who logged it and for whom.
    expect(full.events[0]).toMatchObject({
      type: 'created',
      channel: 'phone',
      actor: { id: luis.aadObjectId, name: 'Luis Agent' },
      data: { onBehalfOf: { id: karen.account.aadObjectId, name: 'Karen Conocida' } },
    });

    // The triage channel gets the card like any other ticket.
    const thread = await waitFor(
      h,
      () => alicia.received().find((m) => JSON.stringify(m.activity).includes(`${id} ·`)),
      'the triage card',
    );
    const triageText = cardText(cardOf(thread.activity)!);
    expect(triageText).toContain('Recibido por: Teléfono'); // the triage channel speaks Spanish

    // Karen gets her acknowledgement in her chat, in Spanish, saying who registered it.
    const ack = await waitFor(
      h,
      () => karen.received().find((m) => JSON.stringify(m.activity).includes(id)),
      'the acknowledgement in Karen’s chat',
    );
    const ackText = cardText(cardOf(ack.activity)!);
    expect(ackText).toContain(`Ticket ${id} registrado`);
    expect(ackText).toContain('Registrado para ti por Luis Agent. Recibido por: Teléfono.');
    // It is her ticket: "mis tickets" lists it.
    await karen.say('mis tickets');
    expect(cardText(karen.lastCard().card)).toContain(id);
  });

  it('a double submit creates one ticket and one acknowledgement', async () => {
    const form = await openForm(luisHere);
    const inputs = {
      requester: 'karen.conocida@contoso.com',
      via: 'email',
      description: 'Shared mailbox Ventas missing from Outlook',
      category: 'email',
      impact: 'medium',
      severity: 'medium',
    };
    const before = await openTicketCount();
    // The form's button, as a client that still shows the form sends it again.
    const submitAction = actionsOf(cardOf(form.activity)!).find(
      (x) => x.verb === 'logcall.submit',
    )!;
    const [a, b] = await Promise.all([
      luisHere.click(form, 'Submit', inputs),
      luisHere.click(form, 'Submit', inputs),
    ]);
    const again = await luisHere.invoke(form, submitAction, inputs);
    // Another agent submitting the same form (it is in the channel for everyone): the same ticket.
    const other = await alicia.invoke(form, submitAction, inputs);
    const id = idIn(cardText(a.card!));
    expect(idIn(cardText(other.card!))).toBe(id);
    expect(id).not.toBe('');
    expect(idIn(cardText(b.card!))).toBe(id);
    expect(idIn(cardText(again.card!))).toBe(id);
    expect(await openTicketCount()).toBe(before + 1);
    await waitFor(
      h,
      () => karen.received().find((m) => JSON.stringify(m.activity).includes(id)),
      'the acknowledgement',
    );
    await h.bot.dispatcher.idle();
    expect(karen.received().filter((m) => JSON.stringify(m.activity).includes(id))).toHaveLength(1);
    expect((await tickets().get(TENANT_ID, numberOf(id)))!.ticket.intakeChannel).toBe('email');
  });

  it('registers an unknown requester by e-mail or by name: no chat message, the ticket keeps who', async () => {
    const chatsBefore = chatMessages().length;
    const byMail = await luisHere.click(await openForm(luisHere), 'Submit', {
      requester: 'Someone.New@Fabrikam.com',
      via: 'email',
      description: 'The printer on floor 3 says offline',
      category: 'auto',
      impact: 'low',
      severity: 'medium',
    });
    const mailId = idIn(cardText(byMail.card!));
    expect(cardText(byMail.card!)).toContain('tell them the tracking number');
    const byName = await luisHere.click(await openForm(luisHere), 'Submit', {
      requester: 'Pedro Páramo',
      via: 'phone',
      description: 'My laptop does not turn on',
      category: 'hardware',
      impact: 'low',
      severity: 'high',
    });
    const nameId = idIn(cardText(byName.card!));
    const mail = (await tickets().get(TENANT_ID, numberOf(mailId)))!.ticket;
    expect(mail.requester).toEqual({
      id: emailRequesterId('someone.new@fabrikam.com'),
      name: 'Someone.New@Fabrikam.com',
    });
    expect(mail.intakeChannel).toBe('email');
    expect(mail.category).toBe('printing');
    const named = (await tickets().get(TENANT_ID, numberOf(nameId)))!.ticket;
    expect(named.requester.name).toBe('Pedro Páramo');
    expect(named.requester.id).toMatch(/^name:[a-f0-9]{32}$/);
    expect(named).toMatchObject({ intakeChannel: 'phone', category: 'hardware' });
    // Both reach triage; nobody's chat gets a message.
    await waitFor(
      h,
      () =>
        alicia.received().some((m) => JSON.stringify(m.activity).includes(`${nameId} ·`))
          ? true
          : undefined,
      'the triage card',
    );
    expect(chatMessages().length).toBe(chatsBefore);
  });

  it('agents of a tier channel may log calls there too', async () => {
    const tinaHere = new ChannelMember(h.teams, tina, tier2);
    const res = await tinaHere.click(await openForm(tinaHere), 'Submit', {
      requester: 'ops@contoso.com',
      via: 'phone',
      description: 'Switch in rack 4 is down',
      category: 'network',
      impact: 'high',
      severity: 'high',
    });
    // (the address is Markdown-escaped on the card: Teams shows it as written)
    expect(cardText(res.card!)).toMatch(/Ticket SUP-\d{6} registered for ops@contoso\\\.com/);
  });

  it('refuses a non-agent, a replayed form from a non-agent, and other channels', async () => {
    const outsider = new ChannelMember(h.teams, bob, triage);
    const before = outsider.received().length;
    await outsider.say('log call');
    const said = outsider
      .received()
      .slice(before)
      .filter((m) => m.activity.text);
    expect(said.map((m) => m.activity.text)).toEqual([
      'Only agents of the support team can do that.',
    ]);

    // Bob replays the agents' form (card data is not trusted): refused, nothing created.
    const form = await openForm(luisHere);
    const count = await openTicketCount();
    const replay = await outsider.click(form, 'Submit', {
      requester: 'bob@contoso.com',
      description: 'Give me admin rights',
    });
    expect(replay.status).toBe(200);
    expect(replay.text).toBe('Only agents of the support team can do that.');
    expect(await openTicketCount()).toBe(count);

    // An agent in a channel that is not a support channel.
    const luisElsewhere = new ChannelMember(h.teams, luis, general);
    const n = luisElsewhere.received().length;
    await luisElsewhere.say('log call');
    expect(luisElsewhere.received().slice(n)[0].activity.text).toBe(
      'Log calls in the triage channel or a tier channel of the support team: "log call".',
    );
  });

  it('explains what is missing and keeps what was typed', async () => {
    const form = await openForm(luisHere);
    const count = await openTicketCount();
    const res = await luisHere.click(form, 'Submit', {
      requester: '',
      via: 'phone',
      title: 'VPN',
      description: '   ',
      category: 'network',
      impact: 'medium',
      severity: 'low',
    });
    const text = cardText(res.card!);
    expect(text).toContain(
      'Please check the form: say who asked: their e-mail address or name; the description is required',
    );
    expect(buttonTitles(res.card!)).toEqual(['Submit']);
    const inputs = inputsOf(res.card!);
    expect(inputs.title.value).toBe('VPN');
    expect(inputs.category.value).toBe('network');
    expect(await openTicketCount()).toBe(count);
  });

  it('refuses a malformed submit (wrong types, unknown values) with words, not a crash', async () => {
    const form = await openForm(luisHere);
    const count = await openTicketCount();
    const res = await luisHere.invoke(
      form,
      { verb: 'logcall.submit', data: { formId: 'ZZ-not-an-id' } },
      { requester: 42, via: 'fax', description: { text: 'x' }, impact: ['high'], severity: null },
    );
    expect(res.status).toBe(200);
    const text = cardText(res.card!);
    expect(text).toMatch(/^Please check the form: .*requester/m);
    for (const field of ['via', 'description', 'impact', 'severity', 'formId']) {
      expect(text).toContain(field);
    }
    // No data at all.
    const empty = await luisHere.invoke(form, { verb: 'logcall.submit', data: undefined });
    expect(empty.status).toBe(200);
    expect(cardText(empty.card!)).toContain('Please check the form');
    expect(await openTicketCount()).toBe(count);
    // The server is still up.
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
  });

  it('speaks Spanish to a Spanish client: registrar llamada', async () => {
    const aliciaForm = await openForm(alicia, 'registrar llamada');
    const card = cardOf(aliciaForm.activity)!;
    expect(cardText(card)).toContain('Registrar una solicitud por teléfono o correo');
    expect(buttonTitles(card)).toEqual(['Enviar']);
    expect(inputsOf(card).via.choices.map((c: any) => c.title)).toEqual([
      'Teléfono',
      'Correo electrónico',
    ]);
    const invalid = await alicia.click(aliciaForm, 'Enviar', { requester: 'x@contoso.com' });
    expect(cardText(invalid.card!)).toContain(
      'Revisa el formulario: la descripción es obligatoria',
    );
    const done = await alicia.click(aliciaForm, 'Enviar', {
      requester: 'Juan Pérez',
      via: 'phone',
      description: 'No puedo entrar a la VPN desde casa',
      category: 'auto',
      impact: 'low',
      severity: 'medium',
    });
    const text = cardText(done.card!);
    expect(text).toMatch(/Ticket SUP-\d{6} registrado para Juan Pérez/);
    expect(text).toContain('Recibido por: Teléfono');
    expect(text).toContain('comunícale el número de seguimiento');
  });
});
