import * as restify from 'restify';
import { z } from 'zod';
import { Application, TeamsAdapter, TurnState } from './teams/teams-ai';
import { SettableClock } from './domain/clock';
import { EMAIL_INTAKE_PATH, EmailIntakeDeps, registerEmailIntake } from './edge/email-intake';
import { ExportEdgeDeps, registerExport } from './edge/export';
import { Logger } from './logger';
import { ANSWER_NOW } from './teams/answer-now';
import { inScope } from './work-scope';

/**
 * Requests from Teams under way (a turn may go on briefly after its answer: `answerNow`).
 * Background work (the outbox) reads it to give way to them, and hears when one ends.
 */
export class TurnGauge {
  /** Turns at once from which the server counts as busy (background work gives way). */
  static readonly BUSY = 4;
  private count = 0;
  private readonly eased: (() => void)[] = [];
  private readonly idlers: (() => void)[] = [];
  private answeredEarly = 0;

  get active(): number {
    return this.count;
  }

  get busy(): boolean {
    return this.count >= TurnGauge.BUSY;
  }

  onEnd(listener: () => void): void {
    this.eased.push(listener);
  }

  /**
   * Resolves once no turn that answered early (`answerNow`) is still at work: tests read what such
   * a turn sent after its answer.
   */
  afterAnswers(): Promise<void> {
    if (this.answeredEarly === 0) return Promise.resolve();
    return new Promise<void>((ok) => this.idlers.push(ok));
  }

  /** `work` is a turn; it calls `answered` if it answers Teams before it ends. */
  async around<T>(work: (answered: () => void) => Promise<T>): Promise<T> {
    this.count += 1;
    let early = false;
    const answered = () => {
      if (early) return;
      early = true;
      this.answeredEarly += 1;
    };
    try {
      return await work(answered);
    } finally {
      this.count -= 1;
      if (early) this.answeredEarly -= 1;
      for (const listener of this.eased) listener();
      if (this.answeredEarly === 0) this.idlers.splice(0).forEach((ok) => ok());
    }
  }
}

/**
 * The response the adapter writes to: the real one until `answerNow` answered it, nothing after
 * (the adapter's own answer at the end of the turn is then dropped).
 */
function earlyAnswerable(res: restify.Response, onAnswer?: () => void) {
  let answered = false;
  const proxy = {
    header: (name: string, value: unknown) => {
      if (!answered) res.header(name, value);
      return proxy;
    },
    status: (code: number) => {
      if (!answered) res.status(code);
      return code;
    },
    send: (body?: unknown) => {
      if (!answered) res.send(body);
      return proxy;
    },
    end: () => {
      if (!answered) res.end();
      return proxy;
    },
  };
  const answer = () => {
    if (answered || res.headersSent) return;
    answered = true;
    onAnswer?.();
    res.status(200);
    res.end();
  };
  return { proxy, answer };
}

export interface ServerDeps {
  adapter: TeamsAdapter;
  /** counts the turns under way (the outbox gives way to them) */
  turns?: TurnGauge;
  app: Application<TurnState>;
  log: Logger;
  /** resolves when storage answers; `/healthz` says 503 until then */
  health: () => Promise<{ ok: boolean; detail?: string }>;
  /** present only when the test clock is enabled (never in production) */
  testClock?: SettableClock;
  /** called after the test clock moved (timers due at the new time are looked at at once) */
  onClockChange?: () => void;
  /** largest request body accepted, in bytes */
  maxBodyBytes?: number;
  /** `POST /api/intake/email`, only when a secret is configured (404 otherwise) */
  emailIntake?: EmailIntakeDeps;
  /** `GET /api/export/tickets.csv` and `/events.csv`, the signed CSV links */
  exportCsv?: ExportEdgeDeps;
}

const ClockCommand = z.union([
  z.object({ now: z.string().datetime({ offset: true }) }).strict(),
  z.object({ advanceMinutes: z.number().finite().min(-525_600).max(525_600) }).strict(),
]);

const Account = z.object({
  id: z.string().min(1).max(1000),
  name: z.string().max(1000).nullish(),
  aadObjectId: z.string().max(200).nullish(),
});

/**
 * The parts of an activity the bot reads, with the types Teams sends them in (Bot Framework
 * protocol). Anything else is answered 400 here, before a handler trips on it and answers 500.
 * Other fields are allowed and left alone: only the verdict is used, so the objects are not
 * copied through (`passthrough` copied every field for nothing: about 2 µs a request).
 */
