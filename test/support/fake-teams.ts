import { randomUUID } from 'node:crypto';
import {
  Agent,
  IncomingMessage,
  Server,
  ServerResponse,
  createServer,
  request as httpRequest,
} from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * A fake Teams: it plays the Bot Framework connector the bot sends to (records every
 * `POST/PUT /v3/conversations…`, answers roster look-ups, can inject faults) and it plays the
 * Teams client that drives the bot (realistic message activities and `adaptiveCard/action`
 * invokes, clicking a card's button by its title as a person would).
 */

export interface SentMessage {
  id: string;
  conversationId: string;
  /** the activity as the bot sent it, updated in place by PUTs and card-action answers */
  activity: Record<string, any>;
  /** every version of the message, oldest first */
  history: Record<string, any>[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: any;
  status: number;
  /** the Authorization header the bot sent, if any */
  authorization?: string;
}

export interface Fault {
  /** which connector requests the fault applies to (`body`: the request's JSON) */
  match: (method: string, path: string, body?: any) => boolean;
  status: number;
  headers?: Record<string, string>;
  /** how many matching requests get the fault (default 1; `Infinity`: until cleared) */
  times?: number;
  delayMs?: number;
  /**
   * What Teams did before answering: `'none'` (default) the request had no effect; `'stored'`
   * Teams stored the message, then answered `status` anyway (a 5xx after the write, a lost
   * answer); `'slow'` a slow but successful answer (`delayMs`, then the normal one; `status`
   * is ignored).
   */
  effect?: 'none' | 'stored' | 'slow';
}

/**
 * Matches connector requests about one conversation: its activities (`…/conversations/{id}/…`,
 * a channel's threads included when `id` is a channel id) and new threads posted to a channel
 * (`POST /v3/conversations` whose channel is `id`). `methods` limits it (e.g. `['POST']`).
 */
export function connectorTo(id: string, methods?: string[]): Fault['match'] {
  return (method, path, body) => {
    if (methods && !methods.includes(method)) return false;
    if (method === 'POST' && path === '/v3/conversations') {
      return body?.channelData?.channel?.id === id;
    }
    const m = /^\/v3\/conversations\/([^/]+)\/activities/.exec(path);
    return !!m && (m[1] === id || m[1].startsWith(`${id};messageid=`));
  };
}

/** Matches every message the bot sends or updates (not roster look-ups). */
export const anyMessage: Fault['match'] = (method, path) =>
  (method === 'POST' || method === 'PUT') &&
  (path === '/v3/conversations' || /\/activities(\/|$)/.test(path));

export interface TeamsUser {
  id: string;
  aadObjectId: string;
  name: string;
  locale: string;
  /** the person's e-mail address (Teams' `email`); by default their user principal name */
  email?: string;
}

export const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const BOT = { id: '28:00000000-0000-0000-0000-00000000b07', name: 'Support Desk' };

/** Where `FakeTeams` finds a recorded message to update. */
const messageKey = (conversationId: string, id: string) => `${conversationId}|${id}`;

export class FakeTeams {
  readonly messages: SentMessage[] = [];
  readonly requests: RecordedRequest[] = [];
  /** `messages` by conversation and id, for the updates (a load run records thousands) */
  private readonly byId = new Map<string, SentMessage>();
  private readonly faults: Fault[] = [];
  private readonly rosters = new Map<string, TeamsUser[]>();
  /** the person of each 1:1 chat: a member look-up there answers with them (TeamsInfo.getMember) */
  private readonly chats = new Map<string, TeamsUser>();
  private server?: Server;
  /**
   * The client's connections to the bot, kept open. Node's `http` rather than `fetch`: `fetch`
   * cost about 0.5 ms more processor a request here, and `npm run bench` drives the bot on the
   * same two cores it measures.
   */
  private readonly agent = new Agent({ keepAlive: true });
  private seq = 0;
  serviceUrl = '';
  /**
   * The Authorization header Teams sends with each activity (a Bot Framework token); unset, none
   * is sent (the bot in local mode).
   */
  authorize?: (activity: Record<string, any>) => string | undefined;

  constructor(private botUrl = '') {}

  setBotUrl(url: string): void {
    this.botUrl = url;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((ok) => this.server!.listen(0, '127.0.0.1', ok));
    const { port } = this.server.address() as AddressInfo;
    this.serviceUrl = `http://127.0.0.1:${port}/`;
  }

  async stop(): Promise<void> {
    this.agent.destroy();
    await new Promise<void>((ok) => {
      if (!this.server) return ok();
      this.server.close(() => ok());
      this.server.closeAllConnections();
    });
  }

  /** Makes the next matching connector requests fail (429, 500, 403…). */
  inject(fault: Fault): void {
    this.faults.push({ times: 1, ...fault });
  }

  /** Removes every fault not yet used up. */
  clearFaults(): void {
    this.faults.length = 0;
  }

  /** How many matching requests the injected faults still affect. */
  faultsLeft(): number {
    return this.faults.reduce((n, f) => n + Math.max(0, f.times ?? 1), 0);
  }

  /** The members a roster look-up returns for a conversation or a team. */
  setRoster(conversationOrTeamId: string, members: TeamsUser[]): void {
    this.rosters.set(conversationOrTeamId, members);
  }

  messagesIn(conversationId: string): SentMessage[] {
    return this.messages.filter((m) => m.conversationId === conversationId);
  }

  // ---- the connector side ----------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: any = undefined;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    const method = req.method ?? 'GET';
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
    const fault = this.faults.find((f) => (f.times ?? 1) > 0 && f.match(method, path, body));
    if (fault) fault.times = (fault.times ?? 1) - 1;
    const failed = fault && fault.effect === 'stored' ? fault : undefined;
    const answer = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      if (failed) {
        // Teams did the work, but the bot hears an error.
        status = failed.status;
        payload = { error: { code: 'Fault', message: 'injected' } };
        headers = failed.headers ?? {};
      }
      this.requests.push({ method, path, body, status, authorization: req.headers.authorization });
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(payload === undefined ? '' : JSON.stringify(payload));
    };

    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault && (fault.effect ?? 'none') === 'none') {
      answer(fault.status, { error: { code: 'Fault', message: 'injected' } }, fault.headers);
      return;
    }

    let m: RegExpExecArray | null;
    if (method === 'POST' && path === '/v3/conversations') {
      const id = `19:${randomUUID()}@thread.tacv2;messageid=${++this.seq}`;
      const activityId = String(++this.seq);
      const conversationId = body?.channelData?.channel?.id
        ? `${body.channelData.channel.id};messageid=${activityId}`
        : id;
      if (body?.activity) this.record(conversationId, activityId, body.activity);
      answer(201, { id: conversationId, activityId });
      return;
    }
    if ((m = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(path))) {
      const conversationId = m[1];
      if (method === 'POST') {
        const id = String(++this.seq);
        this.record(conversationId, id, body);
        answer(200, { id });
        return;
      }
      if (method === 'PUT' && m[2]) {
        const msg = this.byId.get(messageKey(conversationId, m[2]));
        if (!msg) return answer(404, { error: { code: 'NotFound', message: 'no such activity' } });
        msg.activity = { ...body, id: msg.id };
        msg.history.push(msg.activity);
        answer(200, { id: msg.id });
        return;
      }
      if (method === 'DELETE' && m[2]) return answer(200, {});
    }
    if (
      (m = /^\/v3\/(?:conversations|teams)\/([^/]+)\/(?:pagedmembers|members)(?:\/([^/]+))?$/.exec(
        path,
      ))
    ) {
      const chat = this.chats.get(m[1]);
      const roster = this.rosters.get(m[1]) ?? (chat ? [chat] : []);
      const toAccount = (u: TeamsUser) => ({
        id: u.id,
        name: u.name,
        aadObjectId: u.aadObjectId,
        objectId: u.aadObjectId,
        email: u.email ?? upnOf(u),
        userPrincipalName: upnOf(u),
        tenantId: TENANT_ID,
        userRole: 'user',
      });
      if (m[2]) {
        const u = roster.find((x) => x.id === m![2] || x.aadObjectId === m![2]);
        return u
          ? answer(200, toAccount(u))
          : answer(404, { error: { code: 'MemberNotFoundInConversation' } });
      }
      if (path.endsWith('/pagedmembers')) return answer(200, { members: roster.map(toAccount) });
      return answer(200, roster.map(toAccount));
    }
    answer(404, { error: { code: 'NotFound', message: `fake Teams has no ${method} ${path}` } });
  }

  private record(conversationId: string, id: string, activity: Record<string, any>): void {
    const a = { ...activity, id };
    const msg = { id, conversationId, activity: a, history: [a] };
    this.messages.push(msg);
    this.byId.set(messageKey(conversationId, id), msg);
  }

  /**
   * Forgets the messages and requests recorded so far, but `keep` (which the bot may still
   * update). For load runs (`npm run bench`): the thousands of cards of a long run would
   * otherwise keep this process's heap large, and its garbage collection would add its pauses to
   * the latencies it measures.
   */
  forget(keep: SentMessage[] = []): void {
    this.messages.length = 0;
    this.requests.length = 0;
    this.byId.clear();
    for (const msg of keep) {
      msg.history = [msg.activity];
      this.messages.push(msg);
      this.byId.set(messageKey(msg.conversationId, msg.id), msg);
    }
  }

  // ---- the client side ---------------------------------------------------------------------

  /** A person in a 1:1 chat with the bot. */
  user(
    name: string,
    locale = 'en-US',
    aadObjectId: string = randomUUID(),
    email?: string,
  ): ChatUser {
    const account = { id: `29:${aadObjectId}`, aadObjectId, name, locale, email };
    const chat = new ChatUser(this, account);
    this.chats.set(chat.conversationId, account);
    return chat;
  }

  /**
   * Awaited after each answer: a bot in the test's process says here when its turns are over (a
   * turn may go on after answering, e.g. the self-help offer after an acknowledgement), so that a
   * test reads what the turn sent. A bot in its own process has none: the answer is all there is.
   */
  settle?: () => Promise<void>;

  /**
   * One POST of JSON to the bot over a kept-alive connection. A connection the bot closed as it
   * was being reused (its keep-alive ended, e.g. while `npm run bench` held the bot stopped)
   * fails before the bot read anything: the request goes again on a new one, as browsers do.
   */
  private send(
    url: string,
    json: string,
    headers: Record<string, string>,
    again = true,
  ): Promise<{ status: number; text: string }> {
    return new Promise((ok, fail) => {
      const req = httpRequest(
        url,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(json),
            ...headers,
          },
        },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (c: Buffer) => chunks.push(c));
          answer.on('end', () =>
            ok({ status: answer.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
          answer.on('error', fail);
        },
      );
      req.on('error', (e: NodeJS.ErrnoException) => {
        if (again && req.reusedSocket && e.code === 'ECONNRESET') {
          this.send(url, json, headers, false).then(ok, fail);
        } else fail(e);
      });
      req.end(json);
    });
  }

  /** POSTs an activity to the bot as Teams would; returns the HTTP answer. */
  async post(activity: Record<string, any>): Promise<{ status: number; body: any }> {
    const authorization = this.authorize?.(activity);
    const res = await this.send(`${this.botUrl}/api/messages`, JSON.stringify(activity), {
      ...(authorization ? { authorization } : {}),
    });
    const text = res.text;
    let body: any = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    await this.settle?.();
    return { status: res.status, body };
  }

  nextActivityId(): string {
    return `1${String(Date.now()).slice(-9)}${String(++this.seq).padStart(4, '0')}`;
  }
}

