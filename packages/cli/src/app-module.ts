/**
 * `--app <module>`: finds the app a module exports and folds a stream with
 * the app's own decider, the way the server rebuilds an aggregate.
 */
import type { App, EventEnvelope } from '@tidemark/core';
import { CliError, EXIT } from './cli-error';

/** Imports a module named on the command line (the bin bundles TypeScript first). */
export type ModuleLoader = (specifier: string) => Promise<Readonly<Record<string, unknown>>>;

/**
 * The app of `module`: the export named after `#` in the specifier, else the
 * default export, else its only export that looks like an app.
 *
 * @example findApp(await import('@tidemark/example-orders'), undefined) // ordersApp
 */
export function findApp(module: Readonly<Record<string, unknown>>, exportName: string | undefined): App {
  if (exportName !== undefined) {
    const named = module[exportName];
    if (!isApp(named)) throw new CliError('invalid_app', `export ${exportName} is not an app made by defineApp`);
    return named;
  }
  if (isApp(module.default)) return module.default;
  const apps = Object.entries(module).filter(([, value]) => isApp(value));
  const only = apps.length === 1 ? apps[0]?.[1] : undefined;
  if (isApp(only)) return only;
  const names = apps.map(([name]) => name).join(', ');
  throw new CliError(
    'invalid_app',
    apps.length === 0
      ? 'the module exports no app made by defineApp'
      : `the module exports several apps (${names}): name one with --app <module>#<export>`,
    EXIT.usage,
  );
}

/** `path/to/app.ts#ordersApp` → the module and the export name. */
export function splitAppSpecifier(specifier: string): { module: string; exportName: string | undefined } {
  const hash = specifier.lastIndexOf('#');
  if (hash <= 0) return { module: specifier, exportName: undefined };
  return { module: specifier.slice(0, hash), exportName: specifier.slice(hash + 1) };
}

/** The state after `events`, each upcast first, from the aggregate's initial state. */
export function foldStream(app: App, aggregateType: string, events: readonly EventEnvelope[]): unknown {
  const aggregate = app.aggregates.get(aggregateType);
  if (aggregate === undefined) {
    throw new CliError('unknown_aggregate', `the app ${app.name} has no aggregate ${aggregateType}`, EXIT.usage);
  }
  let state: unknown = aggregate.initialState;
  for (const event of events) {
    try {
      state = aggregate.evolve(state, app.upcast(event));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new CliError('fold_failed', `evolve failed on version ${event.version} (${event.type}): ${reason}`);
    }
  }
  return state;
}

function isApp(value: unknown): value is App {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<App>;
  return (
    typeof candidate.name === 'string' &&
    typeof candidate.upcast === 'function' &&
    typeof candidate.aggregates?.get === 'function'
  );
}
