/**
 * Card templates compiled to plain functions: the part of the Adaptive Card templating language
 * our templates use (`adaptiveCards/*.json`), expanded with exactly the results of
 * `adaptivecards-templating` 2.3.1 (the reference; `render.ts` falls back to it).
 *
 * Why: the library evaluates every `${…}` through `adaptive-expressions` (a memory object, a
 * path lookup, options) on each render. The triage card took 0.86 ms of the 1.6 ms of its render
 * and is rendered on every card action and triage update (docs/benchmarks.md).
 *
 * What is compiled (anything else leaves the whole template to the library):
 * - strings: literal text and `${expr}` parts; a string that is one `${expr}` keeps the value's
 *   type (a number stays a number, a list stays a list);
 * - `$when` (the object is kept only when the expression is the boolean `true`) and `$data`
 *   (a list repeats the object for each item, which becomes the scope of its expressions; an
 *   object becomes the scope);
 * - expressions: a property path (`a.b.c`), `!path`, `path != ''`, `count(path) == n`,
 *   `count(path) > n`, and `&&` of those.
 *
 * A property is looked up by its exact name; the library also accepts another case (`Title` for
 * `title`) and takes the first such name. Data with two names that differ only in case would
 * differ: ours never has them, and a name found only in another case goes to the library.
 *
 * Where the library would do something unusual, the compiled function does not guess: a missing
 * or null value (the library writes `${path}` into the card), a comparison of something other than
 * text, `count` of something that has no length, or a list item with no value throw
 * `TemplateFallback`, and the caller expands the same template and data with the library. The
 * unit test compares both on every card of the gallery in both languages.
 */

/** Thrown while expanding: this data needs the library's own handling. */
export class TemplateFallback extends Error {
  constructor(what: string) {
    super(`template fallback: ${what}`);
    this.name = 'TemplateFallback';
  }
}

/** Thrown while compiling: the template uses something this compiler does not handle. */
class Unsupported extends Error {}

type Scope = unknown;
type Eval = (scope: Scope) => unknown;

/** The template's names the library keeps out of the expanded card. */
const RESERVED = new Set(['$data', '$when', '$root', '$index', '$host', '$_acTemplateVersion']);

const PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

function compilePath(src: string): Eval {
  if (!PATH.test(src)) throw new Unsupported(`expression ${src}`);
  const parts = src.split('.');
  return (scope) => {
    let value: unknown = scope;
    for (const part of parts) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new TemplateFallback(src);
      }
      if (!Object.prototype.hasOwnProperty.call(value, part)) throw new TemplateFallback(src);
      value = (value as Record<string, unknown>)[part];
    }
    if (value === null || value === undefined) throw new TemplateFallback(src);
    return value;
  };
}

/** `adaptive-expressions`' truth: a boolean is itself, anything else that exists is true. */
const isTrue = (value: unknown) => (typeof value === 'boolean' ? value : true);

function compileTerm(src: string): Eval {
  let m: RegExpExecArray | null;
  if ((m = /^!\s*(\S+)$/.exec(src))) {
    const path = compilePath(m[1]);
    return (scope) => !isTrue(path(scope));
  }
  if ((m = /^(\S+)\s*!=\s*''$/.exec(src))) {
    const path = compilePath(m[1]);
    const what = m[1];
    return (scope) => {
      const value = path(scope);
      if (typeof value !== 'string') throw new TemplateFallback(`${what} is not text`);
      return value !== '';
    };
  }
  if ((m = /^count\((\S+)\)\s*(==|>)\s*(\d+)$/.exec(src))) {
    const path = compilePath(m[1]);
    const [what, op, n] = [m[1], m[2], Number(m[3])];
    return (scope) => {
      const value = path(scope);
      if (typeof value !== 'string' && !Array.isArray(value)) {
        throw new TemplateFallback(`${what} has no length`);
      }
      return op === '==' ? value.length === n : value.length > n;
    };
  }
  return compilePath(src);
}

