/**
 * The authority for one aggregate: a SQLite-backed Durable Object that decides
 * commands and appends their events.
 *
 * Why this is race-free without locks: a Durable Object runs one event at a
 * time, and between reading the state and committing the events there is no
 * `await` (SQLite calls are synchronous), so no other request can interleave.
 * The output gate holds the RPC answer until the transaction is durable, so an
 * answered command survives a crash.
 *
 * Events reach the tenant's feed through an outbox written in the same
 * transaction: after the commit the object hands the outbox to the feed; if
 * that fails or is slow, the command is still answered and an alarm (armed
 * with the commit, so a crash cannot lose it) delivers later. The feed ignores
 * versions it has, so a hand-off repeated by a racing command or a twice-fired
 * alarm is harmless.
 */

import { DurableObject } from 'cloudflare:workers';
import { type App, type EventEnvelope, TidemarkError } from '@tidemark/core';
import type { AcceptedCommand, StreamPage } from '@tidemark/core/protocol';
import { type AnyAggregate, decideCommand } from '@tidemark/core/runtime';
import { jsonBytes, takeWithin } from '../byte-budget';
import type { DurableObjectClass } from '../durable-object-class';
import type { TidemarkEnv } from '../env';
import { feedStub } from '../feed/feed-stub';
import {
  DEFAULT_SNAPSHOT_EVERY,
  HANDOFF_TIMEOUT_MS,
  OUTBOX_CHUNK_BYTES,
  OUTBOX_CHUNK_EVENTS,
  OUTBOX_CHUNKS_PER_RUN,
} from '../limits';
import { retryDelay } from '../retry';
import type {
  AggregateRpc,
  AuthorityAnswer,
  ExecuteRequest,
  ImportOutcome,
  LoadInfo,
  StreamRef,
} from './aggregate-rpc';
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
export function createAggregateObject(
  app: App,
  options: AggregateObjectOptions = {},
): DurableObjectClass<AggregateRpc> {
  const snapshotEvery = options.snapshotEvery ?? DEFAULT_SNAPSHOT_EVERY;
  if (!Number.isInteger(snapshotEvery) || snapshotEvery < 1) {
    throw new TidemarkError('invalid_definition', 'snapshotEvery must be a positive integer');
  }

  return class AggregateObject extends DurableObject<TidemarkEnv> implements AggregateRpc {
    readonly #store: AggregateStore;
    #loaded: Loaded | undefined;
    /** Failed alarm deliveries in a row, for the backoff. */
    #attempt = 0;

    constructor(ctx: DurableObjectState, env: TidemarkEnv) {
      super(ctx, env);
      this.#store = new AggregateStore(ctx.storage.sql);
      // Belt and braces for a crash between a commit and its alarm: an outbox never waits without one.
      if (this.#store.outboxSize() > 0) {
        void ctx.blockConcurrencyWhile(async () => {
          if ((await ctx.storage.getAlarm()) === null) await ctx.storage.setAlarm(Date.now());
        });
      }
    }

    async execute(request: ExecuteRequest): Promise<AuthorityAnswer> {
      const answer = this.#decideAndCommit(request);
      if (answer.body.status === 'accepted') await this.#handOff(request.stream, HANDOFF_TIMEOUT_MS);
      return answer;
    }

    #decideAndCommit(request: ExecuteRequest): AuthorityAnswer {
      const loaded = this.#load(request.stream);
      const stored = this.#store.storedAnswer(request.commandId);
      if (stored !== undefined) {
        if (stored.fingerprint === request.fingerprint || stored.fingerprint === ANY_FINGERPRINT) return stored.answer;
        return commandIdReused(request.commandId);
      }

      const command = { ...request, aggregateId: request.stream.aggregateId };
      const decision = decideCommand(loaded.aggregate, loaded, command, {
        actor: request.actor,
        roles: request.roles,
        at: new Date().toISOString(),
        newId: () => crypto.randomUUID(),
      });
      if (!decision.ok) {
        const { reason, error } = decision.rejection;
        const answer = { body: { status: 'rejected', error }, byRule: reason === 'rule' } as const;
        // A rule about who may act (the decider saw the actor and roles) is not remembered,
        // so the same command id may still be sent by someone allowed.
        if (error.code !== 'forbidden') this.#remember(request, answer);
        return answer;
      }

      const { events, version, state } = decision;
      const answer: AuthorityAnswer = {
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
        this.#store.addToOutbox(events);
        this.#store.saveAnswer(request.commandId, request.fingerprint, answer);
        if (crossesSnapshot) {
          this.#store.saveSnapshot({ version, stateVersion: loaded.aggregate.stateVersion, state });
        }
      });
      // Armed with the commit (no await in between: one atomic write), so a crash before the hand-off cannot strand the outbox.
      // It is the hand-off's first retry, should the hand-off below fail.
      void this.ctx.storage.setAlarm(Date.now() + retryDelay(1));
      // Only after the commit: a failed transaction leaves the in-memory state as it was.
      loaded.state = state;
      loaded.version = version;
      return answer;
    }

    async importEvents(stream: StreamRef, events: readonly EventEnvelope[]): Promise<ImportOutcome> {
      const loaded = this.#load(stream);
      const problem = importProblem(loaded.version, events);
      if (problem !== undefined) return { ok: false, version: loaded.version, message: problem };
      let { state, version } = loaded;
      for (const event of events) {
        state = loaded.aggregate.evolve(state, app.upcast(event));
        version = event.version;
      }
      const crossesSnapshot = Math.floor(version / snapshotEvery) > Math.floor(loaded.version / snapshotEvery);
      this.ctx.storage.transactionSync(() => {
        this.#store.saveStreamRef(stream);
        this.#store.appendEvents(events);
        this.#store.addToOutbox(events);
        // The original answer to each command, rebuilt from its events, so a retry after the
        // restore is answered as before. The body's fingerprint is unknown: any body matches.
        for (const answer of acceptedAnswers(stream, events)) {
          // A command's events split across two import batches: the answer holds all of them.
          const earlier = this.#store.storedAnswer(answer.commandId)?.answer.body;
          const before = earlier?.status === 'accepted' ? earlier.events : [];
          this.#store.replaceAnswer(answer.commandId, ANY_FINGERPRINT, {
            body: { ...answer, events: [...before, ...answer.events] },
          });
        }
        if (crossesSnapshot) {
          this.#store.saveSnapshot({ version, stateVersion: loaded.aggregate.stateVersion, state });
        }
      });
      void this.ctx.storage.setAlarm(Date.now() + retryDelay(1));
      loaded.state = state;
      loaded.version = version;
      await this.#handOff(stream, HANDOFF_TIMEOUT_MS);
      return { ok: true, version };
    }

    /** Delivers the outbox; retries by alarm with backoff until the feed has everything. */
    override async alarm(): Promise<void> {
      const stream = this.#store.streamRef();
      if (stream === undefined) return;
      const outcome = await this.#handOff(stream, HANDOFF_TIMEOUT_MS * 5);
      if (outcome !== 'failed') {
        this.#attempt = 0;
        return;
      }
      this.#attempt += 1;
      // The commit's alarm was the first retry: this failure is one more.
      await this.ctx.storage.setAlarm(Date.now() + retryDelay(this.#attempt + 1));
    }

    /**
     * Hands undelivered events to the feed, in chunks bounded by count and
     * bytes, at most OUTBOX_CHUNKS_PER_RUN of them: `delivered` (the outbox
     * is empty), `more` (the run's chunks went; the alarm, set now, sends the
     * rest) or `failed` (the feed could not take one; the alarm retries).
     */
    async #handOff(stream: StreamRef, timeoutMs: number): Promise<'delivered' | 'more' | 'failed'> {
      for (let chunk = 0; chunk < OUTBOX_CHUNKS_PER_RUN; chunk += 1) {
        const remaining = await this.#handOffChunk(stream, timeoutMs);
        if (remaining === 0) return 'delivered';
        if (remaining === undefined) return 'failed';
      }
      await this.ctx.storage.setAlarm(Date.now());
      return 'more';
    }

    /** One chunk of the outbox to the feed; answers how many remain, or undefined when the feed could not take it. */
    async #handOffChunk(stream: StreamRef, timeoutMs: number): Promise<number | undefined> {
      const pending = takeWithin(
        this.#store.outboxEvents(stream, OUTBOX_CHUNK_EVENTS),
        OUTBOX_CHUNK_EVENTS,
        OUTBOX_CHUNK_BYTES,
        jsonBytes,
      ).items;
      const last = pending.at(-1);
      if (last === undefined) return 0;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let head: number;
      try {
        ({ head } = await Promise.race([
          feedStub(this.env, stream.tenant).append(stream.tenant, pending),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error('feed hand-off timed out')), timeoutMs);
          }),
        ]));
      } catch {
        // The alarm armed at commit time retries; the command's answer does not wait on a broken feed.
        return undefined;
      } finally {
        if (timer !== undefined) clearTimeout(timer);
      }
      // Only what the feed says it has: if it refused some (a gap), they stay in the outbox for the alarm.
      const remaining = this.#store.clearOutbox(Math.min(head, last.version));
      if (remaining === 0) await this.ctx.storage.deleteAlarm();
      // A gap the feed refused: the rest waits for the alarm's retry, not another chunk now.
      return head < last.version ? undefined : remaining;
    }

    readStream(stream: StreamRef, after: number, limit: number): StreamPage {
      this.#checkStream(stream);
      const events = [...this.#store.eventsAfter(stream, after, limit)].map((event) => app.upcast(event));
      return { events, version: this.#loaded?.version ?? this.#store.currentVersion() };
    }

    inspect(stream: StreamRef): LoadInfo {
      const loaded = this.#load(stream);
      return { ...loaded.info, version: loaded.version };
    }

    #remember(request: ExecuteRequest, answer: AuthorityAnswer): void {
      this.ctx.storage.transactionSync(() => {
        this.#store.saveStreamRef(request.stream);
        this.#store.saveAnswer(request.commandId, request.fingerprint, answer);
      });
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
        state = aggregate.evolve(state, app.upcast(event));
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

/** Stored for imported answers: the export does not carry command bodies, so any retry with the id matches. */
const ANY_FINGERPRINT = '*imported*';

/** Why `events` cannot continue a stream at `version`, or undefined. */
function importProblem(version: number, events: readonly EventEnvelope[]): string | undefined {
  if (events.length === 0) return 'no events';
  const gap = events.findIndex((event, index) => event.version !== version + 1 + index);
  if (gap === -1) return undefined;
  return `event ${events[gap]?.id} has version ${events[gap]?.version}, the stream expects ${version + 1 + gap}`;
}

/** The accepted answer of each command among `events` (consecutive events of one command id). */
function acceptedAnswers(stream: StreamRef, events: readonly EventEnvelope[]): AcceptedCommand[] {
  const byCommand = new Map<string, EventEnvelope[]>();
  for (const event of events) {
    const list = byCommand.get(event.meta.commandId) ?? [];
    list.push(event);
    byCommand.set(event.meta.commandId, list);
  }
  return [...byCommand].map(([commandId, commandEvents]) => ({
    status: 'accepted',
    commandId,
    aggregate: stream.aggregate,
    aggregateId: stream.aggregateId,
    version: commandEvents.at(-1)?.version ?? 0,
    events: commandEvents,
  }));
}

function commandIdReused(commandId: string): AuthorityAnswer {
  const message = `command id ${commandId} was already used on this aggregate with a different body`;
  return { body: { status: 'rejected', error: { code: 'command_id_reused', message } }, byRule: false };
}
