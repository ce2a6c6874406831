import type * as ACData from 'adaptivecards-templating';
import refusalTemplate from '../../../adaptiveCards/refusal.json';
import { Attachment, CardFactory } from 'botbuilder';
import { Locale, t } from '../../domain/i18n';
import { CATEGORIES } from '../../domain/tickets/category';
import { IMPACTS, SEVERITIES } from '../../domain/tickets/priority-matrix';
import { TemplateFallback, compileTemplate } from './template';

/** An expanded Adaptive Card (JSON). */
export type AdaptiveCardJson = Record<string, unknown> & { type: 'AdaptiveCard' };

/** Teams rejects messages over ~28 KB (413); we stay below with margin. */
export const MAX_CARD_BYTES = 28 * 1024;
/** Characters of user text shown on a card; the full text stays in storage. */
export const CARD_TEXT_MAX = 2_000;

/**
 * Each template parsed once: parsing its `${…}` expressions costs far more than expanding them
 * (a Template is made to be bound to different data many times).
 */
const templates = new WeakMap<object, ACData.Template>();
function prepared(template: object): ACData.Template {
  let found = templates.get(template);
  if (!found) templates.set(template, (found = new (library().Template)(template)));
  return found;
}

/**
 * The library, loaded the first time a card needs it: every template compiles (`template.ts`),
 * and the library's expression engine (adaptive-expressions, antlr4ts: about 400 modules) would
 * otherwise be loaded and kept in the heap by every process for what it seldom or never does.
 */
let loaded: typeof ACData | undefined;
function library(): typeof ACData {
  return (loaded ??= require('adaptivecards-templating') as typeof ACData);
}

/** Each template compiled once (`template.ts`); null: it is left to the library. */
const compiledTemplates = new WeakMap<object, ((data: object) => unknown) | null>();
function compiled(template: object): ((data: object) => unknown) | null {
  let found = compiledTemplates.get(template);
  if (found === undefined)
    compiledTemplates.set(template, (found = compileTemplate(template) ?? null));
  return found;
}

/** Expands a template with `adaptivecards-templating` itself (the reference of `template.ts`). */
export function expandWithLibrary(template: object, data: object): unknown {
  return prepared(template).expand({ $root: data });
}

/**
 * Expands a template with data: through its compiled form, or the library for what that leaves
 * to it. Data values are never evaluated as expressions, so user text bound here
 * (`${description}`) is shown literally.
 */
export function expand(template: object, data: object): AdaptiveCardJson {
  let card: AdaptiveCardJson | undefined;
  const fast = compiled(template);
  if (fast) {
    try {
      card = fast(data) as AdaptiveCardJson;
    } catch (e) {
      if (!(e instanceof TemplateFallback)) throw e;
    }
  }
  card ??= expandWithLibrary(template, data) as AdaptiveCardJson;
  const size = Buffer.byteLength(JSON.stringify(card), 'utf8');
  if (size > MAX_CARD_BYTES) throw new Error(`card of ${size} bytes exceeds ${MAX_CARD_BYTES}`);
  return card;
}

/**
 * What someone who may not act on a ticket sees instead of its card: the refusal only, no field
 * of the ticket (card data can be forged to name any ticket). No `refresh`: for the clicker alone.
 */
export function refusalCard(text: string): AdaptiveCardJson {
  return expand(refusalTemplate, { text });
}

export function asAttachment(card: AdaptiveCardJson): Attachment {
  return CardFactory.adaptiveCard(card);
}

/**
 * Escapes the Markdown Teams renders in TextBlock and FactSet, so that user text cannot fake
 * links, emphasis, headings or lists. (RichTextBlock TextRuns are not Markdown: no need there.)
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_{}[\]()#+\-.!|<>~])/g, '\\$1');
}

/** Shortens user text for a card, at most `max` characters, never splitting a surrogate pair. */
export function shorten(text: string, max = CARD_TEXT_MAX): { text: string; truncated: boolean } {
  if (text.length <= max) return { text, truncated: false };
  let end = max - 1;
  const c = text.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end -= 1;
  return { text: `${text.slice(0, end)}…`, truncated: true };
}

/** Adaptive Card colour names for the priority levels. */
export const PRIORITY_COLOR = { alta: 'Attention', media: 'Warning', baja: 'Good' } as const;

/**
 * The choices of the classification inputs (category, impact, severity) in a language: the same
 * on every card that asks for them (the form, the message-extension dialog, Reclassify).
 */
export function classificationChoices(locale: Locale) {
  return {
    categories: CATEGORIES.map((c) => ({ value: c, title: t(locale, `category.${c}`) })),
    impacts: IMPACTS.map((v) => ({ value: v, title: t(locale, `impact.${v}`) })),
    severities: SEVERITIES.map((v) => ({ value: v, title: t(locale, `severity.${v}`) })),
  };
}
