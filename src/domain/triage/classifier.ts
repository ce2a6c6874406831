/**
 * Deterministic, offline, bilingual (es/en) ticket classifier.
 *
 * It suggests category, impact and severity from weighted keyword/phrase evidence kept as data in
 * `./vocabulary/*.json`, so the wording can be reviewed and extended without touching code. The
 * priority is never guessed: it comes from the spec's impact × severity matrix.
 */
import { CATEGORIES, type Category } from '../tickets/category';
import { memoize } from '../memo';
import {
  IMPACTS,
  SEVERITIES,
  priorityOf,
  type Impact,
  type Priority,
  type Severity,
} from '../tickets/priority-matrix';
import categoriesJson from './vocabulary/categories.json';
import impactJson from './vocabulary/impact.json';
import severityJson from './vocabulary/severity.json';

/** Only the part of natural's stemmers we use; natural ships no types for these deep paths. */
interface Stemmer {
  stem(token: string): string;
}

// Imported directly: natural's main entry is slow to load and fails under Jest 30.
const englishStemmer: Stemmer = require('natural/lib/natural/stemmers/porter_stemmer');
const spanishStemmer: Stemmer = require('natural/lib/natural/stemmers/porter_stemmer_es');

export interface Classification {
  category: Category;
  impact: Impact;
  severity: Severity;
  priority: Priority;
  /** In [0, 1], two decimals; how sure the category suggestion is. */
  confidence: number;
}

/** Term (word or phrase, any language) → weight. Negative weights cancel misleading cues. */
export type TermWeights = Readonly<Record<string, number>>;

export interface LevelVocabulary<L extends string> {
  /** The level to suggest when no cue is found. */
  default: L;
  cues: Readonly<Record<L, TermWeights>>;
}

export interface Vocabulary {
  categories: Readonly<Record<Category, TermWeights>>;
  impact: LevelVocabulary<Impact>;
  severity: LevelVocabulary<Severity>;
}

/** Tokens longer than this are URLs, hashes or junk; skipping them bounds the work per token. */
const MAX_TOKEN_LENGTH = 40;
/** Typos are only forgiven on tokens this long; short words collide too easily. */
const MIN_FUZZY_LENGTH = 5;
/** Tokens at least this long may be two edits away from a vocabulary word, shorter ones one. */
const TWO_EDITS_LENGTH = 9;
/** A typo match counts for less than an exact one. */
const FUZZY_FACTOR = 0.7;
/** Extra occurrences of a term add this much each, up to MAX_REPEAT_FACTOR (diminishing). */
const REPEAT_BONUS = 0.25;
const MAX_REPEAT_FACTOR = 2;
/** Evidence needed for a category (or level) to be suggested instead of `other` (or default). */
const MIN_EVIDENCE = 1;
/** Prefix of a vocabulary term that must match word for word, without stemming. */
const EXACT_MARKER = '=';
/** Score at which evidence strength reaches one half; sets how fast confidence saturates. */
const STRENGTH_HALF_POINT = 2;

/**
 * Lowercase, strip accents (so "contraseña" = "contrasena") and split into word tokens.
 * Apostrophes are dropped rather than split on, so "can't" and the hurried "cant" agree.
 */
export function tokenize(text: string): string[] {
  const normalised = text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f'\u2019`\u00b4]/g, '');
  return normalised.match(/[a-z0-9]+/g) ?? [];
}

/**
 * The token itself plus its English and Spanish stems: text language is not known up front.
 * Stems shorter than three letters are dropped ("uses" → "us" is not the word "us"), and tokens
 * with digits (codes, "2fa", "809") are not words, so they are matched as they are.
 */
function stemKeys(token: string): readonly string[] {
  return knownStemKeys(token);
}

/** Words repeat across requests: the stems of the most recent 20,000 are kept. */
const knownStemKeys = memoize(20_000, (token: string): readonly string[] =>
  token.length < 3 || /[0-9]/.test(token)
    ? [token]
    : [...new Set([token, englishStemmer.stem(token), spanishStemmer.stem(token)])].filter(
        (key) => key === token || key.length >= 3,
      ),
);

/** True when `a` and `b` differ by at most one edit (insert, delete, substitute or swap). */
function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (i === a.length || sameTail(a, i + 1, b, i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && sameTail(a, i + 2, b, i + 2);
  }
  return a.length > b.length ? sameTail(a, i + 1, b, i) : sameTail(a, i, b, i + 1);
}