/** A person's user principal name as Teams gives it (`ana.lopez@contoso.com`-like). */
export function upnOf(u: TeamsUser): string {
  return `${u.name.toLowerCase().replace(/\s+/g, '.')}@contoso.com`;
}

export class ChatUser {
  readonly conversationId: string;

  constructor(
    readonly teams: FakeTeams,
    readonly account: TeamsUser,
  ) {
    this.conversationId = `a:1${account.aadObjectId.replace(/-/g, '')}`;
  }

  private base(): Record<string, any> {
    const now = new Date();
    return {
      serviceUrl: this.teams.serviceUrl,
      channelId: 'msteams',
      timestamp: now.toISOString(),
      localTimestamp: now.toISOString(),
      from: { id: this.account.id, name: this.account.name, aadObjectId: this.account.aadObjectId },
      conversation: { conversationType: 'personal', tenantId: TENANT_ID, id: this.conversationId },
      recipient: { ...BOT },
      locale: this.account.locale,
      entities: [
        {
          type: 'clientInfo',
          locale: this.account.locale,
          country: 'MX',
          platform: 'Web',
          timezone: 'America/Mexico_City',
        },
      ],
      channelData: { tenant: { id: TENANT_ID } },
    };
  }

  /** The activity Teams sends when this person writes `text` in the chat. */
  messageActivity(text: string, id = this.teams.nextActivityId()): Record<string, any> {
    return { ...this.base(), type: 'message', id, textFormat: 'plain', text };
  }

