import { TableEntityResult, TransactionAction, odata } from '@azure/data-tables';
import { keyPart, pad } from './keys';
import { Tables, statusOf } from './tables';
import { StoredTicket, bucketOf, ticketPartition } from './ticket.repository';

/**
 * The durable outbox: every proactive message is a row written in the same transaction as the
 * change that causes it (in the ticket's partition), sent with backoff, and deleted once
 * delivered. A job names what to send, not its content: the sender renders the ticket's state at
 * sending time, so repeated updates of one card collapse into one job (same row key).
 */
export const OUTBOX_KINDS = [
  'triage.post',
  'triage.update',
  'triage.mention',
  'requester.update',
  /** sets the durable SLA timer for the ticket's next due time */
  'sla.arm',
  /** a notice in the ticket's channel thread about one event (`ref`: the event's number) */
  'channel.notice',
  /** a message to the requester's chat about one event (`ref`: the event's number) */
  'requester.notice',
  /** the handoff card in the next tier's channel: posted, then updated in place */
  'handoff.post',
  'handoff.update',
  /** counts a steps outcome into its playbook's success rate (`ref`: the event's number) */
  'kb.tally',
  /** the satisfaction survey card to the requester's chat (`ref`: the survey round) */
  'survey.post',
  /** the one reminder of an unanswered survey (`ref`: the event that recorded it) */
  'survey.remind',
  /** a low rating to the supervisor channel (`ref`: the `rated` event's number) */
  'survey.alert',
  /** the requester's acknowledgement in their chat when someone else registered the ticket */
  'requester.ack',
  /** adds an event's contribution to the report totals (`ref`: the event's number) */
  'stats.tally',
  /** groups a new ticket with similar ones of its category; posts or updates the group's card */
  'recurring.match',
  /**
   * All the jobs of one change in one row (`ref`: the event's number, `data`: their specs, see
   * `bundleJob`): one row to write, claim and delete instead of one per job. Its parts are sent
   * in their send order; those that fail are written as jobs of their own
   * (`OutboxRepository.split`) and retried as such. Two quick changes make two bundles, each
   * sent (a card is then refreshed twice, each time as stored).
   */
  'bundle',
] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];

/**
 * The order in which the jobs of one ticket are sent together: the SLA timer (one write, and
 * first, so that it shares the ticket's read with the card that follows), what people wait for
 * (the triage card, the requester's card), then the counting and matching (which links the
 * triage card, so it comes after it).
 */
const SEND_ORDER: readonly OutboxKind[] = [
  'bundle',
  'sla.arm',
  'triage.post',
  'requester.ack',
  'triage.update',
  'requester.update',
  'handoff.post',
  'handoff.update',
  'triage.mention',
  'channel.notice',
  'requester.notice',
  'survey.post',
  'survey.remind',
  'survey.alert',
  'kb.tally',
  'stats.tally',
  'recurring.match',
];

/** Jobs in the order they are sent together (by kind, then by event). */
export function inSendOrder(jobs: OutboxJob[]): OutboxJob[] {
  const rank = (j: OutboxJob) => SEND_ORDER.indexOf(j.kind);
  return [...jobs].sort(
    (a, b) => rank(a) - rank(b) || Number(a.ref ?? 0) - Number(b.ref ?? 0) || a.number - b.number,
  );
}

/**
 * What the jobs of one ticket, sent one after the other, share: the ticket, read once (a job that
 * changes it forgets it, so that the next one reads it again).
 */
export interface JobBatch {
  ticket?: Promise<StoredTicket | undefined>;
}

/** A job to queue: a kind alone (one per ticket), or a kind about one event (`ref`). */
export type JobSpec = OutboxKind | { kind: OutboxKind; ref: string; data?: string };

export function specOf(spec: JobSpec | Pick<OutboxJob, 'kind' | 'ref' | 'data'>): {
  kind: OutboxKind;
  ref?: string;
  data?: string;
} {
  return typeof spec === 'string' ? { kind: spec } : spec;
}

/** The one job that carries all the jobs of the change recorded as event `seq` (see `bundle`). */
export function bundleJob(seq: number, specs: JobSpec[]): JobSpec {
  const parts = specs.map((spec) => {
    const { kind, ref, data } = specOf(spec);
    if (kind === 'bundle') throw new Error('bundle cannot hold another bundle');
    return { kind, ...(ref ? { ref } : {}), ...(data ? { data } : {}) };
  });
  return { kind: 'bundle', ref: String(seq), data: JSON.stringify(parts) };
}

/**
 * The jobs a `bundle` job carries, each as the job it would be on its own (the row's state,
 * attempts and etag), in their send order. A row whose data cannot be read yields none (it was
 * written by `bundleJob`; never seen otherwise).
 */
