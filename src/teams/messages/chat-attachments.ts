import { z } from 'zod';
import {
  ATTACHMENTS_MAX,
  ATTACHMENT_NAME_MAX,
  ATTACHMENT_TYPE_MAX,
  ATTACHMENT_URL_MAX,
  TicketAttachment,
} from '../../domain/tickets/ticket';

/**
 * Files and screenshots a person sends with a message in the 1:1 chat, as Teams shapes them:
 * - a file: `application/vnd.microsoft.teams.file.download.info`, with `name`, `contentUrl` (the
 *   file's lasting SharePoint/OneDrive address) and `content: {downloadUrl, uniqueId, fileType}`
 *   (`downloadUrl` is a pre-authenticated link that expires after a while);
 * - an inline image (a pasted screenshot): `image/*` with `contentUrl`.
 * The `text/html` copy of the message and cards are not attachments of the request. Everything is
 * untrusted: only https links are kept, names and types are cut to the stored limits, at most
 * ATTACHMENTS_MAX are kept.
 */
const FILE_TYPE = 'application/vnd.microsoft.teams.file.download.info';

const HttpsUrl = z
  .string()
  .max(ATTACHMENT_URL_MAX)
  .url()
  .refine((u) => u.startsWith('https://'), 'must be https');

const FileAttachment = z.object({
  contentType: z.literal(FILE_TYPE),
  name: z.string().min(1).max(10_000),
  contentUrl: z.string().max(10_000).optional(),
  content: z.object({
    downloadUrl: z.string().max(10_000),
    fileType: z.string().max(100).optional(),
  }),
});

const ImageAttachment = z.object({
  // Teams says `image/*` for a pasted screenshot; other clients give the real type.
  contentType: z.string().regex(/^image\/(\*|[\w.+-]{1,50})$/),
  contentUrl: z.string().max(10_000),
  name: z.string().max(10_000).optional(),
});

/** Media types of common file extensions (Teams gives the extension only). */
const MEDIA_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  txt: 'text/plain',
  log: 'text/plain',
  csv: 'text/csv',
  zip: 'application/zip',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};

const cut = (text: string, max: number) => Array.from(text.trim()).slice(0, max).join('');
const https = (url: string | undefined) =>
  url !== undefined && HttpsUrl.safeParse(url).success ? url : undefined;

function fileOf(raw: unknown): TicketAttachment | undefined {
  const parsed = FileAttachment.safeParse(raw);
  if (!parsed.success) return undefined;
  const { name, contentUrl, content } = parsed.data;
  // The lasting address when Teams gives one; the download link expires.
  const url = https(contentUrl) ?? https(content.downloadUrl);
  const clean = cut(name, ATTACHMENT_NAME_MAX);
  if (!url || !clean) return undefined;
  const ext = (content.fileType ?? /\.([^.]+)$/.exec(clean)?.[1] ?? '').toLowerCase();
  const contentType = MEDIA_TYPES[ext] ?? (ext ? `application/${ext}` : 'application/octet-stream');
  return { name: clean, contentType: cut(contentType, ATTACHMENT_TYPE_MAX), url };
}

function imageOf(raw: unknown, n: number): TicketAttachment | undefined {
  const parsed = ImageAttachment.safeParse(raw);
  if (!parsed.success) return undefined;
  const url = https(parsed.data.contentUrl);
  if (!url) return undefined;
  const type = parsed.data.contentType.toLowerCase();
  const sub = type.slice('image/'.length).replace('jpeg', 'jpg');
  const ext = /^[a-z0-9]{1,8}$/.test(sub) ? `.${sub}` : '';
  const name = cut(parsed.data.name ?? '', ATTACHMENT_NAME_MAX) || `image-${n}${ext}`;
  return { name, contentType: cut(type, ATTACHMENT_TYPE_MAX), url };
}

/** The files and images of an incoming message, in the order sent, without duplicates. */
export function chatAttachments(attachments: unknown): TicketAttachment[] {
  if (!Array.isArray(attachments)) return [];
  const out: TicketAttachment[] = [];
  let images = 0;
  for (const raw of attachments.slice(0, 100)) {
    const type = (raw as { contentType?: unknown } | null)?.contentType;
    const found =
      type === FILE_TYPE
        ? fileOf(raw)
        : typeof type === 'string' && type.startsWith('image/')
          ? imageOf(raw, ++images)
          : undefined;
    if (found && !out.some((a) => a.url === found.url)) out.push(found);
    if (out.length >= ATTACHMENTS_MAX) break;
  }
  return out;
}
