import { TableTransaction, odata } from '@azure/data-tables';
import { Locale } from '../domain/i18n';
import { OPEN_STATUSES, Ticket, TicketAttachment, TicketStatus } from '../domain/tickets/ticket';
import { attachmentsFromJson, attachmentsToJson } from './attachments';
import { chunkText } from './ticket.repository';
import { idemHash, keyPart, pad } from './keys';
import { Tables, statusOf } from './tables';
import { guard } from './ticket.repository';

/** Where and how to reach a person proactively (a trimmed botbuilder ConversationReference). */
export interface ConversationRef {
  serviceUrl: string;
  channelId: string;
  conversationId: string;
  tenantId: string;
  botId: string;
  botName?: string;
  userId: string;
  userName?: string;
}

export interface Profile {
  name: string;
  /** The person's chosen language; undefined means "follow the Teams client". */
  language?: Locale;
  conversation?: ConversationRef;
  /** the language of the person's Teams client when last seen (for messages sent on their behalf) */
  clientLocale?: Locale;
  /** when the bot last read the person's Teams profile (their e-mail address, for the index) */
  directoryAt?: Date;
  /**
   * The person's open tickets as their index last recorded them (one column each, `openColumn`),
   * kept with the index rows in the same transactions: no column, no open ticket in the index.
   */
  open: number[];
  etag?: string;
}

/** A snapshot of one of the person's tickets, refreshed whenever the ticket changes status. */
export interface TicketIndexEntry {
  number: number;
  trackingId: string;
  title: string;
  status: TicketStatus;
  createdAt: Date;
}

/** The reply owed for one incoming activity, claimed by exactly one delivery. */
export interface ReplyClaim {
  kind: 'ack' | 'choice';
  number?: number;
  draftId?: string;
  state: 'claimed' | 'sent';
  claimedAt: Date;
  etag: string;
}

export interface Draft {
  id: string;
  text: string;
  locale: Locale;
  createdAt: Date;
  /** set once the draft became a ticket or a comment */
  usedFor?: number;
  /** files and screenshots sent with the message */
  attachments?: TicketAttachment[];
  etag: string;
}

export interface UserContext {
  profile?: Profile;
  tickets: TicketIndexEntry[];
  claim?: ReplyClaim;
}

const PROFILE = 'profile';
/** The profile's column that marks one of the person's tickets as open (see `Profile.open`). */
const openColumn = (number: number) => `o${pad(number, 9)}`;
const OPEN_COLUMN = /^o(\d{9})$/;
const indexRowKey = (number: number) => `t${pad(number, 9)}`;
const claimRowKey = (key: string) => `a|${idemHash(key)}`;
const draftRowKey = (id: string) => `d|${id}`;

type R = Record<string, unknown> & { rowKey?: string; etag?: string };

/** Long text as properties `text`, `text1`, … of at most one chunk each (64 KiB per string). */
function textProperties(text: string): Record<string, string | number> {
  const parts = chunkText(text);
  const props: Record<string, string | number> = { text: parts[0] ?? '', textParts: parts.length };
  parts.slice(1).forEach((p, i) => (props[`text${i + 1}`] = p));
  return props;
}

function textFromProperties(r: R): string {
  const n = Number(r.textParts ?? 1);
  let out = String(r.text ?? '');
  for (let i = 1; i < n; i++) out += String(r[`text${i}`] ?? '');
  return out;
}

/** Allow-list mapper: a ticket → its snapshot row in the requester's index. */
function indexRow(ticket: Ticket) {
  return {
    partitionKey: UserRepository.partition(ticket.tenantId, ticket.requester.id),
    rowKey: indexRowKey(ticket.number),
    number: ticket.number,
    trackingId: ticket.trackingId,
    title: ticket.title,
    status: ticket.status,
    createdAt: ticket.createdAt,
  };
}

const asDate = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));

