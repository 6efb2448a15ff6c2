/**
 * Calls held open until an object reaches a point: a feed until a stream's
 * version is in it, a projection until its checkpoint passes a position.
 * In memory only: a waiter is a caller on the line, and ends with the object.
 */

interface Waiter<A> {
  readonly target: number;
  readonly settle: (answer: A | null) => void;
}

/**
 * Waiters by key, each for a target number; `release` answers those whose
 * target the key has reached, and a waiter not answered in time gets `null`.
 *
 * @example
 * const waiters = new Waiters<number>();
 * const position = waiters.wait('Order/o-1', 3, 5000); // resolves 42 ...
 * waiters.release('Order/o-1', 3, 42); // ... once version 3 arrives at position 42
 */
export class Waiters<A> {
  readonly #byKey = new Map<string, Set<Waiter<A>>>();

  wait(key: string, target: number, timeoutMs: number): Promise<A | null> {
    return new Promise((resolve) => {
      let waiting = this.#byKey.get(key);
      if (waiting === undefined) {
        waiting = new Set();
        this.#byKey.set(key, waiting);
      }
      const set = waiting;
      const waiter: Waiter<A> = {
        target,
        settle: (answer) => {
          clearTimeout(timer);
          set.delete(waiter);
          if (set.size === 0 && this.#byKey.get(key) === set) this.#byKey.delete(key);
          resolve(answer);
        },
      };
      const timer = setTimeout(() => waiter.settle(null), timeoutMs);
      set.add(waiter);
    });
  }

  /** Answers, with `answer`, every waiter of `key` whose target is at most `reached`. */
  release(key: string, reached: number, answer: A): void {
    const waiting = this.#byKey.get(key);
    if (waiting === undefined) return;
    for (const waiter of [...waiting]) if (waiter.target <= reached) waiter.settle(answer);
  }

  /** Waiters still held, over all keys. */
  get size(): number {
    let size = 0;
    for (const waiting of this.#byKey.values()) size += waiting.size;
    return size;
  }
}
