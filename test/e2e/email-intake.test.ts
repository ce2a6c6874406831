import { createHmac, randomUUID } from 'node:crypto';
import { emailRequesterId } from '../../src/domain/intake/email';
import { TicketRepository } from '../../src/storage/ticket.repository';
import { Harness, setClock, startHarness, waitFor } from '../support/bot-harness';
import {
  ChannelMember,
  TENANT_ID,
  accountFor,
  cardOf,
  cardText,
  makeChannel,
} from '../support/fake-teams';

const SECRET = 'e2e-email-intake-secret-0123456789';
const admin = accountFor('Alicia Admin', 'en-US');

let h: Harness;
let alicia: ChannelMember;

beforeAll(async () => {
  h = await startHarness({
    EMAIL_INTAKE_SECRET: SECRET,
    EMAIL_INTAKE_TENANT_ID: TENANT_ID,
    SUPPORT_ADMINS: admin.aadObjectId,
    OUTBOX_SWEEP_MS: '100',
  });
  await setClock(h.url, { now: '2026-11-25T16:00:00Z' });
  const triage = makeChannel('Triage');
  h.teams.setRoster(triage.teamId, [admin]);
  alicia = new ChannelMember(h.teams, admin, triage);
  await alicia.say('setup triage');
});
afterAll(async () => h.close());

const repo = () => new TicketRepository(h.bot.tables);
const numberOf = (trackingId: string) => Number(trackingId.slice('SUP-'.length));

function email(overrides: Record<string, unknown> = {}) {
  return {
    messageId: `<${randomUUID()}/part=1@mail.contoso.com>`,
    from: { address: 'Ana.Smith@contoso.com', name: 'Ana Smith' },
    subject: 'Printer on floor 3 jams',
    text: 'Every page jams since this morning, the whole floor prints elsewhere.',
    receivedAt: '2026-11-25T15:58:00Z',
    ...overrides,
  };
}

