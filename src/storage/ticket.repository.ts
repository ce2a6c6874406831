import { z } from 'zod';
import { TableEntityResult, TransactionAction, odata } from '@azure/data-tables';
import { Category } from '../domain/tickets/category';
import { Impact, Priority, Severity } from '../domain/tickets/priority-matrix';
import {
  IntakeChannel,
  Person,
  Ticket,
  TicketEvent,
  TicketStatus,
  isOpen,
} from '../domain/tickets/ticket';
import { ConcurrencyError, StorageUnavailableError } from '../domain/errors';
import { idemHash, keyPart, pad } from './keys';
import { bucketSize } from './ticket-layout';
import {
  JobSpec,
  OutboxJob,
  OutboxRepository,
  jobAction,
  bundleJob,
  writtenJob,
} from './outbox.repository';
import { slaFromJson, slaToJson } from './sla-state';
import { handoffFromJson, handoffToJson } from './handoff-state';
import { attachmentsFromJson, attachmentsToJson } from './attachments';
import { messageLinkFromColumn, messageLinkToColumn } from './message-link';
import { surveyCardColumns, surveyFromColumns, surveyToColumns } from './survey-columns';
import { Tables, isUnavailable, statusOf } from './tables';
import { EventStats, EventStatsSchema, eventStats } from '../domain/reports/stats';

/** UTF-16 code units per text chunk: 60 KB, under Azure's 64 KiB string limit. */
export const CHUNK_CHARS = 30_000;
/** Text kept on the ticket row itself, enough for any card. */
export const HEAD_CHARS = 4_000;

export interface StoredTicket {
  ticket: Ticket;
  etag: string;
  /** the full description's length, also when `ticket.description` holds only its head */
  descriptionLength: number;
}

export function bucketOf(number: number): number {
  return Math.floor(number / bucketSize());
}

export function ticketPartition(tenantId: string, number: number): string {
  return `${keyPart(tenantId)}|${pad(bucketOf(number), 6)}`;
}

export function bucketPartition(tenantId: string, bucket: number): string {
  return `${keyPart(tenantId)}|${pad(bucket, 6)}`;
}

export function ticketRowKey(number: number): string {
  return `t${pad(number, 9)}`;
}

const eventRowKey = (number: number, seq: number) => `${ticketRowKey(number)}|e|${pad(seq, 6)}`;
const chunkRowKey = (number: number, i: number) => `${ticketRowKey(number)}|x|${pad(i, 3)}`;
const idemRowKey = (key: string) => `a|${idemHash(key)}`;

