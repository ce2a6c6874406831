import { existsSync, readFileSync } from 'fs';
import { dirname, join, resolve } from 'path';
import { zipSync } from 'fflate';
import { renderManifest } from '../../src/app-manifest/render-manifest';

/** The folder with the manifest template, its localization files and the icons. */
export const APP_PACKAGE_DIR = 'appPackage';

/** Where `npm run package` writes the zip of environment `env`, as the toolkit names it. */
export function packagePath(root: string, env: string): string {
  return join(root, APP_PACKAGE_DIR, 'build', `appPackage.${env}.zip`);
}

/** The project root: the nearest folder above `start` with package.json and the app package. */
export function projectRoot(start: string = __dirname): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, APP_PACKAGE_DIR))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No project root above ${start}`);
    dir = parent;
  }
}

interface ManifestFileRefs {
  icons?: { color?: unknown; outline?: unknown };
  localizationInfo?: {
    defaultLanguageFile?: unknown;
    additionalLanguages?: Array<{ file?: unknown }>;
  };
}

/** The files a manifest refers to, which the zip must hold beside manifest.json. */
export function referencedFiles(manifest: unknown): string[] {
  const m = (manifest ?? {}) as ManifestFileRefs;
  const files = [
    m.icons?.color,
    m.icons?.outline,
    m.localizationInfo?.defaultLanguageFile,
    ...(m.localizationInfo?.additionalLanguages ?? []).map((l) => l.file),
  ].filter((f): f is string => typeof f === 'string' && f.length > 0);
  return [...new Set(files)];
}

/** Teams reads the package's files from its root; a reference must be a plain file name. */
const PLAIN_FILE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Zip entries get this time, so that the same inputs build a byte-identical package. */
const FIXED_MTIME = new Date('2024-01-01T00:00:00Z');

export interface BuiltPackage {
  zip: Uint8Array;
  /** the rendered manifest */
  manifest: Record<string, unknown>;
  /** the zip's entries, manifest.json first */
  files: string[];
}

/**
 * Builds the Teams app package from `sourceDir` (manifest.json with `${{NAME}}` placeholders,
 * plus the files it refers to): placeholders are filled from `values` in manifest.json and in
 * every JSON file it refers to; a placeholder without a value is an error naming it.
 */
export function buildAppPackage(sourceDir: string, values: Record<string, string>): BuiltPackage {
  const manifestText = renderManifest(
    readFileSync(join(sourceDir, 'manifest.json'), 'utf8'),
    values,
  );
  const manifest = parseJson(manifestText, 'manifest.json') as Record<string, unknown>;
  const files = referencedFiles(manifest);
  const entries: Record<string, Uint8Array> = {
    'manifest.json': Buffer.from(manifestText, 'utf8'),
  };
  for (const file of files) {
    if (!PLAIN_FILE.test(file)) {
      throw new Error(`manifest.json refers to "${file}": use a file name at the package root`);
    }
    const path = join(sourceDir, file);
    if (!existsSync(path)) throw new Error(`manifest.json refers to ${file}, which does not exist`);
    if (file.endsWith('.json')) {
      const text = renderManifest(readFileSync(path, 'utf8'), values);
      parseJson(text, file);
      entries[file] = Buffer.from(text, 'utf8');
    } else {
      entries[file] = readFileSync(path);
    }
  }
  const zip = zipSync(entries, { level: 9, mtime: FIXED_MTIME });
  return { zip, manifest, files: Object.keys(entries) };
}

function parseJson(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${name} is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
}
