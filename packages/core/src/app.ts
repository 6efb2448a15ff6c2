/**
 * An app is its aggregates plus the hooks that decide who may do what. The same
 * definition drives the edge and the browser client.
 */
import type { AnyAggregate } from './aggregate';
import type { EventEnvelope } from './envelope';
import { TidemarkError } from './errors';
import { isValidName } from './names';
import type { AnyProjection } from './projection/define-projection';
import type { CommandEnvelope } from './protocol/commands';
import { type PayloadIssue, validate } from './schema';
import { type Upcaster, upcasterChain } from './upcast';

/** Who is asking: the verified claims of a token. */
export interface Access {
  readonly actor: string;
  readonly tenant: string;
  readonly roles: readonly string[];
}

/** A command whose aggregate and type are known and whose payload passed its schema. */
export interface ResolvedCommand {
  readonly aggregate: AnyAggregate;
  readonly envelope: CommandEnvelope;
  readonly payload: unknown;
}

export interface AppConfig<A extends AnyAggregate = AnyAggregate, P extends AnyProjection = AnyProjection> {
  readonly name: string;
  readonly aggregates: readonly A[];
  /** The read models, at the edge and in the browser. */
  readonly projections?: readonly P[];
  /** Lift stored events to their current shape, wherever they are read. */
  readonly upcasters?: readonly Upcaster[];
  /**
   * May `access` send this command? Return `true`, or a sentence saying why not
   * (answered as `403 forbidden`). Runs before the aggregate is reached. Default: yes.
   */
  authorize?(access: Access, command: ResolvedCommand): true | string;
  /**
   * What `access` may see of an event read from a stream, the feed or a view's
   * source. Return the event as it should be shown (a copy). Default: unchanged.
   */
  readEvent?(access: Access, event: EventEnvelope): EventEnvelope;
  /** What `access` may see of a view's row. Return the value as it should be shown. Default: unchanged. */
  readView?(access: Access, view: string, value: unknown): unknown;
}

/** Where a view's rows live. */
export interface ViewRef {
  readonly projection: AnyProjection;
  readonly table: string;
}

/**
 * A defined app. The type parameters carry the aggregates' and projections'
 * own types, so a client can type commands and rows from the definition alone.
 */
export interface App<A extends AnyAggregate = AnyAggregate, P extends AnyProjection = AnyProjection> {
  readonly name: string;
  /** Type-level only: the app's aggregates and projections, as declared. */
  readonly types?: { readonly aggregates: A; readonly projections: P };
  readonly aggregates: ReadonlyMap<string, AnyAggregate>;
  readonly projections: ReadonlyMap<string, AnyProjection>;
  /** View name → its projection and table. */
  readonly views: ReadonlyMap<string, ViewRef>;
  authorize(access: Access, command: ResolvedCommand): true | string;
  readEvent(access: Access, event: EventEnvelope): EventEnvelope;
  readView(access: Access, view: string, value: unknown): unknown;
  /** The event lifted to its newest schemaVersion. */
  upcast(event: EventEnvelope): EventEnvelope;
}

/**
 * Declares an app.
 *
 * @example
 * export const app = defineApp({ name: 'orders', aggregates: [Order] });
 */
export function defineApp<const A extends AnyAggregate, const P extends AnyProjection = never>(
  config: AppConfig<A, P>,
): App<A, P> {
  const aggregates = new Map<string, AnyAggregate>();
  for (const aggregate of config.aggregates) {
    if (aggregates.has(aggregate.name)) {
      throw new TidemarkError('invalid_definition', `aggregate ${aggregate.name} is defined twice`);
    }
    aggregates.set(aggregate.name, aggregate);
  }
  if (!isValidName(config.name)) {
    throw new TidemarkError('invalid_definition', `app name "${config.name}" is not a valid name`);
  }
  const projections = new Map<string, AnyProjection>();
  const views = new Map<string, ViewRef>();
  for (const projection of config.projections ?? []) {
    if (projections.has(projection.name)) {
      throw new TidemarkError('invalid_definition', `projection ${projection.name} is defined twice`);
    }
    projections.set(projection.name, projection);
    for (const [view, table] of projection.views) {
      if (views.has(view)) throw new TidemarkError('invalid_definition', `view ${view} is defined twice`);
      views.set(view, { projection, table });
    }
  }
  const chain = upcasterChain(config.upcasters ?? []);
  return {
    name: config.name,
    aggregates,
    projections,
    views,
    authorize: config.authorize ?? (() => true),
    readEvent: config.readEvent ?? ((_access, event) => event),
    readView: config.readView ?? ((_access, _view, value) => value),
    upcast: (event) => chain.apply(event),
  };
}

/**
 * Finds the command's aggregate and type and validates its payload. Throws
 * `unknown_command` or `invalid_payload` (with `issues`), in the order of docs/api.md § Commands.
 */
export function resolveCommand(app: App, envelope: CommandEnvelope): ResolvedCommand {
  const aggregate = app.aggregates.get(envelope.aggregate);
  const schema =
    aggregate === undefined
      ? undefined
      : Object.hasOwn(aggregate.commands, envelope.type)
        ? aggregate.commands[envelope.type]
        : undefined;
  if (aggregate === undefined || schema === undefined) {
    throw new TidemarkError('unknown_command', `unknown command ${envelope.aggregate}.${envelope.type}`);
  }
  const payload = envelope.payload;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw invalidPayload([{ path: [], message: 'payload must be a JSON object' }]);
  }
  const result = validate(schema, payload);
  if (!result.ok) throw invalidPayload(result.issues);
  return { aggregate, envelope, payload: result.value };
}

function invalidPayload(issues: readonly PayloadIssue[]): TidemarkError {
  const first = issues[0];
  const where = first === undefined || first.path.length === 0 ? 'payload' : `payload.${first.path.join('.')}`;
  return new TidemarkError('invalid_payload', `${where}: ${first?.message ?? 'invalid'}`, { issues });
}
