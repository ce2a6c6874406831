import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import {
  CSV_BOM,
  csvCell,
  csvLine,
  firstResponseMet,
  resolutionMet,
  ticketRecord,
  TICKET_COLUMNS,
} from '../../src/domain/export/csv';
import {
  EXPORT_LINK_MINUTES,
  canonicalString,
  checkLink,
  linkQuery,
  signLink,
} from '../../src/domain/export/export-link';
import { parseExportArgs, rangeInstants } from '../../src/domain/export/export-range';
import { sampleTicket } from '../support/card-samples';

const KEY = Buffer.alloc(32, 7);
const OTHER_KEY = Buffer.alloc(32, 8);
const NOW = new Date('2026-11-27T10:00:00Z');
const EXP = NOW.getTime() + EXPORT_LINK_MINUTES * 60_000;
const LINK = { tenant: 'tenant-1', from: '2026-11-01', to: '2026-11-30', exp: EXP };

const keyOf = async (tenant: string) => (tenant === 'tenant-1' ? KEY : undefined);
const check = (query: string, now = NOW) => checkLink(new URLSearchParams(query), now, keyOf);

describe('export links: signing and checking', () => {
  it('signs a canonical string of every other parameter, in a fixed order', () => {
    expect(canonicalString({ ...LINK, tenant: 'a&b=c' })).toBe(
      `tenant=a%26b%3Dc&from=2026-11-01&to=2026-11-30&exp=${EXP}`,
    );
    const expected = createHmac('sha256', KEY)
      .update(`tenant=tenant-1&from=2026-11-01&to=2026-11-30&exp=${EXP}`)
      .digest('hex');
    expect(signLink(KEY, LINK)).toBe(expected);
    expect(signLink(KEY, LINK)).toMatch(/^[0-9a-f]{64}$/);
    expect(signLink(OTHER_KEY, LINK)).not.toBe(expected);
  });

  it('accepts its own link until it expires, whatever the order of the parameters', async () => {
    const query = linkQuery(KEY, LINK);
    expect(await check(query)).toEqual({ ok: true, params: LINK });
    const shuffled = new URLSearchParams(query);
    const reordered = ['sig', 'exp', 'to', 'from', 'tenant']
      .map((k) => `${k}=${encodeURIComponent(shuffled.get(k)!)}`)
      .join('&');
    expect(await check(reordered)).toEqual({ ok: true, params: LINK });
    // one millisecond before it expires, and at the instant it does
    expect((await check(query, new Date(EXP - 1))).ok).toBe(true);
    expect(await check(query, new Date(EXP))).toEqual({ ok: false, status: 410 });
  });

  it.each([
    ['a changed end date', (q: URLSearchParams) => q.set('to', '2026-12-31')],
    ['a changed start date', (q: URLSearchParams) => q.set('from', '2026-10-01')],
    ['a later expiry', (q: URLSearchParams) => q.set('exp', String(EXP + 3_600_000))],
    ['another tenant', (q: URLSearchParams) => q.set('tenant', 'tenant-2')],
    ['a changed signature', (q: URLSearchParams) => q.set('sig', '0'.repeat(64))],
    ['a signature cut short', (q: URLSearchParams) => q.set('sig', q.get('sig')!.slice(2))],
    ['no signature', (q: URLSearchParams) => q.delete('sig')],
    ['an empty signature', (q: URLSearchParams) => q.set('sig', '')],
    [
      'a signature under another key',
      (q: URLSearchParams) => q.set('sig', signLink(OTHER_KEY, LINK)),
    ],
  ])('refuses %s with 403', async (_what, tamper) => {
    const q = new URLSearchParams(linkQuery(KEY, LINK));
    tamper(q);
    expect(await check(q.toString())).toEqual({ ok: false, status: 403 });
  });

  it('a tampered link is 403 even once expired (the signature is checked first)', async () => {
    const q = new URLSearchParams(linkQuery(KEY, LINK));
    q.set('to', '2026-12-01');
    expect(await check(q.toString(), new Date(EXP + 60_000))).toEqual({ ok: false, status: 403 });
  });

  it.each([
    ['missing from', (q: URLSearchParams) => q.delete('from'), 'missing from'],
    ['a date that does not exist', (q: URLSearchParams) => q.set('to', '2026-02-30'), 'YYYY-MM-DD'],
    ['a date in another format', (q: URLSearchParams) => q.set('from', '01/11/2026'), 'YYYY-MM-DD'],
    ['a non-numeric expiry', (q: URLSearchParams) => q.set('exp', 'soon'), 'exp must be'],
    [
      'an unknown parameter',
      (q: URLSearchParams) => q.set('admin', '1'),
      'unknown parameter admin',
    ],
    [
      'a repeated parameter',
      (q: URLSearchParams) => q.append('to', '2026-11-30'),
      'to given twice',
    ],
  ])('refuses %s with 400 and the reason', async (_what, spoil, reason) => {
    const q = new URLSearchParams(linkQuery(KEY, LINK));
    spoil(q);
    const res = await check(q.toString());
    expect(res).toMatchObject({ ok: false, status: 400 });
    expect((res as { reason: string }).reason).toContain(reason);
  });

  it('a tenant without a key gets 403 (a link cannot make one)', async () => {
    const q = linkQuery(KEY, { ...LINK, tenant: 'nobody' });
    expect(await check(q)).toEqual({ ok: false, status: 403 });
  });
});

