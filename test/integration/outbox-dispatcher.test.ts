import { DispatcherOptions, HeldError, OutboxDispatcher } from '../../src/jobs/outbox.dispatcher';
import { createLogger } from '../../src/logger';
import {
  JobBatch,
  JobSpec,
  OutboxJob,
  OutboxRepository,
  inSendOrder,
  jobAction,
  partsOf,
} from '../../src/storage/outbox.repository';
import { Tables } from '../../src/storage/tables';
import { TicketRepository } from '../../src/storage/ticket.repository';
import { testTables } from '../support/bot-harness';
import { ticketBuild } from '../support/ticket-build';

const TENANT = 'tenant-outbox';
const log = createLogger('silent');

let tables: Tables;
let outbox: OutboxRepository;

beforeAll(async () => {
  ({ tables } = await testTables());
  outbox = new OutboxRepository(tables);
});

/** A dispatcher on `repo` that sends with `perform`; it sweeps only when a test says so. */
function dispatcherFor(
  perform: (job: OutboxJob, batch: JobBatch) => Promise<void>,
  opts: Partial<DispatcherOptions> = {},
  repo: OutboxRepository = outbox,
): OutboxDispatcher {
  return new OutboxDispatcher(repo, perform, log, { intervalMs: 60_000, ...opts });
}

/** A `perform` that only records `what` of each job it is given. */
const recordInto =
  <T>(list: T[], what: (job: OutboxJob) => T) =>
  async (job: OutboxJob) => {
    list.push(what(job));
  };

/** The repository as the dispatcher sees it, with some methods replaced (to watch them). */
const watch = (methods: Partial<OutboxRepository>): OutboxRepository =>
  Object.assign(Object.create(outbox), methods);

/** The repository with its reads of a ticket's jobs recorded (the ticket numbers read). */
function readsWatched(): { reads: number[]; repo: OutboxRepository } {
  const reads: number[] = [];
  const repo = watch({
    jobsOf: async (tenantId: string, n: number) => {
      reads.push(n);
      return outbox.jobsOf(tenantId, n);
    },
  });
  return { reads, repo };
}

/** Queues jobs of one ticket in one transaction, as a change does. */
async function queue(number: number, specs: JobSpec[]): Promise<void> {
  await tables.tickets.submitTransaction(
    specs.map((spec) => jobAction(TENANT, number, spec, new Date())),
  );
}

