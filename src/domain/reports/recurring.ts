/**
 * Recurring problems (spec 7.2, issue #7 item 4): tickets of one category whose texts are alike
 * within a window are grouped, so a supervisor sees "5 tickets about VPN since Monday".
 *
 * A ticket is reduced once, when it is created, to a compact signature: the set of its content
 * terms (normalised and stemmed, in Spanish and English alike) plus the knowledge-base playbook it
 * is about, if any. Two signatures are similar when their term sets are (cosine of the binary term
 * vectors, the Ochiai coefficient) and they share at least two terms. Pure: no clock, no storage.
 */
import type { Category } from '../tickets/category';
import { type Playbook, matchPlaybook, normalise } from '../kb/playbook';

/** Only the part of natural's stemmers we use; natural ships no types for these deep paths. */
interface Stemmer {
  stem(token: string): string;
}

// Imported directly: natural's main entry is slow to load and fails under Jest 30.
const englishStemmer: Stemmer = require('natural/lib/natural/stemmers/porter_stemmer');
const spanishStemmer: Stemmer = require('natural/lib/natural/stemmers/porter_stemmer_es');

/** Cosine (binary term vectors) at or above which two tickets are about the same problem. */
export const SIMILARITY_THRESHOLD = 0.5;
/** Terms two tickets must share (fewer when one of them has fewer terms). */
export const MIN_SHARED_TERMS = 2;
/** Terms kept per signature: the first ones of the text (the problem is described first). */
export const MAX_TERMS = 40;
/** Words read from a ticket's text. */
const MAX_WORDS = 400;
/** Canonical terms are cut to this many letters, which folds cognates ("certific", "certif"). */
const TERM_LENGTH = 6;
/** Prefix of the term that stands for a knowledge-base playbook. */
export const PLAYBOOK_TERM = 'kb:';
/** Terms of a label, at most. */
const LABEL_TERMS = 3;

/**
 * Words every support request uses whatever the problem, on top of the knowledge base's
 * stopwords: negations ("no", "won't", "doesn't"), "problem", "help", "since", greetings. They
 * say nothing about which problem it is, so two tickets sharing only them are not alike.
 */
const GENERIC: ReadonlySet<string> = new Set([
  // negations and modals
  'no',
  'not',
  'nor',
  'ni',
  'nada',
  'cant',
  'cannot',
  'wont',
  'dont',
  'doesnt',
  'didnt',
  'isnt',
  'arent',
  'wasnt',
  'never',
  'nunca',
  'can',
  'could',
  'puedo',
  'puede',
  'pude',
  'will',
  'would',
  'does',
  'do',
  'did',
  'has',
  'have',
  'had',
  'hay',
  'he',
  'ha',
  'tengo',
  'tiene',
  'get',
  'got',
  // the request itself
  'problem',
  'problems',
  'problema',
  'problemas',
  'issue',
  'issues',
  'help',
  'ayuda',
  'please',
  'favor',
  'pls',
  'hello',
  'hi',
  'hola',
  'buenas',
  'buenos',
  'dias',
  'thanks',
  'thank',
  'gracias',
  'urgent',
  'urgente',
  'again',
  'otra',
  'vez',
  'still',
  'sigue',
  'todavia',
  'aun',
  'since',
  'desde',
  'today',
  'hoy',
  'yesterday',
  'ayer',
  'now',
  'ahora',
  'when',
  'cuando',
  'but',
  'pero',
  'also',
  'tambien',
  'we',
  'our',
  'nos',
  'nuestro',
  'they',
  'ellos',
  'he',
  'she',
  'who',
  'what',
  'que',
  'como',
  'how',
  'all',
  'todo',
  'todos',
  'some',
  'any',
  'algo',
  'very',
  'much',
  'mucho',
  'more',
  'mas',
  'there',
  'here',
  'aqui',
  'alli',
  'si',
  'yes',
  'just',
  'solo',
  'que',
  'lo',
  'le',
  'been',
  'being',
  'estoy',
  'esta',
  'estan',
  'este',
  'eso',
  'esto',
  'ese',
  'that',
  'these',
  'those',
  'then',
  'than',
  'so',
  'by',
  'about',
  'after',
  'before',
  'sobre',
  'despues',
  'antes',
  'sin',
  'without',
  'into',
  'out',
  'up',
  'off',
]);

/** A ticket's signature: its distinct terms, and for each the word a person would read. */
export interface Signature {
  /** canonical terms, distinct, in the order they first occur; at most MAX_TERMS */
  terms: string[];
  /** the word of the text each term came from (same order), for labels */
  words: string[];
}

/**
 * The word's family across both languages: the shorter of its English and Spanish stems,
 * doubled letters folded ("connect" = "conect") and cut to TERM_LENGTH letters, so "conecta",
 * "conectarme", "connecting" and "connect" are one term. Words with digits stay as they are.
 */
