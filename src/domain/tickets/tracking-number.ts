/** Human-friendly tracking numbers: `SUP-000123` (prefix configurable, at least six digits). */
export function formatTrackingId(prefix: string, number: number): string {
  return `${prefix}-${String(number).padStart(6, '0')}`;
}

/** Finds a tracking number in free text (`sup-123`, `SUP-000123`), for any configured prefix. */
export function parseTrackingId(prefix: string, text: string): number | undefined {
  const m = new RegExp(`\\b${prefix}-?(\\d{1,9})\\b`, 'i').exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}