const sign = (raw: string | Buffer, secret = SECRET) =>
  `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;

/** Posts `raw` as it is; signed with the secret unless a signature (or none) is given. */
async function post(
  raw: string | Buffer,
  signature: string | null = sign(raw),
  url = h.url,
): Promise<{ status: number; body: any; text: string }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature !== null) headers['x-signature'] = signature;
  const res = await fetch(`${url}/api/intake/email`, { method: 'POST', headers, body: raw });
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text };
}

const postJson = (o: unknown) => post(JSON.stringify(o));

async function openCount(): Promise<number> {
  return (await repo().openTickets(TENANT_ID)).length;
}

function expectNoInternals(text: string) {
  expect(text).not.toMatch(/\bat \S+ \(|node_modules|\.ts:\d+|Error:/);
}

describe('POST /api/intake/email', () => {
  it('does not exist without EMAIL_INTAKE_SECRET (404, like any unknown path)', async () => {
    const plain = await startHarness();
    try {
      const raw = JSON.stringify(email());
      const res = await post(raw, sign(raw), plain.url);
      expect(res.status).toBe(404);
      const unknown = await fetch(`${plain.url}/api/intake/nope`, { method: 'POST', body: raw });
      expect(unknown.status).toBe(404);
      expect(res.body.code).toBe('ResourceNotFound');
    } finally {
      await plain.close();
    }
  });

  it('refuses a missing or bad signature with 401, and stores nothing', async () => {
    const before = await openCount();
    const raw = JSON.stringify(email());
    const missing = await post(raw, null);
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ code: 'Unauthorized', message: 'bad or missing X-Signature' });
    expect((await post(raw, sign(raw, 'another-secret-of-some-length'))).status).toBe(401);
    expect((await post(raw, 'sha256=deadbeef')).status).toBe(401);
    // The signature is of the exact bytes: the same JSON spaced differently is another body.
    expect((await post(JSON.stringify(JSON.parse(raw), null, 2), sign(raw))).status).toBe(401);
    expect(await openCount()).toBe(before);
    // The e-mail itself was never registered: signed, it is new.
    const ok = await post(raw);
    expect(ok.status).toBe(201);
    expect(ok.body.created).toBe(true);
  });

  it('refuses a body over 1 MiB with 413, and stays up', async () => {
    const before = await openCount();
    const raw = JSON.stringify(email({ text: 'x'.repeat(1.1 * 1024 * 1024) }));
    const res = await post(raw);
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PayloadTooLarge');
    expect(await openCount()).toBe(before);
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
  });

  it('refuses what is not an e-mail with 400 and the reason, without internals', async () => {
    const badJson = await post('{"messageId": "x", ');
    expect(badJson.status).toBe(400);
    expect(badJson.body).toEqual({ code: 'BadRequest', message: 'body is not valid JSON' });
    expectNoInternals(badJson.text);

    const { messageId: _id, ...noId } = email();
    const missing = await postJson({ ...noId, from: { name: 'No Address' } });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toContain('messageId: Required');
    expect(missing.body.message).toContain('from.address: Required');
    expectNoInternals(missing.text);

    const http = await postJson(
      email({ attachments: [{ name: 'a.png', contentType: 'image/png', url: 'http://x.test/a' }] }),
    );
    expect(http.status).toBe(400);
    expect(http.body.message).toContain('attachments.0.url: must be an https URL');
  });

  it('registers an e-mail once per message id (201, then 200), a Message-ID with "/" included', async () => {
    const before = await openCount();
    const attachments = [
      { name: 'jam.jpg', contentType: 'image/jpeg', url: 'https://files.contoso.com/x/jam.jpg' },
      { name: 'printer log.txt', contentType: 'text/plain', url: 'https://files.contoso.com/y' },
    ];
    const mail = email({ messageId: '<CAF=a/b/c+d@mail.contoso.com>', attachments });
    const first = await postJson(mail);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ trackingId: expect.stringMatching(/^SUP-\d{6}$/), created: true });
    const again = await postJson(mail);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ trackingId: first.body.trackingId, created: false });
    // Replayed concurrently too: still one ticket.
    const burst = await Promise.all([postJson(mail), postJson(mail)]);
    expect(burst.map((r) => r.body.trackingId)).toEqual([
      first.body.trackingId,
      first.body.trackingId,
    ]);
    expect(await openCount()).toBe(before + 1);

    const full = await repo().getFull(TENANT_ID, numberOf(first.body.trackingId));
    const ticket = full!.stored.ticket;
    expect(ticket).toMatchObject({
      title: 'Printer on floor 3 jams',
      description:
        'Printer on floor 3 jams\n\nEvery page jams since this morning, the whole floor prints elsewhere.',
      intakeChannel: 'email',
      requester: {
        id: emailRequesterId('ana.smith@contoso.com'),
        name: 'Ana Smith <Ana.Smith@contoso.com>',
      },
      attachments,
      status: 'new',
    });
    // The existing classifier: printing, a whole floor affected.
    expect(ticket.category).toBe('printing');
    expect(full!.events.map((e) => [e.type, e.channel])).toEqual([['created', 'email']]);
  });

  it('posts the ticket to the triage channel like a chat ticket', async () => {
    const res = await postJson(
      email({ subject: 'VPN drops every 10 minutes', text: 'Since the update.' }),
    );
    expect(res.status).toBe(201);
    const posted = await waitFor(
      h,
      () => {
        try {
          return alicia.cardOf(res.body.trackingId);
        } catch {
          return undefined;
        }
      },
      'the triage card of the e-mail ticket',
    );
    const text = cardText(cardOf(posted.activity)!);
    expect(text).toContain('VPN drops every 10 minutes');
    // Markdown-escaped in the fact, so that Teams shows it literally.
    expect(text).toContain('Requester: Ana Smith \\<Ana\\.Smith@contoso\\.com\\>');
    expect(text).toContain('Received through: E-mail');
  });

  it('adds a reply naming the ticket as a comment, once, with its attachments', async () => {
    const created = await postJson(email());
    const trackingId: string = created.body.trackingId;
    const before = await openCount();
    const file = {
      name: 'after.png',
      contentType: 'image/png',
      url: 'https://files.contoso.com/a',
    };
    const reply = email({
      messageId: `<reply/${randomUUID()}@mail.contoso.com>`,
      subject: `Re: ${trackingId} Printer on floor 3 jams`,
      text: 'It jams on tray 2 only.',
      attachments: [file],
    });
    const first = await postJson(reply);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ trackingId, comment: true });
    const again = await postJson(reply);
    expect(again.body).toEqual({ trackingId, comment: true });
    expect(await openCount()).toBe(before);

    const full = await repo().getFull(TENANT_ID, numberOf(trackingId));
    const comments = full!.events.filter((e) => e.type === 'comment');
    expect(comments).toHaveLength(1);
    expect(comments[0]).toMatchObject({
      channel: 'email',
      actor: { id: emailRequesterId('ana.smith@contoso.com') },
      data: { text: 'It jams on tray 2 only.', from: 'requester', attachments: ['after.png'] },
    });
    expect(full!.stored.ticket.attachments).toEqual([file]);
  });

  it('creates a new ticket when the tracking number in the subject does not exist', async () => {
    const res = await postJson(email({ subject: 'Re: SUP-999999 old thing, new problem' }));
    expect(res.status).toBe(201);
    expect(res.body.trackingId).not.toBe('SUP-999999');
    const stored = await repo().get(TENANT_ID, numberOf(res.body.trackingId));
    expect(stored!.ticket.title).toBe('SUP-999999 old thing, new problem');
  });
});
