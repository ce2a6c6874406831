/**
 * Durations for medians in a bounded space (issue #7 item 3: a report's cost must not grow with
 * the number of tickets): the first values exactly, and every value in a histogram of fixed
 * bins. A median is exact while every value of the period was kept, and otherwise interpolated
 * inside the histogram bin that holds it (bins are at most 25 % wide past the first hour).
 */
export interface Distribution {
  /** the first values, exactly (at most the cap given when adding) */
  values: number[];
  /** how many values fell in each bin of `BIN_EDGES` */
  bins: number[];
}

/** Lower edges of the bins, in minutes; the last bin is open-ended. */
export const BIN_EDGES: readonly number[] = [
  0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 75, 90, 110, 135, 165, 200, 240, 300,
  360, 450, 540, 660, 800, 960, 1200, 1440, 1800, 2160, 2700, 3240, 4000, 4800, 6000, 7200, 9000,
  11000, 14400, 20160, 43200,
];

export function emptyDistribution(): Distribution {
  return { values: [], bins: BIN_EDGES.map(() => 0) };
}

export function binOf(minutes: number): number {
  let i = BIN_EDGES.length - 1;
  while (i > 0 && minutes < BIN_EDGES[i]) i -= 1;
  return i;
}

export const countOf = (d: Distribution) => d.bins.reduce((a, b) => a + b, 0);

/** The distribution with one more value; at most `keep` values are kept exactly. */
export function addValue(d: Distribution, minutes: number, keep: number): Distribution {
  const v = Math.max(0, Math.round(minutes * 100) / 100);
  const bins = [...d.bins];
  bins[binOf(v)] += 1;
  return { values: d.values.length < keep ? [...d.values, v] : d.values, bins };
}

export function exactMedian(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** The median of several distributions together: exact when all values were kept. */
export function medianOf(parts: Distribution[]): number | undefined {
  const total = parts.reduce((n, d) => n + countOf(d), 0);
  if (total === 0) return undefined;
  const kept = parts.flatMap((d) => d.values);
  if (kept.length === total) return exactMedian(kept);
  const bins = BIN_EDGES.map((_, i) => parts.reduce((n, d) => n + (d.bins[i] ?? 0), 0));
  const rank = total / 2;
  let seen = 0;
  for (let i = 0; i < bins.length; i++) {
    if (seen + bins[i] >= rank && bins[i] > 0) {
      const low = BIN_EDGES[i];
      const high = BIN_EDGES[i + 1] ?? low * 1.25;
      return Math.round((low + ((rank - seen) / bins[i]) * (high - low)) * 100) / 100;
    }
    seen += bins[i];
  }
  return BIN_EDGES[BIN_EDGES.length - 1];
}
