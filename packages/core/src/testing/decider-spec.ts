/**
 * Given/when/then for deciders: given past events, when a command arrives,
 * then these events (or this rejection). Framework-agnostic: a mismatch throws
 * an Error whose message shows both sides, which every test runner reports.
 */
import type { Aggregate, CommandOf, CommandSchemas, DecideContext, EventOf, EventSpecs } from '../aggregate';
import { canonicalJson } from '../canonical-json';
import { decide } from '../decision';

const DEFAULT_CONTEXT: DecideContext = {
  actor: 'tester',
  roles: [],
  now: '2026-01-01T00:00:00.000Z',
  aggregateId: 'test-1',
};

export interface Then<E extends EventSpecs> {
  /** Asserts the command is accepted with exactly these events. */
  thenEvents(expected: readonly EventOf<E>[]): void;
  /** Asserts the command is rejected with this rule's code. */
  thenRejects(code: string): void;
}

/**
 * @example
 * const spec = deciderSpec(Order);
 * spec.given([created]).when({ type: 'PayOrder', payload: { amount: 25 } }).thenEvents([paid]);
 * spec.given([]).when(pay).thenRejects('order_not_found');
 */
export function deciderSpec<S, C extends CommandSchemas, E extends EventSpecs>(
  aggregate: Aggregate<string, S, C, E>,
  context: Partial<DecideContext> = {},
) {
  return {
    given(history: readonly EventOf<E>[]) {
      return {
        when(command: CommandOf<C>): Then<E> {
          const state = history.reduce((current, event) => aggregate.evolve(current, event), aggregate.initialState);
          const decision = decide(aggregate as never, state, command, { ...DEFAULT_CONTEXT, ...context });
          return {
            thenEvents(expected) {
              if (!decision.ok) {
                throw new Error(
                  `expected events ${canonicalJson(expected)}, but rejected: ${canonicalJson(decision.error)}`,
                );
              }
              const actual = decision.events.map(({ type, payload }) => ({ type, payload }));
              if (canonicalJson(actual) !== canonicalJson(expected)) {
                throw new Error(`expected events ${canonicalJson(expected)}\n     but got ${canonicalJson(actual)}`);
              }
            },
            thenRejects(code) {
              if (decision.ok) {
                throw new Error(`expected rejection ${code}, but accepted: ${canonicalJson(decision.events)}`);
              }
              if (decision.error.code !== code) {
                throw new Error(`expected rejection ${code}, but rejected with ${canonicalJson(decision.error)}`);
              }
            },
          };
        },
      };
    },
  };
}
