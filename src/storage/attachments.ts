import { z } from 'zod';
import {
  ATTACHMENTS_MAX,
  ATTACHMENT_NAME_MAX,
  ATTACHMENT_TYPE_MAX,
  ATTACHMENT_URL_MAX,
  TicketAttachment,
} from '../domain/tickets/ticket';

/**
 * A ticket's attachments are one JSON column of the ticket row (at most ~27K characters with
 * the domain's limits), validated on the way in and out. Unknown fields are dropped; a damaged
 * value reads as no attachments (the row keeps it until the ticket is written again).
 */
const AttachmentSchema = z.object({
  name: z.string().min(1).max(ATTACHMENT_NAME_MAX),
  contentType: z.string().max(ATTACHMENT_TYPE_MAX),
  url: z
    .string()
    .max(ATTACHMENT_URL_MAX)
    .url()
    .refine((u) => u.startsWith('https://'), 'must be https'),
});

const AttachmentsSchema = z.array(AttachmentSchema).max(ATTACHMENTS_MAX);

/** The column's value; an entry outside the limits (the edges refuse those) is left out. */
export function attachmentsToJson(attachments: TicketAttachment[]): string {
  const valid = attachments.flatMap((a) => {
    const parsed = AttachmentSchema.safeParse(a);
    return parsed.success ? [parsed.data] : [];
  });
  return JSON.stringify(valid.slice(0, ATTACHMENTS_MAX));
}

export function attachmentsFromJson(json: unknown): TicketAttachment[] | undefined {
  if (typeof json !== 'string' || json === '') return undefined;
  try {
    const parsed = AttachmentsSchema.safeParse(JSON.parse(json));
    if (parsed.success && parsed.data.length > 0) return parsed.data;
  } catch {
    /* a damaged value reads as none */
  }
  return undefined;
}
