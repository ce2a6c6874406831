import { BriefCache } from '../../src/storage/brief-cache';

describe('a read trusted for a few seconds', () => {
  const setup = () => {
    let now = 1_000;
    let loads = 0;
    let value = 'v1';
    const cache = new BriefCache<string>({ ttlMs: 10_000, now: () => now });
    const load = () => {
      loads += 1;
      return Promise.resolve(value);
    };
    return {
      cache,
      get: () => cache.get('t1', load),
      loads: () => loads,
      advance: (ms: number) => (now += ms),
      set: (v: string) => (value = v),
    };
  };

  it('reads once within the TTL and again after it', async () => {
    const c = setup();
    expect(await c.get()).toBe('v1');
    c.set('v2');
    c.advance(9_999);
    expect(await c.get()).toBe('v1');
    expect(c.loads()).toBe(1);
    c.advance(1);
    expect(await c.get()).toBe('v2');
    expect(c.loads()).toBe(2);
  });

  it('shares one read among callers that arrive while it is under way', async () => {
    const c = setup();
    const all = await Promise.all([c.get(), c.get(), c.get()]);
    expect(all).toEqual(['v1', 'v1', 'v1']);
    expect(c.loads()).toBe(1);
  });

  it('reads again at once after forget', async () => {
    const c = setup();
    await c.get();
    c.set('v2');
    c.cache.forget('t1');
    expect(await c.get()).toBe('v2');
    expect(c.loads()).toBe(2);
  });

  it('keeps no failed read: the next caller tries again', async () => {
    let fail = true;
    const cache = new BriefCache<string>({ now: () => 0 });
    const load = () => (fail ? Promise.reject(new Error('down')) : Promise.resolve('ok'));
    await expect(cache.get('t1', load)).rejects.toThrow('down');
    fail = false;
    await expect(cache.get('t1', load)).resolves.toBe('ok');
  });

  it('keeps keys apart', async () => {
    const cache = new BriefCache<string>({ now: () => 0 });
    await cache.get('a', () => Promise.resolve('A'));
    expect(await cache.get('b', () => Promise.resolve('B'))).toBe('B');
    expect(await cache.get('a', () => Promise.resolve('other'))).toBe('A');
  });
});
