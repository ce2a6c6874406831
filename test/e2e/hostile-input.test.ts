import { createServer as createNetServer } from 'node:net';
import { t } from '../../src/domain/i18n';
import { Harness, startHarness, waitFor } from '../support/bot-harness';
import {
  ChannelMember,
  ChatUser,
  SentMessage,
  TENANT_ID,
  accountFor,
  actionsOf,
  cardOf,
  cardText,
  composeExtensionActivity,
  composeExtensionInvoke,
} from '../support/fake-teams';
import { cardWith, openTicket, stored, supportDesk, threadTexts } from '../support/ticket-flow';

/**
 * Hostile input (issue #9 item 5; RELIABILITY cases 4, 6, 7, 8 and 12): tampered card data,
 * OData quotes and arrays in searches and commands, hostile text, malformed HTTP. Each is refused
 * or shown literally, the stored tickets do not change, the server stays up, and nothing a person
 * or an HTTP client receives carries a stack trace, a connection string or a token.
 */
jest.setTimeout(45_000);

const admin = accountFor('Alicia Admin', 'en-US');
const luis = accountFor('Luis Agent', 'en-US');

const INVALID = t('en', 'error.invalidAction');
const OTHER_TENANT = '0c0ffee0-0000-4000-8000-000000000bad';
const REFUSED = t('en', 'triage.noteRefused');

let h: Harness;
let luisIn: ChannelMember;
/** Ann's ticket: the one other people try to reach. */
let a: { requester: ChatUser; id: string; thread: SentMessage };
/** Bob's ticket: Bob is a requester, not an agent. */
let b: { requester: ChatUser; id: string; thread: SentMessage };
const ANN_TEXT = 'Confidential: payroll export for Ann Private fails with error 0x80004005';

const numberOf = (id: string) => Number(id.slice(4));

/**
 * Every row of the tickets table (tickets, events, indexes, idempotency keys, outbox jobs) by key,
 * without etags and times; the audit records of refused attempts (`…|r|…`) are left out: a
 * refusal is recorded on purpose, and changes nothing of the ticket.
 */
async function ticketRows(): Promise<Map<string, string>> {
  await h.bot.dispatcher.idle();
  const rows = new Map<string, string>();
  for await (const e of h.bot.tables.tickets.listEntities()) {
    const { etag: _e, timestamp: _t, ...rest } = e as Record<string, unknown>;
    if (/\|r\|/.test(String(rest.rowKey))) continue;
    rows.set(`${rest.partitionKey}/${rest.rowKey}`, JSON.stringify(rest));
  }
  return rows;
}

/** The stored rows are exactly as they were (the keys of the rows that differ otherwise). */
async function expectUnchanged(before: Map<string, string>): Promise<void> {
  const after = await ticketRows();
  const keys = new Set([...before.keys(), ...after.keys()]);
  // An outbox job (`o|…`) that was pending before may be done (and gone) since.
  const changed = [...keys].filter(
    (k) => before.get(k) !== after.get(k) && !(k.includes('/o|') && !after.has(k)),
  );
  expect(changed.map((k) => ({ key: k, before: before.get(k), after: after.get(k) }))).toEqual([]);
}

/** The texts of a card that Teams renders as Markdown: TextBlocks and facts. */
function markdownTexts(card: Record<string, any>): string[] {
  const out: string[] = [];
  JSON.stringify(card, (_k, v) => {
    if (v && v.type === 'TextBlock' && typeof v.text === 'string') out.push(v.text);
    if (v && typeof v.title === 'string' && typeof v.value === 'string') out.push(v.value);
    return v;
  });
  return out;
}

