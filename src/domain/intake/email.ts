import { createHash } from 'node:crypto';
import { ATTACHMENTS_MAX, Person, TicketAttachment, titleFrom } from '../tickets/ticket';
import { parseTrackingId } from '../tickets/tracking-number';

/** Rules of the e-mail intake (spec 1.4): who the requester is, what the ticket says. */

/** A person known only by an e-mail address: a stable pseudo id that never shows the address. */
export function emailRequesterId(address: string): string {
  const hash = createHash('sha256').update(address.trim().toLowerCase(), 'utf8').digest('hex');
  return `email:${hash.slice(0, 32)}`;
}

/** The requester of an e-mail; the name shows the address, so that agents can write back. */
export function emailRequester(address: string, name?: string): Person {
  const clean = address.trim();
  const display = name?.replace(/\s+/g, ' ').trim();
  return {
    id: emailRequesterId(clean),
    name: (display && display !== clean ? `${display} <${clean}>` : clean).slice(0, 200),
  };
}

/** One ticket per e-mail, however often it is posted (hashed by the repository). */
export function emailIdemKey(messageId: string): string {
  return `email:${messageId}`;
}

/** "Re:", "RE:", "Fwd:", "RV:" … in front of a subject (English and Spanish clients). */
const REPLY_PREFIX = /^(?:\s*(?:re|aw|fw|fwd|rv|tr)\s*(?:\[\d+\])?\s*:\s*)+/i;

/** The ticket's title: the subject without reply markers (undefined when there is none). */
export function emailTitle(subject: string): string | undefined {
  return titleFrom(subject.replace(REPLY_PREFIX, '')) || undefined;
}

/** The ticket's description: the subject, a blank line, the text. */
export function emailDescription(subject: string, text: string): string {
  const s = subject.trim();
  const body = text.trim();
  if (!s) return body;
  return body ? `${s}\n\n${body}` : s;
}

/** The ticket a reply is about: a tracking number in the subject (`Re: SUP-000123 …`). */
export function replyTarget(subject: string, trackingPrefix: string): number | undefined {
  return parseTrackingId(trackingPrefix, subject);
}

/** An event's data is one JSON column: Azure keeps at most 32K characters in a string. */
export const EVENT_DATA_MAX = 30_000;

/**
 * The data of the comment a reply adds: the text is shortened (never inside a surrogate pair)
 * until the whole fits in one column, and then says how long it was.
 */
export function emailCommentData(args: {
  text: string;
  subject: string;
  fromRequester: boolean;
  receivedAt: string;
  attachmentNames: string[];
  resumed: boolean;
}): Record<string, unknown> {
  // Control characters other than tab and newlines are noise in a comment (and cost 6× in JSON).
  // eslint-disable-next-line no-control-regex -- these are exactly what is removed
  const full = args.text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim();
  const base = {
    from: args.fromRequester ? 'requester' : 'other',
    subject: args.subject.slice(0, 500),
    receivedAt: args.receivedAt,
    ...(args.attachmentNames.length > 0 ? { attachments: args.attachmentNames } : {}),
    ...(args.resumed ? { resumed: true } : {}),
  };
  let text = full;
  while (JSON.stringify({ ...base, text, truncatedFrom: full.length }).length > EVENT_DATA_MAX) {
    let end = Math.floor(text.length * 0.8);
    const last = text.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff) end -= 1;
    text = text.slice(0, end);
  }
  return { text, ...base, ...(text.length < full.length ? { truncatedFrom: full.length } : {}) };
}

/** The ticket's attachments with a reply's added: no link twice, at most ATTACHMENTS_MAX. */
export function mergeAttachments(
  existing: TicketAttachment[] | undefined,
  added: TicketAttachment[],
): TicketAttachment[] | undefined {
  const all = [...(existing ?? [])];
  for (const a of added) {
    if (all.length >= ATTACHMENTS_MAX) break;
    if (!all.some((b) => b.url === a.url)) all.push(a);
  }
  return all.length > 0 ? all : undefined;
}