  async say(text: string): Promise<{ status: number; body: any }> {
    return this.teams.post(this.messageActivity(text));
  }

  /** What the bot sent into this chat that a person sees (typing indicators left out), oldest first. */
  received(): SentMessage[] {
    return this.teams.messagesIn(this.conversationId).filter((m) => m.activity.type !== 'typing');
  }

  last(): SentMessage {
    const all = this.received();
    if (all.length === 0) throw new Error(`${this.account.name} received nothing`);
    return all[all.length - 1];
  }

  /** The Adaptive Card of the latest message that has one. */
  lastCard(): { message: SentMessage; card: Record<string, any> } {
    const all = this.received();
    for (let i = all.length - 1; i >= 0; i--) {
      const card = cardOf(all[i].activity);
      if (card) return { message: all[i], card };
    }
    throw new Error(`${this.account.name} received no card`);
  }

  /**
   * Clicks the button titled `title` on a card (the latest card by default), with the inputs
   * the person typed; the answer card replaces the card in the chat, as Teams shows it.
   */
  async click(
    title: string,
    inputs: Record<string, unknown> = {},
    on?: SentMessage,
  ): Promise<{ status: number; body: any; card?: Record<string, any>; text?: string }> {
    const target = on ?? this.lastCard().message;
    const card = cardOf(target.activity);
    if (!card) throw new Error('that message has no card');
    const action = findAction(card, title);
    if (!action) {
      throw new Error(`no button "${title}" on the card; it has: ${buttonTitles(card).join(', ')}`);
    }
    return this.invokeAction(target, action, inputs);
  }

