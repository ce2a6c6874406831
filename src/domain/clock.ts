/** Time is passed in: the domain never reads the system clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock a test (or the `/test/clock` route) can set and move forward. */
export class SettableClock implements Clock {
  private offsetMs = 0;
  private fixed: number | undefined;

  constructor(
    private readonly base: Clock = systemClock,
    start?: Date,
  ) {
    if (start) this.fixed = start.getTime();
  }

  now(): Date {
    return new Date(this.fixed ?? this.base.now().getTime() + this.offsetMs);
  }

  set(at: Date): void {
    this.fixed = at.getTime();
  }

  advanceMinutes(minutes: number): void {
    if (this.fixed !== undefined) this.fixed += minutes * 60_000;
    else this.offsetMs += minutes * 60_000;
  }
}
