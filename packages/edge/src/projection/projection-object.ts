/**
 * An edge read model: follows the tenant's feed by position and applies each
 * page of events, with its checkpoint, in ONE transaction, so every event
 * changes the tables exactly once even if the object dies mid-page or a page
 * is read twice.
 *
 * It is nudged by the feed after appends; an alarm retries when the feed
 * cannot be read. A rebuild fills a shadow generation of the tables while
 * queries keep reading the active one, then swaps them in one update. Where it
 * stands (running, paused, rebuilding, failed) moves only by the pure
 * transitions of projection-lifecycle.ts: this object reads, applies, and
 * stores what they return.
 */

import { DurableObject } from 'cloudflare:workers';
import { type App, type Tables, TidemarkError } from '@tidemark/core';
import { type AnyProjection, applyEvents, MAX_VIEW_PAGE_BYTES } from '@tidemark/core/runtime';
import { takeWithin } from '../byte-budget';
import type { DurableObjectClass } from '../durable-object-class';
import type { TidemarkEnv } from '../env';
import { encodeCursor } from '../feed/cursor';
import type { RawFeedPage } from '../feed/feed-rpc';
import { feedStub } from '../feed/feed-stub';
import { PAGE_ENVELOPE_BYTES, PROJECTION_PAGE } from '../limits';
import { countNow } from '../metrics/recorder';
import { retryDelay } from '../retry';
import { failure, type RpcResult, success } from '../rpc-result';
import { Waiters } from '../waiters';
import { lagSeconds } from './lag-seconds';
import {
  followedGeneration,
  initialLifecycle,
  type Lifecycle,
  type LifecycleEvent,
  transition,
  unusedGenerations,
} from './projection-lifecycle';
import type {
  DeadLetterInfo,
  ProjectionRef,
  ProjectionRpc,
  ProjectionStatus,
  ViewPage,
  ViewRow,
} from './projection-rpc';
import { type ProjectionRecord, ProjectionStore } from './projection-store';

/** A read may start a catch-up at most this often, as a back-stop to nudges. */
const READ_CATCH_UP_INTERVAL_MS = 1000;
/** Every waiter of a projection waits on the same thing: the active generation's checkpoint. */
const CHECKPOINT = 'checkpoint';

/** What the object holds once it knows which projection it is. */
interface Held {
  readonly ref: ProjectionRef;
  readonly projection: AnyProjection;
  readonly store: ProjectionStore;
  /** The stored record, as last written. */
  record: ProjectionRecord;
}

