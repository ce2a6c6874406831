import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as render from '../../src/teams/cards/render';
import { TemplateFallback, compileTemplate } from '../../src/teams/cards/template';
import { LARGEST, LOCALES, TYPICAL } from '../support/card-samples';

/**
 * The compiled card templates (`template.ts`) against `adaptivecards-templating` itself: the same
 * JSON, key order included, for every card of the gallery in both languages, and the same answer
 * (or the same failure) when data is missing or of another type.
 */
const DIR = join(__dirname, '../../adaptiveCards');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));

/** What the library makes of it: its card, or its failure. */
function library(template: object, data: object): string {
  try {
    return JSON.stringify(render.expandWithLibrary(template, data));
  } catch (e) {
    return `throws: ${(e as Error).message}`;
  }
}

/** What `expand` does before its size check: the compiled function, or the library after it. */
function compiledOrFallback(template: object, data: object): string {
  const fast = compileTemplate(template);
  if (!fast) throw new Error('not compiled');
  try {
    return JSON.stringify(fast(data));
  } catch (e) {
    if (e instanceof TemplateFallback) return library(template, data);
    return `throws: ${(e as Error).message}`;
  }
}

/** Every (template, data) the samples render, both sizes, both languages. */
function renders(): [object, object][] {
  const seen: [object, object][] = [];
  const real = render.expand;
  const spy = jest.spyOn(render, 'expand').mockImplementation((template, data) => {
    seen.push([template, data]);
    return real(template, data);
  });
  try {
    for (const samples of [LARGEST, TYPICAL]) {
      for (const make of Object.values(samples)) for (const l of LOCALES) make(l);
    }
  } finally {
    spy.mockRestore();
  }
  return seen;
}

describe('compiled card templates', () => {
  it('every template in adaptiveCards/ compiles (none is left to the library)', () => {
    for (const f of files) {
      const template = JSON.parse(readFileSync(join(DIR, f), 'utf8'));
      expect([f, typeof compileTemplate(template)]).toEqual([f, 'function']);
    }
  });

  const all = renders();

  it('the samples render through the spy (every template but the refusal, which render.ts calls itself)', () => {
    expect(all.length).toBeGreaterThanOrEqual((files.length - 1) * 4);
  });

  it('gives the library’s card, byte for byte, for every sample, without falling back', () => {
    for (const [template, data] of all) {
      const fast = compileTemplate(template)!;
      expect(JSON.stringify(fast(data))).toBe(library(template, data));
    }
    const refusal = JSON.parse(readFileSync(join(DIR, 'refusal.json'), 'utf8'));
    expect(JSON.stringify(compileTemplate(refusal)!({ text: 'No **puedes** ${x}' }))).toBe(
      library(refusal, { text: 'No **puedes** ${x}' }),
    );
  });

  it('with a value missing, null, or of another type, gives what the library gives', () => {
    const variants = (data: Record<string, unknown>) =>
      Object.keys(data).flatMap((key) => {
        const without = { ...data };
        delete without[key];
        return [without, { ...data, [key]: null }, { ...data, [key]: 7 }, { ...data, [key]: [] }];
      });
    let compared = 0;
    // One render of each template is enough here: the variants multiply quickly.
    const firstOfEach = new Map(all);
    for (const [template, data] of firstOfEach) {
      for (const variant of variants(data as Record<string, unknown>)) {
        expect(compiledOrFallback(template as object, variant)).toBe(
          library(template as object, variant),
        );
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(500);
  });

  it.each([
    ['a typed value', { a: '${n}' }, { n: 3 }],
    ['text with values', { a: '${n} × ${s} · ${b}' }, { n: 3, s: 'x', b: true }],
    ['a list', { a: '${xs}' }, { xs: [1, 2] }],
    ['a path', { a: '${o.p.q}' }, { o: { p: { q: 'deep' } } }],
    [
      '$when true, false, not a boolean',
      [
        { $when: '${t}', a: 1 },
        { $when: '${f}', a: 2 },
        { $when: '${s}', a: 3 },
      ],
      { t: true, f: false, s: 'yes' },
    ],
    ['! of a boolean and of text', { a: '${!t}', b: '${!s}' }, { t: true, s: '' }],
    ["!= ''", { a: "${s != ''}", b: "${e != ''}" }, { s: 'x', e: '' }],
    [
      'count',
      { a: '${count(xs) == 0}', b: '${count(xs) > 1}', c: '${count(s) > 1}' },
      { xs: [1, 2], s: 'abc' },
    ],
    ['&&', { a: "${t && s != ''}", b: "${f && missing != ''}" }, { t: true, f: false, s: 'x' }],
    [
      '$data over a list',
      { items: [{ $data: '${xs}', v: '${name}' }] },
      { xs: [{ name: 'a' }, { name: 'b' }] },
    ],
    ['$data over one item', { items: [{ $data: '${xs}', v: '${name}' }] }, { xs: [{ name: 'a' }] }],
    [
      '$data over an empty list, in a list and as a property',
      { items: [{ $data: '${xs}', v: 1 }], one: { $data: '${xs}', v: 1 } },
      { xs: [] },
    ],
    ['$data over an object', { one: { $data: '${o}', v: '${name}' } }, { o: { name: 'a' } }],
    [
      '$when inside $data',
      { items: [{ $data: '${xs}', $when: '${on}', v: '${name}' }] },
      {
        xs: [
          { name: 'a', on: true },
          { name: 'b', on: false },
        ],
      },
    ],
    ['a name in another case', { a: '${Name}' }, { name: 'x' }],
    ['a missing value', { a: '${gone}', b: 'x ${gone}' }, {}],
    [
      'user text that looks like an expression',
      { a: '${s}', b: 'said: ${s}' },
      { s: '${n} `x` \\ {}' },
    ],
    [
      'constants of every kind',
      { a: 1, b: true, c: null, d: 'plain', e: [1, 'two', { f: 3 }] },
      {},
    ],
  ])('%s: as the library', (_what, template, data) => {
    expect(compiledOrFallback(template, data)).toBe(library(template, data));
  });

  it('leaves what it does not handle to the library', () => {
    expect(compileTemplate({ a: '${$index}' })).toBeUndefined();
    expect(compileTemplate({ a: "${if(x, 'a', 'b')}" })).toBeUndefined();
    expect(compileTemplate({ a: "quote ' ${x}" })).toBeUndefined();
    expect(compileTemplate({ $when: 'always', a: 1 })).toBeUndefined();
  });

  it('gives a fresh card each time (a caller may change the card it gets)', () => {
    const fast = compileTemplate({ body: [{ type: 'TextBlock', text: 'x' }] })!;
    const a = fast({}) as { body: { text: string }[] };
    a.body[0].text = 'changed';
    expect((fast({}) as { body: { text: string }[] }).body[0].text).toBe('x');
  });
});