/** What must never reach a person or an HTTP client. */
const LEAKS: [string, RegExp][] = [
  ['a stack frame', /\bat [\w$.<>]+ \(|\bat (?:async )?\/|\n\s+at /],
  ['a source path', /\.(?:ts|js):\d+/],
  ['node_modules', /node_modules/],
  ['a connection string', /AccountKey|SharedAccessSignature|DefaultEndpointsProtocol/i],
  ['a token', /Bearer\s|eyJ[\w-]{10,}\.[\w-]{10,}/],
];

function expectNoLeak(what: string, value: unknown): void {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? '');
  for (const [name, re] of LEAKS) {
    if (re.test(text)) throw new Error(`${what} carries ${name}: ${text.slice(0, 500)}`);
  }
}

beforeAll(async () => {
  const desk = await supportDesk({
    admin,
    team: [admin, luis],
    now: '2026-11-25T16:00:00Z', // Wed 10:00 in Mexico City
    env: { SLA_SWEEP_MS: '3600000' },
  });
  h = desk.h;
  luisIn = desk.member(luis);
  a = await openTicket(h, luisIn, ANN_TEXT);
  b = await openTicket(h, luisIn, 'My second monitor flickers');
});

afterAll(async () => {
  // Case 12: nothing the bot sent to Teams during the whole file carries internals.
  for (const m of h.teams.messages) expectNoLeak(`message ${m.id}`, m.history);
  // Every card the bot sent stays within Teams' size limit.
  for (const m of h.teams.messages) {
    expect(Buffer.byteLength(JSON.stringify(m.activity), 'utf8')).toBeLessThan(28 * 1024);
  }
  await h.close();
});

