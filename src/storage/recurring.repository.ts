import { TableEntityResult, odata } from '@azure/data-tables';
import { z } from 'zod';
import { CATEGORIES, Category } from '../domain/tickets/category';
import {
  GroupState,
  Member,
  Signature,
  TermCounts,
  addMembers,
  weekKey,
  weekKeys,
  groupLabel,
} from '../domain/reports/recurring';
import { Person } from '../domain/tickets/ticket';
import { keyPart, pad } from './keys';
import { Tables, statusOf } from './tables';
import { guard } from './ticket.repository';

/** A recurring problem as the reports and the weekly digest read it. */
export interface ProblemGroup {
  id: string;
  category: string;
  label: string;
  count: number;
  trackingIds: string[];
  firstAt: Date;
  lastAt: Date;
  playbook?: string;
}

/** A group with everything its card needs (where it was posted, who attached the playbook). */
export interface StoredGroup extends ProblemGroup {
  category: Category;
  members: Member[];
  terms: TermCounts;
  /** where its card was posted in the supervisors channel, once it was */
  post?: { conversationId: string; activityId: string };
  /** the ticket whose job is posting the card, and since when (so only one instance posts) */
  postClaim?: { number: number; at: Date };
  playbookBy?: Person;
  etag: string;
}

/** A ticket's signature as stored, with the group it joined. */
export interface StoredSignature extends Signature {
  number: number;
  trackingId: string;
  at: Date;
  groupId: string;
  /** the earlier ticket it was found similar to, when it joined a group */
  matched?: { number: number; at: Date };
}

/** Group ids are `{category}-{number of its first ticket:9}`: the same on every instance. */
export const GROUP_ID = /^[a-z]{2,12}-\d{9}$/;

export function groupIdOf(category: Category, firstNumber: number): string {
  return `${category}-${pad(firstNumber, 9)}`;
}

const signaturePartition = (tenantId: string, category: Category, week: string) =>
  `${keyPart(tenantId)}|s|${category}|w${week}`;
const groupPartition = (tenantId: string) => `${keyPart(tenantId)}|g`;

const Members = z.array(
  z.object({
    n: z.number().int(),
    id: z.string(),
    at: z.string(),
    /** the title and triage thread shown on the card (newest members only) */
    t: z.string().max(1000).optional(),
    a: z.string().max(1000).optional(),
  }),
);
const Terms = z.record(z.string(), z.object({ n: z.number().int(), word: z.string() }));
const Strings = z.array(z.string());

function json<T>(schema: z.ZodType<T>, raw: unknown, fallback: T): T {
  if (typeof raw !== 'string' || raw === '') return fallback;
  try {
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : fallback;
  } catch {
    return fallback;
  }
}

const asDate = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));
const asString = (v: unknown): string => (typeof v === 'string' ? v : '');

type Entity = TableEntityResult<Record<string, unknown>>;

/** Allow-list mapper: group row → stored group. */
function rowToGroup(r: Entity): StoredGroup {
  const members = json(Members, r.members, []).map((m): Member => ({
    number: m.n,
    trackingId: m.id,
    at: new Date(m.at),
    ...(m.t !== undefined
      ? { shown: { title: m.t, ...(m.a ? { triageActivityId: m.a } : {}) } }
      : {}),
  }));
  const category = CATEGORIES.includes(r.category as Category) ? (r.category as Category) : 'other';
  const conversationId = asString(r.postConversationId);
  const activityId = asString(r.postActivityId);
  const claim = Number(r.postClaim ?? 0);
  return {
    id: r.rowKey ?? '',
    category,
    label: asString(r.label),
    count: Number(r.count ?? members.length),
    trackingIds: members.map((m) => m.trackingId),
    members,
    terms: json(Terms, r.terms, {}),
    firstAt: asDate(r.firstAt),
    lastAt: asDate(r.lastAt),
    playbook: asString(r.playbook) || undefined,
    playbookBy: asString(r.playbookById)
      ? { id: asString(r.playbookById), name: asString(r.playbookByName) }
      : undefined,
    post: conversationId && activityId ? { conversationId, activityId } : undefined,
    postClaim: claim > 0 ? { number: claim, at: asDate(r.postClaimAt) } : undefined,
    etag: r.etag,
  };
}

/** Allow-list mapper: the counted part of a group → its row's columns. */
function groupColumns(category: Category, g: GroupState) {
  return {
    category,
    label: groupLabel(g.terms, g.count),
    count: g.count,
    members: JSON.stringify(
      g.members.map((m) => ({
        n: m.number,
        id: m.trackingId,
        at: m.at.toISOString(),
        ...(m.shown
          ? {
              t: m.shown.title,
              ...(m.shown.triageActivityId ? { a: m.shown.triageActivityId } : {}),
            }
          : {}),
      })),
    ),
    terms: JSON.stringify(g.terms),
    firstAt: g.firstAt,
    lastAt: g.lastAt,
  };
}

