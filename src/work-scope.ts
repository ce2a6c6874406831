import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What the code running now is working for: a request from Teams (`turn`) or the outbox sending
 * after it (`outbox`), with an optional label (the outbox job's kind). Read by diagnostics such
 * as the benchmark's storage round-trip counter (a pipeline policy on the table clients), which
 * must tell the requests a turn makes from those the outbox makes afterwards. Off unless asked
 * for: an AsyncLocalStorage in use puts a hook on every promise of the process, a cost
 * production does not need to pay.
 */
export type WorkKind = 'turn' | 'outbox';

export interface WorkScope {
  kind: WorkKind;
  label?: string;
}

export const workScope = new AsyncLocalStorage<WorkScope>();
let attributing = false;

/** Turns the attribution on for this process (benchmarks). */
export function attributeWork(): void {
  attributing = true;
}

/** Runs `work` as `kind` (and `label`) when attribution is on; else simply runs it. */
export function inScope<T>(kind: WorkKind, work: () => T, label?: string): T {
  return attributing ? workScope.run({ kind, label }, work) : work();
}
