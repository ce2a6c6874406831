/**
 * Knowledge base: bilingual (es/en) self-help playbooks for common IT problems, and a matcher
 * that finds the playbook a ticket text is about.
 *
 * Playbooks are data in `./playbooks/*.json` (see docs/knowledge-base.md), imported statically so
 * the compiler copies them into the build. Everything here is pure: no I/O, no clock.
 */
import { z } from 'zod';
import type { Locale } from '../i18n';
import { CATEGORIES, type Category } from '../tickets/category';
import monitorDocking from './playbooks/monitor-docking.json';
import outlookNotSyncing from './playbooks/outlook-not-syncing.json';
import passwordReset from './playbooks/password-reset.json';
import printerOffline from './playbooks/printer-offline.json';
import sharedDriveAccess from './playbooks/shared-drive-access.json';
import slowComputer from './playbooks/slow-computer.json';
import softwareInstallRequest from './playbooks/software-install-request.json';
import teamsAudioVideo from './playbooks/teams-audio-video.json';
import vpnNotConnecting from './playbooks/vpn-not-connecting.json';
import wifiDrops from './playbooks/wifi-drops.json';
import { memoize } from '../memo';

/** Only the part of natural's stemmers we use; natural ships no types for these deep paths. */
interface Stemmer {
  stem(token: string): string;
}

// Imported directly: natural's main entry is slow to load and fails under Jest 30.
const englishStemmer: Stemmer = require('natural/lib/natural/stemmers/porter_stemmer');
const spanishStemmer: Stemmer = require('natural/lib/natural/stemmers/porter_stemmer_es');

/** Length limits that keep a playbook readable in an Adaptive Card. */
export const LIMITS = {
  id: 60,
  title: 80,
  summary: 240,
  step: 300,
  keyword: 60,
  keywordsPerLocale: 40,
  minSteps: 3,
  maxSteps: 7,
} as const;

// ---------------------------------------------------------------------------------------------
// Text normalisation
// ---------------------------------------------------------------------------------------------

/**
 * Words that carry no meaning for matching, removed from both keywords and texts so that
 * "se me bloqueó la cuenta" meets the keyword "se bloqueó la cuenta". Negations ("no", "not",
 * "sin", "cant") are deliberately kept: "no imprime" is the symptom, "imprime" is not.
 */
const STOPWORDS: ReadonlySet<string> = new Set([
  // Spanish
  'a',
  'al',
  'con',
  'de',
  'del',
  'el',
  'en',
  'es',
  'esta',
  'la',
  'las',
  'le',
  'les',
  'lo',
  'los',
  'me',
  'mi',
  'mis',
  'muy',
  'o',
  'para',
  'por',
  'que',
  'se',
  'su',
  'sus',
  'te',
  'tu',
  'un',
  'una',
  'unas',
  'unos',
  'y',
  'ya',
  // English
  'am',
  'an',
  'and',
  'are',
  'as',
  'at',
  'be',
  'for',
  'from',
  'i',
  'in',
  'is',
  'it',
  'its',
  'my',
  'of',
  'on',
  'or',
  'the',
  'this',
  'to',
  'was',
  'with',
]);

/**
 * Lower case, accents folded ("conexión" = "conexion"), apostrophes dropped ("can't" = "cant"),
 * hyphenated words joined ("wi-fi" = "wifi", "usb-c" = "usbc"), then split into clauses at
 * sentence punctuation and into word tokens; other punctuation is removed. Stopwords are dropped.
 */
export function normalise(text: string): string[][] {
  const folded = text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f'\u2019`\u00b4]/g, '')
    .replace(/([a-z0-9])-(?=[a-z0-9])/g, '$1');
  return folded
    .split(/[.!?;:¡¿\n\r]+/)
    .map((clause) => (clause.match(/[a-z0-9]+/g) ?? []).filter((word) => !STOPWORDS.has(word)))
    .filter((clause) => clause.length > 0);
}

/** Content words of a keyword: all its clauses joined (keywords are short phrases). */
function keywordWords(keyword: string): string[] {
  return normalise(keyword).flat();
}

// ---------------------------------------------------------------------------------------------
// Schema and loading
// ---------------------------------------------------------------------------------------------

/** A non-empty, trimmed text of at most `max` characters. */
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);

const localised = (max: number) => z.object({ es: text(max), en: text(max) }).strict();

const keyword = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(LIMITS.keyword)
  .refine((value) => keywordWords(value).length > 0, 'keyword has only stopwords');

