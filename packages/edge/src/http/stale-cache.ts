/**
 * The last good answer per key, kept in the isolate, served when the source
 * fails. Bounded by bytes (least recently used out): one entry can be a whole
 * view page, `after` and `limit` are part of the key, and an isolate's memory
 * is shared by every tenant it serves, so a count bound alone let one member
 * grow the isolate by hundreds of MiB with ordinary requests.
 */
import { jsonBytes, utf8Length } from '../byte-budget';
import { STALE_CACHE_BYTES } from '../limits';

/**
 * What a read through the cache did: `fresh` (the source answered; kept),
 * `hit` (the source failed; the kept answer served), `miss` (the source failed,
 * nothing kept). The hit rate is hits over hits and misses: the share of failed
 * reads the cache saved.
 */
export type CacheResult = 'fresh' | 'hit' | 'miss';

interface Entry {
  readonly value: unknown;
  readonly at: number;
  readonly bytes: number;
}

export class StaleCache {
  readonly #maxBytes: number;
  readonly #entries = new Map<string, Entry>();
  #bytes = 0;

  constructor(maxBytes = STALE_CACHE_BYTES) {
    this.#maxBytes = maxBytes;
  }

  /** Bytes held now: the JSON size of the values plus their keys. */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * Calls `source`; on success remembers and returns its value. On failure
   * returns the remembered value with its age in seconds, or rethrows when
   * there is none. `counted` hears which of the three it was.
   */
  async through<T>(
    key: string,
    source: () => Promise<T>,
    counted: (result: CacheResult) => void = () => {},
  ): Promise<{ value: T; staleSeconds?: number }> {
    try {
      const value = await source();
      this.#remember(key, value);
      counted('fresh');
      return { value };
    } catch (error) {
      const entry = this.#entries.get(key);
      counted(entry === undefined ? 'miss' : 'hit');
      if (entry === undefined) throw error;
      return { value: entry.value as T, staleSeconds: Math.max(0, Math.round((Date.now() - entry.at) / 1000)) };
    }
  }

  #remember(key: string, value: unknown): void {
    this.#forget(key);
    const bytes = utf8Length(key) + jsonBytes(value);
    // An answer larger than the whole bound is not kept: it would push out everything else.
    if (bytes > this.#maxBytes) return;
    this.#entries.set(key, { value, at: Date.now(), bytes });
    this.#bytes += bytes;
    for (const oldest of this.#entries.keys()) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#forget(oldest);
    }
  }

  #forget(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
  }
}
