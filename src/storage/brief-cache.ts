/** Milliseconds a cached read is trusted (tenant settings, playbook rates). */
export const BRIEF_TTL_MS = 10_000;

export interface BriefCacheOptions {
  ttlMs?: number;
  now?: () => number;
}

/**
 * Remembers a read for a few seconds, so that a burst of turns that all need the same small row
 * (a tenant's settings on every card action) makes one storage request, not one each. Reads of
 * the same key that arrive while one is under way share it; a failed read is not remembered.
 * Writes made by this process call `forget`, so the process sees its own changes at once; other
 * instances see them within the TTL, as with the agents' roster.
 */
export class BriefCache<T> {
  private readonly entries = new Map<string, { at: number; value: Promise<T> }>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(opts: BriefCacheOptions = {}) {
    this.ttlMs = opts.ttlMs ?? BRIEF_TTL_MS;
    this.now = opts.now ?? Date.now;
  }

  get(key: string, load: () => Promise<T>): Promise<T> {
    const at = this.now();
    const hit = this.entries.get(key);
    if (hit && at - hit.at < this.ttlMs) return hit.value;
    const value = load();
    const entry = { at, value };
    this.entries.set(key, entry);
    // Keys are tenants: few. Expired entries are dropped as new reads come in.
    if (this.entries.size > 1000) this.prune(at);
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return value;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }

  private prune(at: number): void {
    for (const [k, e] of this.entries) if (at - e.at >= this.ttlMs) this.entries.delete(k);
  }
}
