import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

/** Azurite's well-known development account (public, documented by Microsoft). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export function azuriteConnectionString(host: string, port: number): string {
  return (
    `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};` +
    `TableEndpoint=http://${host}:${port}/${AZURITE_ACCOUNT};`
  );
}

export interface EmbeddedAzurite {
  port: number;
  connectionString: string;
  stop(): Promise<void>;
}

/** A port that is free now: `preferred` when it is, otherwise one the OS picks. */
export async function freePort(preferred = 0, host = '127.0.0.1'): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number>((ok, fail) => {
      const srv = createServer();
      srv.once('error', fail);
      srv.listen(port, host, () => {
        const addr = srv.address();
        const got = typeof addr === 'object' && addr ? addr.port : port;
        srv.close(() => ok(got));
      });
    });
  if (preferred > 0) {
    try {
      return await tryListen(preferred);
    } catch {
      /* taken: fall through to an OS-chosen port */
    }
  }
  return tryListen(0);
}

/**
 * Starts Azurite's table service inside this process (no telemetry: its CLI entry is not used).
 * Deep imports, because Azurite's main entry needs VS Code.
 */
export async function startEmbeddedAzurite(opts: {
  port?: number;
  /** folder for the data on disk; ignored with `inMemory` */
  location?: string;
  inMemory?: boolean;
  host?: string;
}): Promise<EmbeddedAzurite> {
  const host = opts.host ?? '127.0.0.1';
  const port = await freePort(opts.port ?? 0, host);
  const location = resolve(opts.location ?? '.data/azurite');
  if (!opts.inMemory) mkdirSync(location, { recursive: true });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const TableConfiguration: any = require('azurite/dist/src/table/TableConfiguration').default;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const TableServer: any = require('azurite/dist/src/table/TableServer').default;
  const config = new TableConfiguration(
    host,
    port,
    undefined, // keep-alive timeout: default
    join(location, '__azurite_db_table__.json'),
    false, // debug log
    false, // access log
    undefined,
    undefined,
    false, // loose
    true, // skip API version check: the SDK may be newer than the emulator
    '',
    '',
    '',
    undefined,
    false,
    opts.inMemory ?? false,
  );
  const server = new TableServer(config);
  await server.start();
  return {
    port,
    connectionString: azuriteConnectionString(host, port),
    // close() keeps the data on disk; clean() would erase it.
    stop: async () => {
      await server.close();
    },
  };
}