export function termOf(word: string): string {
  if (word.length < 3 || /[0-9]/.test(word)) return word;
  const stems = [englishStemmer.stem(word), spanishStemmer.stem(word)].filter((s) => s.length >= 3);
  const shortest = stems.reduce((a, b) => (b.length < a.length ? b : a), word);
  return shortest.replace(/([a-z])\1+/g, '$1').slice(0, TERM_LENGTH);
}

/** How a word is shown in a label: as the text wrote it when that was an acronym ("VPN"). */
function displayWords(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.match(/[\p{L}\p{N}]+/gu) ?? []) {
    if (raw.length >= 2 && raw.length <= 5 && raw === raw.toUpperCase() && /\p{Lu}/u.test(raw)) {
      const key = raw
        .toLowerCase()
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '');
      if (!out.has(key)) out.set(key, raw);
    }
  }
  return out;
}

/**
 * The signature of a ticket's text (title and description): the knowledge base's normalisation
 * (accents folded, stopwords dropped), generic request words dropped, each word reduced to its
 * cross-language term; plus `kb:<playbook>` when the text is about a shipped playbook, which
 * bridges languages where the words differ ("impresora" / "printer").
 */
export function signatureOf(
  text: string,
  opts: { category?: Category; playbooks?: readonly Playbook[] } = {},
): Signature {
  const acronyms = displayWords(text);
  const terms: string[] = [];
  const words: string[] = [];
  const seen = new Set<string>();
  const playbook = opts.playbooks ? matchPlaybook(opts.playbooks, text, opts.category) : undefined;
  if (playbook) {
    const term = `${PLAYBOOK_TERM}${playbook.playbook.id}`;
    seen.add(term);
    terms.push(term);
    words.push(term);
  }
  let read = 0;
  for (const word of normalise(text).flat()) {
    if (++read > MAX_WORDS || terms.length >= MAX_TERMS) break;
    if (GENERIC.has(word) || word.length < 2) continue;
    const term = termOf(word);
    if (seen.has(term)) continue;
    seen.add(term);
    terms.push(term);
    words.push(acronyms.get(word) ?? word);
  }
  return { terms, words };
}

/** Terms two signatures share. */
function shared(a: readonly string[], b: readonly string[]): number {
  const set = new Set(a);
  let n = 0;
  for (const term of new Set(b)) if (set.has(term)) n++;
  return n;
}

/**
 * Cosine similarity of the binary term vectors (Ochiai coefficient): shared terms over the
 * geometric mean of the two sizes. 1 for the same terms, 0 for none in common.
 */
export function similarity(a: readonly string[], b: readonly string[]): number {
  const na = new Set(a).size;
  const nb = new Set(b).size;
  if (na === 0 || nb === 0) return 0;
  return shared(a, b) / Math.sqrt(na * nb);
}

/** True when two tickets (of one category) are about the same problem. */
export function isSimilar(a: readonly string[], b: readonly string[]): boolean {
  const common = shared(a, b);
  const needed = Math.min(MIN_SHARED_TERMS, new Set(a).size, new Set(b).size);
  return common >= Math.max(1, needed) && similarity(a, b) >= SIMILARITY_THRESHOLD;
}

/** A ticket of the window, as a candidate to match. */
export interface Candidate {
  number: number;
  terms: readonly string[];
  /** the group it belongs to */
  groupId: string;
}

/** The most similar earlier ticket (ties: the oldest), or undefined when none is similar. */
export function bestMatch<C extends Candidate>(
  terms: readonly string[],
  candidates: readonly C[],
): C | undefined {
  let best: { candidate: C; score: number } | undefined;
  for (const candidate of candidates) {
    if (!isSimilar(terms, candidate.terms)) continue;
    const score = similarity(terms, candidate.terms);
    if (
      !best ||
      score > best.score ||
      (score === best.score && candidate.number < best.candidate.number)
    ) {
      best = { candidate, score };
    }
  }
  return best?.candidate;
}

// ---------------------------------------------------------------------------------------------
// Groups
// ---------------------------------------------------------------------------------------------

/** One ticket of a group. */
export interface Member {
  number: number;
  trackingId: string;
  at: Date;
  /**
   * What the group's card shows of the ticket, kept for the newest `MEMBERS_SHOWN` only (so that
   * drawing the card reads no ticket): its title, and its triage thread once posted.
   */
  shown?: { title: string; triageActivityId?: string };
}

/** Tickets listed (with links) on a group's card: the newest ones. */
export const MEMBERS_SHOWN = 10;

/** How many members of the group use a term, and the word shown for it. */
export type TermCounts = Record<string, { n: number; word: string }>;

export interface GroupState {
  members: Member[];
  terms: TermCounts;
  count: number;
  firstAt: Date;
  lastAt: Date;
}