const keywordList = z.array(keyword).min(1).max(LIMITS.keywordsPerLocale);

const step = localised(LIMITS.step).refine(
  (value) => !/^\s*(\d+|[a-z])[.)-]\s/i.test(value.es) && !/^\s*(\d+|[a-z])[.)-]\s/i.test(value.en),
  'steps are numbered by the card, not in the text',
);

export const PlaybookSchema = z
  .object({
    id: z
      .string()
      .max(LIMITS.id)
      .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'id must be kebab-case'),
    category: z.enum(CATEGORIES),
    title: localised(LIMITS.title),
    summary: localised(LIMITS.summary),
    keywords: z.object({ es: keywordList, en: keywordList }).strict(),
    steps: z.array(step).min(LIMITS.minSteps).max(LIMITS.maxSteps),
    /** False for requests that always need an agent; their steps say what the agent needs. */
    selfHelp: z.boolean(),
  })
  .strict();

export type Playbook = z.infer<typeof PlaybookSchema>;
export type LocalisedText = Playbook['title'];

/** A playbook as shipped: the file it came from (without `.json`) and its raw content. */
export interface PlaybookSource {
  file: string;
  data: unknown;
}

/** Validates one playbook; throws naming the file and the first problems found. */
export function parsePlaybook(source: PlaybookSource): Playbook {
  const result = PlaybookSchema.safeParse(source.data);
  if (!result.success) {
    const reasons = result.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    throw new Error(`playbook ${source.file}: ${reasons}`);
  }
  if (result.data.id !== source.file) {
    throw new Error(`playbook ${source.file}: id "${result.data.id}" must match the file name`);
  }
  return result.data;
}