export function partsOf(job: OutboxJob): OutboxJob[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(job.data ?? '[]');
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const parts: OutboxJob[] = [];
  for (const p of parsed as { kind?: unknown; ref?: unknown; data?: unknown }[]) {
    const kind = p?.kind as OutboxKind;
    if (!OUTBOX_KINDS.includes(kind) || kind === 'bundle') continue;
    parts.push({
      ...job,
      kind,
      ref: typeof p.ref === 'string' && p.ref !== '' ? p.ref : undefined,
      data: typeof p.data === 'string' && p.data !== '' ? p.data : undefined,
    });
  }
  return inSendOrder(parts);
}

/** What became of a job that was not delivered: retried at `retryAt`, or kept as dead. */
export interface Undelivered {
  job: OutboxJob;
  error: string;
  retryAt: Date | 'dead';
  /** the HTTP status Teams (or storage) answered, if any */
  status?: number;
}

export interface OutboxJob {
  tenantId: string;
  number: number;
  kind: OutboxKind;
  /** what the job is about beyond the ticket (an event number), when it is not the ticket itself */
  ref?: string;
  /** what the job needs that the change already knew (JSON), so that it need not read it again */
  data?: string;
  state: 'pending' | 'sending' | 'dead';
  attempts: number;
  nextAttemptAt: Date;
  claimedAt?: Date;
  lastError?: string;
  etag: string;
}

const MARKERS = 'outbox';
const jobRowKey = (number: number, kind: OutboxKind, ref?: string) =>
  `o|${pad(number, 9)}|${kind}${ref ? `|${ref}` : ''}`;
const markerRowKey = (tenantId: string, bucket: number) => `${keyPart(tenantId)}|${pad(bucket, 6)}`;

/** Jobs claimed in one transaction at most (Azure Tables' limit of operations per transaction). */
const MAX_CLAIM = 100;

/**
 * The transaction action that (re)queues a job; an older pending copy is replaced. A new
 * ticket's jobs (`fresh`) are created instead: nothing can be there yet, and a creation is one
 * key look-up for the store where a replacement is two (Azurite scans the partition for each).
 */
export function jobAction(
  tenantId: string,
  number: number,
  spec: JobSpec,
  now: Date,
  fresh = false,
): TransactionAction {
  const row = jobRow(tenantId, number, spec, {
    state: 'pending',
    attempts: 0,
    nextAttemptAt: now,
    lastError: '',
  });
  return fresh ? ['create', row] : ['upsert', row, 'Replace'];
}

/** Allow-list mapper: a job → its whole row. */
function jobRow(
  tenantId: string,
  number: number,
  spec: JobSpec | Pick<OutboxJob, 'kind' | 'ref' | 'data'>,
  progress: { state: OutboxJob['state']; attempts: number; nextAttemptAt: Date; lastError: string },
) {
  const { kind, ref, data } = specOf(spec);
  return {
    partitionKey: ticketPartition(tenantId, number),
    rowKey: jobRowKey(number, kind, ref),
    tenantId,
    number,
    kind,
    ref: ref ?? '',
    data: data ?? '',
    ...progress,
  };
}

type Row = TableEntityResult<Record<string, unknown>>;

/** The keys of a job's row. */
const keysOf = (job: OutboxJob) => ({
  partitionKey: ticketPartition(job.tenantId, job.number),
  rowKey: jobRowKey(job.number, job.kind, job.ref),
});

/** The merge that takes a job for sending (made with the job's etag). */
const claimRow = (job: OutboxJob, now: Date) => ({
  ...keysOf(job),
  state: 'sending',
  claimedAt: now,
});

/** The spec a job was queued with. */
const specOfJob = (job: OutboxJob): JobSpec =>
  job.ref ? { kind: job.kind, ref: job.ref } : job.kind;

function rowToJob(r: Row): OutboxJob {
  return {
    tenantId: String(r.tenantId ?? ''),
    number: Number(r.number),
    kind: String(r.kind) as OutboxKind,
    ref: typeof r.ref === 'string' && r.ref !== '' ? r.ref : undefined,
    data: typeof r.data === 'string' && r.data !== '' ? r.data : undefined,
    state: r.state === 'sending' ? 'sending' : r.state === 'dead' ? 'dead' : 'pending',
    attempts: Number(r.attempts ?? 0),
    nextAttemptAt:
      r.nextAttemptAt instanceof Date ? r.nextAttemptAt : new Date(String(r.nextAttemptAt)),
    claimedAt: r.claimedAt instanceof Date ? r.claimedAt : undefined,
    lastError: typeof r.lastError === 'string' ? r.lastError : undefined,
    etag: r.etag,
  };
}

/**
 * The job a transaction just wrote (`jobAction`'s row) with the etag the transaction returned:
 * its sender needs no read to find it.
 */
