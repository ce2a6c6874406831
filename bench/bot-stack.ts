/**
 * The server stack the baseline and the floor share with the product: restify 11 and botbuilder's
 * CloudAdapter without an app id, `/api/messages` and `/healthz`, on `PORT` (127.0.0.1). The
 * floor keeps its outgoing clients across turns as the product does (`keepClients`); the
 * baseline uses botbuilder as it comes.
 */
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  TurnContext,
} from 'botbuilder';
import * as restify from 'restify';
import { keepClients } from '../src/teams/desk-adapter';

/**
 * Serves `turn` (with the number of turns under way, this one included) until SIGTERM; exits
 * with a message if `start` fails.
 */
export function serveBot(
  name: string,
  start: () => Promise<(ctx: TurnContext, underWay: number) => Promise<void>>,
  opts: { keepClients?: boolean } = {},
): void {
  const run = async () => {
    const turn = await start();
    const identity = {
      MicrosoftAppId: '',
      MicrosoftAppPassword: '',
      MicrosoftAppType: 'MultiTenant',
    };
    const adapter = new CloudAdapter(
      new ConfigurationBotFrameworkAuthentication(
        identity,
        new ConfigurationServiceClientCredentialFactory(identity),
      ),
    );
    // The product's outgoing clients, kept across turns (`src/teams/desk-adapter.ts`).
    if (opts.keepClients) {
      keepClients(
        (adapter as unknown as { botFrameworkAuthentication: Parameters<typeof keepClients>[0] })
          .botFrameworkAuthentication,
      );
    }
    const server = restify.createServer({ name, handleUncaughtExceptions: false });
    server.use(restify.plugins.bodyParser({ mapParams: false }));
    let underWay = 0;
    server.post('/api/messages', async (req, res) => {
      underWay += 1;
      const now = underWay;
      try {
        await adapter.process(req, res, (ctx) => turn(ctx, now));
      } finally {
        underWay -= 1;
      }
    });
    server.get('/healthz', async (_req, res) => {
      res.send(200, { status: 'ok' });
    });
    const port = Number(process.env.PORT ?? 3979);
    await new Promise<void>((ok) => server.listen(port, '127.0.0.1', ok));
    process.once('SIGTERM', () => server.close(() => process.exit(0)));
  };
  run().catch((e) => {
    process.stderr.write(`${name} bot failed: ${(e as Error).message}\n`);
    process.exit(1);
  });
}
