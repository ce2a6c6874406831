import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { freshPrefix } from '../support/bot-harness';
import { AzuriteProcess, startAzurite } from '../support/azurite-process';
import { BotProcess, spawnDesk } from '../support/bot-process';
import {
  ChatUser,
  FakeTeams,
  Fault,
  SentMessage,
  TENANT_ID,
  accountFor,
  cardOf,
  cardText,
  connectorTo,
} from '../support/fake-teams';
import { t } from '../../src/domain/i18n';
import { CLAIM_TTL_MS } from '../../src/services/intake.service';
import { TicketRepository } from '../../src/storage/ticket.repository';
import { createTables } from '../../src/storage/tables';

/**
 * Storage faults (issue #9 item 2; RELIABILITY.md case 9), against an Azurite of this file's own
 * (a child process with its data on disk, restarted on the same port) and the bot as its own
 * process (`node dist/src/index.js`):
 * 1. Azurite paused (SIGSTOP): every turn answers quickly with a clear message in the person's
 *    language that no ticket was created (no card, no tracking number) and /healthz says 503;
 *    after SIGCONT the same activity delivered again creates exactly one ticket, also for a
 *    request whose ticket was written just before the pause but whose answer was lost.
 * 2. Paused right after an acknowledgement went out: the person is never told the opposite.
 * 3. Azurite stopped and restarted mid-run while 20 requesters write: every acknowledged ticket
 *    exists, numbers are unique, and re-delivering the unanswered activities creates exactly one
 *    ticket each.
 * 4. Killed with SIGKILL (after its autosave) and restarted: nothing lost; the bot recovers by
 *    itself (/healthz 200 again, new requests work, the next number follows) without a restart.
 *
 * The emulator's durability is not Azure's. Azurite's table service keeps rows in memory and
 * saves them to disk every 5 s (LokiJS autosave, see `test/support/azurite-process.ts`); SIGKILL
 * or SIGTERM loses every write it acknowledged since the last save (checked: a row written 6 s
 * after the previous save, then SIGTERM or SIGKILL: gone after the restart; SIGINT: kept). Real
 * Azure Storage acknowledges only durable writes. So the outage of experiment 3 is Azurite's
 * SIGINT (it closes its connections, saves what it acknowledged, exits, and refuses connections
 * until the restart): what it proves is OUR guarantee, that nothing the bot confirmed to a person
 * is missing from what the storage acknowledged, and no retry duplicates it; experiment 4 waits
 * for the autosave before its SIGKILL for the same reason.
 */
jest.setTimeout(120_000);

/** Teams shows an error and re-delivers an invoke after 5 s (a message after ~15 s). */
const TEAMS_LIMIT_MS = 5000;
const admin = accountFor('Alicia Admin', 'es-MX');
const TRACKING = /SUP-\d{6}/;

let dir: string;
let az: AzuriteProcess;
let teams: FakeTeams;
let bot: BotProcess;
let prefix: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'azurite-faults-'));
  az = await startAzurite({ location: dir });
  prefix = freshPrefix();
  teams = new FakeTeams();
  await teams.start();
  ({ bot } = await spawnDesk(
    teams,
    {
      TABLES_CONNECTION_STRING: az.connectionString,
      TABLES_PREFIX: prefix,
      SUPPORT_ADMINS: admin.aadObjectId,
      ...(process.env.STORAGE_LOG_LEVEL ? { LOG_LEVEL: process.env.STORAGE_LOG_LEVEL } : {}),
    },
    { admin, now: '2026-11-25T16:00:00Z' }, // Wed 10:00 in Mexico City
  ));
});

