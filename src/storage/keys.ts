import { createHash } from 'node:crypto';

/** Characters Azure Tables forbids in keys, plus control characters. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what Azure forbids
const FORBIDDEN = /[/\\#?\u0000-\u001f\u007f-\u009f]/;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * A key part from an outside id: kept as is when short and legal (AAD GUIDs, tenant ids),
 * otherwise hashed (e-mail Message-IDs contain `/`, which Azure forbids in keys).
 */
export function keyPart(id: string): string {
  if (id.length > 0 && id.length <= 128 && !FORBIDDEN.test(id) && !id.includes('|')) return id;
  return `h${sha256Hex(id).slice(0, 40)}`;
}

/** Idempotency key of an outside event (an activity, a form, an e-mail), always hashed. */
export function idemHash(scope: string): string {
  return sha256Hex(scope).slice(0, 40);
}

export function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
