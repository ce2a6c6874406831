/**
 * Teams message bodies arrive as HTML (`messagePayload.body.contentType: "html"`). A ticket keeps
 * plain text: tags are dropped, block elements and `<br>` become line breaks, list items get a
 * dash, `<at>` mentions keep their name, entities are decoded, and runs of blank lines shrink to
 * one. No HTML parser is needed: the text is only shown literally (cards escape Markdown).
 */

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ndash: '–',
  mdash: '—',
  hellip: '…',
  laquo: '«',
  raquo: '»',
  iexcl: '¡',
  iquest: '¿',
  ntilde: 'ñ',
  Ntilde: 'Ñ',
  aacute: 'á',
  eacute: 'é',
  iacute: 'í',
  oacute: 'ó',
  uacute: 'ú',
  uuml: 'ü',
  Aacute: 'Á',
  Eacute: 'É',
  Iacute: 'Í',
  Oacute: 'Ó',
  Uacute: 'Ú',
};

/** Decodes `&amp;`, `&#241;`, `&#xF1;` and the named entities above; unknown ones stay as they are. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code =
        body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : Number(body.slice(1));
      return Number.isInteger(code) && code > 0 && code <= 0x10ffff
        ? String.fromCodePoint(code)
        : whole;
    }
    return NAMED[body] ?? whole;
  });
}

const BLOCK = /^(?:p|div|h[1-6]|blockquote|pre|table|tr|ul|ol|section|article|header|footer)$/i;

/** Plain text of a Teams HTML message body. */
export function htmlToText(html: string): string {
  const withoutHidden = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '');
  const text = withoutHidden.replace(
    /<\s*(\/?)\s*([a-z][a-z0-9]*)\b[^>]*>/gi,
    (_m, close: string, tag: string) => {
      const name = tag.toLowerCase();
      if (name === 'br') return '\n';
      if (name === 'li') return close ? '' : '\n- ';
      if (name === 'td' || name === 'th') return close ? '\t' : '';
      if (BLOCK.test(name)) return '\n';
      return '';
    },
  );
  return decodeEntities(text.replace(/<[^>]*>/g, ''))
    .replace(/\u00a0/g, ' ')
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The body's text: HTML is converted, plain text is kept (trimmed). */
export function messageBodyText(
  body: { contentType?: string | null; content?: string | null } | null | undefined,
): string {
  const content = body?.content ?? '';
  return (body?.contentType ?? 'html').toLowerCase() === 'html'
    ? htmlToText(content)
    : content.trim();
}
