/**
 * `classify` — command-line interface of the operating contract for the ticket classifier.
 *
 *   node dist/src/cli/classify.js "<ticket text>"      → one JSON line
 *   node dist/src/cli/classify.js --file tickets.jsonl → one JSON line per input line, in order
 *
 * Exit codes: 0 ok, 1 unreadable file or invalid input line, 2 bad usage. The logic lives in
 * `runClassifyCli` with injected I/O so it can be tested without spawning processes.
 */
import { readFileSync } from 'fs';
import {
  loadDefaultClassifier,
  type Classification,
  type Classifier,
} from '../domain/triage/classifier';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** The process edges the CLI touches; tests pass in-memory fakes. */
export interface CliIo {
  stdout(line: string): void;
  stderr(line: string): void;
  /** Reads a UTF-8 file; throws when it cannot. */
  readFile(path: string): string;
}

export const USAGE = [
  'Usage: classify "<ticket text>"',
  '       classify --file <tickets.jsonl>   (one {"text": "..."} per line)',
  'Prints {"category","impact","severity","priority","confidence"} as one JSON line per ticket.',
  '',
  'Uso:   classify "<texto del ticket>"',
  '       classify --file <tickets.jsonl>   (un {"text": "..."} por línea)',
  'Imprime {"category","impact","severity","priority","confidence"} en una línea JSON por ticket.',
].join('\n');

type Command =
  | { kind: 'help' }
  | { kind: 'text'; text: string }
  | { kind: 'file'; path: string }
  | { kind: 'usage'; problem: { en: string; es: string } };

/** Options must come first; `--` ends them, so a ticket may itself start with a dash. */
function parseArgs(argv: readonly string[]): Command {
  if (argv.length === 0) {
    return { kind: 'usage', problem: { en: 'missing ticket text', es: 'falta el texto' } };
  }
  const [first, ...rest] = argv;
  if (first === '-h' || first === '--help') {
    return rest.length === 0 ? { kind: 'help' } : unexpected(rest[0]);
  }
  if (first === '--file' || first.startsWith('--file=')) {
    const inline = first.startsWith('--file=') ? first.slice('--file='.length) : undefined;
    const args = inline === undefined ? rest : [inline, ...rest];
    if (args.length === 0 || args[0] === '') {
      return {
        kind: 'usage',
        problem: { en: '--file needs a path', es: '--file necesita una ruta' },
      };
    }
    return args.length === 1 ? { kind: 'file', path: args[0] } : unexpected(args[1]);
  }
  if (first === '--') {
    if (rest.length === 0) {
      return { kind: 'usage', problem: { en: 'missing ticket text', es: 'falta el texto' } };
    }
    return { kind: 'text', text: rest.join(' ') };
  }
  const option = argv.find(looksLikeOption);
  if (option !== undefined) return unexpected(option);
  // Unquoted words are joined rather than rejected: `classify la impresora no imprime` is clear.
  return { kind: 'text', text: argv.join(' ') };
}

function looksLikeOption(arg: string): boolean {
  return /^--?[A-Za-z]/.test(arg);
}

function unexpected(arg: string): Command {
  const what = looksLikeOption(arg) ? 'unknown option' : 'unexpected argument';
  const que = looksLikeOption(arg) ? 'opción desconocida' : 'argumento de más';
  return { kind: 'usage', problem: { en: `${what}: ${arg}`, es: `${que}: ${arg}` } };
}

/** Exactly the contract's keys, in the contract's order, whatever the classifier returns. */
function toJsonLine(result: Classification): string {
  const { category, impact, severity, priority, confidence } = result;
  return JSON.stringify({ category, impact, severity, priority, confidence });
}

class InputError extends Error {
  constructor(
    readonly en: string,
    readonly es: string,
  ) {
    super(en);
  }
}

/**
 * Texts of a JSONL file. Blank lines are skipped; any other line must be an object with a string
 * `text` (extra keys are ignored, so a labelled set can be fed as is). The whole file is checked
 * before anything is printed, so output is either complete or absent.
 */
function readTexts(path: string, content: string): string[] {
  const texts: string[] = [];
  content
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((line, index) => {
      if (line.trim() === '') return;
      const where = { en: `${path} line ${index + 1}`, es: `${path} línea ${index + 1}` };
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new InputError(
          `${where.en}: not valid JSON (${reason})`,
          `${where.es}: no es JSON válido`,
        );
      }
      const text =
        typeof value === 'object' && value !== null && !Array.isArray(value)
          ? (value as Record<string, unknown>).text
          : undefined;
      if (typeof text !== 'string') {
        throw new InputError(
          `${where.en}: expected an object with a string "text"`,
          `${where.es}: se esperaba un objeto con "text" de tipo cadena`,
        );
      }
      texts.push(text);
    });
  return texts;
}

/**
 * Runs the CLI and returns the exit code. The classifier is only built when there is something
 * to classify, so usage errors answer instantly.
 */
export function runClassifyCli(
  argv: readonly string[],
  io: CliIo,
  classifier: () => Classifier = loadDefaultClassifier,
): number {
  const command = parseArgs(argv);
  switch (command.kind) {
    case 'help':
      io.stdout(USAGE);
      return EXIT_OK;
    case 'usage':
      io.stderr(`error: ${command.problem.en} / ${command.problem.es}`);
      io.stderr(USAGE);
      return EXIT_USAGE;
    case 'text':
      io.stdout(toJsonLine(classifier().classify(command.text)));
      return EXIT_OK;
    case 'file': {
      let content: string;
      try {
        content = io.readFile(command.path);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        io.stderr(`error: cannot read ${command.path}: ${reason}`);
        io.stderr(`error: no se puede leer ${command.path}`);
        return EXIT_FAILURE;
      }
      let texts: string[];
      try {
        texts = readTexts(command.path, content);
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        io.stderr(`error: ${error.en}`);
        io.stderr(`error: ${error.es}`);
        return EXIT_FAILURE;
      }
      const instance = classifier();
      for (const text of texts) io.stdout(toJsonLine(instance.classify(text)));
      return EXIT_OK;
    }
  }
}

if (require.main === module) {
  // A reader that stops early (`| head`) is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? EXIT_OK);
  });
  // exitCode rather than exit(): lets buffered stdout drain when output is piped.
  process.exitCode = runClassifyCli(process.argv.slice(2), {
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
    readFile: (path) => readFileSync(path, 'utf8'),
  });
}
