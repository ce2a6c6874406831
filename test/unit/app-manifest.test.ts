import { existsSync, readFileSync } from 'fs';
import { dirname, join } from 'path';
import { inflateSync } from 'zlib';
import type * as AppManifestLibrary from '@microsoft/app-manifest';
import { renderManifest } from '../../src/app-manifest/render-manifest';

type Validate = typeof AppManifestLibrary.AppManifestUtils.validateAgainstSchema;
type AnyManifest = Parameters<Validate>[0];
type ManifestSchema = NonNullable<Parameters<Validate>[1]>;

/**
 * Loads @microsoft/app-manifest inside jest. The library `require`s strip-bom@5, which is
 * ESM-only: plain Node 20.19+ can require() it, but jest's module runtime cannot (before Node
 * 24.9) and the suite would die at import time. strip-bom is only used by the library's file
 * readers, never by `AppManifestUtils.validateAgainstSchema`, so an equivalent CommonJS stand-in
 * is registered for that exact module path before the library is required.
 */
function loadAppManifestLibrary(): typeof AppManifestLibrary {
  const libraryDir = dirname(require.resolve('@microsoft/app-manifest'));
  jest.doMock(require.resolve('strip-bom', { paths: [libraryDir] }), () => ({
    __esModule: true,
    default: (text: string): string => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text),
  }));
  return require('@microsoft/app-manifest') as typeof AppManifestLibrary;
}

const { AppManifestUtils } = loadAppManifestLibrary();

interface Command {
  title: string;
  description: string;
}
interface TeamsManifestJson {
  $schema: string;
  manifestVersion: string;
  icons: { color: string; outline: string };
  bots: Array<{ scopes: string[]; commandLists: Array<{ scopes: string[]; commands: Command[] }> }>;
  localizationInfo: { additionalLanguages: Array<{ languageTag: string; file: string }> };
  [key: string]: unknown;
}

const APP_PACKAGE = join(__dirname, '..', '..', 'appPackage');
/** The JSON schemas shipped inside @microsoft/app-manifest (build/json-schemas/teams/vX.Y). */
const BUNDLED_SCHEMAS = join(dirname(require.resolve('@microsoft/app-manifest')), 'json-schemas');

const DEPLOY_VALUES: Record<string, string> = {
  TEAMS_APP_ID: '3f0e2a8c-5b7d-4c1e-9a6f-2d4b8e1c7a90',
  BOT_ID: 'c7a1d5e2-8f3b-4a6c-b9d0-1e2f3a4b5c6d',
  BOT_DOMAIN: 'example.ngrok.app',
};

const readText = (file: string): string => readFileSync(join(APP_PACKAGE, file), 'utf8');

function loadManifest(): TeamsManifestJson {
  return JSON.parse(renderManifest(readText('manifest.json'), DEPLOY_VALUES)) as TeamsManifestJson;
}

function readBundledSchema(version: string, file: string): string {
  const path = join(BUNDLED_SCHEMAS, 'teams', `v${version}`, file);
  if (!existsSync(path))
    throw new Error(`Schema not bundled with @microsoft/app-manifest: ${path}`);
  return readFileSync(path, 'utf8');
}

function loadManifestSchema(version: string): ManifestSchema {
  return JSON.parse(readBundledSchema(version, 'MicrosoftTeams.schema.json')) as ManifestSchema;
}

/**
 * The bundled localization schemas (every version up to 1.30 and devPreview) contain two
 * patternProperties keys for `activities.activityTypes[n]` written as `...\\b]\\.description$`:
 * a lone `]` is a literal in a plain JS RegExp but a syntax error with the `u` flag that ajv
 * uses, so ajv cannot compile the schema as shipped. Escaping that `]` keeps the meaning.
 */
function loadLocalizationSchema(version: string): ManifestSchema {
  const text = readBundledSchema(version, 'MicrosoftTeams.Localization.schema.json');
  return JSON.parse(text.replace(/\\\\b\]/g, '\\\\b\\\\]')) as ManifestSchema;
}

/** Offline: the schema object is passed in, so the library never fetches anything. */
async function validate(document: unknown, schema: ManifestSchema): Promise<string[]> {
  return AppManifestUtils.validateAgainstSchema(document as AnyManifest, schema);
}

// ---------------------------------------------------------------------------------------------
// Minimal PNG reader: chunk CRCs, IHDR, and IDAT decoding with all five row filter types.
// ---------------------------------------------------------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

