/**
 * The same Order decider driven in Node, in memory, by two command loops:
 *
 * - Emmett 0.42's `DeciderCommandHandler` on its in-memory event store: read
 *   the stream, fold, decide, append with an expected version. No payload
 *   validation, no durability, no HTTP.
 * - Tidemark's core doing the same per command: `resolveCommand` (the zod
 *   schema check), `decide`, `stampEvents` (ids, metadata), and an append to
 *   an in-memory map of streams. This is the decider share of the edge path,
 *   without the Durable Objects, SQLite and HTTP around it.
 */
import { DeciderCommandHandler, getInMemoryEventStore } from '@event-driven-io/emmett';
import type { EventEnvelope } from '@tidemark/core';
import { parseCommandEnvelope } from '@tidemark/core/protocol';
import { decide, resolveCommand, stampEvents } from '@tidemark/core/runtime';
import { Order, type OrderState, ordersApp } from '@tidemark/example-orders';
import { orderCommands } from '../common/order-commands';

export interface DeciderResult {
  /** Commands in all repeats. */
  readonly commands: number;
  /** Commands each fresh store received. */
  readonly commandsPerStore: number;
  readonly seconds: number;
  readonly perSecond: number;
}

type EmmettCommand = { type: string; data: Record<string, unknown> };
type EmmettEvent = { type: string; data: Record<string, unknown> };

const CONTEXT = { actor: 'bench', roles: [], now: '2026-11-27T10:00:00.000Z' };

/**
 * CreateOrder + PayOrder for each of `orders` orders through Emmett, `repeats` times on a fresh store each
 * (small workloads are repeated so every measurement lasts long enough to time), after an untimed warm-up.
 */
export async function runEmmett(orders: number, repeats: number): Promise<DeciderResult> {
  await emmettLoop(WARM_UP_ORDERS);
  return repeated(repeats, () => emmettLoop(orders));
}

/** The same commands through Tidemark core's validate → decide → stamp, appended to a Map; run alike. */
export async function runTidemarkCore(orders: number, repeats: number): Promise<DeciderResult> {
  await coreLoop(WARM_UP_ORDERS);
  return repeated(repeats, () => coreLoop(orders));
}

async function repeated(repeats: number, run: () => Promise<DeciderResult>): Promise<DeciderResult> {
  let commands = 0;
  let seconds = 0;
  let commandsPerStore = 0;
  for (let i = 0; i < repeats; i += 1) {
    const result = await run();
    commands += result.commands;
    seconds += result.seconds;
    commandsPerStore = result.commands;
  }
  return { commands, commandsPerStore, seconds, perSecond: commands / seconds };
}

/** Orders run once before each measurement, so both loops are measured with their code optimized. */
const WARM_UP_ORDERS = 1000;

async function emmettLoop(orders: number): Promise<DeciderResult> {
  const store = getInMemoryEventStore();
  const handle = DeciderCommandHandler<OrderState, EmmettCommand, EmmettEvent>({
    initialState: () => Order.initialState,
    evolve: (state, event) => Order.evolve(state, { type: event.type, payload: event.data } as never),
    decide: (command, state) =>
      Order.decide({ type: command.type, payload: command.data } as never, state, { ...CONTEXT, aggregateId: '' }).map(
        (event) => ({ type: event.type, data: event.payload as Record<string, unknown> }),
      ),
  });
  return timed(orders, async (command) => {
    await handle(store, command.aggregateId, { type: command.type, data: command.payload });
  });
}

async function coreLoop(orders: number): Promise<DeciderResult> {
  const streams = new Map<string, EventEnvelope[]>();
  let ids = 0;
  return timed(orders, async (command) => {
    const resolved = resolveCommand(ordersApp, parseCommandEnvelope(command));
    const stream = streams.get(command.aggregateId) ?? [];
    const state = stream.reduce((s, event) => Order.evolve(s, event as never), Order.initialState);
    const decision = decide(
      resolved.aggregate,
      state,
      { type: command.type, payload: resolved.payload },
      {
        ...CONTEXT,
        aggregateId: command.aggregateId,
      },
    );
    if (!decision.ok) throw new Error(`${command.commandId}: ${decision.error.code}`);
    const events = stampEvents(resolved.aggregate, decision.events, {
      aggregate: 'Order',
      aggregateId: command.aggregateId,
      version: stream.length,
      commandId: command.commandId,
      actor: CONTEXT.actor,
      at: CONTEXT.now,
      newId: () => `e-${++ids}`,
    });
    streams.set(command.aggregateId, stream.concat(events));
  });
}

async function timed(
  orders: number,
  run: (command: ReturnType<typeof orderCommands>[number]) => Promise<void>,
): Promise<DeciderResult> {
  const started = performance.now();
  for (let order = 0; order < orders; order += 1) {
    for (const command of orderCommands('o-', order)) await run(command);
  }
  const seconds = (performance.now() - started) / 1000;
  return { commands: orders * 2, commandsPerStore: orders * 2, seconds, perSecond: (orders * 2) / seconds };
}
