import { ChildProcess, spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import net from 'node:net';
import { exited, freePort } from './bot-process';

/**
 * An Azurite table service of a test's own, as a child process that can be paused, stopped,
 * killed and restarted on the same port (the bot's connection string stays valid), with its data
 * on disk under `location` so that a restart finds it again. The arguments are those of
 * `global-setup.js`, with `--location` in place of `--inMemoryPersistence`.
 *
 * Durability, read from azurite 3.35 (`dist/src/table/persistence/LokiTableMetadataStore.js`) and
 * lokijs: the table service keeps every row in memory (LokiJS) and writes the whole database to
 * `<location>/__azurite_db_table__.json` every 5 s when something changed (`autosave: true,
 * autosaveInterval: 5000`; written to a `~` file and renamed, so never torn). It answers a write
 * before it is on disk. Its `main.js` handles SIGINT only (close: final save, then exit); SIGTERM
 * and SIGKILL end it at once, losing every write it acknowledged since the last save (up to
 * ~5 s). Real Azure Storage acknowledges a write only once it is durable, so `stop()` (SIGINT)
 * is the emulator's stand-in for "storage went away": in-flight requests fail, acknowledged
 * writes stay. `kill()` (SIGKILL) shows the emulator's own loss window.
 */
export interface AzuriteProcess {
  port: number;
  /** the data directory ('' when in memory) */
  location: string;
  connectionString: string;
  child: ChildProcess;
  /** SIGSTOP: the process freezes; connections are accepted by the kernel and never answered */
  pause(): void;
  /** SIGCONT */
  resume(): void;
  /** SIGINT: Azurite closes, saves what it acknowledged, exits (SIGKILL after 10 s) */
  stop(): Promise<void>;
  /** SIGKILL: gone at once; writes since the last autosave are lost */
  kill(): Promise<void>;
  /** starts it again on the same port with the same data directory */
  restart(): Promise<void>;
  /** true while it is running (not stopped, killed or exited) */
  running(): boolean;
  /** what Azurite wrote to stderr so far */
  errors(): string;
  /** resolves once Azurite has saved its database to disk after `since` (epoch ms) */
  savedSince(since: number, timeoutMs?: number): Promise<void>;
}

/** Azurite's well-known development account key (not a secret). */
const DEV_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export function connectionStringFor(port: number): string {
  return (
    'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;' +
    `AccountKey=${DEV_KEY};TableEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`
  );
}

async function waitListening(port: number, child: ChildProcess, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Azurite exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((done) => {
      const s = net.connect(port, '127.0.0.1', () => (s.destroy(), done(true)));
      s.on('error', () => done(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`Azurite did not start on ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts Azurite's table service; without `location` its data stays in memory only. */
export async function startAzurite(opts: {
  location?: string;
  port?: number;
}): Promise<AzuriteProcess> {
  const port = opts.port ?? (await freePort());
  const main = require.resolve('azurite/dist/src/table/main.js');
  let stderr = '';
  const launch = async (): Promise<ChildProcess> => {
    const child = spawn(
      process.execPath,
      [
        main,
        '--tableHost',
        '127.0.0.1',
        '--tablePort',
        String(port),
        ...(opts.location ? ['--location', opts.location] : ['--inMemoryPersistence']),
        '--disableTelemetry',
        '--skipApiVersionCheck',
        '--silent',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    await waitListening(port, child);
    return child;
  };
  let child = await launch();
  const alive = () => child.exitCode === null && child.signalCode === null;
  const az: AzuriteProcess = {
    port,
    location: opts.location ?? '',
    connectionString: connectionStringFor(port),
    get child() {
      return child;
    },
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    stop: async () => {
      if (!alive()) return;
      const done = exited(child);
      child.kill('SIGCONT'); // a paused process cannot handle SIGINT
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await done;
      clearTimeout(timer);
    },
    kill: async () => {
      if (!alive()) return;
      const done = exited(child);
      child.kill('SIGKILL');
      await done;
    },
    restart: async () => {
      await az.kill();
      child = await launch();
    },
    running: alive,
    errors: () => stderr,
    savedSince: async (since, timeoutMs = 20_000) => {
      // LokiJS writes `<file>~` and renames it over the database: the file's mtime is the save.
      if (!opts.location) throw new Error('an in-memory Azurite never saves');
      const file = join(opts.location, '__azurite_db_table__.json');
      const until = Date.now() + timeoutMs;
      for (;;) {
        let mtime = 0;
        try {
          mtime = statSync(file).mtimeMs;
        } catch {
          /* not saved yet */
        }
        if (mtime > since) return;
        if (Date.now() > until) throw new Error(`Azurite did not save after ${since}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
  return az;
}
