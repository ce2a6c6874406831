/**
 * Storage round trips (issue #10, item 2): the table requests of one creation and of one card
 * action, counted by a pipeline policy on the table clients of a bot started inside this process
 * and attributed by `workScope` to the turn or to the outbox (with the outbox job's kind). Each
 * count is also broken down by operation, so that the document says where the round trips go.
 */
import type { PipelinePolicy, PipelineRequest } from '@azure/core-rest-pipeline';
import { loadConfig } from '../src/config';
import { startBot } from '../src/index';
import { createLogger } from '../src/logger';
import { workScope } from '../src/work-scope';
import { waitHealthy } from '../test/support/bot-process';
import {
  ChannelMember,
  FakeTeams,
  accountFor,
  setUpSupervisors,
  setUpTriage,
} from '../test/support/fake-teams';
import { newRequester, triageCards } from './http';
import { BenchContext, BenchModule, Figure } from './types';

const MEASURED = 40;

/** `GET tickets o|…`: the method, the table (without the prefix) and the row key's kind. */
export function operationOf(request: PipelineRequest, prefix: string): string {
  const url = new URL(request.url);
  const path = decodeURIComponent(url.pathname.split('/').pop() ?? '');
  if (path === '$batch') return `${request.method} batch`;
  const m = /^([A-Za-z0-9]+)(?:\((.*)\))?$/.exec(path);
  const table = (m?.[1] ?? path).replace(new RegExp(`^${prefix}`), '');
  const rowKey = /RowKey='([^']*)'/.exec(m?.[2] ?? '')?.[1];
  // The kind of row: its key's first letters (`o|…` a job, `t…` a ticket), or `row`.
  const head = rowKey?.split('|')[0].replace(/[0-9]+$/, '');
  const kind =
    rowKey === undefined
      ? url.searchParams.has('$filter')
        ? 'query'
        : ''
      : head && /^[a-z]{1,8}$/i.test(head)
        ? head
        : 'row';
  return `${request.method} ${table}${kind ? ` ${kind}` : ''}`;
}

interface Tally {
  turn: number;
  outbox: number;
  other: number;
  by: Map<string, number>;
}

/** Round trips per operation, of one scope (`turn`, `outbox`) or of all. */
const breakdown = (t: Tally, per: number, scope?: 'turn' | 'outbox') =>
  [...t.by.entries()]
    .filter(([what]) => !scope || what.startsWith(scope))
    .sort((a, b) => b[1] - a[1])
    .map(([what, n]) => `${what} ${(n / per).toFixed(2)}`)
    .join('; ');

export const trips: BenchModule = {
  name: 'trips',
  title: 'Storage round trips of a creation and of a card action',
  async run(ctx: BenchContext): Promise<Figure[]> {
    const teams = new FakeTeams();
    await teams.start();
    const prefix = 'benchtrips';
    let tally: Tally | undefined;
    const counter: PipelinePolicy = {
      name: 'roundTrips',
      sendRequest: (request, next) => {
        if (tally) {
          const scope = workScope.getStore();
          tally[scope?.kind ?? 'other'] += 1;
          const what = `${scope?.kind ?? 'other'}${scope?.label ? ` [${scope.label}]` : ''}: ${operationOf(request, prefix)}`;
          tally.by.set(what, (tally.by.get(what) ?? 0) + 1);
        }
        return next(request);
      },
    };
    const fresh = (): Tally => ({ turn: 0, outbox: 0, other: 0, by: new Map() });
    const admin = accountFor('Bench Admin');
    const agent = accountFor('Bench Agent');
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      TABLES_CONNECTION_STRING: ctx.connectionString,
      TABLES_PREFIX: prefix,
      SUPPORT_ADMINS: admin.aadObjectId,
      OUTBOX_SWEEP_MS: '600000',
      LOG_LEVEL: 'silent',
    });
    const bot = await startBot({
      config,
      host: '127.0.0.1',
      log: createLogger('silent'),
      startTypingTimer: false,
      tablePolicies: [counter],
      attributeWork: true,
    });
    const url = `http://127.0.0.1:${bot.port}`;
    try {
      await waitHealthy(url, 30_000, 20);
      teams.setBotUrl(url);
      const triage = await setUpTriage(teams, admin, [admin, agent]);
      await setUpSupervisors(teams, admin);
      const settle = async () => {
        await bot.dispatcher.sweep();
        await bot.dispatcher.idle();
      };
      for (let i = 0; i < 5; i++) await teams.post(newRequester(teams, i));
      await settle();

      const create = (tally = fresh());
      for (let i = 0; i < MEASURED; i++) await teams.post(newRequester(teams, i));
      const turnCreate = create.turn / MEASURED;
      await settle();
      const outboxCreate = create.outbox / MEASURED;

      // Assign to me on the triage cards of the measured tickets.
      const cards = triageCards(teams, triage).slice(-MEASURED);
      const member = new ChannelMember(teams, agent, triage);
      const click = (tally = fresh());
      for (const card of cards) {
        const res = await member.click(card, 'Assign to me');
        if (res.status !== 200) throw new Error(`Assign to me: HTTP ${res.status}`);
      }
      const turnClick = click.turn / cards.length;
      await settle();
      const outboxClick = click.outbox / cards.length;
      tally = undefined;
      ctx.progress(
        `round trips per creation: ${turnCreate} in the turn, ${outboxCreate} in the outbox ` +
          `(${create.other} unattributed); per Assign to me: ${turnClick} + ${outboxClick}`,
      );
      ctx.progress(`  creation: ${breakdown(create, MEASURED)}`);
      ctx.progress(`  Assign to me: ${breakdown(click, cards.length)}`);
      return [
        {
          name: 'creation-round-trips-turn',
          value: turnCreate,
          baseline: 2,
          unit: 'requests',
          maxValue: 4,
          explanation:
            `Table round trips a creation makes before its answer (${MEASURED} creations one ` +
            'at a time, each from a requester the bot has never met, reads included); the ' +
            'baseline makes 2 (create, read). Where they go, per creation: ' +
            `${breakdown(create, MEASURED, 'turn')}.`,
        },
        {
          name: 'creation-round-trips-outbox',
          value: outboxCreate,
          baseline: 2,
          unit: 'requests',
          explanation:
            'Table round trips the outbox makes per ticket after the answer: posting the ' +
            'triage card and recording where it is, arming the SLA timer, adding the ticket to ' +
            "the day's report totals, matching it against recent tickets, and reading the " +
            "requester's e-mail addresses from Teams (same run). Per creation: " +
            `${breakdown(create, MEASURED, 'outbox')}.`,
        },
        {
          name: 'card-action-round-trips',
          value: turnClick + outboxClick,
          baseline: 2,
          unit: 'requests',
          explanation:
            `Table round trips of one "Assign to me": ${turnClick.toFixed(1)} in the turn, ` +
            `${outboxClick.toFixed(1)} in the outbox afterwards (the card for everyone, the ` +
            `requester card, the SLA timer, the report totals). Per click: ${breakdown(click, cards.length)}.`,
        },
      ];
    } finally {
      tally = undefined;
      await bot.stop();
      await teams.stop();
    }
  },
};
