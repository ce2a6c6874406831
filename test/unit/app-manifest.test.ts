import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { unzipSync, zipSync } from 'fflate';
import { AppManifestUtils } from '@microsoft/app-manifest';
import { renderManifest } from '../../src/app-manifest/render-manifest';
import { buildAppPackage } from '../../scripts/app-package/build-package';
import {
  DEFAULT_ENV,
  envNameFrom,
  parseDotenv,
  readEnvironment,
} from '../../scripts/app-package/environment';
import { readPng } from '../../scripts/app-package/png';
import {
  localizationSchema,
  manifestSchema,
  schemaErrors,
  validateAppPackage,
} from '../../scripts/app-package/validate-package';

// @microsoft/app-manifest requires the ESM-only strip-bom 5; jest.config.js maps it to a
// CommonJS stand-in (test/support/strip-bom.js), so the library loads like any other.
type AnyManifest = Parameters<typeof AppManifestUtils.validateAgainstSchema>[0];

interface Command {
  title: string;
  description: string;
}
interface ExtensionCommand {
  id: string;
  type: string;
  title: string;
  description: string;
  context?: string[];
  fetchTask?: boolean;
  initialRun?: boolean;
  parameters?: Array<{ name: string; title: string; description: string; inputType: string }>;
}
interface TeamsManifestJson {
  $schema: string;
  manifestVersion: string;
  id: string;
  icons: { color: string; outline: string };
  bots: Array<{
    botId: string;
    scopes: string[];
    commandLists: Array<{ scopes: string[]; commands: Command[] }>;
  }>;
  composeExtensions: Array<{
    botId: string;
    composeExtensionType?: string;
    commands: ExtensionCommand[];
  }>;
  validDomains: string[];
  webApplicationInfo: { id: string; resource: string };
  localizationInfo: { additionalLanguages: Array<{ languageTag: string; file: string }> };
  [key: string]: unknown;
}

const APP_PACKAGE = join(__dirname, '..', '..', 'appPackage');
const ROOT = join(__dirname, '..', '..');

const DEPLOY_VALUES: Record<string, string> = {
  TEAMS_APP_ID: '3f0e2a8c-5b7d-4c1e-9a6f-2d4b8e1c7a90',
  BOT_ID: 'c7a1d5e2-8f3b-4a6c-b9d0-1e2f3a4b5c6d',
  BOT_DOMAIN: 'example.ngrok.app',
};

const readText = (file: string): string => readFileSync(join(APP_PACKAGE, file), 'utf8');

function loadManifest(): TeamsManifestJson {
  return JSON.parse(renderManifest(readText('manifest.json'), DEPLOY_VALUES)) as TeamsManifestJson;
}

