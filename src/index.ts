import { readFileSync } from 'node:fs';
import type { Server } from 'restify';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { DefaultAzureCredential } from '@azure/identity';
import defaultPolicy from '../config/sla-policy.json';
import { Config, ConfigError, loadConfig } from './config';
import { Clock, SettableClock, systemClock } from './domain/clock';
import { SlaPolicy, parseSlaPolicy } from './domain/sla/policy';
import { Logger, createLogger } from './logger';
import { loadDefaultClassifier } from './domain/triage/classifier';
import { IntakeService, Suggest } from './services/intake.service';
import { EmailIntakeService } from './services/email-intake.service';
import { EmbeddedAzurite, startEmbeddedAzurite } from './storage/azurite';
import { OutboxDispatcher } from './jobs/outbox.dispatcher';
import { DirectoryLearner } from './teams/directory';
import { AfterAnswer } from './teams/later';
import { TriageService } from './services/triage.service';
import { SurveyService } from './services/survey.service';
import { TicketSearchService } from './services/ticket-search.service';
import { JobSpec, OutboxJob, OutboxRepository } from './storage/outbox.repository';
import { TimerRepository } from './storage/timer.repository';
import { KbStatsRepository } from './storage/kb-stats.repository';
import { StatsRepository } from './storage/stats.repository';
import { ReportService } from './services/report.service';
import { DigestService } from './services/digest.service';
import { DigestRepository } from './storage/digest.repository';
import { SlaService } from './services/sla.service';
import { GroupCards, RecurringService } from './services/recurring.service';
import { RecurringRepository } from './storage/recurring.repository';
import { shippedPlaybooks } from './domain/kb/playbook';
import { TenantRepository, tierChannel } from './storage/tenant.repository';
import { t } from './domain/i18n';
import { OpenTicket, TicketRepository } from './storage/ticket.repository';
import { Person, isOpen } from './domain/tickets/ticket';
import { AgentDirectory } from './teams/agents';
import { EmailIndexRepository } from './storage/email-index.repository';
import { TeamsNotifier } from './teams/notify/notifier';
import { Tables, TablesTarget, createTables, ensureTables, pingStorage } from './storage/tables';
import { UserRepository } from './storage/user.repository';
import { ExportKeyRepository } from './storage/export-key.repository';
import { TicketRangeRepository } from './storage/ticket-range.repository';
import { holdTicketLayout, settleTicketLayout } from './storage/ticket-layout';
import { ExportService } from './services/export.service';
import { AdapterOptions, createAdapter, createTeamsApp } from './teams/app';
import { TurnGauge, createServer } from './server';
import { attributeWork } from './work-scope';

export interface RunningBot {
  server: Server;
  dispatcher: OutboxDispatcher;
  /** the turns under way (a turn may go on after its answer: tests wait for them) */
  turns: TurnGauge;
  /** the e-mail look-ups made after answering people (tests wait for them) */
  directory: DirectoryLearner;
  sla: SlaService;
  digest: DigestService;
  port: number;
  tables: Tables;
  clock: Clock;
  log: Logger;
  stop(): Promise<void>;
}

export interface StartOptions {
  config: Config;
  log?: Logger;
  /** override the SLA policy file (tests) */
  policy?: SlaPolicy;
  suggest?: Suggest;
  startTypingTimer?: boolean;
  /** listen on 127.0.0.1 only (tests) */
  host?: string;
  /** tests: a local OpenID metadata document and outgoing tokens without MSAL */
  auth?: Pick<AdapterOptions, 'openIdMetadataUrl' | 'outgoingCredentials'>;
  /** extra pipeline policies on every table client (the benchmarks count round trips with one) */
  tablePolicies?: PipelinePolicy[];
  /** tell turns from outbox work in `workScope` (the benchmarks attribute round trips with it) */
  attributeWork?: boolean;
}

/** The SLA policy: `SLA_POLICY_FILE` when set, else the shipped `config/sla-policy.json`. */
export function loadPolicy(path?: string): SlaPolicy {
  return parseSlaPolicy(path ? JSON.parse(readFileSync(path, 'utf8')) : defaultPolicy);
}