function rowToSignature(r: Entity): StoredSignature {
  return {
    number: Number(r.number),
    trackingId: asString(r.trackingId),
    at: asDate(r.at),
    groupId: asString(r.groupId),
    matched:
      Number(r.matchedNumber ?? 0) > 0
        ? { number: Number(r.matchedNumber), at: asDate(r.matchedAt) }
        : undefined,
    terms: json(Strings, r.terms, []),
    words: json(Strings, r.words, []),
  };
}

/** Attempts of a read-modify-write of a group row before giving up under contention. */
const ATTEMPTS = 20;

function jitter(attempt: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.random() * Math.min(100, 5 * attempt)));
}

/**
 * Recurring problems in the `problems` table (layout in docs/storage.md): one small signature row
 * per ticket in a partition per tenant, category and UTC day, so that matching a new ticket reads
 * only its category's days of the window; and one row per group of two or more tickets in the
 * tenant's group partition, updated with its etag.
 */
export class RecurringRepository {
  constructor(private readonly tables: Tables) {}

  /** The signatures of a category created in [since, until], oldest first. */
  async signaturesSince(
    tenantId: string,
    category: Category,
    since: Date,
    until: Date,
  ): Promise<StoredSignature[]> {
    return guard(async () => {
      const weeks = weekKeys(since, until);
      const perWeek = await Promise.all(
        weeks.map(async (week) => {
          const out: StoredSignature[] = [];
          const pk = signaturePartition(tenantId, category, week);
          for await (const r of this.tables.problems.listEntities<Record<string, unknown>>({
            queryOptions: { filter: odata`PartitionKey eq ${pk} and at ge ${since}` },
          })) {
            out.push(rowToSignature(r));
          }
          return out;
        }),
      );
      return perWeek
        .flat()
        .filter((s) => s.at.getTime() <= until.getTime())
        .sort((a, b) => a.at.getTime() - b.at.getTime() || a.number - b.number);
    });
  }

  /** A ticket's signature, if its match already ran (a re-delivered job reuses its decision). */
  async signature(
    tenantId: string,
    category: Category,
    at: Date,
    number: number,
  ): Promise<StoredSignature | undefined> {
    return guard(async () => {
      try {
        return rowToSignature(
          await this.tables.problems.getEntity<Record<string, unknown>>(
            signaturePartition(tenantId, category, weekKey(at)),
            pad(number, 9),
          ),
        );
      } catch (e) {
        if (statusOf(e) === 404) return undefined;
        throw e;
      }
    });
  }

  /** Stores a ticket's signature and its group (written once per ticket: same key every time). */
  async putSignature(tenantId: string, category: Category, s: StoredSignature): Promise<void> {
    await guard(() =>
      this.tables.problems.upsertEntity(
        {
          partitionKey: signaturePartition(tenantId, category, weekKey(s.at)),
          rowKey: pad(s.number, 9),
          number: s.number,
          trackingId: s.trackingId,
          at: s.at,
          groupId: s.groupId,
          terms: JSON.stringify(s.terms),
          words: JSON.stringify(s.words),
          ...(s.matched ? { matchedNumber: s.matched.number, matchedAt: s.matched.at } : {}),
        },
        'Replace',
      ),
    );
  }

  async group(tenantId: string, id: string): Promise<StoredGroup | undefined> {
    return guard(async () => {
      try {
        return rowToGroup(
          await this.tables.problems.getEntity<Record<string, unknown>>(
            groupPartition(tenantId),
            id,
          ),
        );
      } catch (e) {
        if (statusOf(e) === 404) return undefined;
        throw e;
      }
    });
  }

