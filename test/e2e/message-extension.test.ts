import { TicketRepository } from '../../src/storage/ticket.repository';
import { UserRepository } from '../../src/storage/user.repository';
import { Harness, setClock, startHarness, waitFor } from '../support/bot-harness';
import {
  ChannelMember,
  ChatUser,
  InvokePlace,
  TENANT_ID,
  TeamChannel,
  TeamsUser,
  accountFor,
  cardOf,
  cardText,
  composeExtensionActivity,
  composeExtensionInvoke,
  makeChannel,
} from '../support/fake-teams';

/**
 * The message extension end to end (spec 1.2, 1.3): "Create ticket" on a channel message,
 * the "Tickets" search, and link unfurling, with the invoke payloads Microsoft documents.
 */

const admin = accountFor('Alicia Admin', 'es-MX');
const luis = accountFor('Luis Agent', 'en-US');
const ana = accountFor('Ana López', 'en-US');
const bob = accountFor('Bob Builder', 'en-US');

let h: Harness;
let triage: TeamChannel;
let general: TeamChannel;
let alicia: ChannelMember;
let carla: ChatUser;
let carlaId = '';
let anaId = '';

const idIn = (text: string) => /SUP-\d{6}/.exec(text)?.[0] ?? '';
const numberOf = (id: string) => Number(id.slice(4));

const MESSAGE_ID = '1732608000123';
const linkToMessage = () =>
  `https://teams.microsoft.com/l/message/${general.channelId}/${MESSAGE_ID}?tenantId=${TENANT_ID}&groupId=abc&parentMessageId=${MESSAGE_ID}`;

/** `value.messagePayload` of a channel message written by Ana (HTML body, a mention). */
function messagePayload() {
  return {
    linkToMessage: linkToMessage(),
    id: MESSAGE_ID,
    replyToId: null,
    createdDateTime: '2026-11-25T15:58:00.123Z',
    lastModifiedDateTime: null,
    deleted: false,
    summary: null,
    importance: 'normal',
    locale: 'en-us',
    body: {
      contentType: 'html',
      content:
        '<div><div><at id="0">Luis Agent</at>&nbsp;The printer on floor 2 &amp; 3 jams on every page<br>since Monday &lt;urgent&gt;</div>\n<ul><li>tried turning it off</li><li>new toner</li></ul></div>',
    },
    from: {
      device: null,
      conversation: null,
      user: { userIdentityType: 'aadUser', id: ana.aadObjectId, displayName: ana.name },
      application: null,
    },
    reactions: [],
    mentions: [
      {
        id: 0,
        mentionText: 'Luis Agent',
        mentioned: {
          device: null,
          conversation: null,
          user: { userIdentityType: 'aadUser', id: luis.aadObjectId, displayName: luis.name },
          application: null,
        },
      },
    ],
    attachments: [],
  };
}

const inThread = (): InvokePlace => ({ channel: general, threadId: MESSAGE_ID });

function fetchTask(who: TeamsUser, payload: unknown = messagePayload()) {
  return composeExtensionInvoke(h.teams, who, inThread(), 'composeExtension/fetchTask', {
    commandId: 'createTicket',
    commandContext: 'message',
    requestId: 'c46a6b53573f42b5bc801716e5ccc960',
    messagePayload: payload,
    context: { theme: 'default' },
  });
}

function submitValue(data: Record<string, unknown>) {
  return {
    commandId: 'createTicket',
    commandContext: 'message',
    data,
    messagePayload: messagePayload(),
    context: { theme: 'default' },
  };
}

function query(who: TeamsUser, text: string | undefined, place: InvokePlace = { personal: true }) {
  return composeExtensionInvoke(h.teams, who, place, 'composeExtension/query', {
    commandId: 'searchTickets',
    parameters:
      text === undefined
        ? [{ name: 'initialRun', value: 'true' }]
        : [{ name: 'query', value: text }],
    queryOptions: { skip: 0, count: 25 },
    context: { theme: 'default' },
  });
}