interface Png {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlace: number;
  /** RGBA, 4 bytes per pixel (opaque alpha for colour types without alpha). */
  rgba: Uint8Array;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

function readPng(file: string): Png {
  const bytes = readFileSync(join(APP_PACKAGE, file));
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (!bytes.subarray(0, 8).equals(signature)) throw new Error(`${file}: not a PNG`);
  let offset = 8;
  let ihdr: Buffer | undefined;
  const idat: Buffer[] = [];
  let ended = false;
  while (offset < bytes.length && !ended) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('ascii', offset + 4, offset + 8);
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    const crc = bytes.readUInt32BE(offset + 8 + length);
    if (crc !== crc32(bytes.subarray(offset + 4, offset + 8 + length))) {
      throw new Error(`${file}: bad CRC in ${type} chunk`);
    }
    if (type === 'IHDR') ihdr = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') ended = true;
    offset += 12 + length;
  }
  if (!ihdr || idat.length === 0 || !ended) throw new Error(`${file}: missing IHDR/IDAT/IEND`);

  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const [bitDepth, colorType, , , interlace] = ihdr.subarray(8, 13);
  const channels = CHANNELS[colorType];
  if (bitDepth !== 8 || channels === undefined || interlace !== 0) {
    throw new Error(`${file}: unsupported PNG (depth ${bitDepth}, type ${colorType})`);
  }

  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  if (raw.length !== (stride + 1) * height) throw new Error(`${file}: wrong IDAT length`);
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[row + x - channels] : 0;
      const b = y > 0 ? pixels[row - stride + x] : 0;
      const c = x >= channels && y > 0 ? pixels[row - stride + x - channels] : 0;
      let predictor: number;
      switch (filter) {
        case 0:
          predictor = 0;
          break;
        case 1:
          predictor = a;
          break;
        case 2:
          predictor = b;
          break;
        case 3:
          predictor = (a + b) >> 1;
          break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default:
          throw new Error(`${file}: unknown filter type ${filter} on row ${y}`);
      }
      pixels[row + x] = (line[x] + predictor) & 0xff;
    }
  }

  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const p = pixels.subarray(i * channels, (i + 1) * channels);
    const gray = channels <= 2;
    rgba[i * 4] = p[0];
    rgba[i * 4 + 1] = gray ? p[0] : p[1];
    rgba[i * 4 + 2] = gray ? p[0] : p[2];
    rgba[i * 4 + 3] = channels === 2 ? p[1] : channels === 4 ? p[3] : 255;
  }
  return { width, height, bitDepth, colorType, interlace, rgba };
}

// ---------------------------------------------------------------------------------------------

describe('renderManifest', () => {
  it('replaces every placeholder, including repeats and spaced ones', () => {
    const out = renderManifest('{"id":"${{APP_ID}}","x":"${{ APP_ID }}","d":"${{DOMAIN}}"}', {
      APP_ID: 'abc',
      DOMAIN: 'example.ngrok.app',
    });
    expect(out).toBe('{"id":"abc","x":"abc","d":"example.ngrok.app"}');
  });

  it('returns text without placeholders unchanged and ignores unused values', () => {
    expect(renderManifest('{"version":"1.0.0"}', { UNUSED: 'x' })).toBe('{"version":"1.0.0"}');
  });

  it('throws naming each placeholder left without a value, once, in order', () => {
    const template = '${{BOT_ID}} ${{TEAMS_APP_ID}} ${{BOT_ID}} ${{BOT_DOMAIN}}';
    expect(() => renderManifest(template, { TEAMS_APP_ID: 'id' })).toThrow(
      'Missing value for manifest placeholder(s): BOT_ID, BOT_DOMAIN',
    );
  });

  it('treats an empty string as a missing value', () => {
    expect(() => renderManifest('${{BOT_DOMAIN}}', { BOT_DOMAIN: '' })).toThrow(/BOT_DOMAIN/);
  });

  it('does not take values from Object.prototype', () => {
    expect(() => renderManifest('${{toString}}', {})).toThrow(/toString/);
  });

  it('inserts values literally and does not expand placeholders inside values', () => {
    expect(renderManifest('${{A}}|${{B}}', { A: '${{B}}', B: "$& $' $1" })).toBe("${{B}}|$& $' $1");
  });
});

