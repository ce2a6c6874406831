import { IANAZone } from 'luxon';

/**
 * Luxon asks `Intl.DateTimeFormat#formatToParts` for a zone's UTC offset every time it converts an
 * instant, which made business-time arithmetic (SLA deadlines, card dates) cost ~0.8 ms a call.
 * An offset only changes at a zone transition, and transitions fall on whole minutes, so the
 * offset is remembered per zone and minute (exact, not an approximation). Bounded: the memo is
 * emptied when it grows past `MAX_ENTRIES`.
 */
const MAX_ENTRIES = 50_000;
const memo = new Map<string, number>();
const patched = Symbol.for('support-desk.zone-offset-memo');

type Offset = (this: IANAZone, ts: number) => number;
const proto = IANAZone.prototype as unknown as { offset: Offset; [patched]?: true };

if (!proto[patched]) {
  const original = proto.offset;
  proto.offset = function offset(this: IANAZone, ts: number): number {
    if (!Number.isFinite(ts)) return original.call(this, ts);
    const key = `${this.name}|${Math.floor(ts / 60_000)}`;
    let value = memo.get(key);
    if (value === undefined) {
      value = original.call(this, ts);
      if (memo.size >= MAX_ENTRIES) memo.clear();
      memo.set(key, value);
    }
    return value;
  };
  proto[patched] = true;
}

export {};