function queryLink(who: TeamsUser, url: string) {
  return composeExtensionInvoke(h.teams, who, { channel: general }, 'composeExtension/queryLink', {
    url,
  });
}

/** The tracking numbers of a search's results, checking each has a preview and a card. */
function resultIds(body: any): string[] {
  const ext = body?.composeExtension;
  expect(ext).toMatchObject({ type: 'result', attachmentLayout: 'list' });
  return (ext.attachments as any[]).map((a) => {
    expect(a.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(a.preview.contentType).toBe('application/vnd.microsoft.card.thumbnail');
    const id = idIn(a.preview.content.text);
    expect(cardText(a.content)).toContain(id);
    return id;
  });
}

/** Inputs of the dialog card, by id, with their prefilled values. */
function inputsOf(card: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = {};
  for (const el of card.body as any[]) if (el.id) out[el.id] = el;
  return out;
}

beforeAll(async () => {
  h = await startHarness({ SUPPORT_ADMINS: admin.aadObjectId, OUTBOX_SWEEP_MS: '100' });
  await setClock(h.url, { now: '2026-11-25T16:00:00Z' });
  triage = makeChannel('Triage');
  general = makeChannel('General');
  h.teams.setRoster(triage.teamId, [admin, luis]);
  alicia = new ChannelMember(h.teams, admin, triage);
  await alicia.say('setup triage');
  // Carla has a ticket of her own, opened in her 1:1 chat.
  carla = h.teams.user('Carla Díaz', 'en-US');
  await carla.say('My VPN disconnects every hour and I lose my calls');
  carlaId = idIn(JSON.stringify(carla.received().map((m) => m.activity)));
  expect(carlaId).not.toBe('');
});
afterAll(async () => h.close());

describe('Create ticket on a message (action command)', () => {
  it('answers fetchTask with a dialog prefilled from the message', async () => {
    const res = await fetchTask(bob);
    expect(res.status).toBe(200);
    expect(res.body.task.type).toBe('continue');
    expect(res.body.task.value.title).toBe('Create ticket');
    const card = res.body.task.value.card.content;
    expect(res.body.task.value.card.contentType).toBe('application/vnd.microsoft.card.adaptive');
    const inputs = inputsOf(card);
    expect(inputs.description.value).toBe(
      'Luis Agent The printer on floor 2 & 3 jams on every page\nsince Monday <urgent>\n\n- tried turning it off\n- new toner',
    );
    expect(inputs.title.value).toBe('Luis Agent The printer on floor 2 & 3 jams on every page');
    // The classifier's suggestion as defaults.
    expect(inputs.category.value).toBe('printing');
    // The requester: the message's author by default, or the person who clicked.
    expect(inputs.requester.value).toBe('author');
    expect(inputs.requester.choices.map((c: any) => c.title)).toEqual([
      'Ana López (wrote the message)',
      'Me (Bob Builder)',
    ]);
    expect(cardText(card)).toContain('From a message by Ana López');
    const open = (card.actions as any[]).find((a) => a.type === 'Action.OpenUrl');
    expect(open).toMatchObject({ title: 'Open the message', url: linkToMessage() });
    const submit = (card.actions as any[]).find((a) => a.type === 'Action.Submit');
    expect(submit.title).toBe('Create ticket');
    expect(submit.data.formId).toMatch(/^[a-f0-9]{32}$/);
  });

  it('speaks Spanish to a Spanish client', async () => {
    const res = await fetchTask(admin);
    expect(res.body.task.value.title).toBe('Crear ticket');
    expect(cardText(res.body.task.value.card.content)).toContain('De un mensaje de Ana López');
  });

  it('without a message (compose box) offers only the clicker as requester', async () => {
    const res = await composeExtensionInvoke(
      h.teams,
      bob,
      { channel: general },
      'composeExtension/fetchTask',
      {
        commandId: 'createTicket',
        commandContext: 'compose',
        context: { theme: 'default' },
      },
    );
    expect(res.status).toBe(200);
    const inputs = inputsOf(res.body.task.value.card.content);
    expect(inputs.requester).toBeUndefined();
    expect(inputs.description.value).toBe('');
  });

  it('submitAction creates exactly one ticket for the author, with the message link', async () => {
    const fetched = await fetchTask(bob);
    const card = fetched.body.task.value.card.content;
    const submit = (card.actions as any[]).find((a) => a.type === 'Action.Submit');
    const inputs = inputsOf(card);
    const data = {
      ...submit.data,
      requester: 'author',
      title: 'Printer on floor 2 jams',
      description: inputs.description.value,
      category: 'printing',
      impact: 'medium',
      severity: 'high',
    };
    const activity = composeExtensionActivity(
      h.teams,
      bob,
      inThread(),
      'composeExtension/submitAction',
      submitValue(data),
    );
    const first = await h.teams.post(activity);
    expect(first.status).toBe(200);
    expect(first.body.task.type).toBe('message');
    anaId = idIn(first.body.task.value);
    expect(first.body.task.value).toBe(
      `Ticket ${anaId} registered for Ana López. The support team will see it in their triage channel.`,
    );
    // Teams re-delivers the same invoke; a double click sends the same form again.
    const again = await h.teams.post(activity);
    expect(idIn(again.body.task.value)).toBe(anaId);
    const doubleClick = await composeExtensionInvoke(
      h.teams,
      bob,
      inThread(),
      'composeExtension/submitAction',
      submitValue(data),
    );
    expect(idIn(doubleClick.body.task.value)).toBe(anaId);

    const tickets = new TicketRepository(h.bot.tables);
    const full = (await tickets.getFull(TENANT_ID, numberOf(anaId)))!;
    expect(full.stored.ticket).toMatchObject({
      title: 'Printer on floor 2 jams',
      intakeChannel: 'message-extension',
      requester: { id: ana.aadObjectId, name: 'Ana López' },
      messageLink: linkToMessage(),
      priority: 'alta',
    });
    expect(full.events).toHaveLength(1);
    expect(full.events[0].actor).toEqual({ id: bob.aadObjectId, name: bob.name });
    expect(await tickets.get(TENANT_ID, numberOf(anaId) + 1)).toBeUndefined();
    const index = await new UserRepository(h.bot.tables).loadContext(TENANT_ID, ana.aadObjectId);
    expect(index.tickets.map((t) => t.trackingId)).toEqual([anaId]);

    // The triage channel gets the card through the outbox.
    const posted = await waitFor(
      h,
      () => {
        try {
          return alicia.cardOf(anaId);
        } catch {
          return undefined;
        }
      },
      'the triage card',
    );
    expect(cardText(cardOf(posted.activity)!)).toContain('Printer on floor 2 jams');
  });

  it('creates the ticket for the clicker when they choose themself', async () => {
    const res = await composeExtensionInvoke(
      h.teams,
      bob,
      inThread(),
      'composeExtension/submitAction',
      submitValue({
        formId: 'b0b0b0b0b0b0b0b0',
        requester: 'me',
        title: '',
        description: 'My monitor flickers',
        category: 'hardware',
        impact: 'low',
        severity: 'low',
      }),
    );
    const id = idIn(res.body.task.value);
    expect(res.body.task.value).toContain('registered for Bob Builder');
    const stored = (await new TicketRepository(h.bot.tables).get(TENANT_ID, numberOf(id)))!;
    expect(stored.ticket.requester.id).toBe(bob.aadObjectId);
    expect(stored.ticket.title).toBe('My monitor flickers');
  });

  it('answers a malformed invoke with 400 and stays up', async () => {
    const bad = await composeExtensionInvoke(
      h.teams,
      bob,
      inThread(),
      'composeExtension/submitAction',
      submitValue({ requester: 'me', description: 'x', category: 'printing', impact: 42 }),
    );
    expect(bad.status).toBe(400);
    const noValue = await composeExtensionInvoke(
      h.teams,
      bob,
      inThread(),
      'composeExtension/fetchTask',
      'x',
    );
    expect(noValue.status).toBe(400);
    const badParams = await composeExtensionInvoke(
      h.teams,
      bob,
      { personal: true },
      'composeExtension/query',
      {
        commandId: 'searchTickets',
        parameters: 'query=SUP',
      },
    );
    expect(badParams.status).toBe(400);
    const badLink = await composeExtensionInvoke(
      h.teams,
      bob,
      { personal: true },
      'composeExtension/queryLink',
      {
        url: 7,
      },
    );
    expect(badLink.status).toBe(400);
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
  });
});

describe('Tickets search (query command)', () => {
  it('shows a requester only their own tickets: initial run, number, text', async () => {
    expect(resultIds((await query(ana, undefined)).body)).toEqual([anaId]);
    expect(resultIds((await query(ana, anaId)).body)).toEqual([anaId]);
    expect(resultIds((await query(ana, String(numberOf(anaId)))).body)).toEqual([anaId]);
    expect(resultIds((await query(ana, 'printer floor')).body)).toEqual([anaId]);
    expect(resultIds((await query(ana, 'VPN')).body)).toEqual([]);
    // Carla never sees Ana's ticket, by number or by words.
    expect(resultIds((await query(carla.account, anaId)).body)).toEqual([]);
    expect(resultIds((await query(carla.account, 'printer')).body)).toEqual([]);
    expect(resultIds((await query(carla.account, undefined)).body)).toEqual([carlaId]);
  });

  it('shows an agent any ticket of the tenant', async () => {
    expect(resultIds((await query(luis, carlaId)).body)).toEqual([carlaId]);
    expect(resultIds((await query(luis, 'impresora printer')).body)).toEqual([]);
    expect(resultIds((await query(luis, 'printer')).body)).toEqual([anaId]);
    const recent = resultIds((await query(luis, undefined)).body);
    expect(recent).toEqual(expect.arrayContaining([anaId, carlaId]));
    expect(recent[0] > recent[recent.length - 1]).toBe(true); // newest first
  });

  it('inserts the ticket card with its title, number and status', async () => {
    const res = await query(ana, anaId, { channel: general });
    const [att] = res.body.composeExtension.attachments;
    expect(att.preview.content).toEqual({
      title: 'Printer on floor 2 jams',
      text: `${anaId} · New`,
    });
    const text = cardText(att.content);
    expect(text).toContain('Printer on floor 2 jams');
    expect(text).toContain('Status: New');
    // The card links back to the message the ticket was created from.
    const open = (att.content.actions as any[]).find((a) => a.type === 'Action.OpenUrl');
    expect(open).toEqual({
      type: 'Action.OpenUrl',
      title: 'Open the message',
      url: linkToMessage(),
    });
  });
});

describe('Link unfurling (queryLink)', () => {
  const link = (id: string) => `https://example.ngrok.app/tickets/${id}`;

  it('shows the ticket card to someone who may see it', async () => {
    expect(resultIds((await queryLink(ana, link(anaId))).body)).toEqual([anaId]);
    expect(resultIds((await queryLink(luis, link(anaId))).body)).toEqual([anaId]);
  });

  it('gives nothing to anyone else, or for another link', async () => {
    expect(resultIds((await queryLink(carla.account, link(anaId))).body)).toEqual([]);
    expect(resultIds((await queryLink(ana, 'https://example.ngrok.app/other/1')).body)).toEqual([]);
    expect(resultIds((await queryLink(ana, link('SUP-999999'))).body)).toEqual([]);
  });
});