/** The ticket's only job left is `kind`, waiting for its retry after a 503. */
async function expectOneRetry(tenantId: string, number: number, kind: string): Promise<void> {
  const left = await outbox.jobsOf(tenantId, number);
  expect(left).toHaveLength(1);
  expect(left[0]).toMatchObject({ kind, state: 'pending', attempts: 1, lastError: 'HTTP 503' });
  expect(left[0].nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
}

describe('outbox: the jobs of a ticket go together', () => {
  it('claims them in one transaction, in send order, and shares one read of the ticket', async () => {
    await queue(1, [
      'recurring.match',
      'triage.post',
      { kind: 'stats.tally', ref: '1' },
      'sla.arm',
    ]);
    const sent: string[] = [];
    const batches = new Set<JobBatch>();
    const dispatcher = dispatcherFor(async (job, batch) => {
      sent.push(job.kind);
      batches.add(batch);
    });
    dispatcher.kick(TENANT, 1, ['triage.post', 'sla.arm']);
    await dispatcher.idle();
    // The background jobs queued with them (due now, never tried) went along.
    expect(sent).toEqual(['sla.arm', 'triage.post', 'stats.tally', 'recurring.match']);
    expect(batches.size).toBe(1);
    expect(await outbox.jobsOf(TENANT, 1)).toEqual([]);
  });

  it('deletes the delivered jobs in one transaction; one queued again meanwhile stays and goes again', async () => {
    await queue(21, ['triage.update', 'requester.update', 'sla.arm']);
    const sent: string[] = [];
    const deletions: number[] = [];
    let requeued = false;
    const repo = watch({
      completeAll: async (jobs) => {
        deletions.push(jobs.length);
        return outbox.completeAll(jobs);
      },
    });
    const dispatcher = dispatcherFor(
      async (job) => {
        sent.push(job.kind);
        if (job.kind === 'requester.update' && !requeued) {
          // A click while it is being sent queues the requester's card again.
          requeued = true;
          await queue(21, ['requester.update']);
        }
      },
      {},
      repo,
    );
    dispatcher.kick(TENANT, 21, ['triage.update', 'requester.update', 'sla.arm']);
    await dispatcher.idle();
    expect(sent).toEqual(['sla.arm', 'triage.update', 'requester.update']);
    expect(deletions).toEqual([3]);
    const left = await outbox.jobsOf(TENANT, 21);
    expect(left.map((j) => [j.kind, j.state])).toEqual([['requester.update', 'pending']]);
    dispatcher.kick(TENANT, 21, ['requester.update']);
    await dispatcher.idle();
    expect(sent.slice(3)).toEqual(['requester.update']);
    expect(await outbox.jobsOf(TENANT, 21)).toEqual([]);
  });

  it('an unreadable bundle is kept as dead and reported, never dropped', async () => {
    await queue(22, [{ kind: 'bundle', ref: '3', data: '{not json' }]);
    const sent: string[] = [];
    const dead: string[] = [];
    const dispatcher = dispatcherFor(
      recordInto(sent, (j) => j.kind),
      { onDead: async (job) => void dead.push(job.kind) },
    );
    dispatcher.kick(TENANT, 22, ['bundle']);
    await dispatcher.idle();
    expect(sent).toEqual([]);
    expect(dead).toEqual(['bundle']);
    expect((await outbox.jobsOf(TENANT, 22)).map((j) => [j.kind, j.state, j.lastError])).toEqual([
      ['bundle', 'dead', 'unreadable bundle'],
    ]);
  });

  it('takes the free jobs one at a time when another sender holds one of them', async () => {
    await queue(2, ['triage.post', 'sla.arm']);
    const [arm, post] = inSendOrder(await outbox.jobsOf(TENANT, 2));
    // Another instance claimed the triage card first.
    const theirs = await outbox.claim(post, new Date());
    expect(theirs).toBeDefined();
    const taken = await outbox.claimAll([arm, post], new Date());
    expect(taken.map((j) => j.kind)).toEqual(['sla.arm']);
    // The claim's etag is the stored one: completing it deletes the row.
    await outbox.complete(taken[0]);
    expect((await outbox.jobsOf(TENANT, 2)).map((j) => j.kind)).toEqual(['triage.post']);
  });

  it('claims a backlog of more than 100 jobs of one ticket in parts', async () => {
    const notices: JobSpec[] = Array.from({ length: 130 }, (_, i) => ({
      kind: 'channel.notice' as const,
      ref: String(i + 1),
    }));
    for (let i = 0; i < notices.length; i += 100) await queue(7, notices.slice(i, i + 100));
    const jobs = await outbox.jobsOf(TENANT, 7);
    expect(jobs).toHaveLength(130);
    const taken = await outbox.claimAll(inSendOrder(jobs), new Date());
    expect(taken).toHaveLength(130);
    expect(taken.map((j) => Number(j.ref))).toEqual(notices.map((_, i) => i + 1));
    await Promise.all(taken.map((j) => outbox.complete(j)));
    expect(await outbox.jobsOf(TENANT, 7)).toEqual([]);
  });

  it('a failed job is kept for a retry on its own; the others of the batch are done', async () => {
    await queue(3, ['triage.post', 'sla.arm']);
    const dispatcher = dispatcherFor(async (job: OutboxJob) => {
      if (job.kind === 'triage.post') throw Object.assign(new Error('busy'), { statusCode: 503 });
    });
    dispatcher.kick(TENANT, 3, ['triage.post', 'sla.arm']);
    await dispatcher.idle();
    await expectOneRetry(TENANT, 3, 'triage.post');
  });
});

describe('outbox: a new ticket’s jobs', () => {
  // A tenant of its own: the tests above queue jobs for tickets 1, 2, 3… of theirs.
  const NEW_TENANT = 'tenant-outbox-new';

  /** Creates a ticket (its jobs queued with it), as intake does; `created` as the repository says. */
  /** A note by `who`, as a change appends it. */
  const note = (who: string) => ({
    type: 'note' as const,
    at: new Date(),
    actor: { id: who, name: who },
    channel: 'teams' as const,
    data: {},
  });

  /** A new ticket whose creation's jobs were all delivered already. */
  async function delivered(key: string) {
    const result = await created(key);
    const dispatcher = dispatcherFor(async () => undefined);
    dispatcher.kick(NEW_TENANT, result.stored.ticket.number, [], result.jobs);
    await dispatcher.idle();
    return result;
  }

  async function created(key: string) {
    const tickets = new TicketRepository(tables);
    return tickets.create(
      NEW_TENANT,
      key,
      ticketBuild(
        NEW_TENANT,
        {
          description: 'La VPN se desconecta',
          category: 'network',
          impact: 'medium',
          locale: 'es',
        },
        new Date(),
      ),
      ['triage.post', 'sla.arm'],
    );
  }

  it('are one row, returned by the creation with the etag storage holds', async () => {
    const result = await created('new-jobs-1');
    const stored = await outbox.jobsOf(NEW_TENANT, result.stored.ticket.number);
    expect(result.jobs?.map((j) => [j.kind, j.ref, j.etag, j.state, j.attempts])).toEqual(
      stored.map((j) => [j.kind, j.ref, j.etag, j.state, j.attempts]),
    );
    expect(stored.map((j) => j.kind)).toEqual(['bundle']);
    // Its parts, in send order, each as the job it would be on its own.
    const parts = partsOf(stored[0]);
    expect(parts.map((j) => j.kind)).toEqual([
      'sla.arm',
      'triage.post',
      'stats.tally',
      'recurring.match',
    ]);
    expect(parts[2]).toMatchObject({ ref: '1', etag: stored[0].etag, state: 'pending' });
    expect(JSON.parse(parts[2].data!)).toMatchObject({ stats: { opened: expect.any(String) } });
    // The same key again finds the ticket: no jobs of its own.
    const again = await created('new-jobs-1');
    expect(again.created).toBe(false);
    expect(again.jobs).toBeUndefined();
  });

  it('are claimed and sent without reading them back, in send order, then deleted', async () => {
    const result = await created('new-jobs-2');
    const number = result.stored.ticket.number;
    const { reads, repo } = readsWatched();
    const sent: string[] = [];
    const dispatcher = dispatcherFor(
      recordInto(sent, (j) => j.kind),
      {},
      repo,
    );
    dispatcher.kick(NEW_TENANT, number, ['triage.post', 'sla.arm'], result.jobs);
    await dispatcher.idle();
    expect(reads).toEqual([]);
    expect(sent).toEqual(['sla.arm', 'triage.post', 'stats.tally', 'recurring.match']);
    expect(await outbox.jobsOf(NEW_TENANT, number)).toEqual([]);
  });

  it('a change’s jobs too: returned with their etags, claimed without a read', async () => {
    const result = await delivered('new-jobs-4');
    const number = result.stored.ticket.number;
    const tickets = new TicketRepository(tables);
    const after = await tickets.appendEvent(
      result.stored,
      {
        type: 'note',
        at: new Date(),
        actor: { id: 'a1', name: 'Beto' },
        channel: 'teams',
        data: {},
      },
      (t) => t,
      undefined,
      ['triage.update', 'requester.update'],
    );
    const stored = await outbox.jobsOf(NEW_TENANT, number);
    expect(after?.jobs?.map((j) => [j.kind, j.etag]).sort()).toEqual(
      stored.map((j) => [j.kind, j.etag]).sort(),
    );
    const { reads, repo } = readsWatched();
    const sent: string[] = [];
    const dispatcher = dispatcherFor(
      recordInto(sent, (j) => j.kind),
      {},
      repo,
    );
    dispatcher.kick(NEW_TENANT, number, ['triage.update', 'requester.update'], after?.jobs);
    await dispatcher.idle();
    expect(reads).toEqual([]);
    expect(sent).toEqual(['triage.update', 'requester.update']);
    expect(await outbox.jobsOf(NEW_TENANT, number)).toEqual([]);
  });

  it('a second change while the first one’s jobs still wait makes a bundle of its own: nothing fails, all is sent', async () => {
    const result = await delivered('new-jobs-5');
    const number = result.stored.ticket.number;
    const tickets = new TicketRepository(tables);
    const jobs = ['triage.update', 'requester.update'] as const;
    const first = await tickets.appendEvent(result.stored, note('a1'), (t) => t, 'k1', [...jobs]);
    // Not delivered yet: the second change's jobs are another row.
    const second = await tickets.appendEvent(first!, note('a2'), (t) => t, 'k2', [...jobs]);
    expect(second?.ticket.eventCount).toBe(first!.ticket.eventCount + 1);
    const stored = await outbox.jobsOf(NEW_TENANT, number);
    expect(stored.map((j) => [j.kind, j.ref, j.state])).toEqual([
      ['bundle', String(first!.ticket.eventCount), 'pending'],
      ['bundle', String(second!.ticket.eventCount), 'pending'],
    ]);
    expect(second?.jobs?.map((j) => [j.kind, j.ref, j.etag])).toEqual([
      ['bundle', String(second!.ticket.eventCount), stored[1].etag],
    ]);
    expect(partsOf(stored[1]).map((j) => j.kind)).toEqual([...jobs]);
    // The same click again (its jobs still waiting too) is still recognised as already done.
    expect(
      await tickets.appendEvent(second!, note('a2'), (t) => t, 'k2', [...jobs]),
    ).toBeUndefined();
    const sent: string[] = [];
    const dispatcher = dispatcherFor(recordInto(sent, (j) => j.kind));
    dispatcher.kick(NEW_TENANT, number, [...jobs], first?.jobs);
    dispatcher.kick(NEW_TENANT, number, [...jobs], second?.jobs);
    await dispatcher.idle();
    expect(sent).toEqual([...jobs, ...jobs]);
    expect(await outbox.jobsOf(NEW_TENANT, number)).toEqual([]);
  });

  it('a change with one job writes it as it is, replacing one of its kind still waiting', async () => {
    const result = await delivered('new-jobs-8');
    const tickets = new TicketRepository(tables);
    const first = await tickets.appendEvent(result.stored, note('a1'), (t) => t, 'k8-1', [
      'triage.update',
    ]);
    const second = await tickets.appendEvent(first!, note('a2'), (t) => t, 'k8-2', [
      'triage.update',
    ]);
    const stored = await outbox.jobsOf(NEW_TENANT, result.stored.ticket.number);
    expect(stored.map((j) => [j.kind, j.etag])).toEqual([['triage.update', second!.jobs![0].etag]]);
  });

  it('taken by another sender meanwhile, they are left to it', async () => {
    const result = await created('new-jobs-3');
    const number = result.stored.ticket.number;
    expect(await outbox.claim(result.jobs![0], new Date())).toBeDefined();
    const sent: string[] = [];
    const dispatcher = dispatcherFor(recordInto(sent, (j) => j.kind));
    dispatcher.kick(NEW_TENANT, number, ['triage.post', 'sla.arm'], result.jobs);
    await dispatcher.idle();
    expect(sent).toEqual([]);
    expect((await outbox.jobsOf(NEW_TENANT, number)).map((j) => [j.kind, j.state])).toEqual([
      ['bundle', 'sending'],
    ]);
  });

  it('a part not delivered becomes a job of its own; the parts delivered are not sent again', async () => {
    const result = await created('new-jobs-6');
    const number = result.stored.ticket.number;
    const sent: string[] = [];
    let teamsDown = true;
    const dispatcher = dispatcherFor(async (job) => {
      if (job.kind === 'triage.post' && teamsDown) {
        throw Object.assign(new Error('busy'), { statusCode: 503 });
      }
      sent.push(job.kind);
    });
    dispatcher.kick(NEW_TENANT, number, ['triage.post', 'sla.arm'], result.jobs);
    await dispatcher.idle();
    expect(sent).toEqual(['sla.arm', 'stats.tally', 'recurring.match']);
    await expectOneRetry(NEW_TENANT, number, 'triage.post');
    // Once Teams answers, the job (kicked again) is sent alone, then nothing is left.
    teamsDown = false;
    sent.length = 0;
    dispatcher.kick(NEW_TENANT, number, ['triage.post']);
    await dispatcher.idle();
    expect(sent).toEqual(['triage.post']);
    expect(await outbox.jobsOf(NEW_TENANT, number)).toEqual([]);
  });

  it('a part Teams refuses for good is kept as dead and reported; the rest is done', async () => {
    const result = await created('new-jobs-7');
    const number = result.stored.ticket.number;
    const dead: [string, number | undefined][] = [];
    const dispatcher = dispatcherFor(
      async (job) => {
        if (job.kind === 'triage.post') throw Object.assign(new Error('gone'), { statusCode: 404 });
        if (job.kind === 'recurring.match') throw new HeldError('no supervisors channel yet');
      },
      { onDead: async (job, status) => void dead.push([job.kind, status]) },
    );
    dispatcher.kick(NEW_TENANT, number, ['triage.post', 'sla.arm'], result.jobs);
    await dispatcher.idle();
    expect(dead).toEqual([['triage.post', 404]]);
    const left = await outbox.jobsOf(NEW_TENANT, number);
    expect(left.map((j) => [j.kind, j.state, j.attempts, j.lastError])).toEqual([
      ['recurring.match', 'pending', 1, 'held'],
      ['triage.post', 'dead', 1, 'HTTP 404'],
    ]);
  });
});

describe('outbox: turns first', () => {
  it('starts nothing while the server is busy, until the turns end', async () => {
    await queue(4, ['triage.post']);
    let turns = 4;
    const sent: number[] = [];
    const dispatcher = dispatcherFor(
      recordInto(sent, (j) => j.number),
      { turnsInFlight: () => turns, busyTurns: 4, busyDeferMs: 60_000 },
    );
    dispatcher.kick(TENANT, 4, ['triage.post']);
    await new Promise((r) => setTimeout(r, 300));
    expect(sent).toEqual([]);
    turns = 0;
    dispatcher.resume(); // what the server calls when a turn ends
    await dispatcher.idle();
    expect(sent).toEqual([4]);
  });

  it('after `busyDeferMs` of a busy spell, sends one at a time', async () => {
    await queue(5, ['triage.post']);
    await queue(6, ['triage.post']);
    let running = 0;
    let most = 0;
    const dispatcher = dispatcherFor(
      async () => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 50));
        running -= 1;
      },
      {
        turnsInFlight: () => 8,
        busyTurns: 4,
        busyDeferMs: 200,
        giveWayMs: 60_000, // after the deferral the steps no longer wait
      },
    );
    const started = Date.now();
    dispatcher.kick(TENANT, 5, ['triage.post']);
    dispatcher.kick(TENANT, 6, ['triage.post']);
    await new Promise((r) => setTimeout(r, 100));
    expect(most).toBe(0);
    await dispatcher.idle();
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(most).toBe(1);
    expect(await outbox.jobsOf(TENANT, 5)).toEqual([]);
    expect(await outbox.jobsOf(TENANT, 6)).toEqual([]);
  });

  it('waits before each step while a turn is answered, and goes when the turns end', async () => {
    await queue(7, ['triage.post', 'sla.arm']);
    let turns = 1; // one request, not busy: only the steps give way
    const sent: string[] = [];
    const dispatcher = dispatcherFor(
      recordInto(sent, (j) => j.kind),
      { turnsInFlight: () => turns, giveWayMs: 60_000 },
    );
    dispatcher.kick(TENANT, 7, ['triage.post', 'sla.arm']);
    await new Promise((r) => setTimeout(r, 200));
    expect(sent).toEqual([]);
    expect(await outbox.jobsOf(TENANT, 7)).toMatchObject([
      { state: 'pending' },
      { state: 'pending' },
    ]);
    turns = 0;
    dispatcher.resume(); // the turn ended
    await dispatcher.idle();
    expect(sent).toEqual(['sla.arm', 'triage.post']);
    expect(await outbox.jobsOf(TENANT, 7)).toEqual([]);
  });

  it('keeps still between two turns of a steady stream, goes once no turn follows', async () => {
    await queue(8, ['triage.post']);
    await queue(9, ['triage.post']);
    let turns = 1;
    const steps: string[] = [];
    // The reads of a ticket's jobs, recorded.
    const watched = watch({
      jobsOf: (tenantId: string, number: number) => {
        steps.push(`read ${number}`);
        return outbox.jobsOf(tenantId, number);
      },
    });
    const dispatcher = dispatcherFor(
      async (job) => {
        steps.push(`send ${job.number}`);
      },
      { turnsInFlight: () => turns, giveWayMs: 60_000 },
      watched,
    );
    dispatcher.kick(TENANT, 8, ['triage.post']);
    dispatcher.kick(TENANT, 9, ['triage.post']);
    await new Promise((r) => setTimeout(r, 100));
    expect(steps).toEqual([]);
    // A turn ends and the next begins at once, again and again: nothing moves.
    for (let i = 0; i < 5; i++) {
      turns = 0;
      dispatcher.resume();
      turns = 1;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(steps).toEqual([]);
    // The last turn ends and nothing follows: everything goes.
    turns = 0;
    dispatcher.resume();
    await dispatcher.idle();
    expect(steps.filter((s) => s.startsWith('send')).sort()).toEqual(['send 8', 'send 9']);
  });

  it('goes after `giveWayMs` even while turns never end', async () => {
    await queue(10, ['triage.post']);
    const sent: number[] = [];
    const dispatcher = dispatcherFor(
      recordInto(sent, (j) => j.number),
      { turnsInFlight: () => 2, giveWayMs: 30 },
    );
    const started = Date.now();
    dispatcher.kick(TENANT, 10, ['triage.post']);
    await dispatcher.idle();
    expect(sent).toEqual([10]);
    // Four steps (read, claim, send, delete), each after waiting its 30 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(4 * 30 - 5);
  });

  it('while turns never end, lets one waiting step go per `giveWayMs`, not every delivery’s at once', async () => {
    for (const n of [14, 15, 16]) await queue(n, ['triage.post']);
    const sent: number[] = [];
    const dispatcher = dispatcherFor(
      recordInto(sent, (j) => j.number),
      { turnsInFlight: () => 2, giveWayMs: 40 },
    );
    const started = Date.now();
    for (const n of [14, 15, 16]) dispatcher.kick(TENANT, n, ['triage.post']);
    await dispatcher.idle();
    expect(sent.sort()).toEqual([14, 15, 16]);
    // Three deliveries of four steps each: twelve steps, 40 ms apart (all at once per delivery,
    // they would have taken four times 40 ms).
    expect(Date.now() - started).toBeGreaterThanOrEqual(12 * 40 - 5);
  });

  it('sends the deliveries of one ticket one after the other, in the order kicked', async () => {
    await queue(11, ['triage.post']);
    let release!: () => void;
    const posted = new Promise<void>((ok) => (release = ok));
    const sent: string[] = [];
    const dispatcher = dispatcherFor(async (job) => {
      if (job.kind === 'triage.post') await posted; // the channel is slow
      sent.push(job.kind);
    });
    dispatcher.kick(TENANT, 11, ['triage.post']);
    await new Promise((r) => setTimeout(r, 100));
    // A click on the same ticket queues a thread notice while the card is still being posted.
    await queue(11, [{ kind: 'channel.notice', ref: '2' }]);
    dispatcher.kick(TENANT, 11, [{ kind: 'channel.notice', ref: '2' }]);
    await new Promise((r) => setTimeout(r, 200));
    expect(sent).toEqual([]); // the notice waits for the card
    release();
    await dispatcher.idle();
    expect(sent).toEqual(['triage.post', 'channel.notice']);
    expect(await outbox.jobsOf(TENANT, 11)).toEqual([]);
  });

  it('a sweep leaves a ticket whose delivery is under way to that delivery', async () => {
    await outbox.touch(TENANT, 12); // the marker that sends the sweep to this partition
    await queue(12, ['triage.post']);
    let turns = 1;
    const sent: string[] = [];
    const claims: number[] = [];
    const watched = watch({
      claimAll: (jobs, now) => {
        // (the sweep may also meet jobs other tests left for a retry)
        if (jobs.some((j) => j.number === 12)) claims.push(jobs.length);
        return outbox.claimAll(jobs, now);
      },
    });
    const dispatcher = dispatcherFor(
      async (job) => {
        if (job.number === 12) sent.push(job.kind);
      },
      { turnsInFlight: () => turns, giveWayMs: 60_000 },
      watched,
    );
    // The kick waits for the turn to end; a sweep meanwhile finds the job pending and due.
    dispatcher.kick(TENANT, 12, ['triage.post']);
    const sweep = dispatcher.sweep();
    await new Promise((r) => setTimeout(r, 100));
    turns = 0;
    dispatcher.resume();
    await sweep;
    await dispatcher.idle();
    expect(sent).toEqual(['triage.post']);
    expect(claims).toEqual([1]); // one claim, no second one with the rows the sweep had read
  });

  it('stops giving way at half the claim’s lifetime: claimed jobs are sent and deleted in time', async () => {
    await queue(13, ['triage.post', 'sla.arm', { kind: 'stats.tally', ref: '1' }]);
    const at: Record<string, number> = {};
    const watched = watch({
      claimAll: async (jobs, now) => {
        const claimed = await outbox.claimAll(jobs, now);
        at.claimed = Date.now();
        return claimed;
      },
      completeAll: async (jobs) => {
        await outbox.completeAll(jobs);
        at.done = Date.now();
      },
    });
    const sent: string[] = [];
    const dispatcher = dispatcherFor(
      recordInto(sent, (j) => j.kind),
      // Turns never end; a step would wait 300 ms, a claim lives 400 ms.
      { turnsInFlight: () => 1, giveWayMs: 300, claimTtlMs: 400 },
      watched,
    );
    dispatcher.kick(TENANT, 13, ['triage.post', 'sla.arm', { kind: 'stats.tally', ref: '1' }]);
    await dispatcher.idle();
    expect(sent).toHaveLength(3);
    // Three sends and the deletion, each of which would have waited 300 ms.
    expect(at.done - at.claimed).toBeLessThan(400);
    expect(await outbox.jobsOf(TENANT, 13)).toEqual([]);
  });
});