describe('tampered card data (case 4, item 5)', () => {
  it("a requester forging an agent's button with another ticket's number is refused and sees nothing of it", async () => {
    const before = await ticketRows();
    const shown: { verb: string; text: string }[] = [];
    const forged = [
      { verb: 'triage.assignMe', data: { number: numberOf(a.id) } },
      { verb: 'triage.refresh', data: { number: numberOf(a.id) } },
      { verb: 'triage.resolve', data: { number: numberOf(a.id), resolution: 'done' } },
      { verb: 'triage.classify', data: { number: numberOf(a.id), impact: 'high' } },
      { verb: 'handoff.accept', data: { number: numberOf(a.id) } },
      { verb: 'ticket.cancel', data: { number: numberOf(a.id) } },
      { verb: 'ticket.answer', data: { number: numberOf(a.id), answer: 'x' } },
      { verb: 'intake.status', data: { number: numberOf(a.id) } },
    ];
    for (const action of forged) {
      const res = await b.requester.invokeAction(b.requester.last(), action);
      expect({ verb: action.verb, status: res.status }).toEqual({
        verb: action.verb,
        status: 200,
      });
      // a message (or a card with the refusal alone), never the card of someone else's ticket
      shown.push({ verb: action.verb, text: res.text ?? cardText(res.card!) });
      const body = JSON.stringify(res.body);
      expect(body).not.toContain('Confidential');
      expect(body).not.toContain(a.requester.account.name);
      expectNoLeak(action.verb, res.body);
    }
    expect(shown).toEqual([
      { verb: 'triage.assignMe', text: REFUSED },
      { verb: 'triage.refresh', text: REFUSED },
      { verb: 'triage.resolve', text: REFUSED },
      { verb: 'triage.classify', text: REFUSED },
      { verb: 'handoff.accept', text: t('en', 'error.expired') }, // no handoff pending
      { verb: 'ticket.cancel', text: t('en', 'lifecycle.notYours', { trackingId: a.id }) },
      { verb: 'ticket.answer', text: t('en', 'lifecycle.notYours', { trackingId: a.id }) },
      { verb: 'intake.status', text: t('en', 'error.expired') },
    ]);
    await expectUnchanged(before);
  });

  it('a ticket number of the wrong type (string, array, object, boolean…) is refused', async () => {
    const before = await ticketRows();
    const n = numberOf(a.id);
    const wrong: unknown[] = ['abc', [n], [String(n)], { n }, true, -1, 1.5, '', null, `${n} `];
    for (const number of wrong) {
      const res = await luisIn.invoke(a.thread, { verb: 'triage.assignMe', data: { number } });
      expect({ number, text: res.text }).toEqual({ number, text: INVALID });
      const own = await a.requester.invokeAction(a.requester.last(), {
        verb: 'ticket.cancel',
        data: { number },
      });
      expect({ number, text: own.text }).toEqual({ number, text: INVALID });
    }
    // data that is not an object at all
    for (const data of ['x', 42, [1, 2], null]) {
      const res = await luisIn.invoke(a.thread, { verb: 'triage.assignMe', data });
      expect({ data, status: res.status, text: res.text }).toEqual({
        data,
        status: 200,
        text: INVALID,
      });
    }
    await expectUnchanged(before);
    expect((await stored(h, a.id)).stored.ticket.owner).toBeUndefined();
  });

  it('extra fields in card data are ignored: Assign to me assigns the clicker and nothing else', async () => {
    const before = (await stored(h, b.id)).stored.ticket;
    const assign = actionsOf(cardOf(b.thread.activity)!).find((x) => x.verb === 'triage.assignMe')!;
    const res = await luisIn.invoke(b.thread, {
      verb: assign.verb,
      data: {
        ...(assign.data as object),
        assignee: admin.id,
        owner: { id: admin.aadObjectId, name: 'Alicia Admin' },
        status: 'closed',
        priority: 'alta',
        requester: { id: luis.aadObjectId, name: 'Luis Agent' },
        tenantId: 'another-tenant',
        description: 'rewritten',
        __proto__: { isAgent: true },
      },
    });
    expect(res.status).toBe(200);
    expect(cardText(res.card!)).toContain(t('en', 'triage.noteAssigned', { name: 'Luis Agent' }));
    const after = (await stored(h, b.id)).stored.ticket;
    expect(after.owner).toEqual({ id: luis.aadObjectId, name: 'Luis Agent' });
    expect(after.status).toBe('assigned');
    expect(after.priority).toBe(before.priority);
    expect(after.requester).toEqual(before.requester);
    expect(after.description).toBe(before.description);
    expect(after.tenantId).toBe(TENANT_ID);
  });

  it('replayed old cards (Assign to me on a closed ticket, a survey answered twice) are refused', async () => {
    const c = await openTicket(h, luisIn, 'The scanner on floor 2 jams', { assign: true });
    const original = c.thread.history[0];
    await luisIn.submit(c.thread, 'triage.resolve', { resolution: 'Cleared the rollers' });
    const resolved = await waitFor(
      h,
      () => cardWith(c.requester, `${c.id} is resolved`),
      'the resolution card',
    );
    await c.requester.click('It works now', {}, resolved);
    const survey = await waitFor(
      h,
      () => cardWith(c.requester, `How did we do with ${c.id}?`),
      'the survey card',
    );
    const submit = actionsOf(cardOf(survey.activity)!).find((x) => x.verb === 'survey.submit')!;
    await c.requester.click('Submit', { rating: '5' }, survey);
    expect((await stored(h, c.id)).stored.ticket.status).toBe('closed');
    const before = await ticketRows();

    // the triage card as first posted: Assign to me, by the agent, after closing
    const assign = actionsOf(cardOf(original)!).find((x) => x.verb === 'triage.assignMe')!;
    const replay = await luisIn.invoke(c.thread, assign);
    expect(cardText(replay.card!)).toContain(
      t('en', 'lifecycle.invalid', { status: t('en', 'status.closed') }),
    );
    // the survey, answered again with another rating
    const again = await c.requester.invokeAction(survey, submit, { rating: '1' });
    expect(again.text ?? cardText(again.card ?? {})).toMatch(
      new RegExp(`${t('en', 'survey.answered', { trackingId: c.id }).slice(0, 20)}|Thank`),
    );
    // the resolution card's "It works now", clicked again
    const confirm = actionsOf(cardOf(resolved.history[0])!).find(
      (x) => x.verb === 'ticket.confirm',
    )!;
    const reconfirm = await c.requester.invokeAction(resolved, confirm);
    expect(reconfirm.status).toBe(200);
    await expectUnchanged(before);
    expect((await stored(h, c.id)).stored.ticket.survey?.rating).toBe(5);
  });

  it('a verb that does not exist gets a clear message and changes nothing', async () => {
    const before = await ticketRows();
    for (const verb of ['triage.delete', 'admin.grant', '', '__proto__', 'constructor']) {
      const res = await luisIn.invoke(a.thread, { verb, data: { number: numberOf(a.id) } });
      expect({ verb, status: res.status, text: res.text }).toEqual({
        verb,
        status: 200,
        text: INVALID,
      });
    }
    await expectUnchanged(before);
  });
});

