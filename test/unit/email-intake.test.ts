import { createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { loadConfig } from '../../src/config';
import {
  EVENT_DATA_MAX,
  emailCommentData,
  emailDescription,
  emailRequester,
  emailRequesterId,
  emailTitle,
  mergeAttachments,
  replyTarget,
} from '../../src/domain/intake/email';
import {
  EMAIL_BODY_MAX_BYTES,
  parseEmailBody,
  readRawBody,
  signBody,
  verifySignature,
} from '../../src/edge/email-intake';
import { attachmentsFromJson, attachmentsToJson } from '../../src/storage/attachments';

const SECRET = 'a-shared-secret-of-32-characters';

const valid = {
  messageId: '<CAF=abc/def+123@mail.contoso.com>',
  from: { address: 'Ana.Smith@Contoso.com', name: 'Ana Smith' },
  subject: 'Printer on floor 3 jams',
  text: 'Every page jams since this morning.',
  receivedAt: '2026-11-25T15:58:00Z',
};
const body = (o: unknown) => Buffer.from(JSON.stringify(o), 'utf8');

describe('X-Signature: HMAC-SHA256 of the raw body', () => {
  const raw = body(valid);
  const good = `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`;

  it('signs as `sha256=<hex>` (what openssl dgst -sha256 -hmac prints)', () => {
    expect(signBody(SECRET, raw)).toBe(good);
    // openssl dgst -sha256 -hmac key <<< '' → a fixed, known value for an empty body
    expect(signBody('key', '')).toBe(
      'sha256=5d5d139563c95b5967b9bd9a8c9b233a9dedb45072794cd232dc1b74832607d0',
    );
  });

  it('accepts the right signature, in either case of hex and with spaces around', () => {
    expect(verifySignature(SECRET, raw, good)).toBe(true);
    expect(
      verifySignature(SECRET, raw, `  ${good.toUpperCase().replace('SHA256', 'sha256')} `),
    ).toBe(true);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['without its scheme', good.slice('sha256='.length)],
    ['of another scheme', good.replace('sha256=', 'sha1=')],
    ['too short', good.slice(0, -2)],
    ['not hex', `sha256=${'z'.repeat(64)}`],
    ['sent twice', [good, good]],
  ])('refuses a header that is %s', (_what, header) => {
    expect(verifySignature(SECRET, raw, header as string | string[] | undefined)).toBe(false);
  });

  it('refuses another secret, and a body changed by one byte', () => {
    expect(verifySignature('another-secret-of-enough-length', raw, good)).toBe(false);
    const changed = Buffer.from(raw);
    changed[changed.length - 2] ^= 1;
    expect(verifySignature(SECRET, changed, good)).toBe(false);
  });
});

describe('the posted JSON', () => {
  it('maps a valid e-mail, ignoring fields it does not know', () => {
    const parsed = parseEmailBody(body({ ...valid, cc: ['x@contoso.com'], html: '<p>x</p>' }));
    expect(parsed).toEqual({
      ok: true,
      mail: {
        ...valid,
        from: { address: 'Ana.Smith@Contoso.com', name: 'Ana Smith' },
        attachments: [],
        locale: 'en',
      },
    });
  });

  it('takes the language when the gateway gives one', () => {
    const parsed = parseEmailBody(body({ ...valid, locale: 'es-MX' }));
    expect(parsed.ok && parsed.mail.locale).toBe('es');
  });

  it('says what is wrong: not JSON', () => {
    expect(parseEmailBody(Buffer.from('{"messageId": '))).toEqual({
      ok: false,
      reason: 'body is not valid JSON',
    });
  });

  it('says what is wrong: missing and malformed fields, by path', () => {
    const { messageId: _m, ...noId } = valid;
    const parsed = parseEmailBody(
      body({ ...noId, from: { address: 'not-an-address' }, receivedAt: 'yesterday' }),
    );
    expect(parsed.ok).toBe(false);
    const reason = parsed.ok ? '' : parsed.reason;
    expect(reason).toContain('messageId: Required');
    expect(reason).toContain('from.address: Invalid email');
    expect(reason).toContain('receivedAt: Invalid datetime');
    expect(reason.length).toBeLessThanOrEqual(300);
  });

  it('refuses a JSON value that is not an object', () => {
    expect(parseEmailBody(body([valid]))).toMatchObject({ ok: false, reason: /body: Expected/ });
  });

  const file = {
    name: 'screenshot.png',
    contentType: 'image/png',
    url: 'https://files.contoso.com/a/b.png',
  };

  it('keeps attachments: https links, at most 20, names of at most 200 characters', () => {
    const ok = parseEmailBody(body({ ...valid, attachments: [file] }));
    expect(ok.ok && ok.mail.attachments).toEqual([file]);
    const cases: Array<[unknown, RegExp]> = [
      [
        [{ ...file, url: 'http://files.contoso.com/b.png' }],
        /attachments\.0\.url: must be an https URL/,
      ],
      [[{ ...file, url: 'javascript:alert(1)' }], /attachments\.0\.url/],
      [[{ ...file, name: 'x'.repeat(201) }], /attachments\.0\.name/],
      [[{ ...file, name: '' }], /attachments\.0\.name/],
      [Array.from({ length: 21 }, () => file), /attachments: Array must contain at most 20/],
    ];
    for (const [attachments, reason] of cases) {
      expect(parseEmailBody(body({ ...valid, attachments }))).toMatchObject({ ok: false, reason });
    }
  });
});

describe('reading the raw body', () => {
  const request = (headers: Record<string, string> = {}) => {
    const stream = new PassThrough();
    return Object.assign(stream, { headers }) as unknown as IncomingMessage & PassThrough;
  };

  it('returns the exact bytes', async () => {
    const req = request();
    const read = readRawBody(req, 100);
    req.write(Buffer.from([0xc3, 0xa9]));
    req.end(Buffer.from('ok'));
    expect(await read).toEqual(Buffer.from([0xc3, 0xa9, 0x6f, 0x6b]));
  });

  it('is too large at once when the declared length is over the limit', async () => {
    const req = request({ 'content-length': String(EMAIL_BODY_MAX_BYTES + 1) });
    expect(await readRawBody(req, EMAIL_BODY_MAX_BYTES)).toBe('tooLarge');
  });

  it('is too large as soon as the bytes read pass the limit (no declared length)', async () => {
    const req = request();
    const read = readRawBody(req, 10);
    req.write(Buffer.alloc(8));
    req.write(Buffer.alloc(8));
    expect(await read).toBe('tooLarge');
  });
});

describe('e-mail intake rules', () => {
  it('gives the sender a stable pseudo id, whatever the case of the address', () => {
    const id = emailRequesterId('Ana.Smith@Contoso.com');
    expect(id).toMatch(/^email:[0-9a-f]{32}$/);
    expect(emailRequesterId(' ana.smith@contoso.com ')).toBe(id);
    expect(id).not.toContain('contoso');
    expect(emailRequesterId('luis@contoso.com')).not.toBe(id);
  });

  it('names the requester with the address, so that agents can write back', () => {
    expect(emailRequester('ana@contoso.com', ' Ana  Smith ').name).toBe(
      'Ana Smith <ana@contoso.com>',
    );
    expect(emailRequester('ana@contoso.com').name).toBe('ana@contoso.com');
    expect(emailRequester('ana@contoso.com', 'ana@contoso.com').name).toBe('ana@contoso.com');
  });

  it('describes the ticket as subject, blank line, text; titles it by the subject', () => {
    expect(emailDescription('Printer jams', 'Every page.\n')).toBe('Printer jams\n\nEvery page.');
    expect(emailDescription('', 'Only text')).toBe('Only text');
    expect(emailDescription('Only subject', '  ')).toBe('Only subject');
    expect(emailTitle('RE: Fwd: RV: Printer jams')).toBe('Printer jams');
    expect(emailTitle('   ')).toBeUndefined();
    expect(emailTitle('x '.repeat(200))?.length).toBeLessThanOrEqual(120);
  });

  it('finds the ticket a reply is about in its subject', () => {
    expect(replyTarget('Re: SUP-000123 printer', 'SUP')).toBe(123);
    expect(replyTarget('RE: [sup-42] still broken', 'SUP')).toBe(42);
    expect(replyTarget('Printer SUPPORT needed', 'SUP')).toBeUndefined();
    expect(replyTarget('Re: HD-000007', 'HD')).toBe(7);
  });

  it('fits a long reply into one event column, saying how long it was', () => {
    const text = '"quoted"\n'.repeat(10_000);
    const data = emailCommentData({
      text,
      subject: 'Re: SUP-000001',
      fromRequester: true,
      receivedAt: valid.receivedAt,
      attachmentNames: ['a.png'],
      resumed: false,
    });
    expect(JSON.stringify(data).length).toBeLessThanOrEqual(EVENT_DATA_MAX);
    expect(data.truncatedFrom).toBe(text.trim().length);
    expect(text.startsWith(String(data.text))).toBe(true);
    const short = emailCommentData({
      text: 'thanks, works',
      subject: 's',
      fromRequester: false,
      receivedAt: valid.receivedAt,
      attachmentNames: [],
      resumed: false,
    });
    expect(short).toEqual({
      text: 'thanks, works',
      from: 'other',
      subject: 's',
      receivedAt: valid.receivedAt,
    });
  });

  it('adds a reply’s attachments to the ticket’s, once each, at most 20', () => {
    const a = (i: number) => ({
      name: `f${i}`,
      contentType: 'image/png',
      url: `https://x.test/${i}`,
    });
    expect(mergeAttachments(undefined, [])).toBeUndefined();
    expect(mergeAttachments([a(1)], [a(1), a(2)])).toEqual([a(1), a(2)]);
    const many = Array.from({ length: 19 }, (_, i) => a(i));
    expect(mergeAttachments(many, [a(100), a(101)])).toHaveLength(20);
  });
});

describe('attachments column', () => {
  const files = [{ name: 'log.txt', contentType: 'text/plain', url: 'https://x.test/log.txt' }];

  it('round-trips, and reads a damaged or missing value as none', () => {
    expect(attachmentsFromJson(attachmentsToJson(files))).toEqual(files);
    expect(attachmentsFromJson('{not json')).toBeUndefined();
    expect(
      attachmentsFromJson(JSON.stringify([{ name: 'x', url: 'http://x.test' }])),
    ).toBeUndefined();
    expect(attachmentsFromJson(undefined)).toBeUndefined();
  });

  it('leaves out entries outside the limits', () => {
    const bad = { name: 'x', contentType: '', url: 'http://x.test/x' };
    expect(JSON.parse(attachmentsToJson([...files, bad]))).toEqual(files);
  });
});

describe('EMAIL_INTAKE_SECRET', () => {
  const base = { NODE_ENV: 'test' };

  it('is off when unset or empty', () => {
    expect(loadConfig(base).emailIntake).toBeUndefined();
    expect(loadConfig({ ...base, EMAIL_INTAKE_SECRET: '' }).emailIntake).toBeUndefined();
  });

  it('needs at least 16 characters, and names the variable when it has fewer', () => {
    expect(() => loadConfig({ ...base, EMAIL_INTAKE_SECRET: 'short' })).toThrow(
      /EMAIL_INTAKE_SECRET: at least 16 characters/,
    );
  });

  it('files e-mail tickets under the configured tenant, else the app’s, else "local"', () => {
    const on = { ...base, EMAIL_INTAKE_SECRET: SECRET };
    expect(loadConfig(on).emailIntake).toEqual({ secret: SECRET, tenantId: 'local' });
    expect(loadConfig({ ...on, MicrosoftAppTenantId: 't1' }).emailIntake?.tenantId).toBe('t1');
    expect(
      loadConfig({ ...on, MicrosoftAppTenantId: 't1', EMAIL_INTAKE_TENANT_ID: 't2' }).emailIntake
        ?.tenantId,
    ).toBe('t2');
  });
});