describe('export command dates', () => {
  const zone = 'America/Mexico_City';
  it('defaults to the last 30 days up to today in the business time zone', () => {
    // 03:00 UTC on the 1st of December is still the 30th of November in Mexico City
    expect(parseExportArgs('', new Date('2026-12-01T03:00:00Z'), zone)).toEqual({
      ok: true,
      range: { from: '2026-11-01', to: '2026-11-30' },
    });
  });

  it.each([
    ['2026-11-01 2026-11-30', { ok: true, range: { from: '2026-11-01', to: '2026-11-30' } }],
    ['2026-11-20', { ok: true, range: { from: '2026-11-20', to: '2026-11-27' } }],
    ['2026-11-27 2026-11-27', { ok: true, range: { from: '2026-11-27', to: '2026-11-27' } }],
    ['2025-01-01 2025-12-31', { ok: true, range: { from: '2025-01-01', to: '2025-12-31' } }],
    ['2024-01-01 2024-12-31', { ok: true, range: { from: '2024-01-01', to: '2024-12-31' } }], // leap year: 366
    ['2025-01-01 2026-01-01', { ok: true, range: { from: '2025-01-01', to: '2026-01-01' } }], // 366
    ['2025-01-01 2026-01-02', { ok: false, problem: 'tooLong' }], // 367
    ['2026-11-30 2026-11-01', { ok: false, problem: 'order' }],
    ['2026-13-01', { ok: false, problem: 'format' }],
    ['2026-02-29', { ok: false, problem: 'format' }],
    ['yesterday', { ok: false, problem: 'format' }],
    ['2026-11-01 2026-11-02 2026-11-03', { ok: false, problem: 'format' }],
  ])('"export %s"', (args, expected) => {
    expect(parseExportArgs(args, NOW, zone)).toEqual(expected);
  });

  it('a range covers whole local days, the last one included', () => {
    expect(rangeInstants({ from: '2026-11-01', to: '2026-11-30' }, zone)).toEqual({
      start: new Date('2026-11-01T06:00:00Z'),
      end: new Date('2026-12-01T06:00:00Z'),
    });
  });
});

describe('CSV', () => {
  it('quotes cells with commas, quotes or line breaks, doubling the quotes', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvCell('Ñandú 🐛')).toBe('Ñandú 🐛');
  });

  it.each([
    ['=HYPERLINK("http://evil.example","x")', `"'=HYPERLINK(""http://evil.example"",""x"")"`],
    ['+1+1', "'+1+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', `"'\rcmd"`],
  ])('defuses a formula: %j → %j', (input, output) => {
    expect(csvCell(input)).toBe(output);
  });

  it('writes numbers, booleans, dates (ISO, UTC) and empty values as such', () => {
    expect(csvLine([-3, 2, true, false, new Date('2026-11-05T10:00:00Z'), undefined, null])).toBe(
      '-3,2,true,false,2026-11-05T10:00:00.000Z,,\r\n',
    );
    expect(CSV_BOM).toBe('\uFEFF');
  });

  it('a ticket gives one value per column, SLA met left empty while its clock runs', () => {
    const open = sampleTicket(5, { title: 'VPN, "again"' });
    const record = ticketRecord(open);
    expect(record).toHaveLength(TICKET_COLUMNS.length);
    expect(record[0]).toBe('SUP-000005');
    expect(csvLine(record)).toContain(',"VPN, ""again""",network,high,medium,alta,new,teams,');
    expect(firstResponseMet(open)).toBeUndefined();
    expect(resolutionMet(open)).toBeUndefined();
    const fr = { ...open.sla.firstResponse, targetMinutes: 10, actualMinutes: 12 };
    expect(
      firstResponseMet({
        ...open,
        firstResponseAt: new Date(),
        sla: { ...open.sla, firstResponse: fr },
      }),
    ).toBe(false);
    const res = { ...open.sla.resolution, targetMinutes: 60, actualMinutes: 45 };
    expect(
      resolutionMet({ ...open, resolvedAt: new Date(), sla: { ...open.sla, resolution: res } }),
    ).toBe(true);
    const breached = { ...open.sla.resolution, breachedAt: new Date() };
    expect(resolutionMet({ ...open, sla: { ...open.sla, resolution: breached } })).toBe(false);
  });
});

describe('PUBLIC_URL, the base of the links', () => {
  it('is optional, loses a trailing slash, and must be an http(s) URL without query', () => {
    expect(loadConfig({}).publicUrl).toBeUndefined();
    expect(loadConfig({ PUBLIC_URL: '' }).publicUrl).toBeUndefined();
    expect(loadConfig({ PUBLIC_URL: 'https://desk.contoso.com/' }).publicUrl).toBe(
      'https://desk.contoso.com',
    );
    expect(loadConfig({ PUBLIC_URL: 'https://contoso.com/desk' }).publicUrl).toBe(
      'https://contoso.com/desk',
    );
    for (const bad of ['desk.contoso.com', 'ftp://desk.contoso.com', 'https://d.example/?a=1']) {
      expect(() => loadConfig({ PUBLIC_URL: bad })).toThrow(/PUBLIC_URL/);
    }
  });

  it('Azure sets it to the web app’s default host name', () => {
    const bicep = readFileSync(join(__dirname, '../../infra/azure.bicep'), 'utf8');
    expect(bicep).toContain(
      "{ name: 'PUBLIC_URL', value: 'https://${webAppName}.azurewebsites.net' }",
    );
    expect(bicep).toMatch(
      /resource webApp 'Microsoft\.Web\/sites@[^']+' = \{\n {2}name: webAppName\n/,
    );
  });
});
