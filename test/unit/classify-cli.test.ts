import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import {
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  USAGE,
  runClassifyCli,
  type CliIo,
} from '../../src/cli/classify';
import { loadDefaultClassifier } from '../../src/domain/triage/classifier';

const CONTRACT_KEYS = ['category', 'impact', 'severity', 'priority', 'confidence'];

/** Runs the CLI against real files but captured output streams. */
function run(argv: string[]): { code: number; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (line) => out.push(line),
    stderr: (line) => err.push(line),
    readFile: (path) => readFileSync(path, 'utf8'),
  };
  return { code: runClassifyCli(argv, io), out, err };
}

describe('classify CLI', () => {
  const classifier = loadDefaultClassifier();
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'classify-cli-'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function writeJsonl(name: string, content: string): string {
    const path = join(dir, name);
    writeFileSync(path, content, 'utf8');
    return path;
  }

  it('prints one JSON line with exactly the contract keys for a text argument', () => {
    const { code, out, err } = run(['La impresora del piso 2 no imprime']);
    expect(code).toBe(EXIT_OK);
    expect(err).toEqual([]);
    expect(out).toHaveLength(1);
    const parsed = JSON.parse(out[0]) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(CONTRACT_KEYS);
    expect(parsed).toEqual({ ...classifier.classify('La impresora del piso 2 no imprime') });
    expect(parsed.category).toBe('printing');
  });

  it('joins unquoted words and accepts `--` before a text that starts with a dash', () => {
    expect(run(['my', 'vpn', 'is', 'down']).out).toEqual(run(['my vpn is down']).out);
    const dashed = run(['--', '-- urgent: the printer is jammed']);
    expect(dashed.code).toBe(EXIT_OK);
    expect(JSON.parse(dashed.out[0]).category).toBe('printing');
  });

  it('prints one line per input line, in order, for --file (blank lines skipped)', () => {
    const texts = ['Mi laptop no enciende', 'Outlook no abre', 'the VPN keeps dropping'];
    const path = writeJsonl(
      'ok.jsonl',
      [
        JSON.stringify({ text: texts[0], lang: 'es', category: 'ignored' }),
        '',
        JSON.stringify({ text: texts[1] }),
        `${JSON.stringify({ text: texts[2] })}\r`,
        '',
      ].join('\n'),
    );
    const { code, out, err } = run(['--file', path]);
    expect(code).toBe(EXIT_OK);
    expect(err).toEqual([]);
    expect(out.map((line) => JSON.parse(line))).toEqual(
      texts.map((text) => ({ ...classifier.classify(text) })),
    );
    expect(out.map((line) => JSON.parse(line).category)).toEqual(['hardware', 'email', 'network']);
    expect(run([`--file=${path}`]).out).toEqual(out);
  });

  it('prints nothing for an empty file', () => {
    const { code, out } = run(['--file', writeJsonl('empty.jsonl', '\n\n')]);
    expect(code).toBe(EXIT_OK);
    expect(out).toEqual([]);
  });

  it('prints the usage on stdout and exits 0 for --help', () => {
    const { code, out, err } = run(['--help']);
    expect(code).toBe(EXIT_OK);
    expect(out).toEqual([USAGE]);
    expect(err).toEqual([]);
  });

  it.each<[string, string[]]>([
    ['no arguments', []],
    ['--file without a path', ['--file']],
    ['--file= without a path', ['--file=']],
    ['--file with two paths', ['--file', 'a.jsonl', 'b.jsonl']],
    ['an unknown option', ['--verbose', 'la impresora']],
    ['an option after the text', ['la impresora', '-x']],
    ['`--` with nothing after it', ['--']],
  ])('exits 2 with a bilingual usage on stderr for %s', (_label, argv) => {
    const { code, out, err } = run(argv);
    expect(code).toBe(EXIT_USAGE);
    expect(out).toEqual([]);
    const stderr = err.join('\n');
    expect(stderr).toMatch(/^error: /);
    expect(stderr).toContain('Usage:');
    expect(stderr).toContain('Uso:');
  });

  it('exits 1 naming the file when it cannot be read', () => {
    const missing = join(dir, 'does-not-exist.jsonl');
    const { code, out, err } = run(['--file', missing]);
    expect(code).toBe(EXIT_FAILURE);
    expect(out).toEqual([]);
    expect(err.join('\n')).toContain(`cannot read ${missing}`);
    expect(err.join('\n')).toContain(`no se puede leer ${missing}`);
  });

  it.each<[string, string, RegExp]>([
    ['broken JSON', '{"text": "ok"}\n{"text": "no closing quote}\n', /line 2: not valid JSON/],
    ['a missing text', '{"text": "ok"}\n\n{"body": "x"}\n', /line 3: expected an object/],
    ['a non-string text', '{"text": 42}\n', /line 1: expected an object/],
    ['an array', '["text"]\n', /line 1: expected an object/],
    ['a bare string', '"la impresora"\n', /line 1: expected an object/],
  ])('exits 1 naming the line for %s, printing nothing', (_label, content, message) => {
    const path = writeJsonl('bad.jsonl', content);
    const { code, out, err } = run(['--file', path]);
    expect(code).toBe(EXIT_FAILURE);
    expect(out).toEqual([]);
    expect(err[0]).toMatch(message);
    expect(err[0]).toContain(path);
    expect(err[1]).toMatch(/línea \d+/);
  });
});