describe('search and commands with OData quotes, arrays and long numbers (case 8, item 5)', () => {
  const hostile = [
    "'",
    "' or PartitionKey ne '",
    "SUP-' or 1 eq 1",
    "x' or RowKey gt '",
    `SUP-${'9'.repeat(5000)}`,
    '%27%20or%201%20eq%201',
    '*',
  ];

  it('the message-extension search shows a requester only their own tickets, whatever the query', async () => {
    const bob = b.requester.account;
    const query = (value: unknown) =>
      composeExtensionInvoke(h.teams, bob, { personal: true }, 'composeExtension/query', {
        commandId: 'searchTickets',
        parameters: [{ name: 'query', value }],
        queryOptions: { skip: 0, count: 25 },
      });
    const values: unknown[] = [
      ...hostile,
      [a.id],
      ["' or 1 eq 1"],
      { $ne: '' },
      { toString: 'x' },
      numberOf(a.id),
      null,
      true,
      a.id,
      String(numberOf(a.id)),
    ];
    for (const value of values) {
      const res = await query(value);
      expect({ value, status: res.status }).toEqual({ value, status: 200 });
      const body = JSON.stringify(res.body);
      expect(body).not.toContain(a.id);
      expect(body).not.toContain('Confidential');
      expectNoLeak(`search ${JSON.stringify(value)}`, res.body);
    }
    // the search does work for Bob's own ticket
    const own = await query(b.id);
    expect(JSON.stringify(own.body)).toContain(b.id);
    // parameters that are not a list, or a name that is not a string
    for (const parameters of [{ query: a.id }, 'query', [{ name: ['query'], value: a.id }]]) {
      const res = await composeExtensionInvoke(
        h.teams,
        bob,
        { personal: true },
        'composeExtension/query',
        { commandId: 'searchTickets', parameters },
      );
      expect(res.status).toBeGreaterThanOrEqual(200);
      expect(res.status).toBeLessThan(500);
      expect(JSON.stringify(res.body ?? '')).not.toContain(a.id);
      expectNoLeak('search parameters', res.body);
    }
  });

  it('"status" with quotes or a huge number answers with usage or not found, never another ticket', async () => {
    const bob = b.requester;
    for (const q of hostile) {
      for (const cmd of ['status', 'estado']) {
        const sent = bob.received().length;
        const res = await bob.say(`${cmd} ${q}`);
        expect({ q, status: res.status }).toEqual({ q, status: 200 });
        await h.bot.dispatcher.idle();
        const replies = bob.received().slice(sent);
        expect(replies.length).toBeGreaterThan(0);
        const text = JSON.stringify(replies.map((r) => r.activity));
        expect(text).not.toContain(a.id);
        expect(text).not.toContain('Confidential');
        expectNoLeak(`status ${q}`, text);
      }
    }
    // Someone of another tenant asks for Ann's ticket by its number, and searches for it.
    const other = h.teams.user('Olga Othertenant', 'en-US');
    const elsewhere = (x: Record<string, any>) => ({
      ...x,
      conversation: { ...x.conversation, tenantId: OTHER_TENANT },
      channelData: { ...x.channelData, tenant: { id: OTHER_TENANT } },
    });
    await h.teams.post(elsewhere(other.messageActivity(`status ${a.id}`)));
    expect(JSON.stringify(other.received().map((m) => m.activity))).not.toContain('Confidential');
    const search = await h.teams.post(
      elsewhere(
        composeExtensionActivity(
          h.teams,
          other.account,
          { personal: true },
          'composeExtension/query',
          {
            commandId: 'searchTickets',
            parameters: [{ name: 'query', value: a.id }],
          },
        ),
      ),
    );
    expect(search.status).toBe(200);
    expect(search.body.composeExtension.attachments).toEqual([]);
    const refresh = await h.teams.post(
      elsewhere({
        ...luisIn.teams.user('x').messageActivity('x'),
        from: { id: luis.id, name: luis.name, aadObjectId: luis.aadObjectId },
        type: 'invoke',
        name: 'adaptiveCard/action',
        text: undefined,
        value: {
          action: {
            type: 'Action.Execute',
            verb: 'triage.refresh',
            data: { number: numberOf(a.id) },
          },
        },
      }),
    );
    // an agent of this desk, acting from another tenant: that tenant has no support desk
    expect({ status: refresh.status, text: refresh.body?.value }).toEqual({
      status: 200,
      text: t('en', 'channel.noTriage'),
    });
    // Ann's ticket by its number, asked by Bob: not found (not Ann's data)
    await bob.say(`status ${a.id}`);
    const reply = JSON.stringify(bob.last().activity);
    expect(reply).not.toContain('Confidential');
  });
});