function sameTail(a: string, from: number, b: string, fromB: number): boolean {
  if (a.length - from !== b.length - fromB) return false;
  for (let k = 0; from + k < a.length; k++) if (a[from + k] !== b[fromB + k]) return false;
  return true;
}

/** Scratch rows for the distance table; classification is synchronous, so sharing is safe. */
const scratch = [0, 1, 2].map(() => new Int32Array(MAX_TOKEN_LENGTH + 4));

/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), giving up as
 * soon as it must exceed `max`, so comparing against many candidates stays cheap.
 */
function boundedEditDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (max === 1) return a === b ? 0 : withinOneEdit(a, b) ? 1 : 2;
  let [prevPrev, prev, row] = scratch;
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, prevPrev[j - 2] + 1);
      }
      row[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return max + 1;
    [prevPrev, prev, row] = [prev, row, prevPrev];
  }
  return prev[b.length];
}

/** A vocabulary term compiled to one set of stem keys per word. */
interface CompiledTerm {
  /** Index into the scoring table the term belongs to (a category or a level). */
  group: number;
  weight: number;
  /** Exact terms compare word forms only; the others compare stem keys. */
  exact: boolean;
  words: ReadonlyArray<ReadonlySet<string>>;
}

/** A text token after normalisation: what it can match and how much a match counts. */
interface ResolvedToken {
  /** The word as written, plus the vocabulary word it is taken to be a typo of. */
  forms: ReadonlySet<string>;
  /** The forms and their stems. */
  keys: ReadonlySet<string>;
  factor: number;
}

/** One scoring table: a list of groups (categories or levels) with their compiled terms. */
class TermMatcher {
  private readonly byFirstKey = new Map<string, CompiledTerm[]>();

  constructor(
    readonly groupCount: number,
    terms: ReadonlyArray<{ group: number; term: string; weight: number }>,
  ) {
    for (const { group, term, weight } of terms) {
      // "=word" in the data means "this exact form only": stems of "sales" also cover the
      // Spanish "sale" (comes out), those of "podemos" also "podido"; exact terms avoid that.
      const exact = term.startsWith(EXACT_MARKER);
      const words = tokenize(term).map((word) => new Set(exact ? [word] : stemKeys(word)));
      if (words.length === 0) throw new Error(`vocabulary term "${term}" has no words`);
      const compiled: CompiledTerm = { group, weight, exact, words };
      for (const key of words[0]) {
        const list = this.byFirstKey.get(key) ?? [];
        list.push(compiled);
        this.byFirstKey.set(key, list);
      }
    }
  }

  /**
   * Sum of term weights per group; repeated terms add with diminishing returns. Word forms of one
   * family ("urgent", "urgente", "urgently") stem alike, so at each position only the strongest
   * term per group, length and sign counts: listing variants in the data must not multiply them.
   */
  score(tokens: readonly ResolvedToken[]): number[] {
    const hits = new Map<CompiledTerm, { count: number; factor: number }>();
    tokens.forEach((token, position) => {
      const winners = new Map<string, { term: CompiledTerm; factor: number }>();
      for (const key of token.keys) {
        for (const term of this.byFirstKey.get(key) ?? []) {
          const factor = matchAt(term, tokens, position);
          if (factor === 0) continue;
          const slot = `${term.group}:${term.words.length}:${Math.sign(term.weight)}`;
          const current = winners.get(slot);
          if (
            !current ||
            Math.abs(term.weight * factor) > Math.abs(current.term.weight * current.factor)
          ) {
            winners.set(slot, { term, factor });
          }
        }
      }
      for (const { term, factor } of winners.values()) {
        const hit = hits.get(term) ?? { count: 0, factor: 0 };
        hit.count += 1;
        hit.factor = Math.max(hit.factor, factor);
        hits.set(term, hit);
      }
    });
    const scores = new Array<number>(this.groupCount).fill(0);
    for (const [term, { count, factor }] of hits) {
      const repeat = Math.min(MAX_REPEAT_FACTOR, 1 + REPEAT_BONUS * (count - 1));
      scores[term.group] += term.weight * factor * repeat;
    }
    return scores;
  }
}

/** Match factor of `term` starting at `position` (0 when it does not match there). */
function matchAt(term: CompiledTerm, tokens: readonly ResolvedToken[], position: number): number {
  if (position + term.words.length > tokens.length) return 0;
  let factor = 1;
  for (let i = 0; i < term.words.length; i++) {
    const token = tokens[position + i];
    if (!intersects(term.words[i], term.exact ? token.forms : token.keys)) return 0;
    factor = Math.min(factor, token.factor);
  }
  return factor;
}

