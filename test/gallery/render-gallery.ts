/**
 * The card gallery. Renders every card template of adaptiveCards/, in each language, with
 * Microsoft's Adaptive Cards JavaScript renderer (`adaptivecards`, loaded from node_modules)
 * in headless Chromium (Debian's, driven by playwright-core), with a Teams-like host config:
 *
 * - the TYPICAL sample of each template (test/support/card-samples.ts) is rendered and saved
 *   as docs/cards/<template>.<locale>.png, cropped to the card, plus docs/cards/README.md;
 * - the LARGEST sample is rendered too, to check it, without a screenshot.
 *
 * Any renderer error or warning (unknown element or action, invalid property value, an
 * exception, a page error) fails the run. Elements that Teams draws and the JavaScript
 * renderer does not know (the Teams-only charts, Icon, Badge, ...) are not failures: they are
 * drawn as a labelled box and listed in the output.
 *
 * Usage: npm run gallery [-- --out DIR] [-- --no-screenshots]
 * Environment: CHROMIUM_PATH (default /usr/bin/chromium).
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'fs';
import { tmpdir } from 'os';
import { dirname, join, relative, resolve } from 'path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { LARGEST, LOCALES, TYPICAL } from '../support/card-samples';
import { TEAMS_FONT_FAMILY, TEAMS_LIGHT_HOST_CONFIG } from './teams-host-config';

/** Element types Teams draws that the JavaScript renderer lacks: drawn as a box and listed. */
export function isTeamsOnly(type: string): boolean {
  return (
    type.startsWith('Chart.') ||
    [
      'Badge',
      'CodeBlock',
      'CompoundButton',
      'Icon',
      'Input.Rating',
      'ProgressBar',
      'ProgressRing',
      'Rating',
    ].includes(type)
  );
}

/** Every `type` in a card, depth first (elements, actions, inlines, columns...). */
export function typesIn(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const item of node) typesIn(item, found);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'type' && typeof value === 'string') found.add(value);
      else typesIn(value, found);
    }
  }
  return found;
}

interface RendererEvent {
  phase: string;
  kind: string;
  message: string;
}

interface GalleryWindow {
  renderGalleryCard(
    card: object,
    hostConfig: object,
    teamsOnly: string[],
  ): { events: RendererEvent[] };
}

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
  '--font-render-hinting=none',
];

function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'adaptiveCards'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no project root above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

/** Noto Sans from @fontsource, embedded, so that screenshots do not depend on system fonts. */
function fontFaces(): string {
  const faces: Array<[weight: number, style: string]> = [
    [300, 'normal'],
    [400, 'normal'],
    [600, 'normal'],
    [400, 'italic'],
  ];
  return faces
    .map(([weight, style]) => {
      const file = require.resolve(
        `@fontsource/noto-sans/files/noto-sans-latin-${weight}-${style}.woff2`,
      );
      const data = readFileSync(file).toString('base64');
      return (
        `@font-face{font-family:'Noto Sans';font-style:${style};font-weight:${weight};` +
        `src:url(data:font/woff2;base64,${data}) format('woff2');}`
      );
    })
    .join('\n');
}

async function preparePage(context: BrowserContext, root: string): Promise<Page> {
  const page = await context.newPage();
  const css = readFileSync(join(root, 'test/gallery/page/teams.css'), 'utf8');
  await page.setContent(
    `<!doctype html><html><head><meta charset="utf-8"><style>${fontFaces()}\n` +
      `body{font-family:${TEAMS_FONT_FAMILY}}\n${css}</style>` +
      `</head><body><div id="frame"><div id="card"></div></div></body></html>`,
  );
  await page.addScriptTag({ path: require.resolve('adaptivecards/dist/adaptivecards.min.js') });
  await page.addScriptTag({ path: require.resolve('markdown-it/browser') });
  await page.addScriptTag({ path: join(root, 'test/gallery/page/render-card.js') });
  await page.evaluate('document.fonts.ready.then(() => true)');
  return page;
}

/**
 * Renders `card` into the page; returns every renderer event and page error as a problem,
 * and the Teams-only element types it holds (drawn as boxes, not problems).
 */
