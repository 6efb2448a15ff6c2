/**
 * Event evolution without rewriting history. An upcaster lifts one event type
 * from schemaVersion n to n + 1; they chain, so a v1 event stored years ago is
 * read as the current version. Applied wherever stored events are read:
 * aggregate rebuilds, feed pages, projections.
 */
import type { EventEnvelope } from './envelope';
import { TidemarkError } from './errors';

/** Lifts the payload of `type` at `fromVersion` to `fromVersion + 1`. Pure. */
export interface Upcaster {
  readonly type: string;
  readonly fromVersion: number;
  upcast(payload: unknown, event: EventEnvelope): unknown;
}

/** Upcasters indexed by type and version, ready to apply. */
export interface UpcasterChain {
  /** The event at the newest version its chain reaches (the same object when no upcaster applies). */
  apply(event: EventEnvelope): EventEnvelope;
}

/**
 * @example
 * const chain = upcasterChain([
 *   { type: 'OrderCreated', fromVersion: 1, upcast: (p) => ({ ...(p as object), currency: 'EUR' }) },
 * ]);
 * chain.apply(storedV1Event).schemaVersion === 2;
 */
export function upcasterChain(upcasters: readonly Upcaster[]): UpcasterChain {
  const byKey = new Map<string, Upcaster>();
  for (const upcaster of upcasters) {
    const key = `${upcaster.type}@${upcaster.fromVersion}`;
    if (byKey.has(key)) throw new TidemarkError('invalid_definition', `two upcasters for ${key}`);
    byKey.set(key, upcaster);
  }
  return {
    apply(event) {
      if (byKey.size === 0) return event;
      let current = event;
      for (;;) {
        const next = byKey.get(`${current.type}@${current.schemaVersion}`);
        if (next === undefined) return current;
        current = {
          ...current,
          schemaVersion: current.schemaVersion + 1,
          payload: next.upcast(current.payload, current),
        };
      }
    },
  };
}
