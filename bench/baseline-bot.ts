/**
 * The floor of "persist something and answer" (issue #10's baseline): the product's server stack
 * (restify 11, botbuilder's CloudAdapter without an app id) with a trivial handler that creates one
 * table entity, reads it back and replies through the connector. Run as its own process by
 * `bench/http.ts`, exactly as the product is: `PORT`, `TABLES_CONNECTION_STRING`, `TABLES_PREFIX`.
 */
import { randomUUID } from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
} from 'botbuilder';
import * as restify from 'restify';

async function main(): Promise<void> {
  const table = TableClient.fromConnectionString(
    process.env.TABLES_CONNECTION_STRING ?? '',
    `${process.env.TABLES_PREFIX ?? ''}baseline`,
    { allowInsecureConnection: true },
  );
  await table.createTable();
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
  const server = restify.createServer({ name: 'baseline', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ mapParams: false }));
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, async (ctx) => {
      if (ctx.activity.type !== 'message') return;
      const partitionKey = ctx.activity.from?.id ?? 'anonymous';
      const rowKey = randomUUID();
      await table.createEntity({ partitionKey, rowKey, text: ctx.activity.text ?? '' });
      const row = await table.getEntity<{ text: string }>(partitionKey, rowKey);
      await ctx.sendActivity(`stored: ${row.text.slice(0, 40)}`);
    });
  });
  server.get('/healthz', async (_req, res) => {
    res.send(200, { status: 'ok' });
  });
  await new Promise<void>((ok) => server.listen(Number(process.env.PORT ?? 3979), '127.0.0.1', ok));
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
}

main().catch((e) => {
  process.stderr.write(`baseline bot failed: ${(e as Error).message}\n`);
  process.exit(1);
});