describe('hostile text is stored in full and shown literally (case 8)', () => {
  const HOSTILE =
    'Printer [x](https://evil.example) **bold** # head <at>Luis Agent</at> ${description} {{x}} ' +
    '${if(true, "a", "b")} <b>html</b><script>alert(1)</script> zero\u200bwidth\u200d\ufeff ' +
    'rtl \u202eevil\u202c \u05e9\u05dc\u05d5\u05dd lone \ud800 surrogate \udfff end';

  it('a message with Markdown, mentions, templates, HTML, RTL and lone surrogates', async () => {
    const { requester, id, thread } = await openTicket(h, luisIn, HOSTILE);
    const t0 = (await stored(h, id)).stored.ticket;
    // byte for byte, lone surrogates, zero-width and direction marks included
    expect(t0.description).toBe(HOSTILE);
    // The requester's acknowledgement and the triage card show it literally.
    for (const card of [cardOf(requester.received()[0].activity)!, cardOf(thread.activity)!]) {
      const json = JSON.stringify(card);
      // Where Teams renders Markdown (TextBlock, FactSet) the text is escaped; TextRuns are literal.
      for (const md of markdownTexts(card)) {
        expect(md).not.toContain('[x](https://evil.example)');
        expect(md).not.toContain('**bold**');
      }
      expect(cardText(card)).toContain('Printer'); // the description is shown
      expect(json).toContain('${description}'); // not evaluated
      expect(json).toContain('{{x}}');
      expect(json).not.toContain('"${'); // no unexpanded template field
      expect(Buffer.byteLength(json, 'utf8')).toBeLessThan(28 * 1024);
    }
    // The agent replies with the same text: the thread's note (a Markdown message) escapes it,
    // and the requester's card shows it literally.
    await luisIn.click(thread, 'Assign to me');
    await luisIn.submit(thread, 'triage.reply', { replyText: HOSTILE });
    await h.bot.dispatcher.idle();
    const note = threadTexts(h, luisIn, id).find((x) => x.includes('to the requester'));
    expect(note).toContain('\\[x\\]\\(https://evil\\.example\\)');
    const reply = await waitFor(h, () => cardWith(requester, 'evil'), 'the reply card');
    expect(cardText(cardOf(reply.activity)!)).toContain('${description} {{x}}');
    // Nowhere that Teams renders Markdown (plain messages, TextBlocks, facts) is it unescaped.
    for (const m of h.teams.messages) {
      const card = cardOf(m.activity);
      const md = [String(m.activity.text ?? ''), ...(card ? markdownTexts(card) : [])];
      for (const x of md) expect(x).not.toContain('[x](https://evil.example)');
    }
    // No message the bot sent turns `<at>` into a real mention of someone.
    for (const m of h.teams.messages) {
      const mentions = (m.activity.entities ?? []).filter((e: any) => e.type === 'mention');
      expect(mentions).toEqual([]);
    }
  });

  it('100 KB of hostile text: stored in full, every card under 28 KB', async () => {
    const unit = `[x](https://evil.example) \${x} {{y}} <at>A</at> \u202e\u200b é 😀 `;
    const text = unit.repeat(Math.ceil(100_000 / unit.length)).slice(0, 100_000);
    const { requester, id, thread } = await openTicket(h, luisIn, text);
    expect((await stored(h, id)).stored.ticket.description).toBe(text);
    for (const m of [requester.received()[0], thread]) {
      expect(Buffer.byteLength(JSON.stringify(m.activity), 'utf8')).toBeLessThan(28 * 1024);
    }
  });
});