/** Validates every playbook and checks ids are unique; returns them sorted by id. */
export function buildPlaybooks(sources: readonly PlaybookSource[]): Playbook[] {
  const seen = new Set<string>();
  const playbooks = sources.map((source) => {
    const playbook = parsePlaybook(source);
    if (seen.has(playbook.id)) throw new Error(`playbook ${playbook.id}: duplicate id`);
    seen.add(playbook.id);
    return playbook;
  });
  return playbooks.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The playbooks shipped with the app; add a new file here and in docs/knowledge-base.md. */
const SHIPPED: readonly PlaybookSource[] = [
  { file: 'monitor-docking', data: monitorDocking },
  { file: 'outlook-not-syncing', data: outlookNotSyncing },
  { file: 'password-reset', data: passwordReset },
  { file: 'printer-offline', data: printerOffline },
  { file: 'shared-drive-access', data: sharedDriveAccess },
  { file: 'slow-computer', data: slowComputer },
  { file: 'software-install-request', data: softwareInstallRequest },
  { file: 'teams-audio-video', data: teamsAudioVideo },
  { file: 'vpn-not-connecting', data: vpnNotConnecting },
  { file: 'wifi-drops', data: wifiDrops },
];

/** The shipped playbooks, validated (throws on the first invalid one), sorted by id. */
export function loadPlaybooks(): Playbook[] {
  return buildPlaybooks(SHIPPED);
}

let shipped: Playbook[] | undefined;

/** The shipped playbooks, loaded and validated once per process. */
export function shippedPlaybooks(): Playbook[] {
  shipped ??= loadPlaybooks();
  return shipped;
}

export function playbookById(playbooks: readonly Playbook[], id: string): Playbook | undefined {
  return playbooks.find((playbook) => playbook.id === id);
}

/** The playbook's steps in one language, in order. */
export function stepsIn(playbook: Playbook, locale: Locale): string[] {
  return playbook.steps.map((item) => item[locale]);
}

// ---------------------------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------------------------

/** Score a single-word keyword adds. */
const WORD_WEIGHT = 1;
/** Each further word of a phrase keyword adds this, so phrases outweigh their words alone. */
const PHRASE_WORD_WEIGHT = 1.5;
/** Added when the playbook's category is the ticket's (only if some keyword matched). */
export const CATEGORY_BONUS = 1;
/**
 * Minimum score to suggest a playbook: a two-word phrase (2.5), two separate keywords (2), or
 * one keyword backed by the ticket's category (2). One generic word alone (1) is not enough.
 */
export const MATCH_THRESHOLD = 2;
/** Words of a phrase may be this many text words apart ("impresora del piso 3 dice sin …"). */
const MAX_GAP = 3;
/** Spanish stems this long or longer also match stems that extend them by up to two letters. */
const MIN_PREFIX_STEM = 5;
const MAX_PREFIX_EXTRA = 2;
/** Only the start of a very long text is read; the problem is described at the top. */
const MAX_TOKENS = 400;

/** How a word can be matched: its forms and stems, and its Spanish stem on its own. */
interface WordKeys {
  keys: ReadonlySet<string>;
  spanish: string;
}

interface Token extends WordKeys {
  clause: number;
}

interface CompiledKeyword {
  words: readonly WordKeys[];
  weight: number;
}

interface CompiledPlaybook {
  playbook: Playbook;
  keywords: readonly CompiledKeyword[];
  /** keywords by a key of their first word */
  byKey: ReadonlyMap<string, readonly CompiledKeyword[]>;
  /** keywords by the first MIN_PREFIX_STEM letters of their first word's Spanish stem */
  byPrefix: ReadonlyMap<string, readonly CompiledKeyword[]>;
}

/**
 * The keywords whose first word may be `token` (`sameWord`): those sharing one of its keys, and
 * those whose Spanish stem starts like its own (the prefix rule needs both stems to share their
 * first MIN_PREFIX_STEM letters). A superset; `matchFrom` decides.
 */
function candidatesFor(compiled: CompiledPlaybook, token: WordKeys): Iterable<CompiledKeyword> {
  const found = new Set<CompiledKeyword>();
  for (const key of token.keys) for (const k of compiled.byKey.get(key) ?? []) found.add(k);
  if (token.spanish.length >= MIN_PREFIX_STEM) {
    for (const k of compiled.byPrefix.get(token.spanish.slice(0, MIN_PREFIX_STEM)) ?? []) {
      found.add(k);
    }
  }
  return found;
}

/**
 * The word itself plus its English and Spanish stems: the text's language is not known. Stems
 * shorter than three letters are dropped, and words with digits are matched as they are.
 */
function wordKeys(word: string): WordKeys {
  return knownWordKeys(word);
}

/** Words repeat across requests: the stems of the most recent 20,000 are kept. */
const knownWordKeys = memoize(20_000, (word: string) => stemsOf(word));

function stemsOf(word: string): WordKeys {
  if (word.length < 3 || /[0-9]/.test(word)) return { keys: new Set([word]), spanish: word };
  const spanish = spanishStemmer.stem(word);
  const keys = new Set([word, englishStemmer.stem(word), spanish]);
  return {
    keys: new Set([...keys].filter((key) => key === word || key.length >= 3)),
    spanish,
  };
}

/**
 * Same word family: a shared form or stem, or Spanish stems where one extends the other by a
 * letter or two (the Spanish stemmer gives "bloque" for "bloqueó" but "bloqu" for "bloqueada").
 */
function sameWord(a: WordKeys, b: WordKeys): boolean {
  for (const key of a.keys) if (b.keys.has(key)) return true;
  const [short, long] = a.spanish.length <= b.spanish.length ? [a, b] : [b, a];
  return (
    short.spanish.length >= MIN_PREFIX_STEM &&
    long.spanish.length - short.spanish.length <= MAX_PREFIX_EXTRA &&
    long.spanish.startsWith(short.spanish)
  );
}

const compiledCache = new WeakMap<Playbook, CompiledPlaybook>();

/** Keywords of both languages compiled to stems, duplicates (after normalising) merged. */
function compile(playbook: Playbook): CompiledPlaybook {
  const cached = compiledCache.get(playbook);
  if (cached) return cached;
  const unique = new Map<string, string[]>();
  for (const phrase of [...playbook.keywords.es, ...playbook.keywords.en]) {
    const words = keywordWords(phrase);
    if (words.length > 0) unique.set(words.join(' '), words);
  }
  const keywords = [...unique.values()].map((words) => ({
    words: words.map(wordKeys),
    weight: WORD_WEIGHT + PHRASE_WORD_WEIGHT * (words.length - 1),
  }));
  const byKey = new Map<string, CompiledKeyword[]>();
  const byPrefix = new Map<string, CompiledKeyword[]>();
  const add = (map: Map<string, CompiledKeyword[]>, key: string, k: CompiledKeyword) => {
    const list = map.get(key);
    if (list) list.push(k);
    else map.set(key, [k]);
  };
  for (const k of keywords) {
    const first = k.words[0];
    for (const key of first.keys) add(byKey, key, k);
    if (first.spanish.length >= MIN_PREFIX_STEM) {
      add(byPrefix, first.spanish.slice(0, MIN_PREFIX_STEM), k);
    }
  }
  const compiled = { playbook, keywords, byKey, byPrefix };
  compiledCache.set(playbook, compiled);
  return compiled;
}

function tokenise(text: string): Token[] {
  const tokens: Token[] = [];
  normalise(text).forEach((clause, index) => {
    for (const word of clause) {
      if (tokens.length >= MAX_TOKENS) return;
      tokens.push({ ...wordKeys(word), clause: index });
    }
  });
  return tokens;
}

/**
 * Positions of the text where `keyword` matches starting at `start`: its words in order, in the
 * same clause, each at most MAX_GAP words after the previous one. Undefined when it does not.
 */
function matchFrom(
  keyword: CompiledKeyword,
  tokens: readonly Token[],
  start: number,
): number[] | undefined {
  if (!sameWord(keyword.words[0], tokens[start])) return undefined;
  const positions = [start];
  const extend = (wordIndex: number): boolean => {
    if (wordIndex === keyword.words.length) return true;
    const previous = positions[positions.length - 1];
    const last = Math.min(tokens.length - 1, previous + 1 + MAX_GAP);
    for (let at = previous + 1; at <= last; at++) {
      if (tokens[at].clause !== tokens[start].clause) break;
      if (!sameWord(keyword.words[wordIndex], tokens[at])) continue;
      positions.push(at);
      if (extend(wordIndex + 1)) return true;
      positions.pop();
    }
    return false;
  };
  return extend(1) ? positions : undefined;
}

/**
 * Keyword evidence for one playbook. Longer keywords are counted first, and a keyword only counts
 * if it covers some text word not already covered, so "impresora" adds nothing once "impresora
 * sin conexión" matched. Each keyword counts once however often it occurs.
 */
function keywordScore(
  compiled: CompiledPlaybook,
  tokens: readonly Token[],
  exhaustive = false,
): number {
  // Only the keywords whose first word can be at a position are tried there (an index of the
  // first words); `exhaustive` tries every keyword everywhere (the reference, for tests).
  const occurrencesOf = new Map<CompiledKeyword, number[][]>();
  for (let start = 0; start < tokens.length; start++) {
    const tried = exhaustive ? compiled.keywords : candidatesFor(compiled, tokens[start]);
    for (const keyword of tried) {
      const positions = matchFrom(keyword, tokens, start);
      if (!positions) continue;
      const seen = occurrencesOf.get(keyword);
      if (seen) seen.push(positions);
      else occurrencesOf.set(keyword, [positions]);
    }
  }
  const found = compiled.keywords
    .filter((keyword) => occurrencesOf.has(keyword))
    .map((keyword) => ({
      weight: keyword.weight,
      length: keyword.words.length,
      occurrences: occurrencesOf.get(keyword)!,
    }));
  found.sort((a, b) => b.length - a.length);
  const covered = new Set<number>();
  let score = 0;
  for (const { weight, occurrences } of found) {
    const positions = occurrences.flat();
    if (positions.every((position) => covered.has(position))) continue;
    score += weight;
    for (const position of positions) covered.add(position);
  }
  return score;
}

/** A playbook's keyword evidence in `text` (`exhaustive`: without the index; for tests). */
export function keywordEvidence(playbook: Playbook, text: string, exhaustive = false): number {
  return keywordScore(compile(playbook), tokenise(text), exhaustive);
}

export interface PlaybookMatch {
  playbook: Playbook;
  /** Keyword evidence plus the category bonus; at least MATCH_THRESHOLD. */
  score: number;
}

/**
 * The playbook a ticket text is about, or undefined when none is clearly relevant. Ties go to
 * the playbook listed first. `category` is the ticket's category, when known.
 */
export function matchPlaybook(
  playbooks: readonly Playbook[],
  text: string,
  category?: Category,
): PlaybookMatch | undefined {
  const tokens = tokenise(text);
  if (tokens.length === 0) return undefined;
  let best: PlaybookMatch | undefined;
  for (const playbook of playbooks) {
    const evidence = keywordScore(compile(playbook), tokens);
    if (evidence === 0) continue;
    const score = evidence + (playbook.category === category ? CATEGORY_BONUS : 0);
    if (score >= MATCH_THRESHOLD && (!best || score > best.score)) best = { playbook, score };
  }
  return best;
}
