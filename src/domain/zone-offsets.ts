import { IANAZone } from 'luxon';
import { memoize } from './memo';

/**
 * Luxon asks `Intl.DateTimeFormat#formatToParts` for a zone's UTC offset every time it converts an
 * instant, which made business-time arithmetic (SLA deadlines, card dates) cost ~0.8 ms a call.
 * An offset only changes at a zone transition, and transitions fall on whole minutes, so the
 * offset is remembered per zone and minute (exact, not an approximation). Bounded: the memo is
 * emptied when it grows past `MAX_ENTRIES`.
 */
const MAX_ENTRIES = 50_000;
const patched = Symbol.for('support-desk.zone-offset-memo');

type Offset = (this: IANAZone, ts: number) => number;
const proto = IANAZone.prototype as unknown as { offset: Offset; [patched]?: true };

if (!proto[patched]) {
  const original = proto.offset;
  // Keyed by zone and minute; the offset at the minute's start is the minute's offset.
  const atMinute = memoize(MAX_ENTRIES, (key: string) => {
    const cut = key.lastIndexOf('|');
    const zone = IANAZone.create(key.slice(0, cut));
    return original.call(zone, Number(key.slice(cut + 1)) * 60_000);
  });
  proto.offset = function offset(this: IANAZone, ts: number): number {
    if (!Number.isFinite(ts)) return original.call(this, ts);
    return atMinute(`${this.name}|${Math.floor(ts / 60_000)}`);
  };
  proto[patched] = true;
}

export {};
