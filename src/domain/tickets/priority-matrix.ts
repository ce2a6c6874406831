/** Impact: how many people are affected. */
export const IMPACTS = ['high', 'medium', 'low'] as const;
export type Impact = (typeof IMPACTS)[number];

/** Severity (gravedad): how badly work is hindered. */
export const SEVERITIES = ['high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Priority levels of the policy, named as in the source document. */
export const PRIORITIES = ['alta', 'media', 'baja'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Spec 2.1: impact × severity → priority (seed: "Evaluación de la gravedad y el impacto"). */
const MATRIX: Record<Impact, Record<Severity, Priority>> = {
  high: { high: 'alta', medium: 'alta', low: 'media' },
  medium: { high: 'alta', medium: 'media', low: 'baja' },
  low: { high: 'media', medium: 'baja', low: 'baja' },
};

export function priorityOf(impact: Impact, severity: Severity): Priority {
  return MATRIX[impact][severity];
}
