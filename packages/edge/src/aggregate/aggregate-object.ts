/**
 * The authority for one aggregate: a SQLite-backed Durable Object that decides
 * commands and appends their events.
 *
 * Why this is race-free without locks: a Durable Object runs one event at a
 * time, and between reading the state and committing the events there is no
 * `await` (SQLite calls are synchronous), so no other request can interleave.
 * The output gate holds the RPC answer until the transaction is durable, so an
 * answered command survives a crash.
 */

import { DurableObject } from 'cloudflare:workers';
import { type AnyAggregate, type App, decide, stampEvents, TidemarkError } from '@tidemark/core';
import type { TidemarkEnv } from '../env';
import { DEFAULT_SNAPSHOT_EVERY } from '../limits';
import type { AggregateRpc, CommandAnswer, ExecuteRequest, LoadInfo, StreamPage, StreamRef } from './aggregate-rpc';
import { AggregateStore } from './aggregate-store';

export interface AggregateObjectOptions {
  /** Snapshot the state every N events (default 100). Smaller: faster restarts, more writes. */
  readonly snapshotEvery?: number;
}

interface Loaded {
  readonly stream: StreamRef;
  readonly aggregate: AnyAggregate;
  state: unknown;
  version: number;
  readonly info: LoadInfo;
}

/**
 * Makes the AggregateObject class for an app. The Worker entry must export it
 * under the `class_name` of its `wrangler.toml` binding.
 *
 * @example
 * export const AggregateObject = createAggregateObject(ordersApp);
 */
export function createAggregateObject(app: App, options: AggregateObjectOptions = {}) {
  const snapshotEvery = options.snapshotEvery ?? DEFAULT_SNAPSHOT_EVERY;
  if (!Number.isInteger(snapshotEvery) || snapshotEvery < 1) {
    throw new TidemarkError('invalid_definition', 'snapshotEvery must be a positive integer');
  }

  return class AggregateObject extends DurableObject<TidemarkEnv> implements AggregateRpc {
    readonly #store: AggregateStore;
    #loaded: Loaded | undefined;

    constructor(ctx: DurableObjectState, env: TidemarkEnv) {
      super(ctx, env);
      this.#store = new AggregateStore(ctx.storage.sql);
    }

    execute(request: ExecuteRequest): CommandAnswer {
      const loaded = this.#load(request.stream);
      const stored = this.#store.storedAnswer(request.commandId);
      if (stored !== undefined) {
        if (stored.fingerprint === request.fingerprint) return stored.answer;
        return commandIdReused(request.commandId);
      }

      if (request.expectedVersion !== undefined && request.expectedVersion !== loaded.version) {
        return this.#rejectAndRemember(request, 409, {
          code: 'version_conflict',
          message: `expected version ${request.expectedVersion}, but the stream is at ${loaded.version}`,
          expectedVersion: request.expectedVersion,
          actualVersion: loaded.version,
        });
      }

      const now = new Date().toISOString();
      const decision = decide(
        loaded.aggregate,
        loaded.state,
        { type: request.type, payload: request.payload },
        { actor: request.actor, roles: request.roles, now, aggregateId: request.stream.aggregateId },
      );
      if (!decision.ok) return this.#rejectAndRemember(request, 422, decision.error);

      const events = stampEvents(loaded.aggregate, decision.events, {
        aggregate: request.stream.aggregate,
        aggregateId: request.stream.aggregateId,
        version: loaded.version,
        commandId: request.commandId,
        actor: request.actor,
        at: now,
        newId: () => crypto.randomUUID(),
      });
      const version = loaded.version + events.length;
      const answer: CommandAnswer = {
        httpStatus: 200,
        body: {
          status: 'accepted',
          commandId: request.commandId,
          aggregate: request.stream.aggregate,
          aggregateId: request.stream.aggregateId,
          version,
          events,
        },
      };
      const crossesSnapshot = Math.floor(version / snapshotEvery) > Math.floor(loaded.version / snapshotEvery);
      this.ctx.storage.transactionSync(() => {
        this.#store.saveStreamRef(request.stream);
        this.#store.appendEvents(events);
        this.#store.saveAnswer(request.commandId, request.fingerprint, answer);
        if (crossesSnapshot) {
          this.#store.saveSnapshot({ version, stateVersion: loaded.aggregate.stateVersion, state: decision.state });
        }
      });
      // Only after the commit: a failed transaction leaves the in-memory state as it was.
      loaded.state = decision.state;
      loaded.version = version;
      return answer;
    }

    readStream(stream: StreamRef, after: number, limit: number): StreamPage {
      this.#checkStream(stream);
      const events = [...this.#store.eventsAfter(stream, after, limit)];
      return { events, version: this.#loaded?.version ?? this.#store.currentVersion() };
    }

    inspect(stream: StreamRef): LoadInfo {
      const loaded = this.#load(stream);
      return { ...loaded.info, version: loaded.version };
    }

    #rejectAndRemember(
      request: ExecuteRequest,
      httpStatus: number,
      error: { code: string; message: string; [field: string]: unknown },
    ): CommandAnswer {
      const answer: CommandAnswer = { httpStatus, body: { status: 'rejected', error } };
      this.ctx.storage.transactionSync(() => {
        this.#store.saveStreamRef(request.stream);
        this.#store.saveAnswer(request.commandId, request.fingerprint, answer);
      });
      return answer;
    }

    /** Rebuilds the state once per object life: latest usable snapshot, then the events after it. */
    #load(stream: StreamRef): Loaded {
      if (this.#loaded !== undefined) {
        this.#checkStream(stream);
        return this.#loaded;
      }
      this.#checkStream(stream);
      const aggregate = app.aggregates.get(stream.aggregate);
      if (aggregate === undefined) throw new TidemarkError('internal', `no aggregate ${stream.aggregate} in this app`);

      let state: unknown = aggregate.initialState;
      let version = 0;
      let snapshotVersion: number | null = null;
      const snapshot = this.#store.latestSnapshot();
      // A snapshot of an older state shape is ignored: the events are the truth.
      if (snapshot !== undefined && snapshot.stateVersion === aggregate.stateVersion) {
        state = snapshot.state;
        version = snapshot.version;
        snapshotVersion = snapshot.version;
      }
      let eventsReplayed = 0;
      for (const event of this.#store.eventsAfter(stream, version)) {
        state = aggregate.evolve(state, event);
        version = event.version;
        eventsReplayed += 1;
      }
      this.#loaded = { stream, aggregate, state, version, info: { version, snapshotVersion, eventsReplayed } };
      return this.#loaded;
    }

    /** An object's name is derived from its stream; a request for another stream is a bug upstream. */
    #checkStream(stream: StreamRef): void {
      const held = this.#loaded?.stream ?? this.#store.streamRef();
      if (
        held !== undefined &&
        (held.tenant !== stream.tenant ||
          held.aggregate !== stream.aggregate ||
          held.aggregateId !== stream.aggregateId)
      ) {
        throw new TidemarkError('internal', 'this object holds another stream');
      }
    }
  };
}

function commandIdReused(commandId: string): CommandAnswer {
  return {
    httpStatus: 409,
    body: {
      status: 'rejected',
      error: {
        code: 'command_id_reused',
        message: `command id ${commandId} was already used on this aggregate with a different body`,
      },
    },
  };
}