function rowToProfile(r: R): Profile {
  let conversation: ConversationRef | undefined;
  if (typeof r.conversation === 'string' && r.conversation) {
    try {
      conversation = JSON.parse(r.conversation) as ConversationRef;
    } catch {
      conversation = undefined;
    }
  }
  const open: number[] = [];
  for (const [name, value] of Object.entries(r)) {
    const m = OPEN_COLUMN.exec(name);
    if (m && value === true) open.push(Number(m[1]));
  }
  return {
    name: typeof r.name === 'string' ? r.name : '',
    open,
    language: r.language === 'es' || r.language === 'en' ? r.language : undefined,
    conversation,
    clientLocale: r.clientLocale === 'es' || r.clientLocale === 'en' ? r.clientLocale : undefined,
    directoryAt:
      r.directoryAt && !Number.isNaN(asDate(r.directoryAt).getTime())
        ? asDate(r.directoryAt)
        : undefined,
    etag: r.etag,
  };
}

function rowToClaim(r: R): ReplyClaim {
  return {
    kind: r.kind === 'choice' ? 'choice' : 'ack',
    number: typeof r.number === 'number' ? r.number : undefined,
    draftId: typeof r.draftId === 'string' && r.draftId ? r.draftId : undefined,
    state: r.state === 'sent' ? 'sent' : 'claimed',
    claimedAt: asDate(r.claimedAt),
    etag: String(r.etag ?? ''),
  };
}

/** A merge of the profile row: only the columns that changed. */
export type ProfileChange = R & { partitionKey: string; rowKey: string };

/** What changed in the profile, as a row to merge; undefined when nothing differs. */
export function profileChange(
  tenantId: string,
  userId: string,
  current: Profile | undefined,
  update: Partial<Omit<Profile, 'etag'>>,
): ProfileChange | undefined {
  const row: ProfileChange = {
    partitionKey: UserRepository.partition(tenantId, userId),
    rowKey: PROFILE,
  };
  let changed = !current;
  if (update.name !== undefined && update.name !== current?.name) {
    row.name = update.name;
    changed = true;
  }
  if (update.language !== undefined && update.language !== current?.language) {
    row.language = update.language;
    changed = true;
  }
  if (update.clientLocale !== undefined && update.clientLocale !== current?.clientLocale) {
    row.clientLocale = update.clientLocale;
    changed = true;
  }
  if (update.directoryAt !== undefined) {
    row.directoryAt = update.directoryAt;
    changed = true;
  }
  if (
    update.conversation &&
    JSON.stringify(update.conversation) !== JSON.stringify(current?.conversation)
  ) {
    row.conversation = JSON.stringify(update.conversation);
    changed = true;
  }
  return changed ? row : undefined;
}

/**
 * One partition per person (`tenant|user`): profile, ticket index, drafts and reply claims.
 * A person's rows grow with their own tickets only.
 */
export class UserRepository {
  constructor(private readonly tables: Tables) {}

  static partition(tenantId: string, userId: string): string {
    return `${keyPart(tenantId)}|${keyPart(userId)}`;
  }

  /**
   * One query: the profile, the ticket index, and the claim for `activityKey` if any.
   *
   * `quick` (a message that may become a ticket): the profile is read by key first, and the query
   * runs only if it lists open tickets. A person the bot never indexed (no profile) or without an
   * open ticket then costs a point read: the ticket index is left empty (the closed tickets are not
   * read) and so is the claim, which only a delivery that already indexed its ticket can hold
   * (and that ticket is open). A delivery racing the first one finds its claim taken when it
   * writes its own (`indexTicket`), as with the query.
   */
  async loadContext(
    tenantId: string,
    userId: string,
    activityKey?: string,
    opts: { quick?: boolean } = {},
  ): Promise<UserContext> {
    return guard(async () => {
      const pk = UserRepository.partition(tenantId, userId);
      if (opts.quick) {
        const profile = await this.profile(tenantId, userId);
        if (!profile || profile.open.length === 0) return { profile, tickets: [] };
      }
      const claimRk = activityKey ? claimRowKey(activityKey) : 'a|-';
      const filter = odata`PartitionKey eq ${pk} and (RowKey eq ${PROFILE} or RowKey eq ${claimRk} or (RowKey ge 't' and RowKey lt 'u'))`;
      const ctx: UserContext = { tickets: [] };
      for await (const r of this.tables.users.listEntities<R>({ queryOptions: { filter } })) {
        if (r.rowKey === PROFILE) ctx.profile = rowToProfile(r);
        else if (r.rowKey === claimRk) ctx.claim = rowToClaim(r);
        else
          ctx.tickets.push({
            number: Number(r.number),
            trackingId: String(r.trackingId ?? ''),
            title: String(r.title ?? ''),
            status: String(r.status ?? 'new') as TicketStatus,
            createdAt: asDate(r.createdAt),
          });
      }
      ctx.tickets.sort((a, b) => b.number - a.number);
      return ctx;
    });
  }