/** Splits text into chunks of at most `size` code units, never inside a surrogate pair. */
export function chunkText(text: string, size = CHUNK_CHARS): string[] {
  const chunks: string[] = [];
  let i = 0;
  while (i < text.length) {
    let end = Math.min(i + size, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    chunks.push(text.slice(i, end));
    i = end;
  }
  return chunks;
}

export type Row = Record<string, unknown> & { partitionKey: string; rowKey: string };

/** Allow-list mapper: domain ticket → table row (long text goes to chunk rows). */
export function ticketToRow(t: Ticket): Row {
  const long = t.description.length > HEAD_CHARS;
  return {
    partitionKey: ticketPartition(t.tenantId, t.number),
    rowKey: ticketRowKey(t.number),
    tenantId: t.tenantId,
    number: t.number,
    trackingId: t.trackingId,
    title: t.title,
    descriptionHead: long ? t.description.slice(0, HEAD_CHARS) : t.description,
    descriptionLength: t.description.length,
    descriptionChunks: long ? chunkText(t.description).length : 0,
    category: t.category,
    impact: t.impact,
    severity: t.severity,
    priority: t.priority,
    status: t.status,
    requesterId: t.requester.id,
    requesterName: t.requester.name,
    locale: t.locale,
    intakeChannel: t.intakeChannel,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    firstResponseDueAt: t.firstResponseDueAt,
    resolutionDueAt: t.resolutionDueAt,
    sla: slaToJson(t.sla),
    ownerId: t.owner?.id ?? '',
    ownerName: t.owner?.name ?? '',
    tier: t.tier,
    eventCount: t.eventCount,
    ...(t.firstResponseAt ? { firstResponseAt: t.firstResponseAt } : {}),
    // Empty when cleared (reopened): a merge must overwrite an older value.
    resolvedAt: t.resolvedAt ?? '',
    closedAt: t.closedAt ?? '',
    reopenCount: t.reopenCount ?? 0,
    firstResponseById: t.firstResponseBy?.id ?? '',
    firstResponseByName: t.firstResponseBy?.name ?? '',
    triageConversationId: t.triage?.conversationId ?? '',
    triageActivityId: t.triage?.activityId ?? '',
    requesterConversationId: t.requesterCard?.conversationId ?? '',
    requesterActivityId: t.requesterCard?.activityId ?? '',
    handoff: handoffToJson(t.handoff),
    handoffConversationId: t.handoff?.card?.conversationId ?? '',
    handoffActivityId: t.handoff?.card?.activityId ?? '',
    ...(t.attachments?.length ? { attachments: attachmentsToJson(t.attachments) } : {}),
    ...(t.messageLink ? { messageLink: messageLinkToColumn(t.messageLink) } : {}),
    ...surveyToColumns(t.survey),
  };
}

function pair(a: unknown, b: unknown): { conversationId: string; activityId: string } | undefined {
  const conversationId = asString(a);
  const activityId = asString(b);
  return conversationId && activityId ? { conversationId, activityId } : undefined;
}

const asDate = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));
const asString = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Table row → domain ticket; `description` is the head unless the chunks are given. */
export function rowToTicket(r: Record<string, unknown>, chunks?: string[]): Ticket {
  const owner =
    asString(r.ownerId) !== ''
      ? { id: asString(r.ownerId), name: asString(r.ownerName) }
      : undefined;
  const createdAt = asDate(r.createdAt);
  return {
    tenantId: asString(r.tenantId),
    number: Number(r.number),
    trackingId: asString(r.trackingId),
    title: asString(r.title),
    description: chunks && chunks.length > 0 ? chunks.join('') : asString(r.descriptionHead),
    category: asString(r.category) as Category,
    impact: asString(r.impact) as Impact,
    severity: asString(r.severity) as Severity,
    priority: asString(r.priority) as Priority,
    status: asString(r.status) as TicketStatus,
    requester: { id: asString(r.requesterId), name: asString(r.requesterName) },
    locale: r.locale === 'es' ? 'es' : 'en',
    intakeChannel: asString(r.intakeChannel) as IntakeChannel,
    createdAt: asDate(r.createdAt),
    updatedAt: asDate(r.updatedAt),
    firstResponseDueAt: asDate(r.firstResponseDueAt),
    resolutionDueAt: asDate(r.resolutionDueAt),
    sla: slaFromJson(asString(r.sla), createdAt),
    owner,
    tier: Number(r.tier ?? 1),
    eventCount: Number(r.eventCount ?? 0),
    firstResponseAt: r.firstResponseAt ? asDate(r.firstResponseAt) : undefined,
    resolvedAt: r.resolvedAt ? asDate(r.resolvedAt) : undefined,
    closedAt: r.closedAt ? asDate(r.closedAt) : undefined,
    reopenCount: Number(r.reopenCount ?? 0),
    firstResponseBy: asString(r.firstResponseById)
      ? { id: asString(r.firstResponseById), name: asString(r.firstResponseByName) }
      : undefined,
    triage: pair(r.triageConversationId, r.triageActivityId),
    requesterCard: pair(r.requesterConversationId, r.requesterActivityId),
    handoff: handoffFromJson(
      asString(r.handoff),
      pair(r.handoffConversationId, r.handoffActivityId),
    ),
    attachments: attachmentsFromJson(r.attachments),
    messageLink: messageLinkFromColumn(r.messageLink),
    survey: surveyFromColumns(r),
  };
}

/** Full length of the description, even when only its head was loaded. */
export function descriptionLengthOf(row: Record<string, unknown>): number {
  return Number(row.descriptionLength ?? 0);
}

const openRowKey = (number: number) => `q|${pad(number, 9)}`;

/**
 * The open-ticket index: one small row per open ticket, in the ticket's own partition, written
 * in the ticket's transactions. Queues and workload are read from it without loading tickets.
 */
export function openRow(t: Ticket): Row {
  return {
    partitionKey: ticketPartition(t.tenantId, t.number),
    rowKey: openRowKey(t.number),
    number: t.number,
    trackingId: t.trackingId,
    title: t.title,
    priority: t.priority,
    status: t.status,
    ownerId: t.owner?.id ?? '',
    ownerName: t.owner?.name ?? '',
    tier: t.tier,
    createdAt: t.createdAt,
    firstResponseDueAt: t.firstResponseDueAt,
    resolutionDueAt: t.resolutionDueAt,
    responded: !!t.firstResponseAt,
  };
}

function sameRow(a: Row, b: Row): boolean {
  return Object.keys(a).every((k) => {
    const x = a[k];
    const y = b[k];
    return x instanceof Date && y instanceof Date ? x.getTime() === y.getTime() : x === y;
  });
}

/** A row of the open-ticket index. */
export interface OpenTicket {
  number: number;
  trackingId: string;
  title: string;
  priority: Priority;
  status: TicketStatus;
  owner?: Person;
  tier: number;
  createdAt: Date;
  firstResponseDueAt: Date;
  resolutionDueAt: Date;
  responded: boolean;
}

function rowToOpen(r: Record<string, unknown>): OpenTicket {
  return {
    number: Number(r.number),
    trackingId: asString(r.trackingId),
    title: asString(r.title),
    priority: asString(r.priority) as Priority,
    status: asString(r.status) as TicketStatus,
    owner: asString(r.ownerId)
      ? { id: asString(r.ownerId), name: asString(r.ownerName) }
      : undefined,
    tier: Number(r.tier ?? 1),
    createdAt: asDate(r.createdAt),
    firstResponseDueAt: asDate(r.firstResponseDueAt),
    resolutionDueAt: asDate(r.resolutionDueAt),
    responded: r.responded === true,
  };
}