/** Members listed on a group row, at most (the newest are kept; `count` keeps counting). */
export const MAX_MEMBERS = 400;
/** Distinct terms counted per group, at most (the most used are kept). */
const MAX_GROUP_TERMS = 60;

/**
 * Adds tickets to a group (or starts one); a ticket already in it is not added again, so a
 * re-delivered job changes nothing. Returns the new state and whether anything was added.
 */
export function addMembers(
  group: GroupState | undefined,
  added: ReadonlyArray<{ member: Member; signature: Signature }>,
): { group: GroupState; changed: boolean } {
  const next: GroupState = group
    ? {
        ...group,
        members: [...group.members],
        terms: Object.fromEntries(Object.entries(group.terms).map(([k, v]) => [k, { ...v }])),
      }
    : { members: [], terms: {}, count: 0, firstAt: added[0].member.at, lastAt: added[0].member.at };
  let changed = false;
  for (const { member, signature } of added) {
    if (next.members.some((m) => m.number === member.number)) continue;
    changed = true;
    next.members.push(member);
    next.count += 1;
    if (member.at < next.firstAt) next.firstAt = member.at;
    if (member.at > next.lastAt) next.lastAt = member.at;
    signature.terms.forEach((term, i) => {
      const current = next.terms[term];
      if (current) current.n += 1;
      else next.terms[term] = { n: 1, word: signature.words[i] ?? term };
    });
  }
  next.members.sort((a, b) => a.at.getTime() - b.at.getTime() || a.number - b.number);
  if (next.members.length > MAX_MEMBERS) next.members = next.members.slice(-MAX_MEMBERS);
  // Only the newest keep what the card shows (a group row holds up to MAX_MEMBERS).
  const oldest = next.members.length - MEMBERS_SHOWN;
  next.members = next.members.map((m, i) =>
    i < oldest && m.shown ? { number: m.number, trackingId: m.trackingId, at: m.at } : m,
  );
  const kept = Object.entries(next.terms)
    .sort(([, a], [, b]) => b.n - a.n)
    .slice(0, MAX_GROUP_TERMS);
  next.terms = Object.fromEntries(kept);
  return { group: next, changed };
}

/**
 * The group's label: its most common words (used by at least half of its tickets, at most three,
 * most used first), e.g. "VPN conecta". Playbook terms are not words and are left out.
 */
export function groupLabel(terms: TermCounts, count: number): string {
  const words = Object.entries(terms)
    .filter(([term]) => !term.startsWith(PLAYBOOK_TERM))
    .sort(([, a], [, b]) => b.n - a.n)
    .filter(([, v], i) => i === 0 || v.n * 2 >= count)
    .slice(0, LABEL_TERMS)
    .map(([, v]) => v.word);
  return words.join(' ');
}

/** The playbook most of the group's tickets are about, if any (a suggestion to attach). */
export function suggestedPlaybook(terms: TermCounts, count: number): string | undefined {
  const best = Object.entries(terms)
    .filter(([term]) => term.startsWith(PLAYBOOK_TERM))
    .sort(([, a], [, b]) => b.n - a.n)[0];
  return best && best[1].n * 2 >= count ? best[0].slice(PLAYBOOK_TERM.length) : undefined;
}

// ---------------------------------------------------------------------------------------------
// The window
// ---------------------------------------------------------------------------------------------

const DAY_MS = 86_400_000;

/** The start of the window that ends at `now` and lasts `days` days. */
export function windowStart(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

/** The UTC day of an instant, `yyyyMMdd`. */
export function dayKey(at: Date): string {
  return at.toISOString().slice(0, 10).replace(/-/g, '');
}

/** Every UTC day from `from` to `to`, both included, oldest first. */
export function dayKeys(from: Date, to: Date): string[] {
  const out: string[] = [];
  const start = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
  for (let t = start; t <= to.getTime(); t += DAY_MS) out.push(dayKey(new Date(t)));
  return out;
}

/** The start of an instant's UTC week (Monday 00:00), as midnight UTC in ms. */
function weekStart(at: Date): number {
  const day = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  const sinceMonday = (new Date(day).getUTCDay() + 6) % 7;
  return day - sinceMonday * DAY_MS;
}

/**
 * The UTC week of an instant, as its Monday `yyyyMMdd`: the partition its signature is kept in
 * (a 7-day window touches two weeks, so matching reads two partitions, not eight days).
 */
export function weekKey(at: Date): string {
  return dayKey(new Date(weekStart(at)));
}

/** Every UTC week from the one of `from` to the one of `to`, oldest first. */
export function weekKeys(from: Date, to: Date): string[] {
  const out: string[] = [];
  for (let t = weekStart(from); t <= to.getTime(); t += 7 * DAY_MS) out.push(dayKey(new Date(t)));
  return out;
}