  /** Sends an `adaptiveCard/action` invoke with any data (tests of tampered cards use this). */
  async invokeAction(
    target: SentMessage,
    action: { verb?: string; data?: unknown; id?: string },
    inputs: Record<string, unknown> = {},
  ): Promise<InvokeResult> {
    const res = await sendCardAction(this.teams, this.base(), target, action, inputs);
    if (res.card) {
      // In a 1:1 chat the answer replaces the card the person clicked.
      const replaced = {
        ...target.activity,
        attachments: [
          { contentType: 'application/vnd.microsoft.card.adaptive', content: res.card },
        ],
      };
      target.activity = replaced;
      target.history.push(replaced);
    }
    return res;
  }
}

export type InvokeResult = { status: number; body: any; card?: Record<string, any>; text?: string };

/** Sends the `adaptiveCard/action` invoke Teams sends when a person clicks an Action.Execute. */
async function sendCardAction(
  teams: FakeTeams,
  base: Record<string, any>,
  target: SentMessage,
  action: { verb?: string; data?: unknown; id?: string },
  inputs: Record<string, unknown>,
): Promise<InvokeResult> {
  const data =
    typeof action.data === 'object' && action.data !== null
      ? { ...(action.data as object), ...inputs }
      : action.data;
  const res = await teams.post({
    ...base,
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: teams.nextActivityId(),
    replyToId: target.id,
    value: {
      action: { type: 'Action.Execute', id: action.id ?? randomUUID(), verb: action.verb, data },
      trigger: 'manual',
    },
  });
  const value = res.body?.value;
  if (res.body?.type === 'application/vnd.microsoft.card.adaptive' && value) {
    return { ...res, card: value };
  }
  return { ...res, text: typeof value === 'string' ? value : undefined };
}