export function eventToRow(
  tenantId: string,
  number: number,
  e: TicketEvent,
  stats?: EventStats,
): Row {
  return {
    partitionKey: ticketPartition(tenantId, number),
    rowKey: eventRowKey(number, e.seq),
    seq: e.seq,
    type: e.type,
    at: e.at,
    actorId: e.actor.id,
    actorName: e.actor.name,
    channel: e.channel,
    data: JSON.stringify(e.data),
    ...(stats ? { stats: JSON.stringify(stats) } : {}),
  };
}

/** What an event adds to the reports, as stored with it (undefined: nothing, or unreadable). */
export function statsOfEventRow(r: Record<string, unknown>): EventStats | undefined {
  if (typeof r.stats !== 'string' || !r.stats) return undefined;
  try {
    const parsed = EventStatsSchema.safeParse(JSON.parse(r.stats));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The outbox job that counts an event into the reports, when it adds anything. It carries the
 * event's contribution and time (the job then reads nothing before counting).
 */
const tallyJob = (seq: number, at: Date, stats: EventStats | undefined): JobSpec[] =>
  stats
    ? [
        {
          kind: 'stats.tally',
          ref: String(seq),
          data: JSON.stringify({ at: at.toISOString(), stats }),
        },
      ]
    : [];

/** What a `stats.tally` job carries; undefined for a job queued without it (read the event). */
export function tallyDataOf(data: string | undefined): { at: Date; stats: EventStats } | undefined {
  if (!data) return undefined;
  try {
    const parsed = TallyDataSchema.safeParse(JSON.parse(data));
    return parsed.success ? { at: new Date(parsed.data.at), stats: parsed.data.stats } : undefined;
  } catch {
    return undefined;
  }
}

const TallyDataSchema = z.object({ at: z.string().datetime(), stats: EventStatsSchema });

export function rowToEvent(r: Record<string, unknown>): TicketEvent {
  let data: Record<string, unknown> = {};
  try {
    data = JSON.parse(asString(r.data) || '{}');
  } catch {
    /* a damaged row keeps its other fields */
  }
  return {
    seq: Number(r.seq),
    type: asString(r.type),
    at: asDate(r.at),
    actor: { id: asString(r.actorId), name: asString(r.actorName) },
    channel: asString(r.channel) as TicketEvent['channel'],
    data,
  };
}

interface Head {
  bucket: number;
  next: number;
  /** etag of the bucket's counter row; undefined when the row does not exist yet */
  etag?: string;
}

/** Backs off a little, randomly, so that competing instances stop colliding. */
function jitter(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(100, 5 * attempt);
  return new Promise((r) => setTimeout(r, ms));
}

/** Wraps storage failures that mean "unreachable" in a domain error the edge can explain. */
export async function guard<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (e) {
    if (isUnavailable(e)) throw new StorageUnavailableError((e as Error).message ?? 'unknown');
    throw e;
  }
}

/**
 * The rows of one new ticket, all in its bucket's partition: idempotency row, ticket, first event
 * (with what it adds to the reports), open-ticket row, text chunks and one outbox row holding
 * all its jobs (`bundle`).
 */
function creationActions(
  tenantId: string,
  pk: string,
  idemKey: string,
  ticket: Ticket,
  event: TicketEvent,
  jobs: JobSpec[],
): TransactionAction[] {
  const number = ticket.number;
  const stats = eventStats(undefined, ticket, event);
  // Every new ticket is also matched against the recent ones of its category (spec 7.2).
  const allJobs: JobSpec[] = [...jobs, ...tallyJob(event.seq, event.at, stats), 'recurring.match'];
  const actions: TransactionAction[] = [
    ['create', { partitionKey: pk, rowKey: idemRowKey(idemKey), number }],
    ['create', ticketToRow(ticket)],
    ['create', eventToRow(tenantId, number, event, stats)],
    ['create', openRow(ticket)],
  ];
  if (ticket.description.length > HEAD_CHARS) {
    chunkText(ticket.description).forEach((text, i) =>
      actions.push(['create', { partitionKey: pk, rowKey: chunkRowKey(number, i), text }]),
    );
  }
  // All of them in one row: written, claimed and deleted once (see `bundle`).
  actions.push(jobAction(tenantId, number, bundleJob(event.seq, allJobs), ticket.createdAt, true));
  return actions;
}

/**
 * The outbox jobs of ticket `number` among a transaction's actions (a creation's rows start at
 * `first`), with the etags the transaction returned; undefined if one has none (its delivery then
 * reads the jobs).
 */
function writtenJobs(
  actions: TransactionAction[],
  responses: { etag?: string }[],
  first: number,
  number: number,
): OutboxJob[] | undefined {
  const jobs: OutboxJob[] = [];
  for (let i = first; i < actions.length; i++) {
    const row = actions[i][1];
    if (row.number !== number || !String(row.rowKey).startsWith('o|')) continue;
    const etag = responses[i]?.etag;
    if (!etag) return undefined;
    jobs.push(writtenJob(actions[i], etag));
  }
  return jobs;
}

/** Attempts before a creation gives up under contention (other instances writing). */
const CREATE_ATTEMPTS = 40;

type Build = (number: number) => { ticket: Ticket; event: TicketEvent };
type Created = {
  stored: StoredTicket;
  created: boolean;
  /**
   * The outbox jobs this creation wrote, with their etags: all the new ticket has, so that its
   * first delivery claims them without reading them back. Absent for an existing ticket.
   */
  jobs?: OutboxJob[];
};

/** One creation waiting for its tenant's next transaction. */
interface Request {
  idemKey: string;
  build: Build;
  jobs: JobSpec[];
  /** the same key asked again while this one waited: they share its result */
  waiters: { ok: (r: Created) => void; fail: (e: unknown) => void }[];
}

/** Ticket rows kept by `TicketRepository.recent` (a few MB at most). */
export const RECENT_ROWS = 1_000;

interface RecentRow {
  /** the row as storage holds it under `etag` (as a read returns it, or as written) */
  row: Record<string, unknown>;
  etag: string;
  /** the row read as a ticket, once asked for */
  stored?: StoredTicket;
}

const recentKey = (tenantId: string, number: number) => `${tenantId}|${number}`;

/** A ticket row as `get` returns it: the ticket (description head), its etag and full length. */
function storedOf(row: Record<string, unknown>, etag: string): StoredTicket {
  return { ticket: rowToTicket(row), etag, descriptionLength: descriptionLengthOf(row) };
}

/** What a merge of `patch` makes of `base`: its columns replaced, the others kept. */
function mergedRow(base: Record<string, unknown>, patch: Row): Record<string, unknown> {
  const out = { ...base };
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) out[k] = v;
  return out;
}

