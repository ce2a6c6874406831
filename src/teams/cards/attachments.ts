import { Locale, t } from '../../domain/i18n';
import { TicketAttachment } from '../../domain/tickets/ticket';
import { shorten } from './render';

/** Attachments listed on one card; the rest are counted ("and 3 more"). */
export const CARD_ATTACHMENTS_MAX = 10;
/** Characters of names and links listed on one card: long SharePoint links must not push it past 28 KB. */
export const CARD_ATTACHMENTS_BUDGET = 6_000;
const NAME_MAX = 100;

/** One attachment line of a card: the name (a link, shown literally) and a short type. */
export interface AttachmentLine {
  name: string;
  url: string;
  type: string;
}

/** A short type a person reads: the file's extension, else the media subtype ("PDF", "PNG"). */
export function shortType(a: TicketAttachment): string {
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(a.name)?.[1];
  if (ext) return ext.toUpperCase();
  const [top, rest] = a.contentType.split('/');
  if (rest === '*') return top.slice(0, 20).toUpperCase(); // a screenshot: `image/*`
  const sub = /^[\w.+-]+\/([\w.+-]+)/.exec(a.contentType)?.[1] ?? a.contentType;
  return sub
    .replace(/^(x-|vnd\.)/, '')
    .slice(0, 20)
    .toUpperCase();
}

/**
 * What a card shows of a ticket's attachments: at most CARD_ATTACHMENTS_MAX lines within a
 * character budget, names shortened; `more` says how many were left out (the ticket keeps all).
 */
export function attachmentLines(
  locale: Locale,
  attachments: TicketAttachment[] | undefined,
): { attachments: AttachmentLine[]; attachmentsMore: string; attachmentsLabel: string } {
  const all = attachments ?? [];
  const lines: AttachmentLine[] = [];
  let used = 0;
  for (const a of all) {
    if (lines.length >= CARD_ATTACHMENTS_MAX) break;
    const name = shorten(a.name, NAME_MAX).text;
    const cost = name.length + a.url.length;
    if (used + cost > CARD_ATTACHMENTS_BUDGET) break;
    used += cost;
    lines.push({ name, url: a.url, type: shortType(a) });
  }
  const left = all.length - lines.length;
  return {
    attachments: lines,
    attachmentsMore: left > 0 ? t(locale, 'attachments.more', { count: left }) : '',
    attachmentsLabel: t(locale, 'attachments.label', { count: all.length }),
  };
}
