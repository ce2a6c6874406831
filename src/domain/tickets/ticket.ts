import type { SlaState } from '../sla/clocks';
import type { Survey } from '../surveys/survey';
import { Category } from './category';
import { Impact, Priority, Severity, priorityOf } from './priority-matrix';

export const TICKET_STATUSES = [
  'new',
  'assigned',
  'in_progress',
  'waiting_requester',
  'waiting_parts',
  'resolved',
  'closed',
  'cancelled',
] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const OPEN_STATUSES: ReadonlySet<TicketStatus> = new Set([
  'new',
  'assigned',
  'in_progress',
  'waiting_requester',
  'waiting_parts',
]);

export const INTAKE_CHANNELS = ['teams', 'message-extension', 'phone', 'email'] as const;
export type IntakeChannel = (typeof INTAKE_CHANNELS)[number];

/** A file or screenshot sent with a request: kept with the ticket as a link, never copied. */
export interface TicketAttachment {
  name: string;
  contentType: string;
  /** https only */
  url: string;
}

/**
 * Limits of a ticket's attachments: 20 of them with these lengths (characters) stay under
 * Azure's 32K-character string property as one JSON column of the ticket row.
 */
export const ATTACHMENTS_MAX = 20;
export const ATTACHMENT_NAME_MAX = 200;
export const ATTACHMENT_TYPE_MAX = 100;
export const ATTACHMENT_URL_MAX = 1000;

export interface Person {
  /** AAD object id when known (Teams users), otherwise a stable pseudo id (e-mail hash). */
  id: string;
  name: string;
}

export interface Ticket {
  tenantId: string;
  number: number;
  trackingId: string;
  title: string;
  /** The full text as the requester wrote it; may be long (stored in chunks). */
  description: string;
  category: Category;
  impact: Impact;
  severity: Severity;
  priority: Priority;
  status: TicketStatus;
  requester: Person;
  /** The requester's language when the ticket was opened, for messages sent to them later. */
  locale: 'es' | 'en';
  intakeChannel: IntakeChannel;
  createdAt: Date;
  updatedAt: Date;
  /** When the policy expects the first human response. */
  firstResponseDueAt: Date;
  /** When the policy expects the resolution. */
  resolutionDueAt: Date;
  owner?: Person;
  tier: number;
  /** Number of events recorded so far; the next event gets this number + 1. */
  eventCount: number;
  /** The first human action visible to the requester (spec 5.1): when, and by whom. */
  firstResponseAt?: Date;
  firstResponseBy?: Person;
  /** When it was last resolved and closed (cleared when reopened); how often it was reopened. */
  resolvedAt?: Date;
  closedAt?: Date;
  reopenCount?: number;
  /** The latest handoff to the next tier (spec 4): pending until an agent there accepts it. */
  handoff?: Handoff;
  /** The SLA clocks: targets, warnings and breaches sent, pauses, follow-ups. */
  sla: SlaState;
  /** Where the ticket's cards live, once posted: the triage thread and the requester's card. */
  triage?: { conversationId: string; activityId: string };
  requesterCard?: { conversationId: string; activityId: string };
  /** Files and screenshots sent with the request (name, type, link), at most ATTACHMENTS_MAX. */
  attachments?: TicketAttachment[];
  /** The Teams message the ticket was created from (message extension): an https Teams link. */
  messageLink?: string;
  /** The satisfaction survey of its latest closing (spec 6): round, card, answer. */
  survey?: Survey;
}

export interface Handoff {
  fromTier: number;
  toTier: number;
  /** the team (channel) that receives it, as named when it was escalated */
  team: string;
  reason: string;
  notes: string;
  by: Person;
  at: Date;
  state: 'pending' | 'accepted' | 'returned';
  acceptedBy?: Person;
  returnReason?: string;
  /** where the handoff card was posted in the tier's channel */
  card?: { conversationId: string; activityId: string };
}

export interface TicketDraft {
  title?: string;
  description: string;
  category: Category;
  impact: Impact;
  severity: Severity;
  requester: Person;
  locale: 'es' | 'en';
  intakeChannel: IntakeChannel;
  attachments?: TicketAttachment[];
  messageLink?: string;
}

export const TITLE_MAX = 120;

/** A title from the first line of the text, cut at a word boundary. */
export function titleFrom(text: string): string {
  const firstLine =
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .find((l) => l.length > 0) ?? '';
  const clean = firstLine.replace(/\s+/g, ' ');
  if (clean.length <= TITLE_MAX) return clean;
  const cut = clean.slice(0, TITLE_MAX - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > 60 ? cut.slice(0, space) : cut}…`;
}

export function isOpen(t: Pick<Ticket, 'status'>): boolean {
  return OPEN_STATUSES.has(t.status);
}

export interface TicketEvent {
  seq: number;
  type: string;
  at: Date;
  actor: Person;
  channel: IntakeChannel | 'system';
  /** Event-specific details; small and JSON-serialisable. */
  data: Record<string, unknown>;
}

/** Builds a new ticket from a draft; the number and due times come from the caller. */
export function newTicket(args: {
  tenantId: string;
  number: number;
  trackingId: string;
  draft: TicketDraft;
  now: Date;
  firstResponseDueAt: Date;
  resolutionDueAt: Date;
  sla: SlaState;
}): Ticket {
  const { draft } = args;
  return {
    tenantId: args.tenantId,
    number: args.number,
    trackingId: args.trackingId,
    title: (draft.title?.trim() || titleFrom(draft.description) || args.trackingId).slice(
      0,
      TITLE_MAX,
    ),
    description: draft.description,
    category: draft.category,
    impact: draft.impact,
    severity: draft.severity,
    priority: priorityOf(draft.impact, draft.severity),
    status: 'new',
    requester: draft.requester,
    locale: draft.locale,
    intakeChannel: draft.intakeChannel,
    createdAt: args.now,
    updatedAt: args.now,
    firstResponseDueAt: args.firstResponseDueAt,
    resolutionDueAt: args.resolutionDueAt,
    sla: args.sla,
    tier: 1,
    eventCount: 1,
    ...(draft.attachments?.length
      ? { attachments: draft.attachments.slice(0, ATTACHMENTS_MAX) }
      : {}),
    ...(draft.messageLink ? { messageLink: draft.messageLink } : {}),
  };
}

export function createdEvent(ticket: Ticket): TicketEvent {
  return {
    seq: 1,
    type: 'created',
    at: ticket.createdAt,
    actor: ticket.requester,
    channel: ticket.intakeChannel,
    data: {
      title: ticket.title,
      category: ticket.category,
      impact: ticket.impact,
      severity: ticket.severity,
      priority: ticket.priority,
    },
  };
}
