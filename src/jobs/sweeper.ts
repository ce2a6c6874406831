/**
 * A sweep that runs every `intervalMs` after the previous one ended, one at a time per process:
 * `run()` while a sweep is running waits for it, then runs one more (a caller that just changed
 * something, or moved the test clock, gets a sweep that sees the change). Failures of the timed
 * sweeps are reported to `onError` and the next one runs as planned.
 */
export class Sweeper<T> {
  private timer?: NodeJS.Timeout;
  private running?: Promise<T>;
  private stopped = true;

  constructor(
    private readonly once: () => Promise<T>,
    private readonly onError: (e: Error) => void,
  ) {}

  async run(): Promise<T> {
    while (this.running) await this.running.catch(() => undefined);
    this.running = this.once().finally(() => (this.running = undefined));
    return this.running;
  }

  start(intervalMs: number): void {
    this.stopped = false;
    const tick = () => {
      this.timer = setTimeout(async () => {
        await this.run().catch((e) => this.onError(e as Error));
        if (!this.stopped) tick();
      }, intervalMs);
      this.timer.unref?.();
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }
}
