/**
 * An edge read model: follows the tenant's feed by position and applies each
 * page of events, with its checkpoint, in ONE transaction, so every event
 * changes the tables exactly once even if the object dies mid-page or a page
 * is read twice.
 *
 * It is nudged by the feed after appends; an alarm retries when the feed
 * cannot be read. A rebuild fills a shadow generation of the tables while
 * queries keep reading the active one, then swaps them in one update.
 */

import { DurableObject } from 'cloudflare:workers';
import {
  type AnyProjection,
  type App,
  applyEvents,
  MAX_VIEW_PAGE_BYTES,
  type Tables,
  TidemarkError,
} from '@tidemark/core';
import { takeWithin } from '../byte-budget';
import type { DurableObjectClass } from '../durable-object-class';
import type { TidemarkEnv } from '../env';
import { encodeCursor } from '../feed/cursor';
import { feedStub } from '../feed/feed-stub';
import { OUTBOX_RETRY_MAX_MS, OUTBOX_RETRY_MS, PAGE_ENVELOPE_BYTES, PROJECTION_PAGE } from '../limits';
import type {
  DeadLetterInfo,
  ProjectionRef,
  ProjectionRpc,
  ProjectionState,
  ProjectionStatus,
  ViewPage,
  ViewRow,
} from './projection-rpc';
import { ProjectionStore } from './projection-store';

/** A read may start a catch-up at most this often, as a back-stop to nudges. */
const READ_CATCH_UP_INTERVAL_MS = 1000;

interface Waiter {
  readonly position: number;
  readonly resolve: (reached: boolean) => void;
}

