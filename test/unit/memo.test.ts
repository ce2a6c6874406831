import { memoize, memoizeBy } from '../../src/domain/memo';

describe('results kept by key', () => {
  it('computes once per key, and forgets everything once the limit is reached', () => {
    let computed = 0;
    const double = memoize(2, (n: number) => (computed++, n * 2));
    expect([double(1), double(1), double(2)]).toEqual([2, 2, 4]);
    expect(computed).toBe(2);
    double(3); // the limit: what was kept is forgotten
    expect(double(1)).toBe(2);
    expect(computed).toBe(4);
  });

  it('memoizeBy keeps results under a key derived from the input', () => {
    const seen: string[] = [];
    const lengthOf = memoizeBy(
      10,
      (t: { id: string; text: string }) => t.id,
      (t) => (seen.push(t.text), t.text.length),
    );
    expect(lengthOf({ id: 'a', text: 'abc' })).toBe(3);
    expect(lengthOf({ id: 'a', text: 'a different text' })).toBe(3); // same key: kept result
    expect(lengthOf({ id: 'b', text: 'hello' })).toBe(5);
    expect(seen).toEqual(['abc', 'hello']);
  });
});