/** Operations in one entity-group transaction (Azure's limit). */
const MAX_ACTIONS = 100;
/** Estimated JSON bytes in one transaction, well under Azure's 4 MiB payload limit. */
const MAX_GROUP_BYTES = 2_000_000;

export class TicketRepository {
  /** Last known counter per tenant: a hint that saves a read; etags keep it honest. */
  private readonly heads = new Map<string, Head>();
  /**
   * Creations of one tenant waiting in this process. They are written together: one transaction
   * numbers and stores all of them (group commit), so a burst costs a few round trips, not one
   * per ticket, and the process never contends with itself for the counter.
   */
  private readonly waiting = new Map<string, Request[]>();
  private readonly draining = new Set<string>();

  private readonly outbox: OutboxRepository;

  /**
   * The ticket rows this process last read or wrote, with their etags, most recent last (at most
   * `RECENT_ROWS`). A hint, like `heads`: `recent` serves a card action its ticket without a read,
   * and the action's write is conditional on that etag, so a row someone else changed meanwhile
   * fails the write (412) and the action reads it again. An entry is only ever what storage
   * holds under its etag: a read, or a conditional write applied to the row it was made from.
   */
  private readonly rows = new Map<string, RecentRow>();

  constructor(
    private readonly tables: Tables,
    private readonly opts: { recentRows?: number } = {},
  ) {
    this.outbox = new OutboxRepository(tables);
  }

  /**
   * Creates a ticket exactly once per `idemKey`: the number, the idempotency row, the ticket, its
   * first event and its text are one entity-group transaction in the bucket's partition, so a
   * crash leaves either all of them or none. Returns the existing ticket for a repeated key.
   * Creations of the same tenant that arrive together share one transaction.
   */
  async create(
    tenantId: string,
    idemKey: string,
    build: Build,
    jobs: JobSpec[] = [],
  ): Promise<Created> {
    return new Promise<Created>((ok, fail) => {
      const queue = this.waiting.get(tenantId) ?? [];
      this.waiting.set(tenantId, queue);
      const same = queue.find((r) => r.idemKey === idemKey);
      if (same) same.waiters.push({ ok, fail });
      else queue.push({ idemKey, build, jobs, waiters: [{ ok, fail }] });
      if (!this.draining.has(tenantId)) void this.drain(tenantId);
    });
  }

  /** Writes the tenant's waiting creations, a group at a time, until none is left. */
  private async drain(tenantId: string): Promise<void> {
    this.draining.add(tenantId);
    try {
      for (;;) {
        const queue = this.waiting.get(tenantId);
        if (!queue || queue.length === 0) {
          this.waiting.delete(tenantId);
          return;
        }
        const group = queue.splice(0, queue.length);
        const done = await this.createGroup(tenantId, group).catch((e: unknown) => e);
        for (const [i, r] of group.entries()) {
          const result = done instanceof Array ? done[i] : undefined;
          // Not reached this time (the bucket filled up, or the group was too large): next round.
          if (done instanceof Array && result === undefined) continue;
          // Only the first asker created it; the same key asked again while waiting did not.
          r.waiters.forEach((w, k) => {
            if (result) w.ok(k === 0 ? result : { stored: result.stored, created: false });
            else w.fail(done);
          });
        }
        if (done instanceof Array) {
          const left = group.filter((_, i) => done[i] === undefined);
          queue.unshift(...left);
        }
      }
    } finally {
      this.draining.delete(tenantId);
    }
  }

