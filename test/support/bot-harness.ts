import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config';
import { RunningBot, StartOptions, startBot } from '../../src/index';
import { createLogger } from '../../src/logger';
import { Tables, createTables, ensureTables } from '../../src/storage/tables';
import { FakeTeams } from './fake-teams';
import { setClock, waitHealthy } from './bot-process';

export { setClock, waitHealthy };

/** The Azurite started by the global setup. */
export function testConnectionString(): string {
  const cs = process.env.TEST_TABLES_CONNECTION_STRING;
  if (!cs) throw new Error('TEST_TABLES_CONNECTION_STRING is not set: run through jest');
  return cs;
}

/** A fresh table prefix, so that every test file (or test) has storage of its own. */
export function freshPrefix(): string {
  return `t${randomBytes(5).toString('hex')}`;
}

export async function testTables(
  prefix = freshPrefix(),
): Promise<{ tables: Tables; prefix: string }> {
  const tables = createTables(
    { kind: 'connectionString', connectionString: testConnectionString() },
    { prefix },
  );
  await ensureTables(tables);
  return { tables, prefix };
}

export interface Harness {
  bot: RunningBot;
  teams: FakeTeams;
  url: string;
  prefix: string;
  /** stops the bot only (the fake Teams and the storage stay) */
  stopBot(): Promise<void>;
  /** starts a new bot process-equivalent against the same storage and prefix */
  restartBot(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The real server (the same wiring as `npm start`) on a free port, in local mode, on the test
 * clock, against the test Azurite with its own prefix, talking to a fake Teams.
 */
export async function startHarness(
  env: Record<string, string> = {},
  extra: Partial<StartOptions> = {},
  opts: { waitHealthy?: boolean } = {},
): Promise<Harness> {
  const teams = new FakeTeams();
  await teams.start();
  const prefix = env.TABLES_PREFIX ?? freshPrefix();
  const boot = async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      TABLES_CONNECTION_STRING: testConnectionString(),
      TABLES_PREFIX: prefix,
      TEST_CLOCK: '1',
      LOG_LEVEL: 'silent',
      ...env,
    });
    const bot = await startBot({
      config,
      host: '127.0.0.1',
      log: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
      startTypingTimer: false,
      ...extra,
    });
    if (opts.waitHealthy !== false) await waitHealthy(`http://127.0.0.1:${bot.port}`);
    return bot;
  };
  const h: Harness = {
    bot: await boot(),
    teams,
    url: '',
    prefix,
    stopBot: async () => h.bot.stop(),
    restartBot: async () => {
      h.bot = await boot();
      h.url = `http://127.0.0.1:${h.bot.port}`;
      teams.setBotUrl(h.url);
    },
    close: async () => {
      await h.bot.stop().catch(() => undefined);
      await teams.stop();
    },
  };
  h.url = `http://127.0.0.1:${h.bot.port}`;
  teams.setBotUrl(h.url);
  // A turn may go on after its answer: a test reads what it sent once it is over.
  teams.settle = () => h.bot.turns.afterAnswers();
  return h;
}

/**
 * Waits until `probe` returns something, letting the bot's outbox finish what it is sending
 * between tries (proactive messages are sent after the turn that caused them).
 */
export async function waitFor<T>(
  h: Harness,
  probe: () => T | undefined,
  what: string,
  ms = 8000,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    await h.bot.dispatcher.idle();
    const got = probe();
    if (got !== undefined) return got;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