function compileExpression(src: string): Eval {
  const terms = src.split('&&').map((t) => t.trim());
  if (terms.some((t) => t === '')) throw new Unsupported(`expression ${src}`);
  if (terms.length === 1) return compileTerm(terms[0]);
  const compiled = terms.map(compileTerm);
  // `and` evaluates its terms in order and stops at the first that is not true.
  return (scope) => compiled.every((term) => isTrue(term(scope)));
}

/** A string of the template: a constant, one typed expression, or text with expressions. */
function compileString(text: string): Eval {
  if (!text.includes('${')) return () => text;
  const parts: (string | Eval)[] = [];
  let rest = text;
  while (rest.length > 0) {
    const start = rest.indexOf('${');
    if (start < 0) {
      parts.push(rest);
      break;
    }
    if (start > 0) parts.push(rest.slice(0, start));
    const end = rest.indexOf('}', start);
    if (end < 0) throw new Unsupported(`unclosed expression in ${text}`);
    parts.push(compileExpression(rest.slice(start + 2, end).trim()));
    rest = rest.slice(end + 1);
  }
  // The library reads literal text as an expression-language template string: leave anything
  // it might read otherwise (escapes, quotes, braces) to it.
  if (parts.some((p) => typeof p === 'string' && /[\\`{}'"$]/.test(p))) {
    throw new Unsupported(`literal text in ${text}`);
  }
  if (parts.length === 1 && typeof parts[0] !== 'string') return parts[0];
  return (scope) => {
    let out = '';
    for (const part of parts) {
      if (typeof part === 'string') {
        out += part;
        continue;
      }
      const value = part(scope);
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        throw new TemplateFallback('a value inside text is not text');
      }
      out += String(value);
    }
    return out;
  };
}

/** `${expr}` alone, as `$when` and `$data` are written. */
function compileDirective(name: string, value: unknown): Eval {
  if (typeof value !== 'string') throw new Unsupported(`${name} that is not an expression`);
  const m = /^\$\{([^{}]*)\}$/.exec(value.trim());
  if (!m) throw new Unsupported(`${name} ${value}`);
  return compileExpression(m[1].trim());
}

function compileObject(node: Record<string, unknown>): Eval {
  const when = '$when' in node ? compileDirective('$when', node.$when) : undefined;
  const data = '$data' in node ? compileDirective('$data', node.$data) : undefined;
  const props: [string, Eval][] = Object.keys(node)
    .filter((k) => !RESERVED.has(k))
    .map((k) => [k, compileNode(node[k])]);
  const one = (scope: Scope) => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of props) {
      const v = value(scope);
      if (v !== undefined) out[key] = v;
    }
    return out;
  };
  return (scope) => {
    let scopes: unknown[] = [scope];
    if (data) {
      const d = data(scope);
      scopes = Array.isArray(d) ? d : [d];
      if (scopes.some((s) => s === null || s === undefined)) {
        throw new TemplateFallback('a $data item without a value');
      }
    }
    const out: unknown[] = [];
    for (const s of scopes) {
      if (when && when(s) !== true) continue;
      out.push(one(s));
    }
    return out.length === 0 ? null : out.length === 1 ? out[0] : out;
  };
}

function compileArray(node: unknown[]): Eval {
  const items = node.map(compileNode);
  return (scope) => {
    const out: unknown[] = [];
    for (const item of items) {
      const v = item(scope);
      if (v === null) continue;
      if (Array.isArray(v)) out.push(...v);
      else out.push(v);
    }
    return out;
  };
}

function compileNode(node: unknown): Eval {
  if (typeof node === 'string') return compileString(node);
  if (Array.isArray(node)) return compileArray(node);
  if (typeof node === 'object' && node !== null) {
    return compileObject(node as Record<string, unknown>);
  }
  return () => node;
}

/**
 * The template as a function of its data (`$root`), or undefined when it uses something this
 * compiler leaves to the library. The function throws `TemplateFallback` for data the library
 * must expand itself.
 */
export function compileTemplate(template: object): ((data: object) => unknown) | undefined {
  try {
    return compileNode(template);
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
}