  /**
   * Creates as many of `group` (in order) as fit one transaction and the current bucket; the
   * results are by position, undefined for those left for the next transaction.
   */
  private async createGroup(tenantId: string, group: Request[]): Promise<(Created | undefined)[]> {
    return guard(async () => {
      const results: (Created | undefined)[] = group.map(() => undefined);
      for (let attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
        if (attempt > 0) await jitter(attempt);
        const first = group.findIndex((_, i) => results[i] === undefined);
        if (first < 0) return results;
        const head =
          this.heads.get(tenantId) ?? (await this.loadHead(tenantId, group[first].idemKey));
        if ('existing' in head) {
          const stored = await this.get(tenantId, head.existing);
          if (!stored) throw new Error(`idempotency row points to missing ticket ${head.existing}`);
          results[first] = { stored, created: false };
          continue;
        }
        const bucket = bucketOf(head.next);
        const pk = bucketPartition(tenantId, bucket);
        const room = (bucket + 1) * bucketSize() - head.next;
        // After a conflict, one at a time: a repeated key must not fail the others' transaction.
        const take = attempt > 0 ? 1 : room;
        const actions: TransactionAction[] = [];
        /** `first`: where the ticket's rows start once the counter leads the transaction */
        const made: { index: number; ticket: Ticket; first: number }[] = [];
        let bytes = 0;
        let touched = false;
        for (let i = first; i < group.length && made.length < take; i++) {
          if (results[i] !== undefined) continue;
          const number = head.next + made.length;
          const { ticket, event } = group[i].build(number);
          const rows = creationActions(
            tenantId,
            pk,
            group[i].idemKey,
            ticket,
            event,
            group[i].jobs,
          );
          const size = JSON.stringify(rows).length;
          const full =
            actions.length + rows.length + 1 > MAX_ACTIONS || bytes + size > MAX_GROUP_BYTES;
          if (made.length > 0 && full) break;
          if (!touched && rows.some((a) => String(a[1].rowKey).startsWith('o|'))) {
            await this.outbox.touch(tenantId, number);
            touched = true;
          }
          made.push({ index: i, ticket, first: actions.length + 1 });
          actions.push(...rows);
          bytes += size;
        }
        const next = head.next + made.length;
        actions.unshift(
          bucket === head.bucket && head.etag
            ? [
                'update',
                { partitionKey: pk, rowKey: 'counter', next },
                'Merge',
                { etag: head.etag },
              ]
            : ['create', { partitionKey: pk, rowKey: 'counter', next }],
        );
        try {
          const res = await this.tables.tickets.submitTransaction(actions);
          const counterEtag = res.subResponses[0]?.etag;
          this.heads.set(tenantId, { bucket, next, etag: counterEtag });
          if (!counterEtag) this.heads.delete(tenantId);
          if (bucket !== head.bucket) await this.advanceHead(tenantId, bucket);
          for (const m of made) {
            const etag =
              // The ticket row comes after the idempotency row.
              res.subResponses[m.first + 1]?.etag ??
              (await this.get(tenantId, m.ticket.number))?.etag ??
              '';
            results[m.index] = {
              stored: { ticket: m.ticket, etag, descriptionLength: m.ticket.description.length },
              created: true,
              jobs: writtenJobs(actions, res.subResponses, m.first, m.ticket.number),
            };
          }
          // The rest wait for the next transaction (next bucket, or a full one).
          return results;
        } catch (e) {
          const status = statusOf(e);
          if (status === 409 || status === 412 || status === 404) {
            // Someone else moved the counter, or a key was already used: re-read both.
            this.heads.delete(tenantId);
            continue;
          }
          throw e;
        }
      }
      throw new ConcurrencyError(`counter of ${tenantId}`);
    });
  }

  /** Reads the tenant's current bucket and its counter, and whether `idemKey` was used there. */
  private async loadHead(tenantId: string, idemKey: string): Promise<Head | { existing: number }> {
    let bucket = 0;
    try {
      const h = await this.tables.tenants.getEntity<{ bucket: number }>(keyPart(tenantId), 'head');
      bucket = Number(h.bucket) || 0;
    } catch (e) {
      if (statusOf(e) !== 404) throw e;
    }
    const idemRk = idemRowKey(idemKey);
    for (;;) {
      const pk = bucketPartition(tenantId, bucket);
      const rows = await this.query(
        odata`PartitionKey eq ${pk} and (RowKey eq 'counter' or RowKey eq ${idemRk})`,
      );
      const idem = rows.find((r) => r.rowKey === idemRk);
      if (idem) return { existing: Number(idem.number) };
      const counter = rows.find((r) => r.rowKey === 'counter');
      const first = Math.max(1, bucket * bucketSize());
      if (!counter) return { bucket, next: first };
      const next = Number(counter.next);
      if (next < (bucket + 1) * bucketSize()) return { bucket, next, etag: counter.etag as string };
      bucket += 1; // this bucket is full: the next ticket opens the following one
      const following = bucketPartition(tenantId, bucket);
      const rowsNext = await this.query(
        odata`PartitionKey eq ${following} and (RowKey eq 'counter' or RowKey eq ${idemRk})`,
      );
      if (rowsNext.length === 0) return { bucket: bucket - 1, next, etag: counter.etag as string };
    }
  }