export function writtenJob(action: TransactionAction, etag: string): OutboxJob {
  return rowToJob({ ...(action[1] as Record<string, unknown>), etag } as Row);
}

/**
 * How long a touch of this process stands for the next writes to the same partition. The sweeper
 * forgets a partition's marker only after it stayed untouched for `markerIdleMs` (60 s by
 * default, real time), so writes within this window are always found, even by a slow writer.
 */
export const TOUCH_REUSE_MS = 20_000;

export class OutboxRepository {
  /** When this process last touched each partition's marker (real time, ms). */
  private readonly touched = new Map<string, number>();

  constructor(private readonly tables: Tables) {}

  /**
   * Marks the ticket's partition as holding jobs, before the transaction that writes them, so
   * that the sweeper finds them without scanning. Harmless if the transaction then fails. A marker
   * this process touched less than `TOUCH_REUSE_MS` ago is not written again (one round trip
   * less per change in a busy partition). `touchedAt` is real time: the sweeper compares it
   * with its own real clock.
   */
  async touch(tenantId: string, number: number): Promise<void> {
    const bucket = bucketOf(number);
    const key = markerRowKey(tenantId, bucket);
    const now = Date.now();
    const last = this.touched.get(key);
    if (last !== undefined && now - last < TOUCH_REUSE_MS) return;
    await this.tables.tenants.upsertEntity(
      {
        partitionKey: MARKERS,
        rowKey: key,
        tenantId,
        bucket,
        touchedAt: new Date(now),
      },
      'Replace',
    );
    this.touched.set(key, now);
  }

  /** Partitions that may hold jobs: [tenant, bucket, marker etag, last touched]. */
  async markers(): Promise<{ tenantId: string; bucket: number; etag: string; touchedAt: Date }[]> {
    const out: { tenantId: string; bucket: number; etag: string; touchedAt: Date }[] = [];
    for await (const r of this.tables.tenants.listEntities<Record<string, unknown>>({
      queryOptions: { filter: odata`PartitionKey eq ${MARKERS}` },
    })) {
      out.push({
        tenantId: String(r.tenantId),
        bucket: Number(r.bucket),
        etag: r.etag,
        touchedAt: r.touchedAt instanceof Date ? r.touchedAt : new Date(String(r.touchedAt)),
      });
    }
    return out;
  }

  /** Forgets a marker, unless a writer touched it since it was read. */
  async dropMarker(tenantId: string, bucket: number, etag: string): Promise<void> {
    await this.tables.tenants
      .deleteEntity(MARKERS, markerRowKey(tenantId, bucket), { etag })
      .catch((e) => {
        if (statusOf(e) !== 412 && statusOf(e) !== 404) throw e;
      });
  }

  /** The jobs of one partition (pending, in flight and dead). */
  async jobsIn(tenantId: string, bucket: number): Promise<OutboxJob[]> {
    return this.jobsBetween(`${keyPart(tenantId)}|${pad(bucket, 6)}`, 'o|', 'o}');
  }

  async job(tenantId: string, number: number, spec: JobSpec): Promise<OutboxJob | undefined> {
    const { kind, ref } = specOf(spec);
    try {
      return rowToJob(
        await this.tables.tickets.getEntity(
          ticketPartition(tenantId, number),
          jobRowKey(number, kind, ref),
        ),
      );
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw e;
    }
  }

  /** The jobs of one ticket (pending, in flight and dead), in one query. */
  async jobsOf(tenantId: string, number: number): Promise<OutboxJob[]> {
    const n = pad(number, 9);
    return this.jobsBetween(ticketPartition(tenantId, number), `o|${n}|`, `o|${n}}`);
  }

  /** The job rows of a partition whose row keys lie in [from, to). */
  private async jobsBetween(pk: string, from: string, to: string): Promise<OutboxJob[]> {
    const out: OutboxJob[] = [];
    for await (const r of this.tables.tickets.listEntities<Record<string, unknown>>({
      queryOptions: {
        filter: odata`PartitionKey eq ${pk} and RowKey ge ${from} and RowKey lt ${to}`,
      },
    })) {
      out.push(rowToJob(r));
    }
    return out;
  }

