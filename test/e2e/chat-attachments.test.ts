import { TicketRepository } from '../../src/storage/ticket.repository';
import { Harness, waitFor } from '../support/bot-harness';
import {
  ChannelMember,
  ChatUser,
  SentMessage,
  TENANT_ID,
  TeamChannel,
  accountFor,
  buttonTitles,
  cardOf,
  cardText,
  composeExtensionInvoke,
  makeChannel,
} from '../support/fake-teams';
import { cardWith, idIn, supportDesk } from '../support/ticket-flow';

/**
 * Files and screenshots sent in the 1:1 chat are kept with the ticket and listed on its cards;
 * a ticket created from a message shows the message link to agents, and its author hears about
 * it (issue #6 items 6 and "acknowledgement on behalf").
 */

const admin = accountFor('Alicia Admin', 'en-US');
const bob = accountFor('Bob Builder', 'en-US');

let h: Harness;
let general: TeamChannel;
let alicia: ChannelMember;

const SHAREPOINT =
  'https://contoso.sharepoint.com/personal/nina_contoso_com/Documents/Microsoft%20Teams%20Chat%20Files';

/** A file as Teams attaches it to a 1:1 message. */
function teamsFile(name: string, fileType: string) {
  return {
    contentType: 'application/vnd.microsoft.teams.file.download.info',
    contentUrl: `${SHAREPOINT}/${encodeURIComponent(name)}`,
    name,
    content: {
      downloadUrl: `https://contoso.sharepoint.com/personal/nina_contoso_com/_layouts/15/download.aspx?UniqueId=8f7e&Translate=false&tempauth=eyJ0eXAiOiJKV1Qi`,
      uniqueId: '8f7e6d5c-4b3a-2910-8f7e-6d5c4b3a2910',
      fileType,
    },
  };
}

/** A pasted screenshot: Teams says `image/*` and links it on its attachment service. */
const SCREENSHOT_URL =
  'https://smba.trafficmanager.net/amer/v3/attachments/0-cus-d4-8a2f3c/views/original';
const screenshot = { contentType: 'image/*', contentUrl: SCREENSHOT_URL };

/** The HTML copy of the message Teams adds, and a card: neither is an attachment of the request. */
const htmlCopy = (text: string) => ({
  contentType: 'text/html',
  content: `<div>${text}<img src="${SCREENSHOT_URL}"></div>`,
});

async function sendWithFiles(u: ChatUser, text: string, attachments: unknown[]) {
  return h.teams.post({ ...u.messageActivity(text), attachments });
}

/** The links of a card's attachment lines: [name, url] of every TextRun that opens a URL. */
function linksOf(card: Record<string, any>): [string, string][] {
  const out: [string, string][] = [];
  JSON.stringify(card, (_k, v) => {
    if (v?.type === 'TextRun' && v.selectAction?.type === 'Action.OpenUrl') {
      out.push([v.text, v.selectAction.url]);
    }
    return v;
  });
  return out;
}

async function triageCardOf(id: string, including?: string): Promise<SentMessage> {
  return waitFor(
    h,
    () => {
      try {
        const m = alicia.cardOf(id);
        return !including || cardText(cardOf(m.activity)!).includes(including) ? m : undefined;
      } catch {
        return undefined;
      }
    },
    `the triage card of ${id}${including ? ` with ${including}` : ''}`,
  );
}

beforeAll(async () => {
  const desk = await supportDesk({ admin, team: [admin], now: '2026-11-25T16:00:00Z' });
  ({ h } = desk);
  general = makeChannel('General');
  alicia = desk.member(admin);
});
afterAll(async () => h.close());

