/**
 * Matches a Teams Toolkit style placeholder: `${{NAME}}` (spaces inside the braces are tolerated,
 * as in `${{ NAME }}`). NAME follows environment-variable rules.
 */
const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/**
 * Replaces every `${{NAME}}` placeholder in `template` with `values[NAME]`.
 *
 * - Values are inserted verbatim (no JSON escaping): deploy-time values such as GUIDs and host
 *   names never need it.
 * - Replacement is single-pass: a value that itself contains `${{...}}` is not expanded again.
 * - A placeholder whose value is missing or the empty string is an error; the Error names every
 *   such placeholder once, in order of first appearance.
 * - Values that no placeholder uses are ignored.
 */
export function renderManifest(template: string, values: Record<string, string>): string {
  const missing: string[] = [];
  const rendered = template.replace(PLACEHOLDER, (match: string, name: string) => {
    const value = Object.prototype.hasOwnProperty.call(values, name) ? values[name] : undefined;
    if (value === undefined || value === '') {
      if (!missing.includes(name)) missing.push(name);
      return match;
    }
    return value;
  });
  if (missing.length > 0) {
    throw new Error(`Missing value for manifest placeholder(s): ${missing.join(', ')}`);
  }
  return rendered;
}