  /** Moves the tenant's head pointer forward (never back); losing this write only costs reads. */
  private async advanceHead(tenantId: string, bucket: number): Promise<void> {
    try {
      await this.tables.tenants.upsertEntity(
        { partitionKey: keyPart(tenantId), rowKey: 'head', bucket },
        'Merge',
      );
    } catch {
      /* the next cold start walks forward from the older head */
    }
  }

  private async query(filter: string): Promise<TableEntityResult<Record<string, unknown>>[]> {
    const out: TableEntityResult<Record<string, unknown>>[] = [];
    for await (const e of this.tables.tickets.listEntities<Record<string, unknown>>({
      queryOptions: { filter },
    })) {
      out.push(e);
    }
    return out;
  }

  /** The ticket row (description head only), or undefined. */
  async get(tenantId: string, number: number): Promise<StoredTicket | undefined> {
    return guard(async () => {
      try {
        const row = await this.tables.tickets.getEntity<Record<string, unknown>>(
          ticketPartition(tenantId, number),
          ticketRowKey(number),
        );
        const stored = storedOf(row, row.etag);
        this.remember(tenantId, number, { row, etag: row.etag, stored });
        return stored;
      } catch (e) {
        if (statusOf(e) === 404) {
          this.forget(tenantId, number);
          return undefined;
        }
        throw e;
      }
    });
  }

  /**
   * The ticket as this process last read or wrote it, without a read; undefined if it has none.
   * Only for a change whose write is conditional on the etag (`appendEvent`): a decision that
   * writes nothing must be taken on a fresh `get`.
   */
  recent(tenantId: string, number: number): StoredTicket | undefined {
    const entry = this.rows.get(recentKey(tenantId, number));
    if (!entry) return undefined;
    entry.stored ??= storedOf(entry.row, entry.etag);
    return entry.stored;
  }

  private remember(tenantId: string, number: number, entry: RecentRow): void {
    const key = recentKey(tenantId, number);
    this.rows.delete(key);
    this.rows.set(key, entry);
    if (this.rows.size > (this.opts.recentRows ?? RECENT_ROWS))
      this.rows.delete(this.rows.keys().next().value!);
  }

  private forget(tenantId: string, number: number): void {
    this.rows.delete(recentKey(tenantId, number));
  }

  /** After a write of `patch` (a merge) conditional on `base`'s etag, which gave `etag`. */
  private rememberMerged(
    tenantId: string,
    number: number,
    baseEtag: string,
    patch: Row,
    etag: string | undefined,
  ): void {
    const base = this.rows.get(recentKey(tenantId, number));
    if (!etag || !base || base.etag !== baseEtag) return this.forget(tenantId, number);
    this.remember(tenantId, number, { row: mergedRow(base.row, patch), etag });
  }

  /** What one event of a ticket adds to the reports, as stored with it. */
  async eventStats(
    tenantId: string,
    number: number,
    seq: number,
  ): Promise<{ at: Date; stats?: EventStats } | undefined> {
    return guard(async () => {
      try {
        const row = await this.tables.tickets.getEntity<Record<string, unknown>>(
          ticketPartition(tenantId, number),
          eventRowKey(number, seq),
        );
        return { at: asDate(row.at), stats: statsOfEventRow(row) };
      } catch (e) {
        if (statusOf(e) === 404) return undefined;
        throw e;
      }
    });
  }

  /** One event of a ticket, by its number. */
  async event(tenantId: string, number: number, seq: number): Promise<TicketEvent | undefined> {
    return guard(async () => {
      try {
        return rowToEvent(
          await this.tables.tickets.getEntity<Record<string, unknown>>(
            ticketPartition(tenantId, number),
            eventRowKey(number, seq),
          ),
        );
      } catch (e) {
        if (statusOf(e) === 404) return undefined;
        throw e;
      }
    });
  }

  /** The ticket with its full text and all its events, in order. */
  async getFull(
    tenantId: string,
    number: number,
  ): Promise<{ stored: StoredTicket; events: TicketEvent[] } | undefined> {
    return guard(async () => {
      const pk = ticketPartition(tenantId, number);
      const from = ticketRowKey(number);
      const rows = await this.query(
        odata`PartitionKey eq ${pk} and RowKey ge ${from} and RowKey lt ${`${from}|~`}`,
      );
      const main = rows.find((r) => r.rowKey === from);
      if (!main) return undefined;
      const chunks = rows
        .filter((r) => (r.rowKey ?? '').startsWith(`${from}|x|`))
        .sort((a, b) => (a.rowKey ?? '').localeCompare(b.rowKey ?? ''))
        .map((r) => asString(r.text));
      const events = rows
        .filter((r) => (r.rowKey ?? '').startsWith(`${from}|e|`))
        .map(rowToEvent)
        .sort((a, b) => a.seq - b.seq);
      return {
        stored: {
          ticket: rowToTicket(main, chunks),
          etag: main.etag,
          descriptionLength: descriptionLengthOf(main),
        },
        events,
      };
    });
  }