afterAll(async () => {
  if (process.env.STORAGE_LOG_LEVEL) console.log(bot?.output());
  az?.resume();
  await bot?.stop();
  await teams?.stop();
  await az?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A fresh client on the test's Azurite (as a new process would open it). */
function repo(): TicketRepository {
  const tables = createTables(
    { kind: 'connectionString', connectionString: az.connectionString },
    { prefix },
  );
  return new TicketRepository(tables);
}

/** Every stored ticket of the tenant: number → requester id. */
async function storedTickets(): Promise<Map<number, string>> {
  const r = repo();
  const open = await r.openTickets(TENANT_ID);
  const out = new Map<number, string>();
  for (const o of open) {
    const s = await r.get(TENANT_ID, o.number);
    if (s) out.set(o.number, s.ticket.requester.id);
  }
  return out;
}

const ticketsOf = async (u: ChatUser) =>
  [...(await storedTickets()).entries()]
    .filter(([, who]) => who === u.account.aadObjectId)
    .map(([n]) => n);

/** Acknowledgements: the card "Ticket SUP-… registered" (the self-help card names it too). */
const ACK_TITLE = /^Ticket (SUP-\d{6}) (registered|registrado)$/;
const ackTitle = (m: SentMessage) => {
  const card = cardOf(m.activity);
  return card
    ? cardText(card)
        .split('\n')
        .find((line) => ACK_TITLE.test(line))
    : undefined;
};
const acksOf = (u: ChatUser) => u.received().filter((m) => ackTitle(m) !== undefined);
const ackNumber = (u: ChatUser) => Number(ACK_TITLE.exec(ackTitle(acksOf(u)[0])!)![1].slice(4));
const noTicketText = (u: ChatUser) =>
  t(u.account.locale.startsWith('es') ? 'es' : 'en', 'error.storage');

async function healthz(): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(`${bot.url}/healthz`);
  await res.text();
  return { status: res.status, ms: performance.now() - t0 };
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, ms = 30_000) {
  const end = Date.now() + ms;
  for (;;) {
    const got = await probe().catch(() => undefined);
    if (got !== undefined) return got;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Delivers an activity and times the turn. */
async function deliver(activity: Record<string, any>) {
  const t0 = performance.now();
  const res = await teams.post(activity);
  return { status: res.status, ms: performance.now() - t0 };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('storage faults (#9 item 2, case 9)', () => {
  it('paused (SIGSTOP): fast "no ticket was created", 503; after SIGCONT a re-delivery creates exactly one ticket', async () => {
    // A request whose ticket is written, then whose answer is lost: her acknowledgement hangs
    // in Teams for 2 s and fails (botbuilder's own retries of the 502 fail too); the storage is
    // paused meanwhile, so nothing more is recorded.
    const lost = teams.user('Laura Perdida', 'es-MX');
    const toLaura = connectorTo(lost.conversationId, ['POST']);
    const lauraCard: Fault['match'] = (method, path, body) =>
      toLaura(method, path, body) && !!cardOf(body ?? {}); // not the typing indicator
    teams.inject({ match: lauraCard, status: 502, delayMs: 2000 });
    teams.inject({ match: lauraCard, status: 502, times: 10 });
    const lostActivity = lost.messageActivity('La impresora del tercer piso no imprime');
    const lostTurn = deliver(lostActivity);
    await until(
      async () => ((await ticketsOf(lost)).length > 0 ? true : undefined),
      'Laura’s ticket',
    );
    const landedAt = Date.now();
    az.pause();

    // While paused: new requesters, Spanish and English.
    const eva = teams.user('Eva Pausa', 'es-MX');
    const tom = teams.user('Tom Paused', 'en-US');
    const evaActivity = eva.messageActivity('No funciona el internet en la sala de juntas');
    const tomActivity = tom.messageActivity('My laptop does not start after the update');
    const [health, evaTurn, tomTurn] = await Promise.all([
      healthz(),
      deliver(evaActivity),
      deliver(tomActivity),
    ]);
    const lostResult = await lostTurn;
    teams.clearFaults();
    console.log(
      `storage paused: turns ${evaTurn.ms.toFixed(0)} / ${tomTurn.ms.toFixed(0)} ms, ` +
        `healthz 503 in ${health.ms.toFixed(0)} ms; lost-answer turn ${lostResult.ms.toFixed(0)} ms ` +
        `(status ${lostResult.status}, ${teams.requests.filter((r) => r.status === 502).length} ` +
        `tries of her acknowledgement)`,
    );
    expect(lostResult.ms).toBeLessThan(15_000); // a message is re-delivered past ~15 s
    expect(health.status).toBe(503);
    for (const [who, turn] of [
      [eva, evaTurn],
      [tom, tomTurn],
    ] as const) {
      expect(turn.status).toBe(200);
      expect(turn.ms).toBeLessThan(TEAMS_LIMIT_MS);
      // exactly one message: the clear one, in their language, with no card and no number
      expect(who.received().map((m) => m.activity.text)).toEqual([noTicketText(who)]);
      expect(who.received().filter((m) => cardOf(m.activity))).toEqual([]);
      expect(JSON.stringify(who.received())).not.toMatch(TRACKING);
    }
    // the lost answer: nothing confirmed to Laura (her acknowledgement failed in Teams)
    expect(acksOf(lost)).toEqual([]);
    expect(lost.received().some((m) => TRACKING.test(String(m.activity.text)))).toBe(false);

    // SIGCONT: the bot recovers by itself.
    az.resume();
    const resumedAt = performance.now();
    await until(async () => ((await healthz()).status === 200 ? true : undefined), 'healthz 200');
    const recoveredMs = performance.now() - resumedAt;

    // Teams delivers the same activities again: one ticket and one acknowledgement each.
    expect((await deliver(evaActivity)).status).toBe(200);
    expect((await deliver(tomActivity)).status).toBe(200);
    // Laura's reply claim protects a turn still working for CLAIM_TTL_MS; Teams re-delivers at ~15 s.
    await sleep(Math.max(0, landedAt + CLAIM_TTL_MS + 500 - Date.now()));
    expect((await deliver(lostActivity)).status).toBe(200);
    // …and once more, as Teams may: nothing new.
    expect((await deliver(evaActivity)).status).toBe(200);
    expect((await deliver(lostActivity)).status).toBe(200);
    for (const who of [eva, tom, lost]) {
      expect(acksOf(who)).toHaveLength(1);
      expect(await ticketsOf(who)).toEqual([ackNumber(who)]);
    }
    console.log(`storage paused: healthz 200 ${recoveredMs.toFixed(0)} ms after SIGCONT`);

    // A new request works at once.
    const nora = teams.user('Nora Nueva', 'es-MX');
    expect((await nora.say('Necesito acceso a la carpeta de finanzas')).status).toBe(200);
    expect(acksOf(nora)).toHaveLength(1);
    expect(await ticketsOf(nora)).toEqual([ackNumber(nora)]);
  });

  it('paused just after the acknowledgement went out: the person is never told the opposite', async () => {
    // Carlos's acknowledgement takes 2 s to reach Teams (and arrives); the storage is paused
    // meanwhile, so what the bot records after sending it fails.
    const carlos = teams.user('Carlos Confirmed', 'en-US');
    const toCarlos = connectorTo(carlos.conversationId, ['POST']);
    teams.inject({
      match: (method, path, body) => toCarlos(method, path, body) && !!cardOf(body ?? {}),
      status: 200,
      effect: 'slow',
      delayMs: 2000,
    });
    const turn = deliver(carlos.messageActivity('The VPN drops every ten minutes at home'));
    await until(
      async () => ((await ticketsOf(carlos)).length > 0 ? true : undefined),
      'his ticket',
    );
    az.pause();
    const result = await turn;
    az.resume();
    await until(async () => ((await healthz()).status === 200 ? true : undefined), 'healthz 200');
    console.log(`storage paused after the acknowledgement: turn ${result.ms.toFixed(0)} ms`);
    expect(result.ms).toBeLessThan(15_000);
    expect(acksOf(carlos)).toHaveLength(1);
    expect(await ticketsOf(carlos)).toEqual([ackNumber(carlos)]);
    // confirmed, so never "no ticket was created" (nor any other error) afterwards
    expect(carlos.received().map((m) => m.activity.text)).not.toContain(noTicketText(carlos));
    expect(carlos.received().filter((m) => !cardOf(m.activity))).toEqual([]);
  });

  it('stopped and restarted mid-burst: every confirmed ticket exists, numbers unique, re-delivery creates exactly one each', async () => {
    const before = (await storedTickets()).size;
    const people = Array.from({ length: 20 }, (_, i) =>
      teams.user(`Ráfaga ${i}`, i % 2 ? 'en-US' : 'es-MX'),
    );
    const activities = people.map((p, i) => p.messageActivity(`Problema número ${i}: no enciende`));
    // They write one after another, 250 ms apart (5 s in all); storage goes away once the first
    // tickets exist and comes back on the same port 1 s later: the outage falls mid-run.
    const burst = Promise.all(
      activities.map(async (a, i) => {
        await sleep(i * 250);
        return deliver(a);
      }),
    );
    await until(
      async () => ((await storedTickets()).size >= before + 2 ? true : undefined),
      'the first tickets of the burst',
    );
    await az.stop();
    const downAt = performance.now();
    await sleep(1000);
    await az.restart();
    const upAt = performance.now();
    await until(async () => ((await healthz()).status === 200 ? true : undefined), 'healthz 200');
    const recoveredMs = performance.now() - upAt;
    const downMs = upAt - downAt;
    const turns = await burst;
    const maxMs = Math.max(...turns.map((x) => x.ms));
    const confirmed = people.filter((p) => acksOf(p).length > 0);
    const refused = people.filter((p) => acksOf(p).length === 0);
    console.log(
      `storage restarted mid-burst: ${confirmed.length}/20 confirmed before, ${refused.length} told ` +
        `"no ticket"; max turn ${maxMs.toFixed(0)} ms; storage down ${downMs.toFixed(0)} ms, healthz 200 ${recoveredMs.toFixed(0)} ms after it listened again`,
    );
    expect(refused.length).toBeGreaterThan(0); // the outage did hit the burst
    expect(turns.every((x) => x.status === 200 || x.status === 500)).toBe(true);

    // Never a false confirmation, never both answers.
    for (const p of refused) {
      expect(JSON.stringify(p.received())).not.toMatch(TRACKING);
    }
    for (const p of confirmed) {
      expect(acksOf(p)).toHaveLength(1);
      expect(p.received().map((m) => m.activity.text)).not.toContain(noTicketText(p));
    }
    // Every confirmed ticket is in storage (a fresh client), for the person it was confirmed to.
    const stored = await storedTickets();
    for (const p of confirmed) expect(stored.get(ackNumber(p))).toBe(p.account.aadObjectId);

    // Teams re-delivers every unanswered activity (past the claim window): one ticket each.
    await sleep(CLAIM_TTL_MS + 500);
    for (const [i, p] of people.entries()) {
      if (refused.includes(p)) expect((await deliver(activities[i])).status).toBe(200);
    }
    // …and those once more, all at once: nothing new. (Confirmed turns answered 200: Teams does
    // not deliver them again.)
    const seen = people.map((p) => p.received().length);
    await Promise.all(activities.filter((_, i) => refused.includes(people[i])).map(deliver));
    expect(people.map((p) => p.received().length)).toEqual(seen);
    const after = await storedTickets();
    expect(after.size).toBe(before + 20);
    for (const p of people) {
      expect(acksOf(p)).toHaveLength(1);
      expect(await ticketsOf(p)).toEqual([ackNumber(p)]);
    }
    const numbers = people.map(ackNumber);
    expect(new Set(numbers).size).toBe(20);
  });

  it('killed (SIGKILL) after its autosave and restarted: nothing confirmed is lost, the bot recovers by itself', async () => {
    const before = await storedTickets();
    // What the bot confirmed is on Azurite's disk only after its next save (≤ 5 s): wait for it.
    const confirmedAt = Date.now();
    await az.savedSince(confirmedAt);
    await az.kill();
    const downAt = performance.now();
    expect((await healthz()).status).toBe(503);
    await az.restart();
    const upAt = performance.now();
    await until(async () => ((await healthz()).status === 200 ? true : undefined), 'healthz 200');
    const recoveredMs = performance.now() - upAt;
    console.log(
      `storage killed: down ${(upAt - downAt).toFixed(0)} ms, healthz 200 ${recoveredMs.toFixed(0)} ms ` +
        `after it listened again (no bot restart)`,
    );
    expect(await storedTickets()).toEqual(before);
    // A new request works, with the next number.
    const max = Math.max(...before.keys());
    const pia = teams.user('Pia After', 'en-US');
    expect((await pia.say('Outlook does not sync my calendar')).status).toBe(200);
    expect(acksOf(pia)).toHaveLength(1);
    expect(ackNumber(pia)).toBe(max + 1);
    expect(await ticketsOf(pia)).toEqual([max + 1]);
  });
});