describe('attachments sent in the chat', () => {
  let nina: ChatUser;
  let id = '';

  it('a message with a file and a screenshot becomes a ticket that lists both', async () => {
    nina = h.teams.user('Nina Files', 'en-US');
    const text = 'The VPN client shows error 809, log and screenshot attached';
    const res = await sendWithFiles(nina, text, [
      teamsFile('vpn-log.txt', 'txt'),
      screenshot,
      htmlCopy(text),
      { contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard' } },
    ]);
    expect(res.status).toBe(200);
    // The acknowledgement (self-help steps may follow it).
    const ack = cardOf(cardWith(nina, 'registered')!.activity)!;
    id = idIn(cardText(ack));
    expect(cardText(ack)).toContain(`Ticket ${id} registered`);
    // The requester's card lists them: name as a link, and the type.
    expect(cardText(ack)).toContain('Attachments (2)');
    expect(cardText(ack)).toContain(' · TXT');
    expect(cardText(ack)).toContain(' · IMAGE');
    const expected: [string, string][] = [
      ['vpn-log.txt', `${SHAREPOINT}/vpn-log.txt`],
      ['image-1', SCREENSHOT_URL],
    ];
    expect(linksOf(ack)).toEqual(expected);

    const stored = (await new TicketRepository(h.bot.tables).get(TENANT_ID, Number(id.slice(4))))!;
    expect(stored.ticket.attachments).toEqual([
      { name: 'vpn-log.txt', contentType: 'text/plain', url: `${SHAREPOINT}/vpn-log.txt` },
      { name: 'image-1', contentType: 'image/*', url: SCREENSHOT_URL },
    ]);

    // The agents' triage card lists both too.
    const card = cardOf((await triageCardOf(id)).activity)!;
    expect(cardText(card)).toContain('Attachments (2)');
    expect(linksOf(card)).toEqual(expected);
  });

  it('keeps the files of a message added to an open ticket ("Add to SUP-…")', async () => {
    await sendWithFiles(nina, 'Here is the error dialog as PDF', [
      teamsFile('error-809.pdf', 'pdf'),
    ]);
    const choice = nina.lastCard().card;
    expect(buttonTitles(choice)).toEqual([`Add to ${id}`, 'Create ticket']);
    const added = await nina.click(`Add to ${id}`);
    expect(added.text ?? cardText(added.card ?? {})).toContain(id);
    const stored = (await new TicketRepository(h.bot.tables).get(TENANT_ID, Number(id.slice(4))))!;
    expect(stored.ticket.attachments?.map((a) => a.name)).toEqual([
      'vpn-log.txt',
      'image-1',
      'error-809.pdf',
    ]);
    // The triage card is updated in place and lists the new file.
    const card = cardOf((await triageCardOf(id, 'error-809.pdf')).activity)!;
    expect(cardText(card)).toContain('Attachments (3)');
  });

  it('keeps the files of a message that becomes a new ticket from the choice ("Create ticket")', async () => {
    await sendWithFiles(nina, '', [screenshot]);
    expect(buttonTitles(nina.lastCard().card)).toContain('Create ticket');
    const created = await nina.click('Create ticket');
    const newId = idIn(cardText(created.card!));
    expect(newId).not.toBe(id);
    expect(linksOf(created.card!)).toEqual([['image-1', SCREENSHOT_URL]]);
    const card = cardOf((await triageCardOf(newId)).activity)!;
    expect(linksOf(card)).toEqual([['image-1', SCREENSHOT_URL]]);
  });

  it('drops links that are not https and cuts what is too long', async () => {
    const olga = h.teams.user('Olga Odd', 'en-US');
    await sendWithFiles(olga, 'Printer jams', [
      { contentType: 'image/png', contentUrl: 'http://insecure.example/x.png' },
      { contentType: 'image/png', contentUrl: 'javascript:alert(1)' },
      { ...teamsFile('n'.repeat(500) + '.log', 'log'), contentUrl: 'ftp://x' },
      { contentType: 'application/vnd.microsoft.teams.file.download.info', name: 42 },
    ]);
    const ack = cardOf(cardWith(olga, 'registered')!.activity)!;
    const id2 = idIn(cardText(ack));
    const stored = (await new TicketRepository(h.bot.tables).get(TENANT_ID, Number(id2.slice(4))))!;
    // Only the file with an https download link is kept, its name cut to 200 characters.
    expect(stored.ticket.attachments).toHaveLength(1);
    expect(stored.ticket.attachments![0].name).toHaveLength(200);
    expect(stored.ticket.attachments![0].url).toMatch(/^https:\/\/contoso\.sharepoint\.com\//);
  });
});

describe('a ticket created from a message', () => {
  const MESSAGE_ID = '1732608000999';
  const link = () =>
    `https://teams.microsoft.com/l/message/${general.channelId}/${MESSAGE_ID}?tenantId=${TENANT_ID}&groupId=abc&parentMessageId=${MESSAGE_ID}`;

  it('acknowledges the author in their chat and shows the message link on the triage card', async () => {
    // Pia has chatted with the bot before (in Spanish): she is known.
    const pia = h.teams.user('Pía Autora', 'es-ES');
    await pia.say('hola');
    const before = pia.received().length;
    const messagePayload = {
      linkToMessage: link(),
      id: MESSAGE_ID,
      body: { contentType: 'html', content: '<p>Teams se cierra al compartir pantalla</p>' },
      from: {
        user: {
          userIdentityType: 'aadUser',
          id: pia.account.aadObjectId,
          displayName: 'Pía Autora',
        },
      },
    };
    const res = await composeExtensionInvoke(
      h.teams,
      bob,
      { channel: general, threadId: MESSAGE_ID },
      'composeExtension/submitAction',
      {
        commandId: 'createTicket',
        commandContext: 'message',
        data: {
          formId: 'feedfacefeedface',
          requester: 'author',
          title: 'Teams crashes when sharing the screen',
          description: 'Teams se cierra al compartir pantalla',
          category: 'software',
          impact: 'low',
          severity: 'high',
        },
        messagePayload,
      },
    );
    expect(res.status).toBe(200);
    const id = idIn(res.body.task.value);
    expect(id).not.toBe('');

    // Pia's chat: the acknowledgement in Spanish, saying who registered it.
    const ack = await waitFor(
      h,
      () =>
        pia
          .received()
          .slice(before)
          .find((m) => JSON.stringify(m.activity).includes(id)),
      'the acknowledgement in Pía’s chat',
    );
    const text = cardText(cardOf(ack.activity)!);
    expect(text).toContain(`Ticket ${id} registrado`);
    expect(text).toContain('Registrado para ti por Bob Builder. Recibido por: Mensaje de Teams.');
    const open = (cardOf(ack.activity)!.actions as any[]).find((a) => a.type === 'Action.OpenUrl');
    expect(open).toMatchObject({ title: 'Abrir el mensaje', url: link() });
    // Exactly one, however often the outbox runs.
    await h.bot.dispatcher.sweep({ releaseHeld: true });
    await h.bot.dispatcher.idle();
    expect(
      pia
        .received()
        .slice(before)
        .filter((m) => JSON.stringify(m.activity).includes(id)),
    ).toHaveLength(1);

    // The agents' triage card links back to the message.
    const card = cardOf((await triageCardOf(id)).activity)!;
    const openOnTriage = (card.actions as any[]).find((a) => a.type === 'Action.OpenUrl');
    expect(openOnTriage).toMatchObject({ title: 'Open the message', url: link() });
  });
});