async function renderCard(
  page: Page,
  card: object,
  locale: string,
  pageErrors: string[],
): Promise<{ problems: string[]; teamsOnly: string[] }> {
  const teamsOnly = [...typesIn(card)].filter(isTeamsOnly);
  pageErrors.length = 0;
  await page.evaluate(`document.documentElement.lang = ${JSON.stringify(locale)}`);
  const result = await page.evaluate(
    ([c, host, only]) => (globalThis as unknown as GalleryWindow).renderGalleryCard(c, host, only),
    [card, TEAMS_LIGHT_HOST_CONFIG, teamsOnly] as const,
  );
  const problems = [
    ...result.events.map((e) => `${e.phase}/${e.kind}: ${e.message}`),
    ...pageErrors.map((m) => `page error: ${m}`),
  ];
  return { problems, teamsOnly };
}

/**
 * The gallery checks itself before the real cards, so that it cannot pass by seeing nothing:
 * a misspelled element must be reported, and a Teams-only chart must be listed, not failed.
 */
async function selfCheck(page: Page, pageErrors: string[]): Promise<string[]> {
  const card = (body: object[]) => ({ type: 'AdaptiveCard', version: '1.5', body });
  const typo = await renderCard(page, card([{ type: 'TextBlok', text: 'x' }]), 'en', pageErrors);
  const chart = await renderCard(
    page,
    card([{ type: 'Chart.Donut', data: [{ legend: 'a', value: 1 }] }]),
    'en',
    pageErrors,
  );
  const failures: string[] = [];
  if (!typo.problems.some((p) => p.includes('UnknownElementType'))) {
    failures.push(
      `self-check: a misspelled element was not reported (${typo.problems.join('; ')})`,
    );
  }
  if (chart.problems.length > 0 || chart.teamsOnly.join() !== 'Chart.Donut') {
    failures.push(
      `self-check: a Teams-only chart was not just listed (${chart.problems.join('; ')})`,
    );
  }
  if (failures.length === 0) {
    console.log(
      `  self-check: a misspelled element fails (${typo.problems[0]}); a chart is listed`,
    );
  }
  return failures;
}

interface Options {
  out: string;
  screenshots: boolean;
}

function parseArgs(root: string, argv: string[]): Options {
  const i = argv.indexOf('--out');
  return {
    out: resolve(root, i >= 0 && argv[i + 1] ? argv[i + 1] : 'docs/cards'),
    screenshots: !argv.includes('--no-screenshots'),
  };
}

function indexMarkdown(shots: Array<{ template: string; files: Record<string, string> }>): string {
  const rows = shots.map(
    ({ template, files }) =>
      `| \`${template}\` | ${LOCALES.map((l) => `<img src="${files[l]}" width="400" alt="${template} (${l})">`).join(' | ')} |`,
  );
  return [
    '<!-- Written by `npm run gallery` (test/gallery/render-gallery.ts); do not edit. -->',
    '',
    '# Card gallery: every template',
    '',
    'Each card template of `adaptiveCards/` with its typical data, drawn by the Adaptive Cards',
    'JavaScript renderer with a Teams-like host config. See [../cards.md](../cards.md).',
    '',
    `| template | ${LOCALES.join(' | ')} |`,
    `| --- | ${LOCALES.map(() => '---').join(' | ')} |`,
    ...rows,
    '',
  ].join('\n');
}

