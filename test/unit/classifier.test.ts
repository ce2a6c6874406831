import { readFileSync } from 'fs';
import { join } from 'path';
import { CATEGORIES, type Category } from '../../src/domain/tickets/category';
import {
  IMPACTS,
  SEVERITIES,
  priorityOf,
  type Impact,
  type Severity,
} from '../../src/domain/tickets/priority-matrix';
import {
  Classifier,
  defaultVocabulary,
  loadDefaultClassifier,
  type Classification,
  type Vocabulary,
} from '../../src/domain/triage/classifier';

interface Labelled {
  text: string;
  lang: 'es' | 'en';
  category: Category;
  impact: Impact;
  severity: Severity;
}

const LABELLED_PATH = join(__dirname, '..', 'fixtures', 'classifier', 'labelled.jsonl');

function loadLabelled(): Labelled[] {
  return readFileSync(LABELLED_PATH, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Labelled);
}

type Field = 'category' | 'impact' | 'severity';
const FIELDS: readonly Field[] = ['category', 'impact', 'severity'];

/** Share of items whose predicted field equals the label. */
function accuracy(rows: ReadonlyArray<{ item: Labelled; got: Classification }>, field: Field) {
  const hits = rows.filter(({ item, got }) => item[field] === got[field]).length;
  return rows.length === 0 ? 0 : hits / rows.length;
}

const pct = (value: number): string => `${(value * 100).toFixed(1)}%`;

describe('Classifier on the labelled set', () => {
  const classifier = loadDefaultClassifier();
  const labelled = loadLabelled();
  const rows = labelled.map((item) => ({ item, got: classifier.classify(item.text) }));
  const subsets = {
    all: rows,
    es: rows.filter(({ item }) => item.lang === 'es'),
    en: rows.filter(({ item }) => item.lang === 'en'),
  };

  beforeAll(() => {
    const lines = Object.entries(subsets).map(
      ([name, subset]) =>
        `${name.padEnd(3)} (n=${subset.length}): ` +
        FIELDS.map((field) => `${field} ${pct(accuracy(subset, field))}`).join(', '),
    );
    const misses = rows
      .filter(({ item, got }) => item.category !== got.category)
      .map(({ item, got }) => `  [${item.lang}] ${item.category} → ${got.category}: ${item.text}`);
    console.log(
      ['Classifier accuracy on labelled.jsonl', ...lines, 'Category misses:', ...misses].join('\n'),
    );
  });

  it('is a valid, balanced labelled set (≥40 per language, every category in both)', () => {
    expect(subsets.es.length).toBeGreaterThanOrEqual(40);
    expect(subsets.en.length).toBeGreaterThanOrEqual(40);
    for (const item of labelled) {
      expect(CATEGORIES).toContain(item.category);
      expect(IMPACTS).toContain(item.impact);
      expect(SEVERITIES).toContain(item.severity);
    }
    for (const lang of ['es', 'en'] as const) {
      for (const category of CATEGORIES) {
        const count = labelled.filter((i) => i.lang === lang && i.category === category).length;
        expect({ lang, category, enough: count >= 3 }).toEqual({ lang, category, enough: true });
      }
    }
  });

  it.each(Object.keys(subsets) as Array<keyof typeof subsets>)(
    'category accuracy (%s) is at least 80%%',
    (name) => {
      expect(accuracy(subsets[name], 'category')).toBeGreaterThanOrEqual(0.8);
    },
  );
});