  /**
   * Takes several jobs of one ticket for sending in one transaction. When another sender got
   * one of them first (or it was queued again), the transaction changes nothing and the jobs are
   * taken one at a time instead; returns those taken.
   */
  async claimAll(jobs: OutboxJob[], now: Date): Promise<OutboxJob[]> {
    if (jobs.length > MAX_CLAIM) {
      // A transaction holds at most 100 operations: a long backlog is claimed in parts.
      const parts: OutboxJob[] = [];
      for (let i = 0; i < jobs.length; i += MAX_CLAIM) {
        parts.push(...(await this.claimAll(jobs.slice(i, i + MAX_CLAIM), now)));
      }
      return parts;
    }
    if (jobs.length === 1) {
      const one = await this.claim(jobs[0], now);
      return one ? [one] : [];
    }
    try {
      const res = await this.tables.tickets.submitTransaction(
        jobs.map((job) => ['update', claimRow(job, now), 'Merge', { etag: job.etag }]),
      );
      // Sub-responses come in the order of the operations (an update's names no row key); a
      // response without an etag (never seen) is made good by reading the job.
      return Promise.all(
        jobs.map(async (job, i) => ({
          ...job,
          state: 'sending' as const,
          claimedAt: now,
          etag:
            res.subResponses[i]?.etag?.trim() ||
            ((await this.job(job.tenantId, job.number, specOfJob(job)))?.etag ?? ''),
        })),
      );
    } catch (e) {
      const status = statusOf(e);
      if (status !== 412 && status !== 404 && status !== 409) throw e;
      const taken = await Promise.all(jobs.map((job) => this.claim(job, now)));
      return taken.filter((j): j is OutboxJob => !!j);
    }
  }

  /** Takes a job for sending; undefined when another sender (or a newer copy) got there first. */
  async claim(job: OutboxJob, now: Date): Promise<OutboxJob | undefined> {
    try {
      const res = await this.tables.tickets.updateEntity(claimRow(job, now), 'Merge', {
        etag: job.etag,
      });
      return { ...job, state: 'sending', claimedAt: now, etag: res.etag ?? '' };
    } catch (e) {
      if (statusOf(e) === 412 || statusOf(e) === 404) return undefined;
      throw e;
    }
  }

  /**
   * Delivered, several jobs of one ticket: they go in one transaction, each with its etag; if
   * one was queued again meanwhile (the transaction then changes nothing), one at a time, so
   * that the others still go and that one is sent again.
   */
  async completeAll(jobs: OutboxJob[]): Promise<void> {
    if (jobs.length > MAX_CLAIM) {
      for (let i = 0; i < jobs.length; i += MAX_CLAIM) {
        await this.completeAll(jobs.slice(i, i + MAX_CLAIM));
      }
      return;
    }
    if (jobs.length <= 1) {
      await Promise.all(jobs.map((job) => this.complete(job)));
      return;
    }
    try {
      await this.tables.tickets.submitTransaction(
        jobs.map((job) => ['delete', { ...keysOf(job), etag: job.etag }]),
      );
    } catch (e) {
      const status = statusOf(e);
      if (status !== 412 && status !== 404) throw e;
      await Promise.all(jobs.map((job) => this.complete(job)));
    }
  }

  /**
   * A `bundle` job was sent part by part and some parts were not delivered: in one
   * transaction it goes (with its etag) and those parts become jobs of their own, with their
   * attempt counted, to be retried (or kept as dead) like any job. Nothing is written when
   * another sender took the job over meanwhile (it sends the parts again).
   */
  async split(job: OutboxJob, undelivered: Undelivered[]): Promise<boolean> {
    const actions: TransactionAction[] = [['delete', { ...keysOf(job), etag: job.etag }]];
    for (const { job: part, error, retryAt } of undelivered) {
      const row = jobRow(part.tenantId, part.number, part, {
        state: retryAt === 'dead' ? 'dead' : 'pending',
        attempts: part.attempts + 1,
        nextAttemptAt: retryAt === 'dead' ? job.nextAttemptAt : retryAt,
        lastError: error.slice(0, 500),
      });
      actions.push(['upsert', row, 'Replace']);
    }
    try {
      await this.tables.tickets.submitTransaction(actions);
      return true;
    } catch (e) {
      if (statusOf(e) === 412 || statusOf(e) === 404) return false;
      throw e;
    }
  }

  /** Delivered: the job goes, unless it was queued again meanwhile (then it is sent again). */
  async complete(job: OutboxJob): Promise<void> {
    const { partitionKey, rowKey } = keysOf(job);
    await this.tables.tickets.deleteEntity(partitionKey, rowKey, { etag: job.etag }).catch((e) => {
      if (statusOf(e) !== 412 && statusOf(e) !== 404) throw e;
    });
  }

  /** Not delivered: try again at `retryAt`, or keep it as dead (never dropped silently). */
  async fail(job: OutboxJob, error: string, retryAt: Date | 'dead'): Promise<void> {
    await this.tables.tickets
      .updateEntity(
        {
          ...keysOf(job),
          state: retryAt === 'dead' ? 'dead' : 'pending',
          attempts: job.attempts + 1,
          ...(retryAt === 'dead' ? {} : { nextAttemptAt: retryAt }),
          lastError: error.slice(0, 500),
        },
        'Merge',
        { etag: job.etag },
      )
      .catch((e) => {
        if (statusOf(e) !== 412 && statusOf(e) !== 404) throw e;
      });
  }
}