  /** The person's profile, read by key; undefined when the bot never met nor indexed them. */
  async profile(tenantId: string, userId: string): Promise<Profile | undefined> {
    const row = await this.profileRow(UserRepository.partition(tenantId, userId));
    return row ? rowToProfile(row) : undefined;
  }

  private async profileRow(pk: string): Promise<R | undefined> {
    return guard(async () => {
      try {
        return await this.tables.users.getEntity<R>(pk, PROFILE);
      } catch (e) {
        if (statusOf(e) === 404) return undefined;
        throw e;
      }
    });
  }

  /** Writes what changed in the profile (merge); a no-op when nothing differs. */
  async saveProfile(
    tenantId: string,
    userId: string,
    current: Profile | undefined,
    update: Partial<Omit<Profile, 'etag'>>,
  ): Promise<void> {
    const row = profileChange(tenantId, userId, current, update);
    if (row) await this.writeProfile(row);
  }

  async writeProfile(row: ProfileChange): Promise<void> {
    await guard(() => this.tables.users.upsertEntity(row, 'Merge'));
  }

  /**
   * Indexes the ticket under its requester and, with `activityKey`, claims the reply owed for
   * that activity, in one transaction. Returns true when this call holds the claim (it must send
   * the reply); false when another delivery of the same activity claimed it first.
   */
  async indexTicket(
    ticket: Ticket,
    activityKey: string | undefined,
    at: Date,
    profile?: ProfileChange,
  ): Promise<boolean> {
    return guard(async () => {
      const pk = UserRepository.partition(ticket.tenantId, ticket.requester.id);
      const tx = new TableTransaction();
      tx.upsertEntity(indexRow(ticket), 'Replace');
      // The profile marks the ticket open, with the requester's profile change of the same turn
      // (same partition); a person indexed for the first time gets a profile row this way.
      tx.upsertEntity(
        {
          ...(profile && profile.partitionKey === pk ? profile : {}),
          partitionKey: pk,
          rowKey: PROFILE,
          ...(OPEN_STATUSES.has(ticket.status) ? { [openColumn(ticket.number)]: true } : {}),
        },
        'Merge',
      );
      if (activityKey) {
        tx.createEntity({
          partitionKey: pk,
          rowKey: claimRowKey(activityKey),
          kind: 'ack',
          number: ticket.number,
          state: 'claimed',
          claimedAt: at,
        });
      }
      try {
        await this.tables.users.submitTransaction(tx.actions);
        return true;
      } catch (e) {
        if (statusOf(e) === 409 && activityKey) return false;
        throw e;
      }
    });
  }

  /**
   * Refreshes the snapshot of a ticket in its requester's index (title, status) and its mark on
   * the profile (`Profile.open`), in one transaction; returns the requester's profile as it is
   * after. An open ticket's mark is merged; a closed one's is removed from the profile read by
   * key (a rewrite with its etag, read again if someone changed the profile meanwhile).
   */
  async refreshIndex(ticket: Ticket): Promise<Profile | undefined> {
    const pk = UserRepository.partition(ticket.tenantId, ticket.requester.id);
    const column = openColumn(ticket.number);
    const open = OPEN_STATUSES.has(ticket.status);
    return guard(async () => {
      for (let attempt = 0; ; attempt++) {
        const row = await this.profileRow(pk);
        const marked = row?.[column] === true;
        const tx = new TableTransaction();
        tx.upsertEntity(indexRow(ticket), 'Replace');
        let after = row;
        if (open && !marked) {
          tx.upsertEntity({ partitionKey: pk, rowKey: PROFILE, [column]: true }, 'Merge');
          after = { ...row, [column]: true };
        } else if (!open && row && marked) {
          // The row as read, without what the service sets and without the mark.
          const kept: R = {};
          for (const [name, value] of Object.entries(row)) {
            if (
              name !== column &&
              name !== 'etag' &&
              name !== 'timestamp' &&
              !name.startsWith('odata')
            )
              kept[name] = value;
          }
          tx.updateEntity({ ...kept, partitionKey: pk, rowKey: PROFILE }, 'Replace', {
            etag: row.etag,
          });
          after = kept;
        }
        try {
          await this.tables.users.submitTransaction(tx.actions);
          return after ? rowToProfile(after) : undefined;
        } catch (e) {
          if (statusOf(e) !== 412 || attempt >= 4) throw e;
        }
      }
    });
  }