/** Wiring only: config → table clients → repositories → services → Teams app → server. */
export async function startBot(opts: StartOptions): Promise<RunningBot> {
  const { config } = opts;
  const log = opts.log ?? createLogger(config.logLevel);
  if (opts.attributeWork) attributeWork();
  const policy = opts.policy ?? loadPolicy(process.env.SLA_POLICY_FILE || undefined);

  let azurite: EmbeddedAzurite | undefined;
  let target: TablesTarget;
  if (config.storage.kind === 'embedded') {
    azurite = await startEmbeddedAzurite({
      port: config.storage.port,
      location: config.storage.location,
    });
    log.info(
      { port: azurite.port, location: config.storage.location },
      'no TABLES_CONNECTION_STRING or TABLES_ACCOUNT_URL: started an embedded Azurite (data on disk)',
    );
    target = { kind: 'connectionString', connectionString: azurite.connectionString };
  } else if (config.storage.kind === 'connectionString') {
    target = { kind: 'connectionString', connectionString: config.storage.connectionString };
  } else {
    target = {
      kind: 'accountUrl',
      accountUrl: config.storage.accountUrl,
      credential: new DefaultAzureCredential(),
    };
  }
  const tables = createTables(target, { prefix: config.tablePrefix, policies: opts.tablePolicies });

  if (config.localMode) {
    log.warn(
      'MicrosoftAppId is empty: LOCAL MODE, requests are NOT authenticated. Never expose this port.',
    );
  }

  const testClock = config.testClock ? new SettableClock(systemClock) : undefined;
  const clock: Clock = testClock ?? systemClock;
  const tickets = new TicketRepository(tables);
  const users = new UserRepository(tables);
  const emails = new EmailIndexRepository(tables);
  const tenants = new TenantRepository(tables);
  const outbox = new OutboxRepository(tables);
  const stats = new StatsRepository(tables);
  const adapter = createAdapter(config.bot, log, {
    ...opts.auth,
    allowedTenants: config.allowedTenants,
  });
  const agents = new AgentDirectory();
  const triage = new TriageService({ tickets, clock, policy });
  let kickLater: (
    tenantId: string,
    number: number,
    jobs: JobSpec[],
    written?: OutboxJob[],
  ) => void = () => undefined;
  const sla = new SlaService({
    tickets,
    timers: new TimerRepository(tables),
    clock,
    policy,
    log,
    kick: (tenantId, number, jobs) => kickLater(tenantId, number, jobs),
    // Auto-escalation on breach (policy) takes the same path as an agent's Escalate.
    escalate: async (ticket) => {
      if (!isOpen(ticket) || ticket.handoff?.state === 'pending') return;
      const settings = await tenants.settings(ticket.tenantId);
      const next = tierChannel(settings, ticket.tier + 1, ticket.category);
      if (!next) return;
      const outcome = await triage.lifecycle(ticket.tenantId, ticket.number, SYSTEM_ACTOR, true, {
        kind: 'escalate',
        reason: t(ticket.locale, 'sla.autoEscalateReason'),
        notes: '',
        team: next.name ?? next.channelId,
      });
      if (outcome.kind === 'changed') {
        kickLater(ticket.tenantId, ticket.number, outcome.jobs, outcome.written);
      }
    },
  });
  const problems = new RecurringRepository(tables);
  const reports = new ReportService({
    stats,
    policy,
    clock,
    problems,
    problemThreshold: config.recurring.threshold,
  });
  // Recurring problems: the service is built before the notifier that posts its cards.
  const edge: { groupCards?: GroupCards } = {};
  const recurring = new RecurringService({
    repo: problems,
    tickets,
    tenants,
    clock,
    windowDays: config.recurring.windowDays,
    threshold: config.recurring.threshold,
    playbooks: shippedPlaybooks(),
    log,
    cards: () => edge.groupCards,
  });
  const notifier = new TeamsNotifier({
    adapter,
    botAppId: config.bot.appId,
    tickets,
    tenants,
    users,
    agents,
    policy,
    log,
    supportAdmins: config.supportAdmins,
    clock,
    kbStats: new KbStatsRepository(tables),
    stats,
    recurring,
    arm: (ticket) => sla.armFor(ticket),
    autoAssign: config.autoAssign
      ? async (tenantId, number, people) => {
          const open = await tickets.openTickets(tenantId);
          const to = leastLoaded(people, open);
          const outcome = await triage.act(tenantId, number, SYSTEM_ACTOR, true, {
            kind: 'assign',
            to,
          });
          if (outcome.kind === 'changed') {
            kickLater(tenantId, number, outcome.jobs, outcome.written);
          }
        }
      : undefined,
  });
  edge.groupCards = notifier.groupCards();
  const digest = new DigestService({
    digests: new DigestRepository(tables),
    tenants,
    reports,
    clock,
    timeZone: policy.calendar.timeZone,
    log,
    post: (tenantId, channel, card) => notifier.postCard(tenantId, channel, card),
  });
  const turns = new TurnGauge();
  const dispatcher = new OutboxDispatcher(
    outbox,
    (job, batch) => notifier.perform(job, batch),
    log,
    {
      intervalMs: config.outboxSweepMs,
      claimTtlMs: config.outboxClaimTtlMs,
      onDead: (job, status) => notifier.reportDead(job, status),
      turnsInFlight: () => turns.active,
      busyTurns: TurnGauge.BUSY,
    },
  );
  turns.onEnd(() => dispatcher.resume());
  // Work after the answer (e-mail look-ups, extras under load) gives way to turns like the outbox.
  const later = new AfterAnswer({
    adapter,
    botAppId: config.bot.appId,
    busy: () => turns.busy,
    gate: (work) => dispatcher.background(work),
    log,
  });
  const directory = new DirectoryLearner({ after: later, emails, users, log });
  const kick = (tenantId: string, number: number, jobs: JobSpec[], written?: OutboxJob[]) =>
    dispatcher.kick(tenantId, number, jobs, written);
  kickLater = kick;
  const intake = new IntakeService({
    tickets,
    users,
    clock,
    policy,
    trackingPrefix: config.trackingPrefix,
    suggest: opts.suggest ?? classifierSuggest(),
    kick,
    onReindexed: (ticket, ok) =>
      ok
        ? log.info({ ticket: ticket.trackingId }, 'ticket put into its requester index again')
        : log.warn({ ticket: ticket.trackingId }, 'ticket still not in its requester index'),
  });
  // The links' base: PUBLIC_URL, else this server on localhost (its port is known once listening).
  let listeningPort = config.port;
  const exports = new ExportService({
    keys: new ExportKeyRepository(tables),
    range: new TicketRangeRepository(tables),
    clock,
    timeZone: policy.calendar.timeZone,
    publicUrl: () => config.publicUrl ?? `http://localhost:${listeningPort}`,
  });
  const app = createTeamsApp(adapter, {
    intake,
    users,
    trackingPrefix: config.trackingPrefix,
    log,
    bot: config.bot,
    startTypingTimer: opts.startTypingTimer,
    channel: {
      tenants,
      tickets,
      agents,
      policy,
      trackingPrefix: config.trackingPrefix,
      supportAdmins: config.supportAdmins,
      localMode: config.localMode,
      log,
      sweep: () => void dispatcher.sweep({ releaseHeld: true }).catch(() => undefined),
      reports,
      onSetup: (tenantId) => digest.enroll(tenantId),
      exports,
      clock,
    },
    triage: {
      triage,
      tenants,
      agents,
      policy,
      log,
      clock,
      kick,
    },
    requester: { triage, tickets, policy, clock, log, kick },
    messageExtension: {
      intake,
      search: new TicketSearchService({ tickets, users }),
      tenants,
      agents,
      policy,
      trackingPrefix: config.trackingPrefix,
      log,
    },
    handoff: { triage, tickets, tenants, agents, policy, log, clock, kick },
    survey: { surveys: new SurveyService({ tickets, clock }), log, kick },
    recurring: { recurring, tenants, agents, policy, log },
    logCall: { intake, emails, users, tenants, agents, log },
    directory,
    later,
  });

  // Ticket keys wait for the table's layout (read with the tables below).
  holdTicketLayout();
  dispatcher.start();
  sla.start(config.slaSweepMs);
  digest.start(config.slaSweepMs);
  let storageReady = false;
  let stopping = false;
  let retryTimer: NodeJS.Timeout | undefined;
  // Until storage answers, /healthz says 503 and the tables are created as soon as it does.
  void (async () => {
    for (let attempt = 0; !stopping; attempt++) {
      try {
        await ensureTables(tables);
        await settleTicketLayout(tables);
        storageReady = true;
        await sla
          .reconcilePolicy()
          .catch((e) => log.warn({ err: (e as Error).message }, 'SLA policy check failed'));
        return;
      } catch (e) {
        if (attempt % 10 === 0) log.warn({ err: (e as Error).message }, 'storage not ready yet');
        await new Promise<void>((r) => {
          retryTimer = setTimeout(r, Math.min(2000, 100 * (attempt + 1)));
        });
      }
    }
  })();

  const server = createServer({
    adapter,
    app,
    log,
    turns,
    testClock,
    // Moving the test clock looks at the timers due at the new time right away.
    onClockChange: () => {
      void sla.sweep().catch(() => undefined);
      void digest.sweep().catch(() => undefined);
    },
    exportCsv: { service: exports, log },
    emailIntake: config.emailIntake && {
      secret: config.emailIntake.secret,
      log,
      service: new EmailIntakeService({
        intake,
        tickets,
        clock,
        policy,
        trackingPrefix: config.trackingPrefix,
        tenantId: config.emailIntake.tenantId,
        kick,
      }),
    },
    health: async () => {
      if (!storageReady) return { ok: false, detail: 'starting' };
      await pingStorage(tables);
      return { ok: true };
    },
  });
  await new Promise<void>((ok) => server.listen(config.port, opts.host ?? '0.0.0.0', ok));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  listeningPort = port;
  log.info({ port }, `listening: POST http://localhost:${port}/api/messages, GET /healthz`);
  if (config.localMode) {
    log.info('try it without a Teams tenant: `npm run playground` (Agents Playground, local only)');
  }

  return {
    server,
    port,
    tables,
    clock,
    log,
    turns,
    dispatcher,
    directory,
    sla,
    digest,
    stop: async () => {
      stopping = true;
      if (retryTimer) clearTimeout(retryTimer);
      await sla.stop();
      await digest.stop();
      await dispatcher.stop();
      await later.idle();
      const closed = new Promise<void>((ok) => server.close(() => ok()));
      server.server.closeIdleConnections();
      await closed;
      await azurite?.stop();
    },
  };
}

