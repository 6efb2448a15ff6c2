/**
 * `tidemark events replay <aggregate> <id> [--app <module>]`: one stream's
 * events and, given the app's module, the state they fold to, computed here
 * with the app's own `evolve` (after upcasting), as the server would.
 */

import type { EventEnvelope } from '@tidemark/core';
import { findApp, foldStream, splitAppSpecifier } from '../app-module';
import { CliError, EXIT, isCliError } from '../cli-error';
import type { Context } from '../context';
import { readStream } from '../feed-reader';
import { countsLine, jsonLine, renderTable } from '../format';

export interface ReplayOptions {
  /** A module exporting a core `App` (defineApp); `path#export` names the export. */
  readonly app?: string;
}

/** What can be said of a stream without its decider. */
export interface StreamSummary {
  readonly version: number;
  readonly events: number;
  /** Events per type, in order of first appearance. */
  readonly types: Record<string, number>;
  readonly lastAt: string | null;
}

export async function eventsReplay(
  context: Context,
  aggregate: string,
  aggregateId: string,
  options: ReplayOptions,
): Promise<void> {
  // Load the app first: a wrong --app fails before any request.
  const app = options.app === undefined ? undefined : await loadApp(context, options.app);
  const { events, version } = await readStream(context.client, aggregate, aggregateId);
  const summary = summarize(events, version);
  const state = app === undefined ? undefined : foldStream(app, aggregate, events);

  if (context.json) {
    context.out(
      jsonLine({ aggregate, aggregateId, version, events, summary, ...(app === undefined ? {} : { state }) }),
    );
    return;
  }
  context.out(`${aggregate}/${aggregateId} · version ${version} · ${events.length} events\n`);
  if (events.length > 0) context.out(streamTable(events));
  if (app === undefined) {
    context.out(
      `last known: version ${summary.version} · ${countsLine(summary.types)} · last event at ${summary.lastAt ?? '-'}\n`,
    );
    context.out("(pass --app <module> to fold the state with the app's decider)\n");
    return;
  }
  context.out(`state (folded with app ${app.name}):\n${JSON.stringify(state, null, 2)}\n`);
}

/**
 * @example summarize(events, 2) // { version: 2, events: 2, types: { OrderCreated: 1, OrderPaid: 1 }, lastAt: '…' }
 */
export function summarize(events: readonly EventEnvelope[], version: number): StreamSummary {
  const types: Record<string, number> = {};
  for (const event of events) types[event.type] = (types[event.type] ?? 0) + 1;
  return { version, events: events.length, types, lastAt: events.at(-1)?.meta.at ?? null };
}

function streamTable(events: readonly EventEnvelope[]): string {
  return renderTable(
    ['version', 'type', 'schema', 'at', 'actor', 'command'],
    events.map((event) => [
      event.version,
      event.type,
      event.schemaVersion,
      event.meta.at,
      event.meta.actor,
      event.meta.commandId,
    ]),
  );
}

async function loadApp(context: Context, specifier: string) {
  const { module, exportName } = splitAppSpecifier(specifier);
  let loaded: Readonly<Record<string, unknown>>;
  try {
    loaded = await context.runtime.loadModule(module);
  } catch (error) {
    if (isCliError(error)) throw error;
    const reason = error instanceof Error ? error.message.split('\n').slice(0, 6).join(' ') : String(error);
    throw new CliError('invalid_app', `cannot load --app ${module}: ${reason}`, EXIT.usage);
  }
  return findApp(loaded, exportName);
}