export function createProjectionObject(app: App): DurableObjectClass<ProjectionRpc> {
  return class ProjectionObject extends DurableObject<TidemarkEnv> implements ProjectionRpc {
    #held: Held | undefined;
    #running: Promise<void> | undefined;
    #lastCatchUp = 0;
    readonly #waiters = new Waiters<true>();
    /** Parsed hot rows of the active generation at the current checkpoint; cleared as it advances. */
    readonly #cache = new Map<string, unknown>();

    /** The feed's call after an append up to `head`: a running projection that has it already has nothing to do. */
    async nudge(ref: ProjectionRef, head: number): Promise<void> {
      const { store, record } = this.#init(ref);
      const { phase, active } = record.lifecycle;
      if (phase.kind === 'running' && store.checkpoint(active) >= head) return;
      await this.#catchUp();
    }

    async get(ref: ProjectionRef, table: string, key: string): Promise<ViewRow | null> {
      const held = this.#init(ref);
      this.#catchUpNowAndThen();
      const cacheKey = `${table}\u0000${key}`;
      let value = this.#cache.get(cacheKey);
      if (value === undefined) {
        value = held.store.get(held.record.lifecycle.active, table, key) ?? null;
        this.#cache.set(cacheKey, value);
      }
      return value === null ? null : { key, value, position: this.#cursor(held) };
    }

    async list(ref: ProjectionRef, table: string, after: string | undefined, limit: number): Promise<ViewPage> {
      const held = this.#init(ref);
      this.#catchUpNowAndThen();
      // Bounded by bytes too (a page may hold fewer than `limit`; `next` says where to go on).
      const page = takeWithin(
        held.store.list(held.record.lifecycle.active, table, after, limit + 1),
        limit,
        MAX_VIEW_PAGE_BYTES - PAGE_ENVELOPE_BYTES,
        (row) => row.bytes,
      );
      const items = page.items.map(({ key, value }) => ({ key, value }));
      const next = page.more ? (items.at(-1)?.key ?? null) : null;
      return { items, next, position: this.#cursor(held) };
    }

    async waitForPosition(ref: ProjectionRef, position: number, timeoutMs: number): Promise<boolean> {
      const { store, record } = this.#init(ref);
      if (store.checkpoint(record.lifecycle.active) >= position) return true;
      void this.#catchUp();
      return (await this.#waiters.wait(CHECKPOINT, position, timeoutMs)) !== null;
    }

    async status(ref: ProjectionRef): Promise<ProjectionStatus> {
      const held = this.#init(ref);
      const feed = feedStub(this.env, ref.tenant);
      const head = await feed.head();
      const { store } = held;
      const { phase, active } = held.record.lifecycle;
      const checkpoint = store.checkpoint(active);
      const lag = Math.max(0, head - checkpoint);
      const oldestUnappliedAt = lag === 0 ? null : await feed.committedAfter(checkpoint);
      return {
        name: ref.projection,
        state: phase.kind,
        position: this.#cursor(held),
        lag,
        lagSeconds: lagSeconds(oldestUnappliedAt, Date.now()),
        deadLetters: store.deadLetterCount(active),
        ...(phase.kind === 'rebuilding' && { rebuild: { position: store.checkpoint(phase.shadow), head } }),
        ...(phase.kind === 'failed' && { failure: phase.failure }),
      };
    }

    async pause(ref: ProjectionRef): Promise<ProjectionStatus> {
      this.#update(this.#init(ref), { type: 'pause' });
      return this.status(ref);
    }

    async resume(ref: ProjectionRef): Promise<ProjectionStatus> {
      this.#update(this.#init(ref), { type: 'resume' });
      await this.#catchUp();
      return this.status(ref);
    }

    /** Starts a rebuild and answers at once; status shows its progress. A paused projection stays paused. */
    async rebuild(ref: ProjectionRef): Promise<ProjectionStatus> {
      const held = this.#init(ref);
      this.#update(held, { type: 'rebuild', version: held.projection.version });
      void this.#catchUp();
      return this.status(ref);
    }

    async deadLetters(ref: ProjectionRef): Promise<DeadLetterInfo[]> {
      const { store, record } = this.#init(ref);
      return store.deadLetters(record.lifecycle.active).map((letter) => ({
        id: letter.id,
        projection: ref.projection,
        event: letter.event,
        error: letter.error,
        at: letter.at,
      }));
    }

    async retryDeadLetter(ref: ProjectionRef, id: number): Promise<RpcResult<null, 'not_found' | 'handler_failed'>> {
      const held = this.#init(ref);
      const { store, projection } = held;
      const gen = held.record.lifecycle.active;
      const letter = store.deadLetters(gen).find((l) => l.id === id);
      if (letter === undefined) return failure('not_found', 'no such dead letter');
      const result = await applyEvents({ ...projection, onError: 'stop' }, [letter.event], store.reader(gen));
      // A rebuild swapped in meanwhile: the letter went with the generation it belonged to.
      if (held.record.lifecycle.active !== gen) return failure('not_found', 'no such dead letter');
      const refused = result.deadLetters[0];
      if (refused !== undefined) {
        store.addDeadLetters(gen, [{ ...refused, position: letter.position }], new Date().toISOString());
        return failure('handler_failed', refused.error);
      }
      this.ctx.storage.transactionSync(() => {
        store.write(gen, result.changes);
        store.removeDeadLetter(id);
        const applied: LifecycleEvent = {
          type: 'letterApplied',
          position: letter.position,
          checkpoint: store.checkpoint(gen),
        };
        // When this was the event a `stop` projection failed at, it steps over it.
        if (transition(held.record.lifecycle, applied) !== held.record.lifecycle) {
          store.setCheckpoint(gen, letter.position);
        }
        // Last: the record in memory changes only once nothing else in the transaction can throw.
        this.#update(held, applied);
      });
      this.#cache.clear();
      void this.#catchUp();
      return success(null);
    }

    override async alarm(): Promise<void> {
      // Records the ref only: the indexes the full store needs come with the definition, which #init finds.
      const record = this.#held?.record ?? new ProjectionStore(this.ctx.storage.sql, new Map()).record();
      if (record === undefined) return;
      this.#init({ tenant: record.tenant, projection: record.projection });
      await this.#catchUp();
    }

    /** Loads the definition and storage once; checks every later call names the same projection. */
    #init(ref: ProjectionRef): Held {
      if (this.#held !== undefined) {
        checkSameProjection(this.#held.ref, ref);
        return this.#held;
      }
      const projection = app.projections.get(ref.projection);
      if (projection === undefined) throw new TidemarkError('not_found', `unknown projection ${ref.projection}`);
      const tables: Tables = projection.tables;
      const indexes = new Map(Object.entries(tables).map(([name, spec]) => [name, spec.indexes]));
      const store = new ProjectionStore(this.ctx.storage.sql, indexes);
      const stored = store.record();
      if (stored !== undefined) checkSameProjection(stored, ref);
      const record: ProjectionRecord = stored ?? {
        tenant: ref.tenant,
        projection: ref.projection,
        epoch: null,
        lifecycle: initialLifecycle(projection.version),
      };
      const held: Held = { ref, projection, store, record };
      this.#held = held;
      if (stored === undefined) store.saveRecord(record);
      // The handlers may have changed meaning: then it rebuilds, answering from the old tables meanwhile.
      else this.#update(held, { type: 'started', version: projection.version });
      return held;
    }

    /** Moves the lifecycle, stores it, and drops the generations it no longer uses. */
    #update(held: Held, event: LifecycleEvent): Lifecycle {
      const before = held.record.lifecycle;
      const after = transition(before, event);
      if (after === before) return before;
      this.#save(held, { ...held.record, lifecycle: after });
      for (const gen of unusedGenerations(before, after)) {
        while (!held.store.dropGenerationBatch(gen)) {
          // Batches keep each statement short; nothing reads this generation any more.
        }
      }
      return after;
    }

    #save(held: Held, record: ProjectionRecord): void {
      held.store.saveRecord(record);
      held.record = record;
    }

    #catchUp(): Promise<void> {
      this.#lastCatchUp = Date.now();
      if (this.#running === undefined) {
        this.#running = this.#follow().finally(() => {
          this.#running = undefined;
        });
      }
      return this.#running;
    }

    #catchUpNowAndThen(): void {
      if (this.#running === undefined && Date.now() - this.#lastCatchUp > READ_CATCH_UP_INTERVAL_MS) {
        // A back-stop, not the answer: a failure here is retried by the alarm it sets.
        this.#catchUp().catch((error) => console.warn('tidemark: projection catch-up failed', String(error)));
      }
    }

    /** Applies feed pages until the followed generation reaches the head, or the lifecycle says stop. */
    async #follow(): Promise<void> {
      const held = this.#held;
      if (held === undefined) return;
      const { store, projection } = held;
      const feed = feedStub(this.env, held.ref.tenant);
      for (;;) {
        const gen = followedGeneration(held.record.lifecycle);
        if (gen === undefined) return;
        const from = store.checkpoint(gen);
        let page: RawFeedPage;
        try {
          page = await feed.readRaw(from, PROJECTION_PAGE);
        } catch (error) {
          const next = this.#update(held, { type: 'readFailed', message: String(error), position: from + 1 });
          // Until it gives up (failed), an alarm tries again; a nudge or a read may try sooner.
          if (followedGeneration(next) !== undefined) {
            await this.ctx.storage.setAlarm(Date.now() + retryDelay(next.readFailures));
          }
          return;
        }
        this.#update(held, { type: 'readSucceeded' });
        if (held.record.epoch !== page.epoch) this.#save(held, { ...held.record, epoch: page.epoch });
        // Another call may have paused, rebuilt or applied meanwhile: start over from what is stored.
        if (followedGeneration(held.record.lifecycle) !== gen || store.checkpoint(gen) !== from) continue;
        if (page.events.length === 0) {
          if (held.record.lifecycle.phase.kind === 'rebuilding') this.#swap(held);
          return;
        }
        const events = page.events.map((row) => row.event);
        const result = await applyEvents(projection, events, store.reader(gen));
        if (followedGeneration(held.record.lifecycle) !== gen || store.checkpoint(gen) !== from) continue;
        const done = page.events.slice(0, result.processed);
        const position = done.at(-1)?.position ?? from;
        const letters = result.deadLetters.map((letter) => ({
          ...letter,
          position: page.events[events.indexOf(letter.event)]?.position ?? position,
        }));
        this.ctx.storage.transactionSync(() => {
          store.write(gen, result.changes);
          store.setCheckpoint(gen, position);
          store.addDeadLetters(gen, letters, new Date().toISOString());
          const stoppedAt = letters.at(-1);
          if (result.stopped && stoppedAt !== undefined) {
            this.#update(held, { type: 'handlerStopped', message: stoppedAt.error, position: stoppedAt.position });
          }
        });
        if (letters.length > 0) {
          const labels = { projection: held.ref.projection };
          this.ctx.waitUntil(countNow(this.env, held.ref.tenant, 'projection_failures_total', labels, letters.length));
        }
        if (gen === held.record.lifecycle.active) {
          this.#cache.clear();
          this.#wake(held);
        }
        if (result.stopped) return;
      }
    }

    /** The shadow generation caught up: it becomes the active one, and the old one is dropped. */
    #swap(held: Held): void {
      this.#update(held, { type: 'caughtUp' });
      this.#cache.clear();
      this.#wake(held);
    }

    #wake(held: Held): void {
      this.#waiters.release(CHECKPOINT, held.store.checkpoint(held.record.lifecycle.active), true);
    }

    #cursor(held: Held): string | null {
      const { epoch, lifecycle } = held.record;
      if (epoch === null) return null;
      return encodeCursor({ epoch, positions: [held.store.checkpoint(lifecycle.active)] });
    }
  };
}

/** An object's name is derived from its tenant and projection; a call naming others is a bug upstream. */
function checkSameProjection(held: ProjectionRef, asked: ProjectionRef): void {
  if (held.tenant !== asked.tenant || held.projection !== asked.projection) {
    throw new TidemarkError('internal', 'this object holds another projection');
  }
}