export function cardOf(activity: Record<string, any>): Record<string, any> | undefined {
  const att = (activity.attachments ?? []).find(
    (a: any) => a.contentType === 'application/vnd.microsoft.card.adaptive',
  );
  return att?.content;
}

type AnyAction = { type: string; title?: string; verb?: string; data?: unknown; id?: string };

function walk(node: unknown, visit: (n: Record<string, any>) => void): void {
  if (Array.isArray(node)) node.forEach((n) => walk(n, visit));
  else if (node && typeof node === 'object') {
    visit(node as Record<string, any>);
    Object.values(node).forEach((v) => walk(v, visit));
  }
}

/** Every Action.Execute on the card, with the title a person sees. */
export function actionsOf(card: Record<string, any>): AnyAction[] {
  const out: AnyAction[] = [];
  walk(card, (n) => {
    if (n.type === 'Action.Execute' || n.type === 'Action.Submit') out.push(n as AnyAction);
  });
  return out;
}

/** The titles of every button a person sees, Show-card buttons included. */
export function buttonTitles(card: Record<string, any>): string[] {
  const out: string[] = [];
  walk(card, (n) => {
    if (typeof n.type === 'string' && n.type.startsWith('Action.') && typeof n.title === 'string') {
      out.push(n.title);
    }
  });
  return out;
}

function findAction(card: Record<string, any>, title: string): AnyAction | undefined {
  return actionsOf(card).find((a) => a.title === title);
}

/** All the text a person reads on a card (text blocks, text runs, facts, inputs' labels, buttons). */
export function cardText(card: Record<string, any>): string {
  const parts: string[] = [];
  walk(card, (n) => {
    if (n.type === 'TextBlock' || n.type === 'TextRun') parts.push(String(n.text ?? ''));
    if (n.type === 'Fact') parts.push(`${n.title}: ${n.value}`);
    if (typeof n.title === 'string' && typeof n.value === 'string' && !n.type) {
      parts.push(`${n.title}: ${n.value}`);
    }
    if (typeof n.label === 'string') parts.push(n.label);
    if (n.type === 'Input.Toggle' && typeof n.title === 'string') parts.push(n.title);
    if ((n.type === 'Action.Execute' || n.type === 'Action.Submit') && n.title) parts.push(n.title);
  });
  return parts.join('\n');
}

/** A team channel with the bot installed. */
export interface TeamChannel {
  teamId: string;
  channelId: string;
  name: string;
}

/**
 * A new triage channel whose team is `team`, set up by `admin` (`setup triage`, as the spec's
 * section 9 says); the bot at the fake Teams' URL must list `admin` in SUPPORT_ADMINS.
 */
export async function setUpTriage(
  teams: FakeTeams,
  admin: TeamsUser,
  team: TeamsUser[],
): Promise<TeamChannel> {
  const triage = makeChannel('Triage');
  teams.setRoster(triage.teamId, team);
  const res = await new ChannelMember(teams, admin, triage).say('setup triage');
  if (res.status !== 200) throw new Error(`setup triage: HTTP ${res.status}`);
  return triage;
}

