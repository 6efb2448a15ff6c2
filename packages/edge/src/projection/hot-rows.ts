/**
 * Parsed view rows kept for repeated reads, at most `capacity`: the oldest
 * read goes first, so a table scanned key by key cannot grow the object's
 * memory without bound.
 */
export class HotRows {
  readonly #capacity: number;
  /** A Map iterates in insertion order: re-inserting on a hit keeps the least recently read first. */
  readonly #rows = new Map<string, unknown>();

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#rows.size;
  }

  get(key: string): unknown {
    const value = this.#rows.get(key);
    if (value !== undefined) {
      this.#rows.delete(key);
      this.#rows.set(key, value);
    }
    return value;
  }

  set(key: string, value: unknown): void {
    this.#rows.delete(key);
    this.#rows.set(key, value);
    for (const oldest of this.#rows.keys()) {
      if (this.#rows.size <= this.#capacity) break;
      this.#rows.delete(oldest);
    }
  }

  clear(): void {
    this.#rows.clear();
  }
}