describe('Classifier behaviour', () => {
  const classifier = loadDefaultClassifier();

  it('returns exactly the contract fields, with a confidence in [0, 1] and 2 decimals', () => {
    const result = classifier.classify('La impresora no imprime');
    expect(Object.keys(result).sort()).toEqual(
      ['category', 'confidence', 'impact', 'priority', 'severity'].sort(),
    );
    expect(result.confidence).toBeGreaterThanOrEqual(0);
    expect(result.confidence).toBeLessThanOrEqual(1);
    expect(Math.round(result.confidence * 100) / 100).toBe(result.confidence);
  });

  it.each([
    'Mi laptop no enciende',
    'Outlook keeps asking for my password',
    'el wifi se cae a cada rato en toda la oficina',
  ])('is deterministic for %p', (text) => {
    const first = classifier.classify(text);
    expect(classifier.classify(text)).toEqual(first);
    expect(new Classifier(defaultVocabulary()).classify(text)).toEqual(first);
  });

  it.each(['', '   ', '\n\t  \n', '!!! ??? ...', 'hola, buenas tardes'])(
    'gives `other` with low confidence when there is no evidence: %p',
    (text) => {
      const result = classifier.classify(text);
      expect(result.category).toBe('other');
      expect(result.confidence).toBeLessThan(0.3);
    },
  );

  it('defaults to low impact and medium severity without cues', () => {
    const result = classifier.classify('');
    expect(result).toMatchObject({ impact: 'low', severity: 'medium', priority: 'baja' });
  });

  it.each([
    'La impresora no imprime',
    'toda la oficina sin internet, no podemos trabajar',
    'the printer is a bit slow, not urgent',
    'nobody in finance can open the shared drive',
    'mi extension no tiene tono, me urge',
    'correo lento',
  ])('derives the priority from the matrix for %p', (text) => {
    const result = classifier.classify(text);
    expect(result.priority).toBe(priorityOf(result.impact, result.severity));
  });

  it.each<[string, Partial<Classification>]>([
    ['No puedo trabajar, mi laptop no enciende', { category: 'hardware', severity: 'high' }],
    ['Se cayó el internet en toda la oficina', { category: 'network', impact: 'high' }],
    ['The whole office is out of paper', { category: 'printing', impact: 'high' }],
    ['el internet va lento', { category: 'network', severity: 'medium' }],
    ['the VPN is a bit slow, not urgent', { category: 'network', severity: 'low' }],
    ['nuestro equipo no puede entrar a la carpeta compartida', { category: 'access' }],
    ['the sales team cannot make outbound calls', { category: 'telephony', impact: 'medium' }],
  ])('reads multi-word cues in %p', (text, expected) => {
    expect(classifier.classify(text)).toMatchObject(expected);
  });

  it.each<[string, string, Category]>([
    ['accents', 'Olvidé mi contraseña', 'access'],
    ['no accents', 'olvide mi contrasena', 'access'],
    ['upper case', 'OLVIDÉ MI CONTRASEÑA', 'access'],
    ['typo (substitution)', 'olvide mi contrasela', 'access'],
    ['typo (transposition)', 'la impresroa no sirve', 'printing'],
    ['typo (missing letter)', 'outlok no abre', 'email'],
    ['typo (english)', 'my keybaord is broken', 'hardware'],
    ['plural / inflection', 'las impresoras imprimen rayado', 'printing'],
  ])('handles %s: %p', (_label, text, category) => {
    expect(classifier.classify(text).category).toBe(category);
  });

  it('classifies a 100 KB text', () => {
    const chunk = 'La impresora del piso 2 no imprime y el wifi está lento. ';
    const text = chunk.repeat(Math.ceil(100_000 / chunk.length));
    expect(text.length).toBeGreaterThanOrEqual(100_000);
    const result = classifier.classify(text);
    expect(CATEGORIES).toContain(result.category);
  });

  it('classifies 100 KB of distinct made-up words (worst case: stems and typo search each)', () => {
    // Knuth's multiplicative hash is a bijection on 32 bits, and 7 base-26 letters hold 32 bits,
    // so every word differs and nothing can be served from the per-call token cache.
    const word = (i: number): string => {
      let n = Math.imul(i + 1, 2654435761) >>> 0;
      let out = '';
      for (let k = 0; k < 7; k++, n = Math.floor(n / 26)) out += String.fromCharCode(97 + (n % 26));
      return out;
    };
    const words = Array.from({ length: 12_800 }, (_, i) => word(i));
    const text = words.join(' ');
    expect(text.length).toBeGreaterThanOrEqual(100_000);
    expect(new Set(words).size).toBe(words.length);
    expect(CATEGORIES).toContain(classifier.classify(text).category);
  });

  it.each([
    '${x} ${process.exit(1)}',
    '.*+?^${}()|[]\\ (a+)+$',
    'impresora (no) [imprime] {nada} ^$ \\d+ *',
    '\u0000\u0001\uffff \ud83d\ude00 emoji 🖨️ impresora',
    'a'.repeat(50_000),
  ])('does not throw on odd input %#', (text) => {
    expect(() => classifier.classify(text)).not.toThrow();
  });

  it('rejects a malformed vocabulary', () => {
    const good = defaultVocabulary();
    const badWeight = {
      ...good,
      categories: { ...good.categories, printing: { impresora: 'mucho' } },
    } as unknown as Vocabulary;
    const badDefault = {
      ...good,
      impact: { ...good.impact, default: 'enorme' },
    } as unknown as Vocabulary;
    expect(() => new Classifier(badWeight)).toThrow(/printing/);
    expect(() => new Classifier(badDefault)).toThrow(/default/);
  });
});