/** Who acts when the bot itself assigns a ticket. */
const SYSTEM_ACTOR = { id: 'system', name: 'Support Desk' };

/** The agent with the fewest open tickets (ties: alphabetical, so the choice is stable). */
export function leastLoaded(people: Person[], open: OpenTicket[]): Person {
  const load = new Map(people.map((p) => [p.id, 0]));
  for (const o of open)
    if (o.owner && load.has(o.owner.id)) load.set(o.owner.id, load.get(o.owner.id)! + 1);
  return [...people].sort(
    (a, b) => load.get(a.id)! - load.get(b.id)! || a.name.localeCompare(b.name),
  )[0];
}

/** The offline classifier's category, impact and severity for free text (spec 2.2). */
function classifierSuggest(): Suggest {
  const classifier = loadDefaultClassifier();
  return (text) => {
    const { category, impact, severity } = classifier.classify(text);
    return { category, impact, severity };
  };
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  // No typing indicator: replies come within a second, and each indicator is one more connector
  // call per message, counted against Teams' per-bot rate limits.
  const bot = await startBot({ config, startTypingTimer: false });
  const shutdown = () => {
    bot.log.info('stopping');
    bot.stop().finally(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`failed to start: ${(e as Error).message}\n`);
    process.exit(1);
  });
}