  /**
   * Adds tickets (with their signatures) to a group, creating its row if needed; tickets already
   * in it are skipped, so a re-delivered job adds nothing. Read-modify-write with the etag read:
   * concurrent matches of several instances are retried, none is lost.
   */
  async addToGroup(
    tenantId: string,
    category: Category,
    id: string,
    added: ReadonlyArray<{ member: Member; signature: Signature }>,
  ): Promise<{ group: StoredGroup; changed: boolean }> {
    return guard(async () => {
      const pk = groupPartition(tenantId);
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        if (attempt > 0) await jitter(attempt);
        const current = await this.group(tenantId, id);
        const { group, changed } = addMembers(current, added);
        if (current && !changed) return { group: current, changed: false };
        const row = { partitionKey: pk, rowKey: id, ...groupColumns(category, group) };
        try {
          const res = current
            ? await this.tables.problems.updateEntity(row, 'Merge', { etag: current.etag })
            : await this.tables.problems.createEntity(row);
          const stored = current
            ? { ...current, ...group, label: row.label }
            : rowToGroup({ ...row, etag: '' } as Entity);
          return {
            group: {
              ...stored,
              trackingIds: group.members.map((m) => m.trackingId),
              etag: res.etag ?? '',
            },
            changed: true,
          };
        } catch (e) {
          const status = statusOf(e);
          if (status === 412 || status === 409) continue; // another match won: read again
          throw e;
        }
      }
      throw new Error(`recurring group ${id}: too many concurrent updates`);
    });
  }

  /**
   * Takes the right to post the group's card for one ticket's job, with the etag read: with
   * several instances only one posts. `taken`: posted already, or another job holds a fresh claim
   * (a claim older than `staleMs`, whose poster died, can be taken over; the claimer's own
   * re-delivered job keeps it). `conflict`: the row changed since it was read; read it again.
   */
  async claimPost(
    group: StoredGroup,
    tenantId: string,
    number: number,
    now: Date,
    staleMs = 120_000,
  ): Promise<'claimed' | 'taken' | 'conflict'> {
    if (group.post) return 'taken';
    const claim = group.postClaim;
    if (claim && claim.number !== number && now.getTime() - claim.at.getTime() < staleMs) {
      return 'taken';
    }
    return guard(async () => {
      try {
        await this.tables.problems.updateEntity(
          {
            partitionKey: groupPartition(tenantId),
            rowKey: group.id,
            postClaim: number,
            postClaimAt: now,
          },
          'Merge',
          { etag: group.etag },
        );
        return 'claimed';
      } catch (e) {
        if (statusOf(e) === 412) return 'conflict';
        throw e;
      }
    });
  }

  /** Records where the card was posted; returns the group as it is now (count may have grown). */
  async recordPost(
    tenantId: string,
    id: string,
    post: { conversationId: string; activityId: string },
  ): Promise<StoredGroup> {
    return guard(async () => {
      await this.tables.problems.updateEntity(
        {
          partitionKey: groupPartition(tenantId),
          rowKey: id,
          postConversationId: post.conversationId,
          postActivityId: post.activityId,
        },
        'Merge',
      );
      const group = await this.group(tenantId, id);
      if (!group) throw new Error(`recurring group ${id} vanished`);
      return group;
    });
  }

  /** Attaches a playbook to a group (the last choice wins; who and when are kept). */
  async attachPlaybook(
    tenantId: string,
    id: string,
    playbook: string,
    by: Person,
    at: Date,
  ): Promise<StoredGroup | undefined> {
    return guard(async () => {
      try {
        await this.tables.problems.updateEntity(
          {
            partitionKey: groupPartition(tenantId),
            rowKey: id,
            playbook,
            playbookById: by.id,
            playbookByName: by.name,
            playbookAt: at,
          },
          'Merge',
        );
      } catch (e) {
        if (statusOf(e) === 404) return undefined;
        throw e;
      }
      return this.group(tenantId, id);
    });
  }

  /**
   * The tenant's recurring problems with a ticket since `since`, most tickets first (ties: the
   * latest first), at most `limit`. Reads only group rows (groups of two or more tickets), never
   * tickets or signatures: its cost does not grow with the number of tickets.
   */
  async groupsSince(tenantId: string, since: Date, limit: number): Promise<ProblemGroup[]> {
    return guard(async () => {
      const out: ProblemGroup[] = [];
      const pk = groupPartition(tenantId);
      for await (const r of this.tables.problems.listEntities<Record<string, unknown>>({
        queryOptions: {
          filter: odata`PartitionKey eq ${pk} and lastAt ge ${since}`,
          select: [
            'RowKey',
            'category',
            'label',
            'count',
            'members',
            'firstAt',
            'lastAt',
            'playbook',
          ],
        },
      })) {
        const g = rowToGroup(r);
        out.push({
          id: g.id,
          category: g.category,
          label: g.label,
          count: g.count,
          trackingIds: g.trackingIds,
          firstAt: g.firstAt,
          lastAt: g.lastAt,
          ...(g.playbook ? { playbook: g.playbook } : {}),
        });
      }
      return out
        .sort((a, b) => b.count - a.count || b.lastAt.getTime() - a.lastAt.getTime())
        .slice(0, Math.max(0, limit));
    });
  }
}
