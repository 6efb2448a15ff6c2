import { describe, expect, it } from 'vitest';
import { StaleCache } from './stale-cache';

const failing = (): Promise<never> => Promise.reject(new Error('source down'));

describe('StaleCache', () => {
  it('serves the last good answer, with its age, when the source fails', async () => {
    const cache = new StaleCache(1024);
    await cache.through('k', () => Promise.resolve({ n: 1 }));
    expect(await cache.through('k', failing)).toEqual({ value: { n: 1 }, staleSeconds: 0 });
    await expect(cache.through('other', failing)).rejects.toThrow('source down');
  });

  it('holds at most its byte bound: big answers push out the least recently used', async () => {
    const cache = new StaleCache(10_000);
    for (let index = 0; index < 50; index++) {
      await cache.through(`k${index}`, () => Promise.resolve({ blob: 'x'.repeat(1000) }));
      expect(cache.bytes).toBeLessThanOrEqual(10_000);
    }
    expect(cache.bytes).toBeGreaterThan(5000);
    await expect(cache.through('k0', failing), 'the oldest went first').rejects.toThrow('source down');
    expect((await cache.through('k49', failing)).value).toEqual({ blob: 'x'.repeat(1000) });
  });

  it('does not keep an answer larger than the whole bound, nor its older copy', async () => {
    const cache = new StaleCache(1000);
    await cache.through('k', () => Promise.resolve('small'));
    await cache.through('k', () => Promise.resolve('x'.repeat(5000)));
    expect(cache.bytes).toBe(0);
    await expect(cache.through('k', failing)).rejects.toThrow('source down');
  });

  it('counts bytes, not characters', async () => {
    const cache = new StaleCache(1000);
    await cache.through('k', () => Promise.resolve('é'.repeat(400)));
    expect(cache.bytes).toBeGreaterThan(800);
  });

  it('tells what each read did: fresh, then a hit while the source fails, a miss where nothing is kept', async () => {
    const cache = new StaleCache(1024);
    const results: string[] = [];
    const counted = (result: string) => results.push(result);
    await cache.through('k', () => Promise.resolve(1), counted);
    await cache.through('k', failing, counted);
    await expect(cache.through('other', failing, counted)).rejects.toThrow('source down');
    expect(results).toEqual(['fresh', 'hit', 'miss']);
  });
});
