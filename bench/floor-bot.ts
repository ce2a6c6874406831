/**
 * The floor of the product's own work (issue #10: "if a target is impossible, say why with
 * figures"): the product's server stack and storage writer with no product logic, making only
 * the exchanges a creation and an "Assign to me" cannot do without, each in its cheapest form.
 * Run as its own process by `bench/http.ts`, exactly as the baseline and the product are.
 *
 * A creation (a 1:1 message), the spec's minimum with the 4 round trips:
 * 1. the requester's context: one point read (as the product's for a person without open
 *    tickets);
 * 2. the ticket and its outbox jobs (one row listing them, as the product's `bundle`) in one
 *    transaction, in a partition of its own (the emulator
 *    scans a partition for every key, so this is its cheapest layout), beside the requester's
 *    index row and profile in a transaction of their partition;
 * 3. the acknowledgement card (spec 3.1), then at once its place (a merge) beside the self-help
 *    offer (spec 3.2). As the product does, the offer is left out of the turn while 4 or more
 *    turns are under way (the product sends it after the answers; the floor, which has no
 *    background work to measure, drops it).
 *
 * An "Assign to me" (an `adaptiveCard/action` invoke): the ticket's etag as this process last
 * wrote it (as the product's `TicketRepository.recent`; read by key if it has none), then one
 * transaction (the ticket with its etag, the event, one row listing the jobs of the card for
 * everyone, the requester's card, the SLA timer and the report totals) and the refreshed card as
 * the answer.
 * No tenant settings are read: authorisation is left out.
 *
 * Cards and the ticket row are the product's own, taken by the bench from its run and handed over
 * in `FLOOR_CARDS` (a JSON file: `{ ack, offer, triage, ticket }`), so the floor sends and stores
 * as many bytes as the product.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { TransactionAction } from '@azure/data-tables';
import { ActivityTypes, TurnContext } from 'botbuilder';
import { createTables } from '../src/storage/tables';
import { serveBot } from './bot-stack';

interface Cards {
  ack: Record<string, unknown>;
  offer: Record<string, unknown>;
  triage: Record<string, unknown>;
  /** the columns of one of the product's ticket rows */
  ticket: Record<string, unknown>;
}

const JOBS_AT_CREATION = ['sla.arm', 'triage.post', 'stats.tally', 'recurring.match', 'directory'];
const JOBS_AT_ASSIGN = ['triage.update', 'requester.update', 'sla.arm', 'stats.tally'];

const card = (content: Record<string, unknown>) => ({
  attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content }],
});

serveBot(
  'floor',
  async () => {
    const cards = JSON.parse(readFileSync(process.env.FLOOR_CARDS ?? '', 'utf8')) as Cards;
    // The product's table clients (lean transactions and single-entity requests), on tables
    // of the floor's own (`{prefix}floortickets`, `{prefix}floorusers`).
    const { tickets, users } = createTables(
      { kind: 'connectionString', connectionString: process.env.TABLES_CONNECTION_STRING ?? '' },
      { prefix: `${process.env.TABLES_PREFIX ?? ''}floor` },
    );
    await Promise.all([tickets.createTable(), users.createTable()]);
    /** The jobs of one change as one new row (as the product's `bundle`). */
    const jobRow = (partitionKey: string, kinds: string[], now: Date): TransactionAction => [
      'create',
      {
        partitionKey,
        rowKey: `o|${randomUUID()}`,
        kind: 'bundle',
        data: JSON.stringify(kinds.map((kind) => ({ kind }))),
        state: 'pending',
        attempts: 0,
        nextAttemptAt: now,
      },
    ];

    /** The ticket rows' etags as this process last wrote them. */
    const etags = new Map<string, string | undefined>();

    const create = async (ctx: TurnContext, busy: boolean) => {
      const user = ctx.activity.from.id;
      const partitionKey = `t|${user}`;
      const now = new Date();
      await users.getEntity(user, 'profile').catch(() => undefined);
      const text = ctx.activity.text ?? '';
      await Promise.all([
        tickets.submitTransaction([
          ['create', { ...cards.ticket, partitionKey, rowKey: 't', description: text }],
          ['create', { partitionKey, rowKey: 'e|1', kind: 'created', at: now }],
          jobRow(partitionKey, JOBS_AT_CREATION, now),
        ]),
        users.submitTransaction([
          ['create', { partitionKey: user, rowKey: 't|1', ticket: partitionKey, at: now }],
          [
            'upsert',
            { partitionKey: user, rowKey: 'profile', name: ctx.activity.from.name },
            'Merge',
          ],
        ]),
      ]);
      const ack = await ctx.sendActivity(card(cards.ack));
      const [placed] = await Promise.all([
        tickets.updateEntity({ partitionKey, rowKey: 't', ackId: ack?.id ?? '' }, 'Merge'),
        busy ? undefined : ctx.sendActivity(card(cards.offer)),
      ]);
      etags.set(partitionKey, placed.etag);
    };

    const assign = async (ctx: TurnContext) => {
      const partitionKey = String(ctx.activity.value?.action?.data?.ticket ?? '');
      const now = new Date();
      const etag = etags.get(partitionKey) ?? (await tickets.getEntity(partitionKey, 't')).etag;
      const res = await tickets.submitTransaction([
        [
          'update',
          { partitionKey, rowKey: 't', state: 'assigned', assignee: ctx.activity.from.id },
          'Merge',
          { etag },
        ],
        ['create', { partitionKey, rowKey: `e|${randomUUID()}`, kind: 'assigned', at: now }],
        jobRow(partitionKey, JOBS_AT_ASSIGN, now),
      ]);
      etags.set(partitionKey, res.subResponses[0]?.etag);
      await ctx.sendActivity({
        type: ActivityTypes.InvokeResponse,
        value: {
          status: 200,
          body: {
            statusCode: 200,
            type: 'application/vnd.microsoft.card.adaptive',
            value: cards.triage,
          },
        },
      });
    };

    // From 4 turns under way the product counts as busy (TurnGauge.BUSY).
    return async (ctx: TurnContext, underWay: number) => {
      if (ctx.activity.type === 'message') await create(ctx, underWay >= 4);
      else if (ctx.activity.name === 'adaptiveCard/action') await assign(ctx);
    };
  },
  { keepClients: true },
);
