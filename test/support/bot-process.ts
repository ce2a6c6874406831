import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { resolve } from 'node:path';
import { FakeTeams, TeamChannel, TeamsUser, setUpTriage } from './fake-teams';

/**
 * The bot as its own operating-system process (`node dist/src/index.js`, what `npm start` runs),
 * for the fault experiments that pause, kill or multiply processes (issue #9 items 2, 3 and 6).
 * `npm run test:faults` builds `dist/` first.
 */
export interface BotProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** what the process wrote to stdout and stderr (JSON log lines), so far */
  output(): string;
  /** SIGTERM, then SIGKILL after 5 s; resolves once it has exited */
  stop(): Promise<void>;
  /** SIGKILL at once: no shutdown code runs */
  kill(): Promise<void>;
  /** the process's peak resident memory so far (VmHWM), in MB */
  peakRssMb(): number;
}

/** The repository's root (the nearest folder above with a package.json). */
function repoRoot(from = __dirname): string {
  let dir = from;
  while (!existsSync(resolve(dir, 'package.json'))) {
    const up = resolve(dir, '..');
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
  return dir;
}

/**
 * The node flags of `npm start` (package.json's start script, e.g. the heap limit), so that a
 * spawned bot runs as in production.
 */
export function startNodeArgs(): string[] {
  const pkg = JSON.parse(readFileSync(resolve(repoRoot(), 'package.json'), 'utf8'));
  return String(pkg.scripts?.start ?? '')
    .split(/\s+/)
    .filter((word) => word.startsWith('--'));
}

/** The built entry point; `TEST_BOT_MAIN` points elsewhere (e.g. a build of your own). */
export const BOT_MAIN = process.env.TEST_BOT_MAIN ?? resolve(repoRoot(), 'dist/src/index.js');

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = net.createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => ok(port));
    });
  });
}

/** Waits until `url`/healthz answers 200 (storage reachable, tables ready). */
export async function waitHealthy(url: string, timeoutMs = 15_000, everyMs = 100): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.status === 200) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > until) throw new Error(`${url} not healthy after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Sets the server's test clock. */
export async function setClock(url: string, body: { now: string } | { advanceMinutes: number }) {
  const res = await fetch(`${url}/test/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 200) throw new Error(`clock: ${res.status} ${await res.text()}`);
  return (await res.json()) as { now: string };
}

/** Resolves once `child` has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((ok) => child.once('exit', () => ok()));
}

/**
 * Starts the built bot with `env` on top of a clean local-mode environment (no app id, test
 * clock, silent unless `LOG_LEVEL` says otherwise) and waits until /healthz answers 200.
 */
/**
 * A support desk as a process: the bot started with `env`, the fake Teams pointed at it, its clock
 * at `now`, and a triage channel (whose team is `admin` and `agents`) set up by `admin`, who must
 * be in `env.SUPPORT_ADMINS`.
 */
export async function spawnDesk(
  teams: FakeTeams,
  env: Record<string, string>,
  opts: {
    admin: TeamsUser;
    agents?: TeamsUser[];
    now?: string;
    nodeArgs?: string[];
    main?: string;
  },
): Promise<{ bot: BotProcess; triage: TeamChannel }> {
  const bot = await spawnBot(env, { nodeArgs: opts.nodeArgs, main: opts.main });
  teams.setBotUrl(bot.url);
  if (opts.now) await setClock(bot.url, { now: opts.now });
  const triage = await setUpTriage(teams, opts.admin, [opts.admin, ...(opts.agents ?? [])]);
  return { bot, triage };
}

export async function spawnBot(
  env: Record<string, string>,
  opts: { nodeArgs?: string[]; waitHealthy?: boolean; main?: string; pollMs?: number } = {},
): Promise<BotProcess> {
  const main = opts.main ?? BOT_MAIN;
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\``);
  const port = await freePort();
  // The flags of `npm start` first; a test's own (a CPU profile) after them.
  const child = spawn(process.execPath, [...startNodeArgs(), ...(opts.nodeArgs ?? []), main], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      PORT: String(port),
      TEST_CLOCK: '1',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const bot: BotProcess = {
    url,
    port,
    child,
    output: () => out,
    stop: async () => {
      const done = exited(child);
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await done;
      clearTimeout(timer);
    },
    kill: async () => {
      const done = exited(child);
      child.kill('SIGKILL');
      await done;
    },
    peakRssMb: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN) / 1024;
    },
  };
  if (opts.waitHealthy !== false) {
    // A process that exits while starting fails at once, not after the whole timeout.
    const died = exited(child).then(() => {
      throw new Error(`the bot exited while starting (${child.exitCode ?? child.signalCode})`);
    });
    try {
      await Promise.race([waitHealthy(url, 30_000, opts.pollMs), died]);
    } catch (e) {
      await bot.kill();
      throw new Error(`${(e as Error).message}\n${out}`, { cause: e });
    }
    died.catch(() => undefined);
  }
  return bot;
}
