/** What the runner hands to each bench module, and what a module hands back. */

export interface BenchContext {
  /** connection string of the runner's in-memory Azurite (one for the whole run) */
  connectionString: string;
  /** process id of that Azurite, to read its processor time */
  storagePid?: number;
  /** progress for humans, on stderr (stdout carries only the figures) */
  progress(message: string): void;
}

/** One measured figure: a value compared with a baseline of the same unit. */
export interface Figure {
  /** short, stable id: later runs are compared by it */
  name: string;
  value: number;
  unit: string;
  baseline: number;
  /** decimals shown for value and baseline (the ratio always has two) */
  decimals?: number;
  /** when set, the ratio value/baseline should stay at or under this */
  maxRatio?: number;
  /** when set, the ratio value/baseline should stay at or above this */
  minRatio?: number;
  /** when set, the value itself should stay at or under this (in its unit) */
  maxValue?: number;
  /** a short explanation for docs/benchmarks.md: what was measured, on what data, how */
  explanation: string;
}

export interface BenchModule {
  /** short id: `npm run bench -- <name>` runs only this module (and leaves the doc alone) */
  name: string;
  /** heading of the module's section in docs/benchmarks.md */
  title: string;
  run(ctx: BenchContext): Promise<Figure[]>;
}
