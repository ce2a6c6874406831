import { existsSync, readFileSync } from 'fs';
import { dirname, join } from 'path';
import { unzipSync } from 'fflate';
import { AppManifestUtils } from '@microsoft/app-manifest';
import { referencedFiles } from './build-package';
import { outlineProblems, pngSize, readPng } from './png';

type Validate = typeof AppManifestUtils.validateAgainstSchema;
type AnyManifest = Parameters<Validate>[0];
export type JsonSchema = NonNullable<Parameters<Validate>[1]>;

/** The JSON schemas shipped inside @microsoft/app-manifest: json-schemas/teams/v<version>/. */
const BUNDLED_SCHEMAS = join(
  dirname(require.resolve('@microsoft/app-manifest')),
  'json-schemas',
  'teams',
);

/** Teams app icon sizes, in pixels. */
export const ICON_SIZES = { color: 192, outline: 32 } as const;

export function schemaUrl(version: string): string {
  return `https://developer.microsoft.com/json-schemas/teams/v${version}/MicrosoftTeams.schema.json`;
}

function readBundledSchema(version: string, file: string): string {
  const path = join(BUNDLED_SCHEMAS, `v${version}`, file);
  if (!/^[0-9.]+$|^DevPreview$/.test(version) || !existsSync(path)) {
    throw new Error(`manifestVersion ${version}: no schema bundled with @microsoft/app-manifest`);
  }
  return readFileSync(path, 'utf8');
}

/** The Teams manifest schema of `version`, from the package: validation never goes online. */
export function manifestSchema(version: string): JsonSchema {
  return JSON.parse(readBundledSchema(version, 'MicrosoftTeams.schema.json')) as JsonSchema;
}

/**
 * The localization schema of `version`. As bundled (every version up to 1.30 and devPreview),
 * two patternProperties keys for `activities.activityTypes[n]` are written `...\\b]\\.description$`:
 * a lone `]` is a literal in a plain JS RegExp but a syntax error with the `u` flag that ajv
 * uses, so ajv cannot compile the schema as shipped. Escaping that `]` keeps the meaning.
 */
export function localizationSchema(version: string): JsonSchema {
  const text = readBundledSchema(version, 'MicrosoftTeams.Localization.schema.json');
  return JSON.parse(text.replace(/\\\\b\]/g, '\\\\b\\\\]')) as JsonSchema;
}

/** Schema messages for `document` (empty when valid). Offline: the schema object is passed in. */
export async function schemaErrors(document: unknown, schema: JsonSchema): Promise<string[]> {
  return AppManifestUtils.validateAgainstSchema(document as AnyManifest, schema);
}

/** Resolves a localization key such as `bots[0].commandLists[1].commands[3].title`. */
export function valueAt(document: unknown, key: string): unknown {
  let current: unknown = document;
  for (const part of key.match(/[^.[\]]+/g) ?? []) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

const PLACEHOLDER = /\$\{\{\s*[A-Za-z_][A-Za-z0-9_]*\s*\}\}/;

/**
 * Checks a built Teams app package the way the Developer Portal would, offline:
 * - the zip holds manifest.json and exactly the files it refers to, at its root;
 * - manifest.json is valid against the bundled schema of its manifestVersion, and its $schema
 *   is that version's URL; no `${{...}}` placeholder is left in any JSON file;
 * - each localization file is valid against the localization schema and only translates
 *   strings the manifest has;
 * - color.png is 192×192 and outline.png 32×32, white on transparent.
 * Returns one message per problem, prefixed with the file it is about; empty when valid.
 */
export async function validateAppPackage(zip: Uint8Array): Promise<string[]> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(zip);
  } catch (e) {
    return [`not a zip file: ${(e as Error).message}`];
  }
  const problems: string[] = [];
  const names = Object.keys(entries).filter((n) => !n.endsWith('/'));
  if (!entries['manifest.json']) return ['manifest.json is missing from the root of the zip'];

  const manifest = parseJson(entries['manifest.json'], 'manifest.json', problems) as
    Record<string, unknown> | undefined;
  if (!manifest) return problems;

  const expected = ['manifest.json', ...referencedFiles(manifest)];
  for (const name of expected) {
    if (!names.includes(name))
      problems.push(`${name}: referenced by manifest.json, not in the zip`);
  }
  for (const name of names) {
    if (!expected.includes(name))
      problems.push(`${name}: in the zip but not used by manifest.json`);
  }

  for (const name of names.filter((n) => n.endsWith('.json'))) {
    if (PLACEHOLDER.test(Buffer.from(entries[name]).toString('utf8'))) {
      problems.push(`${name}: contains an unfilled \${{...}} placeholder`);
    }
  }

  const version = String(manifest.manifestVersion ?? '');
  let schema: JsonSchema | undefined;
  try {
    schema = manifestSchema(version);
  } catch (e) {
    problems.push(`manifest.json: ${(e as Error).message}`);
  }
  if (schema) {
    if (manifest.$schema !== schemaUrl(version)) {
      problems.push(`manifest.json: $schema should be ${schemaUrl(version)} for ${version}`);
    }
    for (const error of await schemaErrors(manifest, schema)) {
      problems.push(`manifest.json: ${error}`);
    }
    const languages = (manifest.localizationInfo as { additionalLanguages?: { file: string }[] })
      ?.additionalLanguages;
    for (const { file } of languages ?? []) {
      if (!entries[file]) continue;
      const strings = parseJson(entries[file], file, problems) as Record<string, unknown>;
      if (!strings) continue;
      for (const error of await schemaErrors(strings, localizationSchema(version))) {
        problems.push(`${file}: ${error}`);
      }
      for (const key of Object.keys(strings).filter((k) => k !== '$schema')) {
        if (typeof valueAt(manifest, key) !== 'string') {
          problems.push(`${file}: "${key}" translates nothing in manifest.json`);
        }
      }
    }
  }

  const icons = (manifest.icons ?? {}) as { color?: string; outline?: string };
  for (const kind of ['color', 'outline'] as const) {
    const file = icons[kind];
    if (!file || !entries[file]) continue;
    try {
      const { width, height } = pngSize(entries[file], file);
      const size = ICON_SIZES[kind];
      if (width !== size || height !== size) {
        problems.push(
          `${file}: ${kind} icon must be ${size}×${size} pixels, is ${width}×${height}`,
        );
      }
      const png = readPng(entries[file], file);
      if (kind === 'outline') {
        for (const p of outlineProblems(png)) {
          problems.push(`${file}: outline icon must be white on transparent; it ${p}`);
        }
      }
    } catch (e) {
      problems.push(`${file}: ${(e as Error).message}`);
    }
  }
  return problems;
}

function parseJson(bytes: Uint8Array, name: string, problems: string[]): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (e) {
    problems.push(`${name}: not valid JSON: ${(e as Error).message}`);
    return undefined;
  }
}