describe('malformed HTTP (case 7)', () => {
  async function raw(
    method: string,
    body?: string | Buffer,
    headers: Record<string, string> = { 'content-type': 'application/json' },
    path = '/api/messages',
  ): Promise<{ status: number; text: string }> {
    const res = await fetch(`${h.url}${path}`, { method, headers, body });
    return { status: res.status, text: await res.text() };
  }

  it('bodies, content types and methods that are not an activity get a 4xx, and the server stays up', async () => {
    const valid = JSON.stringify(b.requester.messageActivity('hello'));
    const cases: [string, () => Promise<{ status: number; text: string }>][] = [
      ['not JSON', () => raw('POST', '{"type":"message",')],
      ['garbage', () => raw('POST', '\u0000\u0001\u00ff not json')],
      ['a JSON array', () => raw('POST', '[1,2,3]')],
      ['a JSON string', () => raw('POST', '"message"')],
      ['JSON null', () => raw('POST', 'null')],
      ['a JSON number', () => raw('POST', '42')],
      ['an empty body', () => raw('POST', '')],
      ['no body', () => raw('POST', undefined, {})],
      ['text/plain', () => raw('POST', valid, { 'content-type': 'text/plain' })],
      [
        'form encoded',
        () =>
          raw('POST', 'type=message&text=hi', {
            'content-type': 'application/x-www-form-urlencoded',
          }),
      ],
      ['xml', () => raw('POST', '<activity/>', { 'content-type': 'application/xml' })],
      ['GET', () => raw('GET', undefined, {})],
      ['PUT', () => raw('PUT', valid)],
      ['DELETE', () => raw('DELETE', undefined, {})],
      ['PATCH', () => raw('PATCH', valid)],
      ['over the body limit', () => raw('POST', Buffer.alloc(3 * 1024 * 1024, 0x61))],
      ['an unknown path', () => raw('POST', valid, undefined, '/api/admin')],
      ['an object without a type', () => raw('POST', '{"text":"hi"}')],
    ];
    const wrong: { name: string; status: number }[] = [];
    for (const [name, send] of cases) {
      const res = await send();
      if (res.status < 400 || res.status >= 500) wrong.push({ name, status: res.status });
      expectNoLeak(name, res.text);
    }
    expect(wrong).toEqual([]);
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
  });

  it('invokes without a value, with a broken value, or with an unknown name get a 4xx', async () => {
    const base = b.requester.messageActivity('x');
    const invokes: Record<string, unknown>[] = [
      { name: 'adaptiveCard/action' },
      { name: 'adaptiveCard/action', value: null },
      { name: 'adaptiveCard/action', value: 'x' },
      { name: 'adaptiveCard/action', value: { action: null } },
      { name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute' } } },
      { name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 7 } } },
      { name: 'composeExtension/query' },
      { name: 'composeExtension/query', value: [] },
      { name: 'composeExtension/submitAction', value: 'x' },
      { name: 'composeExtension/fetchTask', value: { commandId: { a: 1 } } },
      { name: 'composeExtension/queryLink', value: { url: ['x'] } },
      { name: 'task/fetch' },
      { name: 'totally/unknown', value: { a: 1 } },
      { name: '' },
      {},
    ];
    const before = await ticketRows();
    const wrong: { extra: unknown; status: number }[] = [];
    for (const extra of invokes) {
      const res = await h.teams.post({
        ...base,
        id: h.teams.nextActivityId(),
        type: 'invoke',
        text: undefined,
        ...extra,
      });
      if (res.status < 400 || res.status >= 500) wrong.push({ extra, status: res.status });
      expectNoLeak(JSON.stringify(extra), res.body);
    }
    expect(wrong).toEqual([]);
    await expectUnchanged(before);
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
  });

  it('activities with missing or wrongly typed parts do not crash the server', async () => {
    const base = b.requester.messageActivity('x');
    const odd: Record<string, unknown>[] = [
      { ...base, text: { a: 1 } },
      { ...base, text: ['status', a.id] },
      { ...base, conversation: undefined },
      { ...base, from: undefined },
      { ...base, from: { id: 7 } },
      { ...base, type: 7 },
      { ...base, type: 'unknownType' },
      { ...base, entities: 'x' },
      { ...base, locale: { x: 1 } },
      { ...base, channelData: 'x' },
      { ...base, attachments: 'x' },
    ];
    const wrong: { i: number; status: number }[] = [];
    for (const [i, activity] of odd.entries()) {
      const res = await h.teams.post({ ...activity, id: h.teams.nextActivityId() });
      if (res.status >= 500) wrong.push({ i, status: res.status });
      expectNoLeak('odd activity', res.body);
    }
    expect(wrong).toEqual([]);
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
  });
});

