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

const admin = accountFor('Ada Admin', 'en-US');
const busy = accountFor('Bruno Busy', 'en-US');
const free = accountFor('Fabi Free', 'en-US');

describe('optional auto-assignment', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      SUPPORT_ADMINS: admin.aadObjectId,
      AUTO_ASSIGN: '1',
      OUTBOX_SWEEP_MS: '100',
    });
    await setClock(h.url, { now: '2026-11-25T16:00:00Z' });
  });
  afterAll(async () => h.close());

  it('gives a new ticket to the least-loaded agent of tier 1', async () => {
    const channel = makeChannel('Triage');
    // the admin is not in the support team's roster: only Bruno and Fabi are agents
    h.teams.setRoster(channel.teamId, [busy, free]);
    const ada = new ChannelMember(h.teams, admin, channel);
    await ada.say('setup triage');

    const repo = new TicketRepository(h.bot.tables);
    const ownerOf = async (n: number) => (await repo.get(TENANT_ID, n))?.ticket.owner?.name;
    const first = h.teams.user('Req One', 'en-US');
    await first.say('Laptop fan is very loud');
    await h.bot.dispatcher.idle();
    // nobody has tickets yet: the tie goes alphabetically, to Bruno
    expect(await ownerOf(1)).toBe('Bruno Busy');
    const second = h.teams.user('Req Two', 'en-US');
    await second.say('Mouse does not work');
    await h.bot.dispatcher.idle();
    expect(await ownerOf(2)).toBe('Fabi Free'); // Bruno has one open ticket, Fabi none
    const events = (await repo.getFull(TENANT_ID, 2))!.events;
    expect(events.at(-1)).toMatchObject({ type: 'assigned', actor: { id: 'system' } });
    expect((await repo.get(TENANT_ID, 2))!.ticket.firstResponseAt).toBeUndefined();
    await waitFor(
      h,
      () =>
        cardText(
          cardOf(
            ada.received().find((m) => JSON.stringify(m.activity).includes('SUP-000002'))!.activity,
          )!,
        ).includes('Owner: Fabi Free') || undefined,
      'the channel card to show the owner',
    );
  });
});
describe('a channel that is gone', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ SUPPORT_ADMINS: admin.aadObjectId, OUTBOX_SWEEP_MS: '100' });
  });
  afterAll(async () => h.close());

  it('keeps the message, stops retrying, and tells the admins once', async () => {
    const channel = makeChannel('Deleted later');
    h.teams.setRoster(channel.teamId, [busy]);
    const adaChat = h.teams.user('Ada Admin', 'en-US', admin.aadObjectId);
    await adaChat.say('hello'); // the bot now knows how to reach Ada in 1:1
    await new ChannelMember(h.teams, admin, channel).say('setup triage');
    h.teams.inject({
      match: (method, path) => method === 'POST' && path === '/v3/conversations',
      status: 404,
      times: 100,
    });
    const req = h.teams.user('Req Gone', 'en-US');
    await req.say('Scanner does not scan to e-mail');
    const notice = await waitFor(
      h,
      () => adaChat.received().find((m) => /could not deliver/.test(m.activity.text ?? '')),
      'the admin notice',
    );
    expect(notice.activity.text).toBe(
      'I could not deliver a message about SUP-000001 to Teams (HTTP 404): the bot may have been removed or the channel deleted. The message is kept; check the setup.',
    );
    const posts = () =>
      h.teams.requests.filter((r) => r.method === 'POST' && r.path === '/v3/conversations').length;
    const before = posts();
    await new Promise((r) => setTimeout(r, 500));
    await h.bot.dispatcher.idle();
    expect(posts()).toBe(before); // no more retries
    const { OutboxRepository } = await import('../../src/storage/outbox.repository');
    const job = await new OutboxRepository(h.bot.tables).job(TENANT_ID, 1, 'triage.post');
    expect(job).toMatchObject({ state: 'dead', lastError: 'HTTP 404' });
    expect(
      adaChat.received().filter((m) => /could not deliver/.test(m.activity.text ?? '')),
    ).toHaveLength(1);
  });
});
