import { TicketRepository } from '../../src/storage/ticket.repository';
import { Harness, setClock, startHarness, waitFor } from './bot-harness';
import {
  ChannelMember,
  ChatUser,
  SentMessage,
  TENANT_ID,
  TeamChannel,
  TeamsUser,
  cardText,
  setUpTriage,
} from './fake-teams';

/** Steps shared by the end-to-end tests that follow a ticket through its life. */

/**
 * A support desk as most end-to-end tests start it: the server (outbox swept every 100 ms), its
 * clock at `now`, and a triage channel whose team is `team`, set up by `admin` (listed in
 * SUPPORT_ADMINS).
 */
export async function supportDesk(opts: {
  admin: TeamsUser;
  team: TeamsUser[];
  now?: string;
  env?: Record<string, string>;
}): Promise<{ h: Harness; triage: TeamChannel; member: (who: TeamsUser) => ChannelMember }> {
  const h = await startHarness({
    SUPPORT_ADMINS: opts.admin.aadObjectId,
    OUTBOX_SWEEP_MS: '100',
    ...opts.env,
  });
  if (opts.now) await setClock(h.url, { now: opts.now });
  const triage = await setUpTriage(h.teams, opts.admin, opts.team);
  return { h, triage, member: (who) => new ChannelMember(h.teams, who, triage) };
}

export const idIn = (text: string) => /SUP-\d{6}/.exec(text)?.[0] ?? '';

/** The plain text of messages (cards give ''). */
export const textsOf = (messages: SentMessage[]) =>
  messages.map((m) => (typeof m.activity.text === 'string' ? m.activity.text : ''));

/** Everything the bot wrote in a ticket's thread, after its card. */
export function threadTexts(h: Harness, agent: ChannelMember, id: string): string[] {
  return textsOf(h.teams.messagesIn(agent.cardOf(id).conversationId)).filter((x) => x !== '');
}

/** The stored ticket with its events. */
export async function stored(h: Harness, id: string) {
  return (await new TicketRepository(h.bot.tables).getFull(TENANT_ID, Number(id.slice(4))))!;
}

/** Moves the test clock and waits until the timers due then were handled and sent. */
export async function moveTo(h: Harness, iso: string): Promise<void> {
  await setClock(h.url, { now: iso });
  await h.bot.sla.sweep();
  await h.bot.dispatcher.idle();
}

/**
 * A new requester writes `text`; returns their acknowledgement, the ticket's number and its
 * triage thread (once posted), taken by `agent` when `assign` is set.
 */
export async function openTicket(
  h: Harness,
  agent: ChannelMember,
  text: string,
  opts: { assign?: boolean; locale?: string } = {},
): Promise<{ requester: ChatUser; id: string; thread: SentMessage; ack: SentMessage }> {
  const requester = h.teams.user(
    `Req ${Math.random().toString(36).slice(2, 6)}`,
    opts.locale ?? 'en-US',
  );
  await requester.say(text);
  const ack = requester
    .received()
    .find((m) => /Ticket SUP-\d{6} regist/.test(JSON.stringify(m.activity)))!;
  const id = idIn(JSON.stringify(ack.activity));
  const thread = await waitFor(
    h,
    () => {
      try {
        return agent.cardOf(id);
      } catch {
        return undefined;
      }
    },
    `the triage card of ${id}`,
  );
  if (opts.assign) await agent.click(thread, 'Assign to me');
  await h.bot.dispatcher.idle();
  return { requester, id, thread, ack };
}

/** The requester's latest card whose text includes `heading`. */
export function cardWith(u: ChatUser, heading: string): SentMessage | undefined {
  return [...u.received()].reverse().find((m) => {
    const card = m.activity.attachments?.[0]?.content;
    return card && cardText(card).includes(heading);
  });
}
