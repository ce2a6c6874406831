/**
 * The floor of "persist something and answer" (issue #10's baseline): the product's server stack
 * (restify 11, botbuilder's CloudAdapter without an app id) with a trivial handler that creates one
 * table entity, reads it back and replies through the connector. Run as its own process by
 * `bench/http.ts`, exactly as the product is: `PORT`, `TABLES_CONNECTION_STRING`, `TABLES_PREFIX`.
 */
import { randomUUID } from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import { TurnContext } from 'botbuilder';
import { serveBot } from './bot-stack';

serveBot('baseline', async () => {
  const table = TableClient.fromConnectionString(
    process.env.TABLES_CONNECTION_STRING ?? '',
    `${process.env.TABLES_PREFIX ?? ''}baseline`,
    { allowInsecureConnection: true },
  );
  await table.createTable();
  return async (ctx: TurnContext) => {
    if (ctx.activity.type !== 'message') return;
    const partitionKey = ctx.activity.from?.id ?? 'anonymous';
    const rowKey = randomUUID();
    await table.createEntity({ partitionKey, rowKey, text: ctx.activity.text ?? '' });
    const row = await table.getEntity<{ text: string }>(partitionKey, rowKey);
    await ctx.sendActivity(`stored: ${row.text.slice(0, 40)}`);
  };
});