export function createProjectionObject(app: App): DurableObjectClass<ProjectionRpc> {
  return class ProjectionObject extends DurableObject<TidemarkEnv> implements ProjectionRpc {
    #ref: ProjectionRef | undefined;
    #projection: AnyProjection | undefined;
    #store: ProjectionStore | undefined;
    #running: Promise<void> | undefined;
    #lastCatchUp = 0;
    #waiters: Waiter[] = [];
    /** Parsed hot rows of the active generation at the current checkpoint; cleared as it advances. */
    readonly #cache = new Map<string, unknown>();

    async nudge(ref: ProjectionRef, _head: number): Promise<void> {
      this.#init(ref);
      await this.#catchUp();
    }

    async get(ref: ProjectionRef, table: string, key: string): Promise<ViewRow | null> {
      const store = this.#init(ref);
      this.#catchUpNowAndThen();
      const cacheKey = `${table}\u0000${key}`;
      let value = this.#cache.get(cacheKey);
      if (value === undefined) {
        value = store.get(this.#active(), table, key) ?? null;
        this.#cache.set(cacheKey, value);
      }
      return value === null ? null : { key, value, position: this.#cursor() };
    }

    async list(ref: ProjectionRef, table: string, after: string | undefined, limit: number): Promise<ViewPage> {
      const store = this.#init(ref);
      this.#catchUpNowAndThen();
      // Bounded by bytes too (a page may hold fewer than `limit`; `next` says where to go on).
      const page = takeWithin(
        store.list(this.#active(), table, after, limit + 1),
        limit,
        MAX_VIEW_PAGE_BYTES - PAGE_ENVELOPE_BYTES,
        (row) => row.bytes,
      );
      const items = page.items.map(({ key, value }) => ({ key, value }));
      const next = page.more ? (items.at(-1)?.key ?? null) : null;
      return { items, next, position: this.#cursor() };
    }

    waitForPosition(ref: ProjectionRef, position: number, timeoutMs: number): Promise<boolean> {
      const store = this.#init(ref);
      if (store.checkpoint(this.#active()) >= position) return Promise.resolve(true);
      void this.#catchUp();
      return new Promise((resolve) => {
        const waiter: Waiter = {
          position,
          resolve: (reached) => {
            clearTimeout(timer);
            resolve(reached);
          },
        };
        const timer = setTimeout(() => {
          this.#waiters = this.#waiters.filter((w) => w !== waiter);
          resolve(false);
        }, timeoutMs);
        this.#waiters.push(waiter);
      });
    }

    async status(ref: ProjectionRef): Promise<ProjectionStatus> {
      const store = this.#init(ref);
      const head = await feedStub(this.env, ref.tenant).head();
      const active = store.checkpoint(this.#active());
      const state = this.#state();
      return {
        name: ref.projection,
        state,
        position: this.#cursor(),
        lag: Math.max(0, head - active),
        deadLetters: store.deadLetterCount(this.#active()),
        ...(state === 'rebuilding' && { rebuild: { position: store.checkpoint(this.#shadow()), head } }),
      };
    }

    async pause(ref: ProjectionRef): Promise<ProjectionStatus> {
      const store = this.#init(ref);
      const state = this.#state();
      if (state !== 'paused') {
        store.setMeta('resume_to', state === 'rebuilding' ? 'rebuilding' : 'running');
        store.setMeta('state', 'paused');
      }
      return this.status(ref);
    }

    async resume(ref: ProjectionRef): Promise<ProjectionStatus> {
      const store = this.#init(ref);
      const state = this.#state();
      if (state === 'paused') store.setMeta('state', store.meta('resume_to') ?? 'running');
      else if (state === 'failed') store.setMeta('state', 'running');
      await this.#catchUp();
      return this.status(ref);
    }

    /** Starts a rebuild and answers at once; status shows its progress. A paused projection stays paused. */
    async rebuild(ref: ProjectionRef): Promise<ProjectionStatus> {
      this.#init(ref);
      this.#startRebuild();
      void this.#catchUp();
      return this.status(ref);
    }

    async deadLetters(ref: ProjectionRef): Promise<DeadLetterInfo[]> {
      const store = this.#init(ref);
      return store.deadLetters(this.#active()).map((letter) => ({
        id: letter.id,
        projection: ref.projection,
        event: letter.event,
        error: letter.error,
        at: letter.at,
      }));
    }

    async retryDeadLetter(ref: ProjectionRef, id: number): Promise<{ found: boolean; ok: boolean; error?: string }> {
      const store = this.#init(ref);
      const projection = this.#projection as AnyProjection;
      const gen = this.#active();
      const letter = store.deadLetters(gen).find((l) => l.id === id);
      if (letter === undefined) return { found: false, ok: false };
      const result = await applyEvents({ ...projection, onError: 'stop' }, [letter.event], store.reader(gen));
      const failure = result.deadLetters[0];
      if (failure !== undefined) {
        store.addDeadLetters(gen, [{ ...failure, position: letter.position }], new Date().toISOString());
        return { found: true, ok: false, error: failure.error };
      }
      this.ctx.storage.transactionSync(() => {
        store.write(gen, result.changes);
        store.removeDeadLetter(id);
        // Under the `stop` policy this was the event the projection stopped before: step over it.
        if (this.#state() === 'failed' && letter.position > store.checkpoint(gen)) {
          store.setCheckpoint(gen, letter.position);
          store.setMeta('state', 'running');
        }
      });
      this.#cache.clear();
      void this.#catchUp();
      return { found: true, ok: true };
    }

    override async alarm(): Promise<void> {
      const tenant = this.ctx.storage.sql
        .exec<{ value: string }>("SELECT value FROM meta WHERE key = 'tenant'")
        .toArray()[0];
      const name = this.ctx.storage.sql
        .exec<{ value: string }>("SELECT value FROM meta WHERE key = 'projection'")
        .toArray()[0];
      if (tenant === undefined || name === undefined) return;
      this.#init({ tenant: tenant.value, projection: name.value });
      await this.#catchUp();
    }

    /** Loads the definition and storage once; checks every later call names the same projection. */
    #init(ref: ProjectionRef): ProjectionStore {
      if (this.#store !== undefined) {
        if (this.#ref?.tenant !== ref.tenant || this.#ref.projection !== ref.projection) {
          throw new TidemarkError('internal', 'this object holds another projection');
        }
        return this.#store;
      }
      const projection = app.projections.get(ref.projection);
      if (projection === undefined) throw new TidemarkError('not_found', `unknown projection ${ref.projection}`);
      const tables: Tables = projection.tables;
      const indexes = new Map(Object.entries(tables).map(([name, spec]) => [name, spec.indexes]));
      const store = new ProjectionStore(this.ctx.storage.sql, indexes);
      const held = store.meta('tenant');
      if (held !== undefined && (held !== ref.tenant || store.meta('projection') !== ref.projection)) {
        throw new TidemarkError('internal', 'this object holds another projection');
      }
      this.#ref = ref;
      this.#projection = projection;
      this.#store = store;
      if (held === undefined) {
        this.ctx.storage.transactionSync(() => {
          store.setMeta('tenant', ref.tenant);
          store.setMeta('projection', ref.projection);
          store.setMeta('active', '1');
          store.setMeta('state', 'running');
          store.setMeta('version', String(projection.version));
        });
      } else if (store.meta('version') !== String(projection.version) && this.#state() !== 'rebuilding') {
        // The handlers changed meaning: rebuild from the feed, answering from the old tables meanwhile.
        this.#startRebuild();
      }
      return store;
    }

    #startRebuild(): void {
      const store = this.#store as ProjectionStore;
      const shadow = Math.max(this.#active(), this.#shadow()) + 1;
      while (!store.dropGenerationBatch(shadow)) {
        // Leftovers of an earlier, abandoned rebuild into the same generation.
      }
      this.ctx.storage.transactionSync(() => {
        store.setCheckpoint(shadow, 0);
        store.setMeta('shadow', String(shadow));
        if (this.#state() === 'paused') store.setMeta('resume_to', 'rebuilding');
        else store.setMeta('state', 'rebuilding');
      });
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

    /** Applies feed pages until the target generation reaches the head, or the state says stop. */
    async #follow(): Promise<void> {
      const ref = this.#ref as ProjectionRef;
      const store = this.#store as ProjectionStore;
      const projection = this.#projection as AnyProjection;
      const feed = feedStub(this.env, ref.tenant);
      for (;;) {
        const state = this.#state();
        if (state !== 'running' && state !== 'rebuilding') return;
        const gen = state === 'rebuilding' ? this.#shadow() : this.#active();
        const from = store.checkpoint(gen);
        let page: Awaited<ReturnType<typeof feed.readRaw>>;
        try {
          page = await feed.readRaw(from, PROJECTION_PAGE);
          store.setMeta('retry_attempt', '0');
        } catch {
          const attempt = Number(store.meta('retry_attempt') ?? '0') + 1;
          store.setMeta('retry_attempt', String(attempt));
          await this.ctx.storage.setAlarm(Date.now() + Math.min(OUTBOX_RETRY_MS * 2 ** attempt, OUTBOX_RETRY_MAX_MS));
          return;
        }
        if (store.meta('epoch') !== page.epoch) store.setMeta('epoch', page.epoch);
        // Another call may have paused, rebuilt or applied meanwhile: start over from what is stored.
        if (this.#state() !== state || store.checkpoint(gen) !== from) continue;
        if (page.events.length === 0) {
          if (state === 'rebuilding') this.#swap(gen);
          return;
        }
        const events = page.events.map((row) => row.event);
        const result = await applyEvents(projection, events, store.reader(gen));
        if (this.#state() !== state || store.checkpoint(gen) !== from) continue;
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
          if (result.stopped) store.setMeta('state', 'failed');
        });
        if (gen === this.#active()) {
          this.#cache.clear();
          this.#wake();
        }
        if (result.stopped) return;
      }
    }

    /** The shadow generation caught up: it becomes the active one, and the old one is dropped. */
    #swap(shadow: number): void {
      const store = this.#store as ProjectionStore;
      const old = this.#active();
      this.ctx.storage.transactionSync(() => {
        store.setMeta('active', String(shadow));
        store.setMeta('state', 'running');
        store.setMeta('version', String((this.#projection as AnyProjection).version));
      });
      this.#cache.clear();
      this.#wake();
      while (!store.dropGenerationBatch(old)) {
        // Batches keep each statement short; the old generation is invisible already.
      }
    }

    #wake(): void {
      const reached = (this.#store as ProjectionStore).checkpoint(this.#active());
      const ready = this.#waiters.filter((w) => w.position <= reached);
      this.#waiters = this.#waiters.filter((w) => w.position > reached);
      for (const waiter of ready) waiter.resolve(true);
    }

    #state(): ProjectionState {
      return ((this.#store as ProjectionStore).meta('state') ?? 'running') as ProjectionState;
    }

    #active(): number {
      return Number((this.#store as ProjectionStore).meta('active') ?? '1');
    }

    #shadow(): number {
      return Number((this.#store as ProjectionStore).meta('shadow') ?? '0');
    }

    #cursor(): string | null {
      const store = this.#store as ProjectionStore;
      const epoch = store.meta('epoch');
      if (epoch === undefined) return null;
      return encodeCursor({ epoch, positions: [store.checkpoint(this.#active())] });
    }
  };
}