async function main(): Promise<number> {
  const root = projectRoot();
  const options = parseArgs(root, process.argv.slice(2));
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    console.error(`gallery: no Chromium at ${executablePath} (apt-get install -y chromium)`);
    return 1;
  }
  const failures: string[] = [];
  const templates = readdirSync(join(root, 'adaptiveCards')).filter((f) => f.endsWith('.json'));
  for (const t of templates) {
    if (!TYPICAL[t] || !LARGEST[t]) {
      failures.push(`${t}: no TYPICAL/LARGEST sample in test/support/card-samples.ts`);
    }
  }

  const userDataDir = mkdtempSync(join(tmpdir(), 'gallery-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 640, height: 800 },
    deviceScaleFactor: 2,
    offline: true,
  });
  const pageErrors: string[] = [];
  const blocked: string[] = [];
  await context.route('**/*', (route) => {
    blocked.push(route.request().url());
    return route.abort();
  });
  try {
    const page = await preparePage(context, root);
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
    const version = context.browser()?.version() ?? 'Chromium';
    const renderer = (require('adaptivecards/package.json') as { version: string }).version;
    console.log(
      `gallery: adaptivecards ${renderer} in headless Chromium ${version}, Teams light host config`,
    );
    failures.push(...(await selfCheck(page, pageErrors)));
    if (options.screenshots) mkdirSync(options.out, { recursive: true });

    const teamsOnlySeen = new Map<string, Set<string>>();
    const written = new Set<string>();
    const shots: Array<{ template: string; files: Record<string, string> }> = [];
    let passed = 0;
    let failed = 0;
    for (const template of Object.keys(TYPICAL).sort()) {
      const base = template.replace(/\.json$/, '');
      const files: Record<string, string> = {};
      const line: string[] = [];
      for (const locale of LOCALES) {
        for (const sample of ['typical', 'largest'] as const) {
          const make = sample === 'typical' ? TYPICAL[template] : LARGEST[template];
          if (!make) continue;
          const label = `${template} ${locale} ${sample}`;
          let card: object;
          try {
            card = make(locale);
          } catch (e) {
            failures.push(`${label}: the render function threw: ${(e as Error).message}`);
            line.push(`${locale}/${sample} ✗`);
            failed++;
            continue;
          }
          const { problems, teamsOnly } = await renderCard(page, card, locale, pageErrors);
          for (const type of teamsOnly) {
            if (!teamsOnlySeen.has(type)) teamsOnlySeen.set(type, new Set());
            teamsOnlySeen.get(type)?.add(template);
          }
          for (const p of problems) failures.push(`${label}: ${p}`);
          if (sample === 'typical' && options.screenshots && problems.length === 0) {
            const file = join(options.out, `${base}.${locale}.png`);
            await page.evaluate('document.fonts.ready.then(() => true)');
            await page.locator('#frame').screenshot({ path: file, animations: 'disabled' });
            written.add(file);
            files[locale] = relative(options.out, file);
          }
          line.push(`${locale}/${sample} ${problems.length === 0 ? '✓' : '✗'}`);
          if (problems.length === 0) passed++;
          else failed++;
        }
      }
      if (Object.keys(files).length === LOCALES.length) shots.push({ template, files });
      console.log(`  ${template.padEnd(24)} ${line.join('  ')}`);
    }

    if (options.screenshots) {
      // Screenshots of templates that no longer exist go; a failed render keeps its old one.
      const current = new Set(
        Object.keys(TYPICAL).flatMap((t) =>
          LOCALES.map((l) => `${t.replace(/\.json$/, '')}.${l}.png`),
        ),
      );
      for (const f of readdirSync(options.out).filter((n) => n.endsWith('.png'))) {
        if (!current.has(f)) rmSync(join(options.out, f));
      }
      writeFileSync(join(options.out, 'README.md'), indexMarkdown(shots));
      console.log(`  screenshots: ${written.size} in ${relative(root, options.out) || '.'}/`);
    }
    if (teamsOnlySeen.size > 0) {
      console.log('  Teams-only elements (drawn by Teams, shown as a box here, not failures):');
      for (const [type, where] of teamsOnlySeen) {
        console.log(`    ${type}: ${[...where].join(', ')}`);
      }
    } else {
      console.log('  Teams-only elements: none');
    }
    if (blocked.length > 0) {
      console.log(
        `  requests blocked (the gallery runs offline): ${[...new Set(blocked)].join(', ')}`,
      );
    }
    for (const f of failures) console.error(`  ✗ ${f}`);
    // Checks that are not renders (self-check, a template without samples) count as failed.
    failed += failures.filter((f) => !/^\S+\.json \S+ (typical|largest): /.test(f)).length;
    console.log(`gallery: ${passed} passed, ${failed} failed`);
    return failures.length === 0 ? 0 : 1;
  } finally {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(`gallery: ${(e as Error).stack ?? String(e)}`);
    process.exitCode = 1;
  },
);