  /**
   * Appends an event and applies `change` to the ticket in one transaction, conditional on the
   * etag read: a concurrent writer makes this throw ConcurrencyError and nothing is written.
   * With `idemKey`, a repeated call is a no-op that returns undefined.
   */
  async appendEvent(
    stored: StoredTicket,
    event: Omit<TicketEvent, 'seq'>,
    change: (t: Ticket) => Ticket = (t) => t,
    idemKey?: string,
    jobs: JobSpec[] = [],
  ): Promise<(StoredTicket & { jobs?: OutboxJob[] }) | undefined> {
    return guard(async () => {
      const seq = stored.ticket.eventCount + 1;
      const next: Ticket = { ...change(stored.ticket), eventCount: seq, updatedAt: event.at };
      const { tenantId, number } = next;
      const stats = eventStats(stored.ticket, next, event);
      const allJobs = [...jobs, ...tallyJob(seq, event.at, stats)];
      const row = ticketToRow(next);
      // A ticket is read with its description's head only: unless the change rewrote the text,
      // the stored head, full length and chunk count stay as they are.
      if (next.description === stored.ticket.description) {
        delete row.descriptionHead;
        delete row.descriptionLength;
        delete row.descriptionChunks;
      }
      const actions: TransactionAction[] = [
        ['update', row, 'Merge', { etag: stored.etag }],
        ['create', eventToRow(tenantId, number, { ...event, seq }, stats)],
      ];
      // The open-ticket index changes in the same transaction as the ticket (when its row does).
      // An open ticket's row is there: it is replaced, which costs the emulator one look-up where
      // an upsert costs two; should it be missing, the change is written again with an upsert.
      let openIndex: number | undefined;
      if (isOpen(next)) {
        if (!isOpen(stored.ticket) || !sameRow(openRow(next), openRow(stored.ticket))) {
          if (isOpen(stored.ticket)) openIndex = actions.length;
          actions.push([openIndex === undefined ? 'upsert' : 'update', openRow(next), 'Replace']);
        }
      } else if (isOpen(stored.ticket)) {
        actions.push([
          'delete',
          { partitionKey: ticketPartition(tenantId, number), rowKey: openRowKey(number) },
        ]);
      }
      if (idemKey) {
        actions.push([
          'create',
          { partitionKey: ticketPartition(tenantId, number), rowKey: idemRowKey(idemKey), number },
        ]);
      }
      if (allJobs.length > 0) await this.outbox.touch(tenantId, number);
      // Several jobs go as one row of this event's (see `bundle`), never there before.
      const specs = allJobs.length > 1 ? [bundleJob(seq, allJobs)] : allJobs;
      const submit = async (fresh: boolean) => {
        const all = [
          ...actions,
          ...specs.map((kind) => jobAction(tenantId, number, kind, event.at, fresh)),
        ];
        const res = await this.tables.tickets.submitTransaction(all);
        this.rememberMerged(tenantId, number, stored.etag, row, res.subResponses[0]?.etag);
        return {
          ticket: next,
          etag: res.subResponses[0]?.etag ?? '',
          descriptionLength: stored.descriptionLength,
          // The jobs as written (with their etags): their delivery claims them without a read.
          jobs: writtenJobs(all, res.subResponses, 0, number),
        };
      };
      // Someone else changed the ticket first (412), or a row already exists (409).
      const failed = (e: unknown): never => {
        this.forget(tenantId, number);
        const status = statusOf(e);
        if (status === 412 || status === 409) throw new ConcurrencyError(next.trackingId);
        throw e;
      };
      try {
        // Jobs are created: an upsert costs the emulator a second look-up per row.
        return await submit(true);
      } catch (e) {
        if (statusOf(e) === 404 && openIndex !== undefined) {
          actions[openIndex] = ['upsert', openRow(next), 'Replace'];
          return submit(true).catch(failed);
        }
        if (statusOf(e) !== 409) return failed(e);
        if (idemKey && (await this.seen(tenantId, number, idemKey))) return undefined;
        // (A bundle is new with its event: a conflict is not about it.)
        if (allJobs.length !== 1) return failed(e);
        // A job of the same kind still waiting (a quick second change): the job replaces it.
        return submit(false).catch(failed);
      }
    });
  }

  /** True when the change keyed `idemKey` was already recorded on the ticket. */
  private async seen(tenantId: string, number: number, idemKey: string): Promise<boolean> {
    return this.tables.tickets
      .getEntity(ticketPartition(tenantId, number), idemRowKey(idemKey))
      .then(() => true)
      .catch(() => false);
  }