/** A supervisors channel set up by `admin` (recurring problems and low ratings go there). */
export async function setUpSupervisors(teams: FakeTeams, admin: TeamsUser): Promise<TeamChannel> {
  const supervisors = makeChannel('Supervisors');
  teams.setRoster(supervisors.teamId, [admin]);
  const res = await new ChannelMember(teams, admin, supervisors).say('setup supervisors');
  if (res.status !== 200) throw new Error(`setup supervisors: HTTP ${res.status}`);
  return supervisors;
}

export function makeChannel(name: string): TeamChannel {
  const id = randomUUID().replace(/-/g, '');
  return {
    teamId: `19:team${id}@thread.tacv2`,
    channelId: `19:${id}@thread.tacv2`,
    name,
  };
}

/** A person in a team channel: @mentions the bot, sees the channel's threads, clicks cards. */
export class ChannelMember {
  /** the id of the member's latest post (`say`) */
  private lastSaid?: string;

  constructor(
    readonly teams: FakeTeams,
    readonly account: TeamsUser,
    readonly channel: TeamChannel,
  ) {}

  private base(conversationId: string): Record<string, any> {
    const now = new Date();
    return {
      serviceUrl: this.teams.serviceUrl,
      channelId: 'msteams',
      timestamp: now.toISOString(),
      from: { id: this.account.id, name: this.account.name, aadObjectId: this.account.aadObjectId },
      conversation: {
        conversationType: 'channel',
        isGroup: true,
        tenantId: TENANT_ID,
        id: conversationId,
      },
      recipient: { ...BOT },
      locale: this.account.locale,
      channelData: {
        tenant: { id: TENANT_ID },
        team: { id: this.channel.teamId, name: 'IT Support' },
        channel: { id: this.channel.channelId, name: this.channel.name },
      },
    };
  }

  /** Writes `@Support Desk <text>` as a new post; `others` are extra people @mentioned. */
  async say(text: string, others: TeamsUser[] = []): Promise<{ status: number; body: any }> {
    const id = this.teams.nextActivityId();
    const mentionBot = { type: 'mention', text: `<at>${BOT.name}</at>`, mentioned: { ...BOT } };
    const mentionOthers = others.map((u) => ({
      type: 'mention',
      text: `<at>${u.name}</at>`,
      mentioned: { id: u.id, name: u.name },
    }));
    const full = [mentionBot.text, text, ...mentionOthers.map((m) => m.text)].join(' ');
    this.lastSaid = id;
    return this.teams.post({
      ...this.base(`${this.channel.channelId};messageid=${id}`),
      type: 'message',
      id,
      text: full,
      textFormat: 'plain',
      entities: [mentionBot, ...mentionOthers],
    });
  }

  /**
   * Says `text` and returns what the bot answered in that post's own thread: none of what the
   * bot posted elsewhere in the channel meanwhile (SLA notices, the weekly review).
   */
  async ask(text: string): Promise<SentMessage[]> {
    const before = new Set(this.teams.messages);
    const res = await this.say(text);
    if (res.status !== 200) throw new Error(`"${text}" answered ${res.status}`);
    const thread = `${this.channel.channelId};messageid=${this.lastSaid}`;
    return this.teams.messages.filter(
      (m) => !before.has(m) && m.activity.type !== 'typing' && m.conversationId === thread,
    );
  }

  /** Every message the bot sent in this channel (thread roots and replies). */
  received(): SentMessage[] {
    return this.teams.messages.filter(
      (m) => m.conversationId.startsWith(this.channel.channelId) && m.activity.type !== 'typing',
    );
  }

