import { z } from 'zod';
import { MESSAGE_LINK_MAX, isTeamsMessageLink } from '../domain/tickets/ticket-link';

/**
 * The link to the Teams message a ticket was created from (message extension), one string
 * column of the ticket row, validated on the way in and out: only an https link to a Teams
 * message is written or read back; anything else reads as no link.
 */
const MessageLinkSchema = z
  .string()
  .max(MESSAGE_LINK_MAX)
  .refine(isTeamsMessageLink, 'must be an https link to a Teams message');

/** The column's value ('' for none, so that a merge clears an older value). */
export function messageLinkToColumn(link: string | undefined): string {
  if (link === undefined) return '';
  const parsed = MessageLinkSchema.safeParse(link);
  return parsed.success ? parsed.data : '';
}

export function messageLinkFromColumn(value: unknown): string | undefined {
  // Most tickets have none: no parse (a failed one builds an error, on every ticket read).
  if (value === undefined || value === null || value === '') return undefined;
  const parsed = MessageLinkSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
