import type { ServerResponse } from 'node:http';
import type { Request, Server } from 'restify';
import { StorageUnavailableError } from '../domain/errors';
import { StringKey, t } from '../domain/i18n';
import { Logger } from '../logger';
import { EXPORT_PATHS, ExportFile, ExportService } from '../services/export.service';

export interface ExportEdgeDeps {
  service: ExportService;
  log: Logger;
}

/** Both languages, English first: whoever opens the link is not known. */
function bilingual(key: StringKey, params: Record<string, string | number> = {}): string {
  return `${t('en', key, params)}\r\n${t('es', key, params)}\r\n`;
}

/** A short plain-text answer for a person in a browser; never internals. */
function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(text);
}

/** Writes a chunk, waiting while the receiver is slow; throws when it went away. */
function writer(res: ServerResponse): (chunk: string) => Promise<void> {
  return (chunk) =>
    new Promise<void>((resolve, reject) => {
      if (res.destroyed) {
        reject(new Error('client went away'));
        return;
      }
      if (res.write(chunk, 'utf8')) {
        resolve();
        return;
      }
      const done = (err?: Error) => {
        res.off('drain', onDrain);
        res.off('close', onClose);
        if (err) reject(err);
        else resolve();
      };
      const onDrain = () => done();
      const onClose = () => done(new Error('client went away'));
      res.once('drain', onDrain);
      res.once('close', onClose);
    });
}

/** The link's query, read from the raw URL (restify's query parser is not installed). */
function queryOf(req: Request): URLSearchParams {
  return new URL(req.url ?? '/', 'http://localhost').searchParams;
}

/**
 * `GET /api/export/tickets.csv` and `/api/export/events.csv` (issue #7 item 6): signed links that
 * work for 15 minutes. Statuses: 200 the CSV, streamed; 400 a parameter missing or malformed
 * (the reason is given); 403 signature missing or wrong; 410 expired; 503 storage unavailable;
 * 500 otherwise. Errors are plain text in English and Spanish, never a stack trace.
 */
export function registerExport(server: Server, deps: ExportEdgeDeps): void {
  for (const file of Object.keys(EXPORT_PATHS) as ExportFile[]) {
    server.get(EXPORT_PATHS[file], async (req, res) => {
      try {
        const check = await deps.service.check(queryOf(req));
        if (!check.ok) {
          if (check.status === 400) {
            plain(res, 400, bilingual('export.badLink', { reason: check.reason }));
          } else if (check.status === 410) {
            plain(res, 410, bilingual('export.expired'));
          } else {
            deps.log.warn({ path: EXPORT_PATHS[file] }, 'export: bad or missing signature');
            plain(res, 403, bilingual('export.forbidden'));
          }
          return;
        }
        const link = check.params;
        const stream = await deps.service.prepare(file, link);
        res.writeHead(200, {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="${file}-${link.from}-${link.to}.csv"`,
          'cache-control': 'no-store',
          'referrer-policy': 'no-referrer',
          'x-content-type-options': 'nosniff',
        });
        try {
          await stream(writer(res));
          res.end();
        } catch (e) {
          // The status is sent already: cut the response short so the file is seen as broken.
          deps.log.error(
            {
              path: EXPORT_PATHS[file],
              err: { name: (e as Error).name, message: (e as Error).message },
            },
            'export: stopped while streaming',
          );
          res.destroy();
        }
      } catch (e) {
        if (e instanceof StorageUnavailableError) {
          plain(res, 503, bilingual('export.unavailable'));
          return;
        }
        deps.log.error(
          {
            path: EXPORT_PATHS[file],
            err: { name: (e as Error).name, message: (e as Error).message },
          },
          'export failed',
        );
        plain(res, 500, bilingual('error.generic'));
      }
    });
  }
}
