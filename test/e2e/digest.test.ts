import { Harness, setClock, startHarness, waitFor } from '../support/bot-harness';
import {
  ChannelMember,
  TeamChannel,
  accountFor,
  cardOf,
  cardText,
  makeChannel,
} from '../support/fake-teams';
import { cardWith, moveTo, openTicket } from '../support/ticket-flow';

/**
 * The weekly digest end to end (issue #7 item 5): on Monday at 09:00 business time (Mexico City,
 * UTC−6) last week's figures, recurring problems, the playbooks that solved most tickets and the
 * lowest-rated tickets reach the supervisors channel — once, with two bot instances sweeping at
 * the same moment against one storage account.
 */
const admin = accountFor('Alicia Admin', 'en-US');
const luis = accountFor('Luis Agent', 'en-US');

let h: Harness;
let h2: Harness;
let triage: TeamChannel;
let supervisors: TeamChannel;
let luisIn: ChannelMember;
let bossIn: ChannelMember;

const digests = () =>
  bossIn.received().filter((m) => cardText(cardOf(m.activity) ?? {}).includes('Weekly review'));

async function bothAt(iso: string) {
  await setClock(h.url, { now: iso });
  await setClock(h2.url, { now: iso });
}

beforeAll(async () => {
  const env = {
    SUPPORT_ADMINS: admin.aadObjectId,
    OUTBOX_SWEEP_MS: '100',
    SLA_SWEEP_MS: '3600000',
  };
  h = await startHarness(env);
  h2 = await startHarness({ ...env, TABLES_PREFIX: h.prefix });
  await bothAt('2026-11-16T16:00:00Z'); // Mon 16 Nov, 10:00 local: after this week's 09:00
  triage = makeChannel('Triage');
  supervisors = makeChannel('Supervisores');
  h.teams.setRoster(triage.teamId, [admin, luis]);
  await new ChannelMember(h.teams, admin, triage).say('setup triage');
  await new ChannelMember(h.teams, admin, supervisors).say('setup supervisors');
  luisIn = new ChannelMember(h.teams, luis, triage);
  bossIn = new ChannelMember(h.teams, admin, supervisors);

  // During the week: the VPN steps solve two tickets by themselves; one more stays open.
  for (const text of [
    'The VPN does not connect from home, error 809',
    'VPN keeps failing to connect since this morning',
  ]) {
    const t = await openTicket(h, luisIn, text);
    const offer = await waitFor(h, () => cardWith(t.requester, `${t.id}, try this`), 'self-help');
    await t.requester.click('It works now', { step1: 'true' }, offer);
  }
  await moveTo(h, '2026-11-18T17:00:00Z');
  await openTicket(h, luisIn, 'My second monitor flickers all the time', { assign: true });
  // the report totals are counted by outbox jobs: all of them done before Monday
  await h.bot.dispatcher.sweep();
  await h.bot.dispatcher.idle();
}, 120_000);
afterAll(async () => {
  await h2?.close();
  await h?.close();
});

describe('weekly digest', () => {
  it('is not sent for the week before the setup, nor before Monday 09:00', async () => {
    await bothAt('2026-11-16T23:00:00Z');
    expect(await h.bot.digest.sweep()).toBe(0);
    await bothAt('2026-11-23T14:59:00Z'); // Mon 23 Nov, 08:59 local
    expect(await h.bot.digest.sweep()).toBe(0);
    expect(await h2.bot.digest.sweep()).toBe(0);
    expect(digests()).toHaveLength(0);
  });

  it('goes out once at 09:00 with two instances sweeping together', async () => {
    // moving each clock starts a sweep on its instance; two more run on each at the same time
    await bothAt('2026-11-23T15:00:30Z');
    await Promise.all([
      h.bot.digest.sweep(),
      h2.bot.digest.sweep(),
      h.bot.digest.sweep(),
      h2.bot.digest.sweep(),
    ]);
    await waitFor(h, () => (digests().length > 0 ? true : undefined), 'the digest');
    await new Promise((r) => setTimeout(r, 300));
    expect(digests()).toHaveLength(1);
    // later sweeps of either instance send nothing more that week
    await bothAt('2026-11-25T18:00:00Z');
    expect((await h.bot.digest.sweep()) + (await h2.bot.digest.sweep())).toBe(0);
    expect(digests()).toHaveLength(1);
  });

  it('holds last week’s figures and the playbooks that solved most tickets', async () => {
    const text = cardText(cardOf(digests()[0].activity)!);
    expect(text).toContain('Weekly review: last week in support');
    expect(text).toContain('From Mon 16 Nov to Sun 22 Nov');
    expect(text).toContain('Tickets: 3 opened · 2 closed · 1 open now');
    expect(text).toContain('Solved by self-service: 100%');
    expect(text).toMatch(/Playbooks that solved most tickets\n2 × \nVPN/);
    expect(text).toContain('Lowest-rated tickets to review');
    expect(Buffer.byteLength(JSON.stringify(cardOf(digests()[0].activity)))).toBeLessThan(
      28 * 1024,
    );
  });

  it('comes again the next Monday', async () => {
    await bothAt('2026-11-30T15:05:00Z');
    await Promise.all([h2.bot.digest.sweep(), h.bot.digest.sweep()]);
    await waitFor(h, () => (digests().length > 1 ? true : undefined), 'the second digest');
    expect(digests()).toHaveLength(2);
    expect(cardText(cardOf(digests()[1].activity)!)).toContain('From Mon 23 Nov to Sun 29 Nov');
  });
});