  /**
   * Records where the ticket's cards were posted, merging only those fields (no etag: nothing
   * else is written). Later jobs for the ticket can be queued in the same write.
   */
  async setCardRefs(
    tenantId: string,
    number: number,
    refs: Pick<Ticket, 'triage' | 'requesterCard'> & {
      handoffCard?: { conversationId: string; activityId: string };
    },
    jobs: JobSpec[] = [],
    now = new Date(),
  ): Promise<void> {
    await guard(async () => {
      const row: Row = {
        partitionKey: ticketPartition(tenantId, number),
        rowKey: ticketRowKey(number),
      };
      if (refs.triage) {
        row.triageConversationId = refs.triage.conversationId;
        row.triageActivityId = refs.triage.activityId;
      }
      if (refs.requesterCard) {
        row.requesterConversationId = refs.requesterCard.conversationId;
        row.requesterActivityId = refs.requesterCard.activityId;
      }
      if (refs.handoffCard) {
        row.handoffConversationId = refs.handoffCard.conversationId;
        row.handoffActivityId = refs.handoffCard.activityId;
      }
      if (jobs.length > 0) await this.outbox.touch(tenantId, number);
      // One row alone is a plain merge: a transaction costs the SDK a client of its own.
      const write = async (etag?: string): Promise<string | undefined> => {
        const options = etag ? { etag } : undefined;
        if (jobs.length === 0) {
          return (await this.tables.tickets.updateEntity(row, 'Merge', options)).etag;
        }
        const res = await this.tables.tickets.submitTransaction([
          options ? ['update', row, 'Merge', options] : ['update', row, 'Merge'],
          ...jobs.map((k) => jobAction(tenantId, number, k, now)),
        ]);
        return res.subResponses[0]?.etag;
      };
      // The row this process knows is kept known: the merge is made on its etag. Should the row
      // have changed meanwhile, the merge is made anyway (these columns are this sender's alone).
      const known = this.rows.get(recentKey(tenantId, number));
      if (known) {
        try {
          this.rememberMerged(tenantId, number, known.etag, row, await write(known.etag));
          return;
        } catch (e) {
          if (statusOf(e) !== 412) throw e;
        }
      }
      this.forget(tenantId, number);
      await write();
    });
  }

  /**
   * Records where survey `round`'s card was posted in the requester's chat (a merge of those
   * columns alone, no etag: the round they belong to is written with them, so a late write for
   * an older round is never read as the current card).
   */
  async setSurveyCard(
    tenantId: string,
    number: number,
    round: number,
    card: { conversationId: string; activityId: string },
  ): Promise<void> {
    this.forget(tenantId, number);
    await guard(() =>
      this.tables.tickets.updateEntity(
        {
          partitionKey: ticketPartition(tenantId, number),
          rowKey: ticketRowKey(number),
          ...surveyCardColumns(round, card),
        },
        'Merge',
      ),
    );
  }

  /**
   * Every open ticket of the tenant, oldest first: one small query per ticket partition from the
   * oldest one that still holds an open ticket up to the newest (the low-water mark moves on).
   */
  async openTickets(tenantId: string): Promise<OpenTicket[]> {
    return guard(async () => {
      const tk = keyPart(tenantId);
      let head = 0;
      let low = 0;
      try {
        const h = await this.tables.tenants.getEntity<{ bucket?: number; lowOpen?: number }>(
          tk,
          'head',
        );
        head = Number(h.bucket ?? 0);
        low = Math.min(head, Number(h.lowOpen ?? 0));
      } catch (e) {
        if (statusOf(e) !== 404) throw e;
      }
      const cached = this.heads.get(tenantId);
      if (cached) head = Math.max(head, cached.bucket);
      const buckets = Array.from({ length: head - low + 2 }, (_, i) => low + i);
      const perBucket = await Promise.all(
        buckets.map((b) =>
          this.query(
            odata`PartitionKey eq ${bucketPartition(tenantId, b)} and RowKey ge 'q|' and RowKey lt 'q}'`,
          ),
        ),
      );
      const firstWithOpen = perBucket.findIndex((rows) => rows.length > 0);
      const newLow = firstWithOpen < 0 ? head : buckets[firstWithOpen];
      if (newLow > low) {
        await this.tables.tenants
          .upsertEntity({ partitionKey: tk, rowKey: 'head', lowOpen: newLow }, 'Merge')
          .catch(() => undefined);
      }
      return perBucket
        .flat()
        .map(rowToOpen)
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.number - b.number);
    });
  }

  /** Records a refused action without touching the ticket (who tried what, when). */
  async recordRefusal(
    tenantId: string,
    number: number,
    actor: Person,
    action: string,
    at: Date,
  ): Promise<void> {
    await guard(() =>
      this.tables.tickets.createEntity({
        partitionKey: ticketPartition(tenantId, number),
        rowKey: `${ticketRowKey(number)}|r|${pad(at.getTime(), 15)}|${Math.random().toString(36).slice(2, 8)}`,
        actorId: actor.id,
        actorName: actor.name,
        action,
        at,
      }),
    );
  }
}

export type { Person };