describe('errors never leak internals (case 12)', () => {
  const SECRET_KEY = Buffer.from('super-secret-storage-key-that-must-not-leak').toString('base64');

  async function closedPort(): Promise<number> {
    const s = createNetServer();
    await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
    const { port } = s.address() as { port: number };
    await new Promise<void>((ok) => s.close(() => ok()));
    return port;
  }

  it('with storage unreachable: the person is told, and no body or message carries a stack, the key or a token', async () => {
    const port = await closedPort();
    const cs =
      `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${SECRET_KEY};` +
      `TableEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`;
    const down = await startHarness(
      { TABLES_CONNECTION_STRING: cs, TABLES_PREFIX: 'leak' },
      {},
      { waitHealthy: false },
    );
    try {
      const bodies: unknown[] = [];
      const eve = down.teams.user('Eve Down', 'en-US');
      const said = await eve.say('My laptop does not start');
      bodies.push(said.body);
      expect(said.status).toBeLessThan(500); // the person was answered in the chat
      const invoked = await eve.invokeAction(
        { id: '1', conversationId: eve.conversationId, activity: {}, history: [] },
        { verb: 'ticket.cancel', data: { number: 1 } },
      );
      bodies.push(invoked.body);
      const searched = await composeExtensionInvoke(
        down.teams,
        eve.account,
        { personal: true },
        'composeExtension/query',
        { commandId: 'searchTickets', parameters: [{ name: 'query', value: 'printer' }] },
      );
      bodies.push(searched.body);
      const health = await fetch(`${down.url}/healthz`);
      expect(health.status).toBe(503);
      bodies.push(await health.text());

      for (const body of bodies) {
        expectNoLeak('HTTP body', body);
        expect(JSON.stringify(body ?? '')).not.toContain(SECRET_KEY);
        expect(JSON.stringify(body ?? '')).not.toContain(String(port));
      }
      const sent = down.teams.messages.map((m) => m.activity);
      expect(sent.length).toBeGreaterThan(0);
      expect(JSON.stringify(sent)).toContain(t('en', 'error.storage').slice(0, 30));
      expectNoLeak('messages to Teams', sent);
      expect(JSON.stringify(sent)).not.toContain(SECRET_KEY);
      // and no false confirmation
      expect(JSON.stringify(sent)).not.toMatch(/SUP-\d{6}/);
    } finally {
      await down.close();
    }
  });
});
