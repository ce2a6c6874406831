import { z } from 'zod';
import { Priority } from '../tickets/priority-matrix';
import { BusinessCalendarSchema, addBusinessMinutes } from './business-calendar';

const TargetSchema = z.object({
  /** minutes until the first human response */
  firstResponseMinutes: z.number().int().positive(),
  /** minutes until resolution */
  resolutionMinutes: z.number().int().positive(),
  /** `business`: only working hours count; `24x7`: every minute counts */
  clock: z.enum(['business', '24x7']),
});

export const SlaPolicySchema = z.object({
  targets: z.object({ alta: TargetSchema, media: TargetSchema, baja: TargetSchema }),
  calendar: BusinessCalendarSchema,
});
export type SlaPolicy = z.infer<typeof SlaPolicySchema>;

export function parseSlaPolicy(raw: unknown): SlaPolicy {
  return SlaPolicySchema.parse(raw);
}

/** The instant a target of `minutes` falls due, on the priority's clock. */
export function dueAt(policy: SlaPolicy, priority: Priority, start: Date, minutes: number): Date {
  return policy.targets[priority].clock === '24x7'
    ? new Date(start.getTime() + minutes * 60_000)
    : addBusinessMinutes(start, minutes, policy.calendar);
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
