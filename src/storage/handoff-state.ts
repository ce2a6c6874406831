import { z } from 'zod';
import { Handoff } from '../domain/tickets/ticket';

/**
 * A ticket's latest handoff: one JSON column of the ticket row, validated on the way in and
 * out (a damaged value reads as no handoff). Where its card was posted lives in two plain columns,
 * written by the sender without touching the rest.
 */
const date = z.coerce.date().refine((d) => !Number.isNaN(d.getTime()), 'invalid date');
const PersonSchema = z.object({ id: z.string().max(200), name: z.string().max(400) });

const HandoffSchema = z.object({
  fromTier: z.number().int().min(1).max(9),
  toTier: z.number().int().min(2).max(9),
  team: z.string().max(400),
  reason: z.string().max(8000),
  notes: z.string().max(8000),
  by: PersonSchema,
  at: date,
  state: z.enum(['pending', 'accepted', 'returned']),
  acceptedBy: PersonSchema.optional(),
  returnReason: z.string().max(8000).optional(),
});

export function handoffToJson(h: Handoff | undefined): string {
  if (!h) return '';
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the card ref has its own columns
  const { card, ...rest } = h;
  return JSON.stringify(HandoffSchema.parse(rest));
}

export function handoffFromJson(
  json: string,
  card: { conversationId: string; activityId: string } | undefined,
): Handoff | undefined {
  if (!json) return undefined;
  try {
    const parsed = HandoffSchema.safeParse(JSON.parse(json));
    return parsed.success ? { ...parsed.data, ...(card ? { card } : {}) } : undefined;
  } catch {
    return undefined;
  }
}
