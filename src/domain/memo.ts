/**
 * A pure function's results kept by key: inputs repeat across requests (the same words, minutes,
 * days). Bounded: everything kept is forgotten at once when `limit` results are kept.
 */
export function memoize<K, V>(limit: number, compute: (key: K) => V): (key: K) => V {
  return memoizeBy(limit, (key: K) => key, compute);
}

/**
 * `memoize` for inputs that are not good keys themselves (long texts): results are kept under
 * `keyOf(input)` (a digest, say), and computed from the input.
 */
export function memoizeBy<A, V, K = string>(
  limit: number,
  keyOf: (input: A) => K,
  compute: (input: A) => V,
): (input: A) => V {
  const kept = new Map<K, V>();
  return (input) => {
    const key = keyOf(input);
    const known = kept.get(key);
    if (known !== undefined) return known;
    const value = compute(input);
    if (kept.size >= limit) kept.clear();
    kept.set(key, value);
    return value;
  };
}