describe('Teams app package (appPackage/)', () => {
  let fetchSpy: jest.SpyInstance;

  beforeAll(() => {
    // Validation must never touch the network: fail loudly if the library tries to fetch.
    fetchSpy = jest
      .spyOn(globalThis, 'fetch')
      .mockImplementation(() => Promise.reject(new Error('network access is disabled in tests')));
  });

  afterAll(() => {
    expect(fetchSpy).not.toHaveBeenCalled();
    fetchSpy.mockRestore();
  });

  it('declares the canonical $schema URL of a schema version bundled offline', () => {
    const manifest = loadManifest();
    expect(manifest.manifestVersion).toBe('1.22');
    expect(manifest.$schema).toBe(
      `https://developer.microsoft.com/json-schemas/teams/v${manifest.manifestVersion}/MicrosoftTeams.schema.json`,
    );
    expect(() => loadManifestSchema(manifest.manifestVersion)).not.toThrow();
  });

  it('manifest.json (placeholders rendered) is valid against the Teams manifest schema', async () => {
    const manifest = loadManifest();
    const schema = loadManifestSchema(manifest.manifestVersion);
    const errors = await validate(manifest, schema);
    if (errors.length > 0) console.error(`manifest.json schema errors:\n${errors.join('\n')}`);
    expect(errors).toEqual([]);
  });

  it('also validates via its $schema URL, which the library resolves to the bundled file', async () => {
    const errors = await AppManifestUtils.validateAgainstSchema(
      loadManifest() as unknown as AnyManifest,
    );
    expect(errors).toEqual([]);
  });

  it('the raw template is not valid until placeholders are rendered (GUID patterns)', async () => {
    const raw = JSON.parse(readText('manifest.json')) as TeamsManifestJson;
    const errors = await validate(raw, loadManifestSchema(raw.manifestVersion));
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/id must match pattern/),
        expect.stringMatching(/^\/bots\/0\/botId must match pattern/),
      ]),
    );
  });

  it('a broken manifest fails validation with the schema message', async () => {
    const manifest = loadManifest();
    manifest.bots[0].scopes = ['persnal', 'team', 'groupChat'];
    const errors = await validate(manifest, loadManifestSchema(manifest.manifestVersion));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^\/bots\/0\/scopes\/0 must be equal to one of the allowed values/);
    expect(errors[0]).toContain('"personal"');
  });

  it('bot commands fit the Teams limits (title ≤ 32, description ≤ 128, ≤ 10 per list)', () => {
    const { bots } = loadManifest();
    expect(bots[0].commandLists.map((list) => list.scopes)).toEqual([['personal'], ['team']]);
    for (const list of bots[0].commandLists) {
      expect(list.commands.length).toBeLessThanOrEqual(10);
      for (const { title, description } of list.commands) {
        expect(title.length).toBeLessThanOrEqual(32);
        expect(description.length).toBeLessThanOrEqual(128);
      }
    }
  });

  describe('es.json localization', () => {
    const manifest = loadManifest();
    const es = JSON.parse(readText('es.json')) as Record<string, string>;

    it('is the additional language file declared in the manifest', () => {
      expect(manifest.localizationInfo.additionalLanguages).toEqual([
        { languageTag: 'es', file: 'es.json' },
      ]);
    });

    it('is valid against the Teams localization schema', async () => {
      const schema = loadLocalizationSchema(manifest.manifestVersion);
      const errors = await validate(es, schema);
      if (errors.length > 0) console.error(`es.json schema errors:\n${errors.join('\n')}`);
      expect(errors).toEqual([]);
    });

    it('rejects an unknown key (so the localization check can fail)', async () => {
      const schema = loadLocalizationSchema(manifest.manifestVersion);
      const errors = await validate({ ...es, 'bots[0].commandList[0].title': 'x' }, schema);
      expect(errors.join('\n')).toMatch(/must NOT have additional properties/);
    });

    it('translates exactly the bot commands of the manifest, within the Teams limits', () => {
      const expected = manifest.bots[0].commandLists.flatMap((list, i) =>
        list.commands.flatMap((_, j) => [
          `bots[0].commandLists[${i}].commands[${j}].title`,
          `bots[0].commandLists[${i}].commands[${j}].description`,
        ]),
      );
      const commandKeys = Object.keys(es).filter((key) => key.startsWith('bots['));
      expect(commandKeys.sort()).toEqual([...expected].sort());
      for (const key of commandKeys) {
        expect(es[key].length).toBeLessThanOrEqual(key.endsWith('.title') ? 32 : 128);
      }
    });
  });

  describe('icons', () => {
    it('the manifest points at color.png and outline.png in the package', () => {
      const { icons } = loadManifest();
      expect(icons).toEqual({ color: 'color.png', outline: 'outline.png' });
    });

    it('color.png is a 192×192 PNG', () => {
      const png = readPng('color.png');
      expect([png.width, png.height]).toEqual([192, 192]);
    });

    it('outline.png is a 32×32 PNG with only white or transparent pixels', () => {
      const png = readPng('outline.png');
      expect([png.width, png.height]).toEqual([32, 32]);
      expect(png.colorType).toBe(6); // RGBA: the alpha channel carries the shape

      const offending: string[] = [];
      let opaque = 0;
      let transparent = 0;
      for (let i = 0; i < png.width * png.height; i++) {
        const [r, g, b, a] = png.rgba.subarray(i * 4, i * 4 + 4);
        if (a === 0) transparent++;
        else if (r !== 255 || g !== 255 || b !== 255) {
          offending.push(
            `(${i % png.width},${Math.floor(i / png.width)}) rgba(${r},${g},${b},${a})`,
          );
        } else if (a === 255) opaque++;
      }
      expect(offending.slice(0, 10)).toEqual([]);
      // A real drawing: a solid white shape on a mostly transparent background.
      expect(opaque).toBeGreaterThan(100);
      expect(transparent).toBeGreaterThan(png.width * png.height * 0.4);
      expect(png.rgba[3]).toBe(0); // top-left corner is background
    });
  });
});
