import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Server } from 'restify';
import { z } from 'zod';
import { StorageUnavailableError } from '../domain/errors';
import { resolveLocale } from '../domain/i18n';
import {
  ATTACHMENTS_MAX,
  ATTACHMENT_NAME_MAX,
  ATTACHMENT_TYPE_MAX,
  ATTACHMENT_URL_MAX,
} from '../domain/tickets/ticket';
import { Logger } from '../logger';
import { EmailIntakeService, InboundEmail } from '../services/email-intake.service';

/** `POST /api/intake/email` (spec 1.4): an e-mail gateway posts each message as signed JSON. */
export const EMAIL_INTAKE_PATH = '/api/intake/email';

/** bytes of the raw body; larger posts get 413 before anything is parsed */
export const EMAIL_BODY_MAX_BYTES = 1024 * 1024;

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

/** `sha256=<hex>` of the HMAC-SHA256 of `body` under `secret`: what the sender puts in X-Signature. */
export function signBody(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Checks an `X-Signature` header against the raw body, in constant time. */
export function verifySignature(
  secret: string,
  body: Buffer,
  header: string | string[] | undefined,
): boolean {
  if (typeof header !== 'string') return false;
  const m = SIGNATURE.exec(header.trim());
  if (!m) return false;
  const given = Buffer.from(m[1], 'hex');
  const expected = createHmac('sha256', secret).update(body).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const httpsUrl = z
  .string()
  .max(ATTACHMENT_URL_MAX)
  .url()
  .refine((u) => u.startsWith('https://'), 'must be an https URL');

/** The posted JSON. Unknown fields (cc, html, headers …) are ignored. */
export const EmailIntakeSchema = z.object({
  /** the e-mail's Message-ID: one ticket (or comment) per message, however often it is posted */
  messageId: z.string().trim().min(1).max(1000),
  from: z.object({
    address: z.string().trim().max(320).email(),
    name: z.string().max(500).optional(),
  }),
  subject: z.string().max(10_000),
  text: z.string(),
  receivedAt: z.string().datetime({ offset: true }),
  attachments: z
    .array(
      z.object({
        name: z.string().trim().min(1).max(ATTACHMENT_NAME_MAX),
        contentType: z.string().trim().max(ATTACHMENT_TYPE_MAX).default(''),
        url: httpsUrl,
      }),
    )
    .max(ATTACHMENTS_MAX)
    .default([]),
  /** the language of the e-mail (`es`, `es-MX`, `en`…), when the gateway knows it */
  locale: z.string().max(35).optional(),
});

/** Zod's issues as one short line: `from.address: Invalid email; receivedAt: Required`. */
export function describeIssues(error: z.ZodError): string {
  const text = error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
    .join('; ');
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

export type ParsedEmail = { ok: true; mail: InboundEmail } | { ok: false; reason: string };

/** The raw body (already authenticated) as an e-mail, or the reason it is not one. */
export function parseEmailBody(raw: Buffer): ParsedEmail {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    return { ok: false, reason: 'body is not valid JSON' };
  }
  const parsed = EmailIntakeSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: describeIssues(parsed.error) };
  const d = parsed.data;
  return {
    ok: true,
    mail: {
      messageId: d.messageId,
      from: { address: d.from.address, name: d.from.name },
      subject: d.subject,
      text: d.text,
      receivedAt: d.receivedAt,
      attachments: d.attachments,
      locale: resolveLocale(d.locale),
    },
  };
}

/**
 * Reads the request's raw bytes (the signature covers them exactly), up to `limit`: a larger
 * declared or actual body is 'tooLarge' at once, and the rest of it is discarded unread.
 */
export function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer | 'tooLarge'> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.resolve('tooLarge');
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanUp = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanUp();
        req.resume(); // the rest is read and dropped, so that the answer can be delivered
        resolve('tooLarge');
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanUp();
      resolve(Buffer.concat(chunks));
    };
    const onError = (e: Error) => {
      cleanUp();
      reject(e);
    };
    const onAborted = () => onError(new Error('request aborted'));
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onError);
    req.once('aborted', onAborted);
  });
}

export interface EmailIntakeDeps {
  secret: string;
  service: EmailIntakeService;
  log: Logger;
}

/**
 * Registers the endpoint. Without a secret the caller does not register it at all, so that
 * the path answers 404 like any unknown one. Statuses: 413 too large, 415 compressed, 401 bad
 * or missing signature, 400 not an e-mail (with the reason), 201 new ticket, 200 repeated
 * message or comment added, 503 storage unavailable (retry), 500 otherwise (no details).
 */
export function registerEmailIntake(server: Server, deps: EmailIntakeDeps): void {
  server.post(EMAIL_INTAKE_PATH, async (req, res) => {
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding !== 'identity') {
      req.resume();
      res.send(415, { code: 'UnsupportedMediaType', message: 'send the body uncompressed' });
      return;
    }
    let raw: Buffer | 'tooLarge';
    try {
      raw = await readRawBody(req, EMAIL_BODY_MAX_BYTES);
    } catch {
      res.send(400, { code: 'BadRequest', message: 'the body could not be read' });
      return;
    }
    if (raw === 'tooLarge') {
      res.send(413, {
        code: 'PayloadTooLarge',
        message: `the body is larger than ${EMAIL_BODY_MAX_BYTES} bytes`,
      });
      return;
    }
    if (!verifySignature(deps.secret, raw, req.headers['x-signature'])) {
      deps.log.warn({ path: EMAIL_INTAKE_PATH }, 'e-mail intake: bad or missing signature');
      res.send(401, { code: 'Unauthorized', message: 'bad or missing X-Signature' });
      return;
    }
    const parsed = parseEmailBody(raw);
    if (!parsed.ok) {
      res.send(400, { code: 'BadRequest', message: parsed.reason });
      return;
    }
    try {
      const outcome = await deps.service.receive(parsed.mail);
      if (outcome.kind === 'comment') {
        res.send(200, { trackingId: outcome.trackingId, comment: true });
      } else {
        res.send(outcome.created ? 201 : 200, {
          trackingId: outcome.trackingId,
          created: outcome.created,
        });
      }
    } catch (e) {
      if (e instanceof StorageUnavailableError) {
        res.send(503, { code: 'Unavailable', message: 'storage unavailable, retry later' });
        return;
      }
      deps.log.error(
        {
          path: EMAIL_INTAKE_PATH,
          err: { name: (e as Error).name, message: (e as Error).message },
        },
        'e-mail intake failed',
      );
      res.send(500, { code: 'Internal', message: 'internal error' });
    }
  });
}