const readIcon = (file: string) => readPng(readFileSync(join(APP_PACKAGE, file)), file);

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
    expect(() => manifestSchema(manifest.manifestVersion)).not.toThrow();
  });

  it('manifest.json (placeholders rendered) is valid against the Teams manifest schema', async () => {
    const manifest = loadManifest();
    const schema = manifestSchema(manifest.manifestVersion);
    const errors = await schemaErrors(manifest, schema);
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
    const errors = await schemaErrors(raw, manifestSchema(raw.manifestVersion));
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
    const errors = await schemaErrors(manifest, manifestSchema(manifest.manifestVersion));
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
      const schema = localizationSchema(manifest.manifestVersion);
      const errors = await schemaErrors(es, schema);
      if (errors.length > 0) console.error(`es.json schema errors:\n${errors.join('\n')}`);
      expect(errors).toEqual([]);
    });

    it('rejects an unknown key (so the localization check can fail)', async () => {
      const schema = localizationSchema(manifest.manifestVersion);
      const errors = await schemaErrors({ ...es, 'bots[0].commandList[0].title': 'x' }, schema);
      expect(errors.join('\n')).toMatch(/must NOT have additional properties/);
    });

    it('translates exactly the command strings of the manifest, within the Teams limits', () => {
      const bot = manifest.bots[0].commandLists.flatMap((list, i) =>
        list.commands.flatMap((_, j) => [
          `bots[0].commandLists[${i}].commands[${j}].title`,
          `bots[0].commandLists[${i}].commands[${j}].description`,
        ]),
      );
      const extension = manifest.composeExtensions[0].commands.flatMap((command, i) => [
        `composeExtensions[0].commands[${i}].title`,
        `composeExtensions[0].commands[${i}].description`,
        ...(command.parameters ?? []).flatMap((_, j) => [
          `composeExtensions[0].commands[${i}].parameters[${j}].title`,
          `composeExtensions[0].commands[${i}].parameters[${j}].description`,
        ]),
      ]);
      const commandKeys = Object.keys(es).filter((key) => /^(bots|composeExtensions)\[/.test(key));
      expect(commandKeys.sort()).toEqual([...bot, ...extension].sort());
      for (const key of commandKeys) {
        expect(es[key].length).toBeLessThanOrEqual(key.endsWith('.title') ? 32 : 128);
      }
    });

    it('gives the Spanish commands of the operating contract (spec section 9)', () => {
      const spanish = (english: string): string | undefined => {
        for (const [i, list] of manifest.bots[0].commandLists.entries()) {
          const j = list.commands.findIndex((c) => c.title === english);
          if (j >= 0) return es[`bots[0].commandLists[${i}].commands[${j}].title`];
        }
        return undefined;
      };
      const table: Array<[string, string]> = [
        ['help', 'ayuda'],
        ['new ticket', 'nuevo ticket'],
        ['my tickets', 'mis tickets'],
        ['status SUP-000123', 'estado SUP-000123'],
        ['language es|en', 'idioma es|en'],
        ['setup triage', 'configurar triage'],
        ['setup tier 2', 'configurar nivel 2'],
        ['setup supervisors', 'configurar supervisores'],
        ['on call @name', 'de guardia @nombre'],
        ['my queue', 'mi cola'],
        ['log call', 'registrar llamada'],
        ['report', 'reporte'],
        ['status', 'estado'],
      ];
      expect(table.map(([en]) => [en, spanish(en)])).toEqual(table);
      expect(es['composeExtensions[0].commands[0].title']).toBe('Crear ticket');
    });
  });

  describe('icons', () => {
    it('the manifest points at color.png and outline.png in the package', () => {
      const { icons } = loadManifest();
      expect(icons).toEqual({ color: 'color.png', outline: 'outline.png' });
    });

    it('color.png is a 192×192 PNG', () => {
      const png = readIcon('color.png');
      expect([png.width, png.height]).toEqual([192, 192]);
    });

    it('outline.png is a 32×32 PNG with only white or transparent pixels', () => {
      const png = readIcon('outline.png');
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

describe('message extension (composeExtensions)', () => {
  const manifest = loadManifest();

  it('is one bot-based extension powered by the same bot, with unique command ids', () => {
    expect(manifest.composeExtensions).toHaveLength(1);
    const [extension] = manifest.composeExtensions;
    expect(extension.botId).toBe(DEPLOY_VALUES.BOT_ID);
    expect(extension.botId).toBe(manifest.bots[0].botId);
    expect(extension.composeExtensionType).toBe('botBased');
    const ids = extension.commands.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('has the createTicket action on a message, the compose box and the command box', () => {
    const command = manifest.composeExtensions[0].commands.find((c) => c.id === 'createTicket');
    expect(command).toEqual({
      id: 'createTicket',
      type: 'action',
      title: 'Create ticket',
      description: expect.any(String),
      context: ['message', 'compose', 'commandBox'],
      fetchTask: true,
    });
  });

  it('has the searchTickets query, run when opened, with the one parameter "query"', () => {
    const command = manifest.composeExtensions[0].commands.find((c) => c.id === 'searchTickets');
    expect(command).toMatchObject({ type: 'query', title: 'Tickets', initialRun: true });
    expect(command?.parameters?.map((p) => p.name)).toEqual(['query']);
  });

  it('unfurls ticket links of the bot domain (https://<bot domain>/tickets/SUP-000123)', () => {
    const [extension] = manifest.composeExtensions as Array<{ messageHandlers?: unknown }>;
    expect(extension.messageHandlers).toEqual([
      { type: 'link', value: { domains: [DEPLOY_VALUES.BOT_DOMAIN] } },
    ]);
  });

  it('names the bot in webApplicationInfo and the bot domain in validDomains', () => {
    expect(manifest.webApplicationInfo).toEqual({
      id: DEPLOY_VALUES.BOT_ID,
      resource: `api://botid-${DEPLOY_VALUES.BOT_ID}`,
    });
    expect(manifest.validDomains).toEqual([DEPLOY_VALUES.BOT_DOMAIN]);
  });
});

describe('the package zip (npm run package, npm run validate:manifest)', () => {
  let fetchSpy: jest.SpyInstance;
  const temps: string[] = [];

  beforeAll(() => {
    fetchSpy = jest
      .spyOn(globalThis, 'fetch')
      .mockImplementation(() => Promise.reject(new Error('network access is disabled in tests')));
  });

  afterAll(() => {
    expect(fetchSpy).not.toHaveBeenCalled();
    fetchSpy.mockRestore();
    for (const dir of temps) rmSync(dir, { recursive: true, force: true });
  });

  /** A copy of appPackage/ whose manifest.json is changed by `edit`. */
  function editedSource(edit: (manifest: string) => string): string {
    const dir = mkdtempSync(join(tmpdir(), 'app-package-'));
    temps.push(dir);
    cpSync(APP_PACKAGE, dir, { recursive: true });
    writeFileSync(join(dir, 'manifest.json'), edit(readText('manifest.json')));
    return dir;
  }

  /** The built zip with its entries changed by `edit`. */
  function rezip(edit: (entries: Record<string, Uint8Array>) => void): Uint8Array {
    const entries = unzipSync(buildAppPackage(APP_PACKAGE, DEPLOY_VALUES).zip);
    edit(entries);
    return zipSync(entries);
  }

  const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

  it('holds manifest.json, the icons and es.json at its root, with the ids filled in', () => {
    const built = buildAppPackage(APP_PACKAGE, DEPLOY_VALUES);
    const entries = unzipSync(built.zip);
    expect(Object.keys(entries)).toEqual(['manifest.json', 'color.png', 'outline.png', 'es.json']);
    expect(built.files).toEqual(Object.keys(entries));
    const manifest = JSON.parse(text(entries['manifest.json'])) as TeamsManifestJson;
    expect(manifest.id).toBe(DEPLOY_VALUES.TEAMS_APP_ID);
    expect(manifest.bots[0].botId).toBe(DEPLOY_VALUES.BOT_ID);
    expect(manifest.composeExtensions[0].botId).toBe(DEPLOY_VALUES.BOT_ID);
    expect(manifest.validDomains).toEqual([DEPLOY_VALUES.BOT_DOMAIN]);
    expect(text(entries['manifest.json'])).not.toContain('${{');
    expect(
      Buffer.from(entries['color.png']).equals(readFileSync(join(APP_PACKAGE, 'color.png'))),
    ).toBe(true);
    expect(JSON.parse(text(entries['es.json']))).toEqual(JSON.parse(readText('es.json')));
  });

  it('is byte-identical when built twice from the same inputs', () => {
    const a = buildAppPackage(APP_PACKAGE, DEPLOY_VALUES).zip;
    const b = buildAppPackage(APP_PACKAGE, DEPLOY_VALUES).zip;
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it('validates offline: schema, localization, icons and contents', async () => {
    expect(await validateAppPackage(buildAppPackage(APP_PACKAGE, DEPLOY_VALUES).zip)).toEqual([]);
  });

  it('a misspelled scope fails validation with the schema message', async () => {
    const source = editedSource((m) =>
      m.replace('"scopes": ["personal",', '"scopes": ["persnal",'),
    );
    const problems = await validateAppPackage(buildAppPackage(source, DEPLOY_VALUES).zip);
    expect(problems).toEqual([
      expect.stringMatching(
        /^manifest\.json: \/bots\/0\/scopes\/0 must be equal to one of the allowed values\. Details: .*"personal"/,
      ),
    ]);
  });

  it('an unbundled manifest version and a wrong $schema URL are reported', async () => {
    const source = editedSource((m) =>
      m.replace('"manifestVersion": "1.22"', '"manifestVersion": "1.99"'),
    );
    expect(await validateAppPackage(buildAppPackage(source, DEPLOY_VALUES).zip)).toEqual([
      'manifest.json: manifestVersion 1.99: no schema bundled with @microsoft/app-manifest',
    ]);
    const other = editedSource((m) => m.replace('/v1.22/', '/v1.21/'));
    expect(await validateAppPackage(buildAppPackage(other, DEPLOY_VALUES).zip)).toEqual([
      expect.stringMatching(/^manifest\.json: \$schema should be .*v1\.22/),
    ]);
  });

  it('reports an extra file, a missing file and an icon of the wrong size', async () => {
    const zip = rezip((entries) => {
      entries['notes.txt'] = Buffer.from('x');
      entries['color.png'] = entries['outline.png'];
      delete entries['es.json'];
    });
    expect((await validateAppPackage(zip)).sort()).toEqual(
      [
        'es.json: referenced by manifest.json, not in the zip',
        'notes.txt: in the zip but not used by manifest.json',
        'color.png: color icon must be 192×192 pixels, is 32×32',
      ].sort(),
    );
  });

  it('reports an outline icon that is not white on transparent', async () => {
    const zip = rezip((entries) => {
      entries['outline.png'] = readFileSync(join(APP_PACKAGE, 'color.png'));
    });
    const problems = await validateAppPackage(zip);
    expect(problems).toContain('outline.png: outline icon must be 32×32 pixels, is 192×192');
    expect(problems.join('\n')).toMatch(/outline\.png: outline icon must be white on transparent/);
  });

  it('reports a placeholder left unfilled and a translation of nothing', async () => {
    const zip = rezip((entries) => {
      const es = JSON.parse(text(entries['es.json'])) as Record<string, string>;
      es['name.short'] = '${{APP_NAME}}';
      es['composeExtensions[0].commands[7].title'] = 'Nada';
      entries['es.json'] = Buffer.from(JSON.stringify(es));
    });
    expect(await validateAppPackage(zip)).toEqual([
      'es.json: contains an unfilled ${{...}} placeholder',
      'es.json: "composeExtensions[0].commands[7].title" translates nothing in manifest.json',
    ]);
  });

  it('is not built when an id is missing, and the error names it', () => {
    expect(() => buildAppPackage(APP_PACKAGE, { ...DEPLOY_VALUES, BOT_ID: '' })).toThrow(
      'Missing value for manifest placeholder(s): BOT_ID',
    );
  });

  it('reports a file that is not a zip', async () => {
    expect(await validateAppPackage(Buffer.from('not a zip'))).toEqual([
      expect.stringMatching(/^not a zip file/),
    ]);
  });
});

describe('Agents Toolkit environments (env/)', () => {
  it('parses the dotenv the toolkit writes: comments, quotes, blanks', () => {
    expect(
      parseDotenv(
        '# c\nTEAMSFX_ENV=dev\n\nBOT_ID= abc \nQ="a b # not a comment"\nexport X=1\nY=2 # note\nEMPTY=\n',
      ),
    ).toEqual({
      TEAMSFX_ENV: 'dev',
      BOT_ID: 'abc',
      Q: 'a b # not a comment',
      X: '1',
      Y: '2',
      EMPTY: '',
    });
  });

  it('takes the environment from --env, else TEAMSFX_ENV, else the committed sample', () => {
    expect(envNameFrom(['--env', 'dev'], { TEAMSFX_ENV: 'local' })).toBe('dev');
    expect(envNameFrom([], { TEAMSFX_ENV: 'local' })).toBe('local');
    expect(envNameFrom([], {})).toBe(DEFAULT_ENV);
    expect(() => envNameFrom(['--env', '../x'], {})).toThrow(/Invalid environment name/);
  });

  it('reads env/.env.<name>, then .user, then the process environment', () => {
    const root = mkdtempSync(join(tmpdir(), 'env-'));
    try {
      mkdirSync(join(root, 'env'));
      writeFileSync(
        join(root, 'env', '.env.dev'),
        'BOT_ID=from-file\nBOT_DOMAIN=file.example\nA=1\n',
      );
      writeFileSync(join(root, 'env', '.env.dev.user'), 'BOT_ID=from-user\nSECRET_X=s\n');
      const env = readEnvironment(root, 'dev', { BOT_DOMAIN: 'shell.example', A: '' });
      expect(env.files).toEqual(['env/.env.dev', 'env/.env.dev.user']);
      expect(env.values).toMatchObject({
        TEAMSFX_ENV: 'dev',
        BOT_ID: 'from-user',
        BOT_DOMAIN: 'shell.example',
        A: '1',
        SECRET_X: 's',
      });
      expect(() => readEnvironment(root, 'prod', {})).toThrow(/env\/\.env\.prod does not exist/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('the committed sample environment builds a valid package on a fresh clone', async () => {
    const env = readEnvironment(ROOT, DEFAULT_ENV, {});
    const built = buildAppPackage(APP_PACKAGE, env.values);
    expect(await validateAppPackage(built.zip)).toEqual([]);
  });

  it('commits no secret: env files hold no SECRET_ or password value', () => {
    for (const name of ['dev', 'local', DEFAULT_ENV]) {
      const values = parseDotenv(readFileSync(join(ROOT, 'env', `.env.${name}`), 'utf8'));
      const secrets = Object.entries(values).filter(
        ([key, value]) => value !== '' && /^SECRET_|PASSWORD/i.test(key),
      );
      expect(secrets).toEqual([]);
    }
  });
});
