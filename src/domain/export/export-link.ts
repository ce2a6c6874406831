import { createHmac, timingSafeEqual } from 'node:crypto';
import { ExportRange, RangeProblem, checkRange, parseDay } from './export-range';

/** Minutes an export link works after it was made. */
export const EXPORT_LINK_MINUTES = 15;

/** What a link grants: one tenant's tickets created in a range, until `exp` (ms epoch). */
export interface ExportLinkParams extends ExportRange {
  tenant: string;
  exp: number;
}

/** The query parameters a link carries, in the order they are signed. */
const SIGNED = ['tenant', 'from', 'to', 'exp'] as const;

/**
 * The string the signature covers: every other parameter, in a fixed order, percent-encoded
 * (`tenant=…&from=…&to=…&exp=…`), so that the same link always gives the same bytes.
 */
export function canonicalString(p: ExportLinkParams): string {
  const value: Record<(typeof SIGNED)[number], string> = {
    tenant: p.tenant,
    from: p.from,
    to: p.to,
    exp: String(p.exp),
  };
  return SIGNED.map((k) => `${k}=${encodeURIComponent(value[k])}`).join('&');
}

/** Hex HMAC-SHA256 of the canonical string under `key`. */
export function signLink(key: Buffer, p: ExportLinkParams): string {
  return createHmac('sha256', key).update(canonicalString(p), 'utf8').digest('hex');
}

/** The query string of a signed link (`tenant=…&from=…&to=…&exp=…&sig=…`). */
export function linkQuery(key: Buffer, p: ExportLinkParams): string {
  return `${canonicalString(p)}&sig=${signLink(key, p)}`;
}

export type LinkCheck =
  | { ok: true; params: ExportLinkParams }
  /** 400: a parameter is missing or malformed (the reason names it) */
  | { ok: false; status: 400; reason: string }
  /** 403: no signature, or one that does not match */
  | { ok: false; status: 403 }
  /** 410: a genuine link, past its expiry */
  | { ok: false; status: 410 };

const SIG = /^[0-9a-f]{64}$/;
const EXP = /^\d{1,15}$/;

const RANGE_REASON: Record<RangeProblem, string> = {
  format: 'from and to must be dates as YYYY-MM-DD',
  order: 'to is before from',
  tooLong: 'the range is longer than 366 days',
};

/** The link's parameters, each exactly once, or why the query is not one. */
export function parseLinkQuery(
  query: URLSearchParams,
): { ok: true; params: ExportLinkParams; sig?: string } | { ok: false; reason: string } {
  for (const name of new Set(query.keys())) {
    if (name !== 'sig' && !(SIGNED as readonly string[]).includes(name)) {
      return { ok: false, reason: `unknown parameter ${name.slice(0, 40)}` };
    }
    if (query.getAll(name).length > 1) return { ok: false, reason: `${name} given twice` };
  }
  const missing = SIGNED.filter((k) => !query.get(k));
  if (missing.length > 0) return { ok: false, reason: `missing ${missing.join(', ')}` };
  const tenant = query.get('tenant')!;
  if (tenant.length > 128) return { ok: false, reason: 'tenant is too long' };
  const from = query.get('from')!;
  const to = query.get('to')!;
  if (!parseDay(from) || !parseDay(to)) return { ok: false, reason: RANGE_REASON.format };
  const exp = query.get('exp')!;
  if (!EXP.test(exp)) return { ok: false, reason: 'exp must be a time in ms since 1970' };
  return { ok: true, params: { tenant, from, to, exp: Number(exp) }, sig: query.get('sig') ?? '' };
}

/**
 * Checks a link at `now`: the parameters (400), the signature in constant time (403), then the
 * expiry (410), then the range. `keyOf` gives the tenant's key, undefined when it has none.
 */
export async function checkLink(
  query: URLSearchParams,
  now: Date,
  keyOf: (tenant: string) => Promise<Buffer | undefined>,
): Promise<LinkCheck> {
  const parsed = parseLinkQuery(query);
  if (!parsed.ok) return { ok: false, status: 400, reason: parsed.reason };
  const { params, sig } = parsed;
  if (!sig || !SIG.test(sig)) return { ok: false, status: 403 };
  const key = await keyOf(params.tenant);
  if (!key) return { ok: false, status: 403 };
  const expected = Buffer.from(signLink(key, params), 'hex');
  const given = Buffer.from(sig, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, status: 403 };
  }
  if (params.exp <= now.getTime()) return { ok: false, status: 410 };
  const range = checkRange(params.from, params.to);
  if (!range.ok) return { ok: false, status: 400, reason: RANGE_REASON[range.problem] };
  return { ok: true, params };
}