const IncomingActivity = z
  .object({
    type: z.string().min(1).max(100),
    id: z.string().max(1000).optional(),
    name: z.string().max(200).optional(),
    serviceUrl: z.string().max(2000).optional(),
    channelId: z.string().max(200).optional(),
    locale: z.string().max(100).nullish(),
    text: z.string().optional(),
    from: Account.optional(),
    recipient: Account.optional(),
    conversation: z.object({ id: z.string().min(1).max(1000) }),
    entities: z.array(z.object({})).nullish(),
    attachments: z.array(z.object({})).nullish(),
    channelData: z.object({}).nullish(),
  })
  .refine((a) => (a.type !== 'message' && a.type !== 'invoke') || a.from !== undefined);

/** restify: the Bot Framework endpoint, health, and (in tests) the clock. */
export function createServer(deps: ServerDeps): restify.Server {
  const server = restify.createServer({ name: 'support-desk', handleUncaughtExceptions: false });
  server.use(
    // The e-mail intake reads its own raw body: its signature covers the exact bytes.
    unlessPath(
      EMAIL_INTAKE_PATH,
      restify.plugins.bodyParser({
        maxBodySize: deps.maxBodyBytes ?? 2 * 1024 * 1024,
        mapParams: false,
        rejectUnknown: true,
      }),
    ),
  );

  server.post('/api/messages', async (req, res) => {
    if (req.getContentType() !== 'application/json') {
      res.send(415, { code: 'UnsupportedMediaType', message: 'expected application/json' });
      return;
    }
    if (!IncomingActivity.safeParse(req.body).success) {
      res.send(400, { code: 'BadRequest', message: 'expected a JSON activity' });
      return;
    }
    const turn = (answered?: () => void) => {
      const { proxy, answer } = earlyAnswerable(res, answered);
      return inScope('turn', () =>
        deps.adapter.process(req, proxy as unknown as restify.Response, async (context) => {
          // Only a message may be answered before its turn ends: an invoke's answer is its body.
          if (context.activity.type === 'message') context.turnState.set(ANSWER_NOW, answer);
          await deps.app.run(context);
        }),
      );
    };
    await (deps.turns ? deps.turns.around(turn) : turn());
  });

  server.get('/healthz', async (_req, res) => {
    const h = await deps.health().catch(() => ({ ok: false, detail: 'storage check failed' }));
    res.send(h.ok ? 200 : 503, {
      status: h.ok ? 'ok' : 'starting',
      storage: h.ok ? 'ok' : h.detail,
    });
  });

  if (deps.emailIntake) registerEmailIntake(server, deps.emailIntake);
  if (deps.exportCsv) registerExport(server, deps.exportCsv);

  const clock = deps.testClock;
  if (clock) {
    server.get('/test/clock', async (_req, res) => {
      res.send(200, { now: clock.now().toISOString() });
    });
    server.post('/test/clock', async (req, res) => {
      const parsed = ClockCommand.safeParse(req.body);
      if (!parsed.success) {
        res.send(400, {
          code: 'BadRequest',
          message: 'expected {"now":"<ISO time>"} or {"advanceMinutes":n}',
        });
        return;
      }
      if ('now' in parsed.data) clock.set(new Date(parsed.data.now));
      else clock.advanceMinutes(parsed.data.advanceMinutes);
      deps.onClockChange?.();
      res.send(200, { now: clock.now().toISOString() });
    });
  }

  // Whatever fails inside a handler: a short JSON answer, never a stack trace.
  server.on('restifyError', (req, _res, err, next) => {
    const status = typeof err.statusCode === 'number' ? err.statusCode : 500;
    if (status >= 500) {
      deps.log.error(
        { path: req.path(), err: { name: err.name, message: err.message } },
        'http error',
      );
    }
    err.toJSON = () => ({
      code: status >= 500 ? 'Internal' : (err.body?.code ?? 'BadRequest'),
      message:
        status >= 500 ? 'internal error' : String(err.body?.message ?? err.message).slice(0, 200),
    });
    return next();
  });
  return server;
}

/** Runs `handlers` in order, except for requests to `path`. */
function unlessPath(path: string, handlers: restify.RequestHandler[]): restify.RequestHandler {
  return (req, res, next) => {
    if (req.path() === path) return next();
    const run = (i: number): void => {
      if (i === handlers.length) return next();
      handlers[i](req, res, (err?: unknown) =>
        err === undefined || err === null ? run(i + 1) : next(err),
      );
    };
    run(0);
  };
}