  /** The thread root whose card shows `trackingId`. */
  cardOf(trackingId: string): SentMessage {
    const found = this.received().find((m) => {
      const card = cardOf(m.activity);
      return card && JSON.stringify(card).includes(trackingId);
    });
    if (!found) throw new Error(`no card for ${trackingId} in ${this.channel.name}`);
    return found;
  }

  /** Clicks a button on a channel card (including buttons inside a Show-card), with inputs. */
  async click(
    message: SentMessage,
    title: string,
    inputs: Record<string, unknown> = {},
  ): Promise<{ status: number; body: any; card?: Record<string, any>; text?: string }> {
    const card = cardOf(message.activity);
    if (!card) throw new Error('that message has no card');
    const action = actionsOf(card).find((a) => a.title === title);
    if (!action) {
      throw new Error(`no button "${title}" on the card; it has: ${buttonTitles(card).join(', ')}`);
    }
    return this.invoke(message, action, inputs);
  }

  async invoke(
    message: SentMessage,
    action: { verb?: string; data?: unknown },
    inputs: Record<string, unknown> = {},
  ): Promise<InvokeResult> {
    return sendCardAction(this.teams, this.base(message.conversationId), message, action, inputs);
  }

  /**
   * Fills in and sends one of a card's forms, found by what its button does (several forms of a
   * card share the title "Submit", as Teams shows them inside their own Show-cards).
   */
  async submit(
    message: SentMessage,
    verb: string,
    inputs: Record<string, unknown> = {},
  ): Promise<InvokeResult> {
    const card = cardOf(message.activity);
    const action = card ? actionsOf(card).find((a) => a.verb === verb) : undefined;
    if (!action) throw new Error(`no ${verb} form on the card`);
    return this.invoke(message, action, inputs);
  }
}

export function accountFor(name: string, locale = 'en-US'): TeamsUser {
  const aadObjectId = randomUUID();
  return { id: `29:${aadObjectId}`, aadObjectId, name, locale };
}

/** Where a message-extension invoke comes from: a team channel's thread, or a 1:1 chat. */
export type InvokePlace = { channel: TeamChannel; threadId?: string } | { personal: true };

/**
 * A message-extension invoke (`composeExtension/fetchTask`, `submitAction`, `query`,
 * `queryLink`) from `account`, shaped as Microsoft documents it; `id` repeats a delivery.
 */
export function composeExtensionActivity(
  teams: FakeTeams,
  account: TeamsUser,
  place: InvokePlace,
  name: string,
  value: unknown,
  id = `f:${randomUUID()}`,
): Record<string, any> {
  const inChannel = 'channel' in place;
  return {
    type: 'invoke',
    name,
    id,
    serviceUrl: teams.serviceUrl,
    channelId: 'msteams',
    timestamp: new Date().toISOString(),
    locale: account.locale,
    from: { id: account.id, name: account.name, aadObjectId: account.aadObjectId },
    recipient: { ...BOT },
    conversation: inChannel
      ? {
          isGroup: true,
          conversationType: 'channel',
          tenantId: TENANT_ID,
          id: place.threadId
            ? `${place.channel.channelId};messageid=${place.threadId}`
            : place.channel.channelId,
        }
      : {
          conversationType: 'personal',
          tenantId: TENANT_ID,
          id: `a:1${account.aadObjectId.replace(/-/g, '')}`,
        },
    channelData: {
      tenant: { id: TENANT_ID },
      source: { name: 'compose' },
      ...(inChannel
        ? {
            team: { id: place.channel.teamId },
            channel: { id: place.channel.channelId },
          }
        : {}),
    },
    value,
  };
}

/** Sends a message-extension invoke; returns the HTTP answer (its body is the invoke response). */
export async function composeExtensionInvoke(
  teams: FakeTeams,
  account: TeamsUser,
  place: InvokePlace,
  name: string,
  value: unknown,
  id?: string,
): Promise<{ status: number; body: any }> {
  return teams.post(composeExtensionActivity(teams, account, place, name, value, id));
}
