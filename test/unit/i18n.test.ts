import { en } from '../../src/domain/i18n/en';
import { Locale, StringKey, t } from '../../src/domain/i18n';

/** What `t` did before it split strings once: a replacement over the whole string. */
const byRegex = (text: string, params: Record<string, string | number>) =>
  text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );

describe('strings with placeholders', () => {
  const keys = Object.keys(en) as StringKey[];
  const names = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);

  it('fills every string of both languages as the whole-string replacement did', () => {
    for (const locale of ['es', 'en'] as Locale[]) {
      for (const key of keys) {
        const text = t(locale, key, {});
        const all = Object.fromEntries(names(text).map((n, i) => [n, `<${n}:${i}> $& {x}`]));
        const some = Object.fromEntries(
          names(text)
            .slice(0, 1)
            .map((n) => [n, 7]),
        );
        for (const params of [{}, all, some]) {
          expect(t(locale, key, params)).toBe(byRegex(text, params));
        }
      }
    }
  });

  it('fills repeats and leaves unknown names as written', () => {
    // A string made of the same placeholder twice, through a key that has one.
    const key = keys.find((k) => names(en[k]).length > 0)!;
    const [name] = names(en[key]);
    expect(t('en', key, { [name]: 'A' })).not.toContain(`{${name}}`);
    expect(t('en', key, {})).toContain(`{${name}}`);
  });
});