  /** Claims the reply for an activity that gets a choice card (no ticket yet). */
  async claimChoice(
    tenantId: string,
    userId: string,
    activityKey: string,
    draft: { id: string; text: string; locale: Locale; attachments?: TicketAttachment[] },
    at: Date,
  ): Promise<boolean> {
    return guard(async () => {
      const pk = UserRepository.partition(tenantId, userId);
      const tx = new TableTransaction();
      tx.upsertEntity(
        {
          partitionKey: pk,
          rowKey: draftRowKey(draft.id),
          ...textProperties(draft.text),
          locale: draft.locale,
          ...(draft.attachments?.length
            ? { attachments: attachmentsToJson(draft.attachments) }
            : {}),
          createdAt: at,
        },
        'Merge',
      );
      tx.createEntity({
        partitionKey: pk,
        rowKey: claimRowKey(activityKey),
        kind: 'choice',
        draftId: draft.id,
        state: 'claimed',
        claimedAt: at,
      });
      try {
        await this.tables.users.submitTransaction(tx.actions);
        return true;
      } catch (e) {
        if (statusOf(e) === 409) return false;
        throw e;
      }
    });
  }

  /** Takes over a claim whose holder went silent; false when someone else moved it first. */
  async reclaim(
    tenantId: string,
    userId: string,
    activityKey: string,
    claim: ReplyClaim,
    at: Date,
  ) {
    return guard(async () => {
      try {
        await this.tables.users.updateEntity(
          {
            partitionKey: UserRepository.partition(tenantId, userId),
            rowKey: claimRowKey(activityKey),
            claimedAt: at,
            state: 'claimed',
          },
          'Merge',
          { etag: claim.etag },
        );
        return true;
      } catch (e) {
        if (statusOf(e) === 412 || statusOf(e) === 404) return false;
        throw e;
      }
    });
  }

  /** Records the outcome of sending a claimed reply: `sent`, or released for a later retry. */
  async settleClaim(
    tenantId: string,
    userId: string,
    activityKey: string,
    outcome: 'sent' | 'released',
  ): Promise<void> {
    await guard(() =>
      this.tables.users.updateEntity(
        {
          partitionKey: UserRepository.partition(tenantId, userId),
          rowKey: claimRowKey(activityKey),
          state: outcome === 'sent' ? 'sent' : 'claimed',
          ...(outcome === 'released' ? { claimedAt: new Date(0) } : {}),
        },
        'Merge',
      ),
    );
  }

  async getDraft(tenantId: string, userId: string, id: string): Promise<Draft | undefined> {
    if (!/^[a-f0-9]{8,64}$/.test(id)) return undefined;
    return guard(async () => {
      try {
        const r = await this.tables.users.getEntity<R>(
          UserRepository.partition(tenantId, userId),
          draftRowKey(id),
        );
        return {
          id,
          text: textFromProperties(r),
          locale: r.locale === 'es' ? 'es' : 'en',
          createdAt: asDate(r.createdAt),
          usedFor: typeof r.usedFor === 'number' ? r.usedFor : undefined,
          attachments: attachmentsFromJson(r.attachments),
          etag: String(r.etag ?? ''),
        } satisfies Draft;
      } catch (e) {
        if (statusOf(e) === 404) return undefined;
        throw e;
      }
    });
  }

  async markDraftUsed(tenantId: string, userId: string, draft: Draft, number: number) {
    await guard(() =>
      this.tables.users
        .updateEntity(
          {
            partitionKey: UserRepository.partition(tenantId, userId),
            rowKey: draftRowKey(draft.id),
            usedFor: number,
          },
          'Merge',
          { etag: draft.etag },
        )
        .catch((e) => {
          if (statusOf(e) !== 412) throw e;
        }),
    );
  }
}
