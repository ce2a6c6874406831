import { createHash } from 'node:crypto';
import { z } from 'zod';
import { Priority } from '../tickets/priority-matrix';
import {
  BusinessCalendarSchema,
  addBusinessMinutes,
  businessMinutesBetween,
} from './business-calendar';

const TargetSchema = z.object({
  /** minutes until the first human response */
  firstResponseMinutes: z.number().int().positive(),
  /** minutes until resolution */
  resolutionMinutes: z.number().int().positive(),
  /** `business`: only working hours count; `24x7`: every minute counts */
  clock: z.enum(['business', '24x7']),
});

export const SlaPolicySchema = z
  .object({
    targets: z.object({ alta: TargetSchema, media: TargetSchema, baja: TargetSchema }),
    calendar: BusinessCalendarSchema,
    /** share of a target after which the ticket's channel is warned (0.75 = at 75 %) */
    warningThreshold: z.number().gt(0).lt(1).default(0.75),
    /** a resolution breach hands the ticket to tier 2 by itself (takes effect with tier 2) */
    autoEscalateOnBreach: z.boolean().default(false),
    /** a ticket waiting for its requester closes after this many business days of silence */
    autoCloseBusinessDays: z.number().int().min(1).max(30).default(3),
    /** the requester hears about an open ticket at least every this many business hours */
    updateEveryBusinessHours: z.number().gt(0).max(72).default(4),
    /** the window for the expected arrival of parts, in business days from today */
    parts: z
      .object({
        minBusinessDays: z.number().int().min(1).default(1),
        maxBusinessDays: z.number().int().min(1).max(30).default(5),
      })
      .refine((p) => p.minBusinessDays <= p.maxBusinessDays, 'minBusinessDays > maxBusinessDays')
      .default({}),
  })
  .strict();
export type SlaPolicy = z.infer<typeof SlaPolicySchema>;

export function parseSlaPolicy(raw: unknown): SlaPolicy {
  return SlaPolicySchema.parse(raw);
}

/** A short fingerprint of the policy: a ticket whose due times used another one is recomputed. */
export function policyFingerprint(policy: SlaPolicy): string {
  return createHash('sha256').update(JSON.stringify(policy)).digest('hex').slice(0, 16);
}

/** The instant a target of `minutes` falls due, on the priority's clock. */
export function dueAt(policy: SlaPolicy, priority: Priority, start: Date, minutes: number): Date {
  return policy.targets[priority].clock === '24x7'
    ? new Date(start.getTime() + minutes * 60_000)
    : addBusinessMinutes(start, minutes, policy.calendar);
}

/** Minutes between two instants on the priority's clock (business or every minute). */
export function clockMinutes(policy: SlaPolicy, priority: Priority, from: Date, to: Date): number {
  return policy.targets[priority].clock === '24x7'
    ? Math.max(0, (to.getTime() - from.getTime()) / 60_000)
    : businessMinutesBetween(from, to, policy.calendar);
}

export function initialDueTimes(
  policy: SlaPolicy,
  priority: Priority,
  createdAt: Date,
): { firstResponseDueAt: Date; resolutionDueAt: Date } {
  const t = policy.targets[priority];
  return {
    firstResponseDueAt: dueAt(policy, priority, createdAt, t.firstResponseMinutes),
    resolutionDueAt: dueAt(policy, priority, createdAt, t.resolutionMinutes),
  };
}
