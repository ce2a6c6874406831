import { z } from 'zod';
import { SlaState } from '../domain/sla/clocks';

/**
 * The ticket's SLA state is one JSON column of the ticket row (small: ~400 bytes), validated
 * on the way in and out. Unknown fields are dropped; a damaged or missing value falls back to
 * a state that the next evaluation recomputes from the policy (its fingerprint is empty).
 */
const date = z.coerce.date().refine((d) => !Number.isNaN(d.getTime()), 'invalid date');

const ClockSchema = z.object({
  targetMinutes: z.number().nonnegative(),
  warnedAt: date.optional(),
  breachedAt: date.optional(),
  actualMinutes: z.number().nonnegative().optional(),
});

const SlaStateSchema = z.object({
  policy: z.string().max(64),
  firstResponse: ClockSchema,
  resolution: ClockSchema.extend({
    pausedSince: date.optional(),
    pauseReason: z.enum(['parts', 'requester', 'resolved']).optional(),
    pausedBusinessMinutes: z.number().nonnegative(),
    pausedWallMinutes: z.number().nonnegative(),
  }),
  updates: z.object({ lastAt: date, dueAt: date }),
  parts: z
    .object({
      expectedDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
      expectedAt: date,
      since: date,
      nextFollowUpAt: date,
      followUps: z.number().int().nonnegative(),
      overdueAlertedAt: date.optional(),
    })
    .optional(),
  autoCloseAt: date.optional(),
  /** absent in rows written before surveys existed */
  surveyReminderAt: date.optional(),
});

export function slaToJson(sla: SlaState): string {
  return JSON.stringify(SlaStateSchema.parse(sla));
}

export function slaFromJson(json: string, createdAt: Date): SlaState {
  try {
    const parsed = SlaStateSchema.safeParse(JSON.parse(json));
    if (parsed.success) return parsed.data;
  } catch {
    /* falls through to the recomputable default */
  }
  return {
    policy: '',
    firstResponse: { targetMinutes: 0 },
    resolution: { targetMinutes: 0, pausedBusinessMinutes: 0, pausedWallMinutes: 0 },
    updates: { lastAt: createdAt, dueAt: createdAt },
  };
}
