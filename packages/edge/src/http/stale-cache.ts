/**
 * The last good answer per key, kept in the isolate, served when the source
 * fails. Bounded (least recently used out) so a scan of many keys cannot grow
 * it without end.
 */

/** Answers kept per isolate; a few MiB at most for typical view rows. */
const MAX_ENTRIES = 1000;

export class StaleCache {
  readonly #entries = new Map<string, { value: unknown; at: number }>();

  /**
   * Calls `source`; on success remembers and returns its value. On failure
   * returns the remembered value with its age in seconds, or rethrows when
   * there is none.
   */
  async through<T>(key: string, source: () => Promise<T>): Promise<{ value: T; staleSeconds?: number }> {
    try {
      const value = await source();
      this.#entries.delete(key);
      this.#entries.set(key, { value, at: Date.now() });
      if (this.#entries.size > MAX_ENTRIES) {
        const oldest = this.#entries.keys().next().value;
        if (oldest !== undefined) this.#entries.delete(oldest);
      }
      return { value };
    } catch (error) {
      const entry = this.#entries.get(key);
      if (entry === undefined) throw error;
      return { value: entry.value as T, staleSeconds: Math.max(0, Math.round((Date.now() - entry.at) / 1000)) };
    }
  }
}