function intersects(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  for (const key of a) if (b.has(key)) return true;
  return false;
}

/** Picks the highest-scoring level; ties go to the more serious level (listed first). */
function pickLevel<L extends string>(
  levels: readonly L[],
  scores: readonly number[],
  fallback: L,
): L {
  let best = -1;
  for (let i = 0; i < levels.length; i++) {
    if (scores[i] >= MIN_EVIDENCE && (best < 0 || scores[i] > scores[best])) best = i;
  }
  return best < 0 ? fallback : levels[best];
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Suggests category, impact, severity and priority for a ticket text. Stateless per call. */
export class Classifier {
  private readonly categories: TermMatcher;
  private readonly impact: TermMatcher;
  private readonly severity: TermMatcher;
  private readonly impactDefault: Impact;
  private readonly severityDefault: Severity;
  /** Vocabulary words long enough for typo matching, bucketed by first letter and length. */
  private readonly fuzzyTargets = new Map<string, string[]>();
  /** Every key any vocabulary word can match; tokens hitting one need no typo search. */
  private readonly knownKeys = new Set<string>();
  /** First three letters of every known key of three letters or more: see `mayMatch`. */
  private readonly knownPrefixes = new Set<string>();

  constructor(vocabulary: Vocabulary) {
    validateVocabulary(vocabulary);
    this.categories = buildMatcher(CATEGORIES, vocabulary.categories);
    this.impact = buildMatcher(IMPACTS, vocabulary.impact.cues);
    this.severity = buildMatcher(SEVERITIES, vocabulary.severity.cues);
    this.impactDefault = vocabulary.impact.default;
    this.severityDefault = vocabulary.severity.default;

    const allTerms = [
      ...Object.values(vocabulary.categories),
      ...Object.values(vocabulary.impact.cues),
      ...Object.values(vocabulary.severity.cues),
    ].flatMap((weights: TermWeights) => Object.keys(weights));
    const words = new Set(allTerms.flatMap((term) => tokenize(term)));
    for (const word of [...words].sort()) {
      for (const key of stemKeys(word)) {
        this.knownKeys.add(key);
        if (key.length >= 3) this.knownPrefixes.add(key.slice(0, 3));
      }
      if (word.length < MIN_FUZZY_LENGTH || /[0-9]/.test(word)) continue;
      const bucketKey = word[0] + word.length;
      const bucket = this.fuzzyTargets.get(bucketKey) ?? [];
      bucket.push(word);
      this.fuzzyTargets.set(bucketKey, bucket);
    }
  }

  classify(text: string): Classification {
    const cache = new Map<string, ResolvedToken | null>();
    const tokens: ResolvedToken[] = [];
    for (const raw of tokenize(text)) {
      let resolved = cache.get(raw);
      if (resolved === undefined) {
        resolved = this.resolve(raw);
        cache.set(raw, resolved);
      }
      if (resolved) tokens.push(resolved);
    }

    const categoryScores = this.categories.score(tokens);
    const { category, confidence } = pickCategory(categoryScores);
    const impact = pickLevel(IMPACTS, this.impact.score(tokens), this.impactDefault);
    const severity = pickLevel(SEVERITIES, this.severity.score(tokens), this.severityDefault);
    return { category, impact, severity, priority: priorityOf(impact, severity), confidence };
  }

  /** Stem keys of a token, or those of the nearest vocabulary word when it looks like a typo. */
  private resolve(token: string): ResolvedToken | null {
    if (token.length > MAX_TOKEN_LENGTH) return null;
    const keys = this.mayMatch(token) ? stemKeys(token) : [token];
    const plain = { forms: new Set([token]), keys: new Set(keys), factor: 1 };
    const exact = keys.some((key) => this.knownKeys.has(key));
    if (exact || token.length < MIN_FUZZY_LENGTH || /[0-9]/.test(token)) return plain;
    const typoOf = this.nearestWord(token);
    if (typoOf === undefined) return plain;
    return {
      forms: new Set([token, typoOf]),
      keys: new Set([...keys, ...stemKeys(typoOf)]),
      factor: FUZZY_FACTOR,
    };
  }

  /**
   * Cheap gate before stemming (the Spanish stemmer dominates the cost on long texts): stemmers
   * only rewrite word endings and kept stems have three letters or more, so a token whose first
   * three letters begin no known key cannot match through a stem.
   */
  private mayMatch(token: string): boolean {
    return this.knownPrefixes.has(token.slice(0, 3));
  }

  /**
   * Vocabulary word within the typo tolerance: fewest edits, then smallest length difference
   * (shorter first), then alphabetical, so the answer never depends on iteration accidents.
   * Typos rarely hit the first letter; requiring it keeps false matches and work down.
   */
  private nearestWord(token: string): string | undefined {
    const max = token.length >= TWO_EDITS_LENGTH ? 2 : 1;
    let bestWord: string | undefined;
    let bestDistance = max + 1;
    for (const delta of [0, -1, 1, -2, 2]) {
      if (Math.abs(delta) > max) continue;
      for (const word of this.fuzzyTargets.get(token[0] + (token.length + delta)) ?? []) {
        const distance = boundedEditDistance(token, word, max);
        if (distance < bestDistance) {
          bestDistance = distance;
          bestWord = word;
        }
      }
    }
    return bestWord;
  }
}

/**
 * Best category and a confidence from the evidence strength and the margin over the runner-up:
 * strong, unambiguous evidence → near 1; a tie → at most one half; nothing → `other` with 0.
 */
function pickCategory(scores: readonly number[]): { category: Category; confidence: number } {
  let best = -1;
  let second = 0;
  for (let i = 0; i < scores.length; i++) {
    if (best < 0 || scores[i] > scores[best]) {
      if (best >= 0) second = Math.max(second, scores[best]);
      best = i;
    } else {
      second = Math.max(second, scores[i]);
    }
  }
  const top = scores[best];
  if (top < MIN_EVIDENCE) return { category: 'other', confidence: 0 };
  const strength = top / (top + STRENGTH_HALF_POINT);
  const margin = (top - Math.max(0, second)) / top;
  return { category: CATEGORIES[best], confidence: round2(strength * (0.5 + 0.5 * margin)) };
}

function buildMatcher<G extends string>(
  groups: readonly G[],
  weights: Readonly<Record<G, TermWeights>>,
): TermMatcher {
  const terms = groups.flatMap((group, index) =>
    Object.entries(weights[group]).map(([term, weight]) => ({ group: index, term, weight })),
  );
  return new TermMatcher(groups.length, terms);
}

/** Fails fast on malformed vocabulary data instead of silently misclassifying. */
function validateVocabulary(vocabulary: Vocabulary): void {
  const checkWeights = (where: string, weights: unknown): void => {
    if (typeof weights !== 'object' || weights === null || Array.isArray(weights)) {
      throw new Error(`vocabulary ${where} must be an object of term → weight`);
    }
    for (const [term, weight] of Object.entries(weights)) {
      if (typeof weight !== 'number' || !Number.isFinite(weight)) {
        throw new Error(`vocabulary ${where} "${term}" must have a finite numeric weight`);
      }
      if (tokenize(term).length === 0) throw new Error(`vocabulary ${where} "${term}" is empty`);
    }
  };
  const checkGroups = (where: string, groups: readonly string[], table: unknown): void => {
    if (typeof table !== 'object' || table === null) {
      throw new Error(`vocabulary ${where} must be an object`);
    }
    for (const key of Object.keys(table)) {
      if (!groups.includes(key)) throw new Error(`vocabulary ${where}: unknown "${key}"`);
    }
    for (const group of groups) {
      checkWeights(`${where}.${group}`, (table as Record<string, unknown>)[group]);
    }
  };
  checkGroups('categories', CATEGORIES, vocabulary.categories);
  checkGroups('impact', IMPACTS, vocabulary.impact?.cues);
  checkGroups('severity', SEVERITIES, vocabulary.severity?.cues);
  if (!IMPACTS.includes(vocabulary.impact.default)) {
    throw new Error(`vocabulary impact default "${vocabulary.impact.default}" is not an impact`);
  }
  if (!SEVERITIES.includes(vocabulary.severity.default)) {
    throw new Error(`vocabulary severity default "${vocabulary.severity.default}" is invalid`);
  }
}

/** The vocabulary shipped with the app (validated when the classifier is built). */
export function defaultVocabulary(): Vocabulary {
  return {
    categories: categoriesJson.categories as unknown as Vocabulary['categories'],
    impact: impactJson as unknown as Vocabulary['impact'],
    severity: severityJson as unknown as Vocabulary['severity'],
  };
}

let defaultClassifier: Classifier | undefined;

/** Classifier over the shipped vocabulary, built once: stemming the vocabulary takes ~0.1 s. */
export function loadDefaultClassifier(): Classifier {
  defaultClassifier ??= new Classifier(defaultVocabulary());
  return defaultClassifier;
}
