/**
 * Sync steps, one at a time: every change the network brings (a pulled batch,
 * live frames, the authority's rejections) goes through `integrate` here, in
 * arrival order, one transaction after the other; what each step decided is
 * told as outcomes.
 */
import type { App, EventEnvelope } from '@tidemark/core';
import type { DexieReadModel } from '../local/dexie-read-model';
import { integrate } from '../local/integrate';
import type { LocalDb, RejectionRecord } from '../local/local-db';

export type Outcome =
  | { readonly commandId: string; readonly status: 'accepted'; readonly token?: string }
  | { readonly commandId: string; readonly status: 'confirmed' }
  | {
      readonly commandId: string;
      readonly status: 'rejected';
      readonly code: string;
      readonly message: string;
      readonly by: RejectionRecord['by'];
    };

/** The outcome that tells the page of a rejection. */
export function rejectedOutcome(r: RejectionRecord): Outcome {
  return { commandId: r.commandId, status: 'rejected', code: r.code, message: r.message, by: r.by };
}

export interface StepsOptions {
  readonly app: App;
  /** Relaxed-durability connection: a lost step is redone by the next sync. */
  readonly syncDb: LocalDb;
  readonly syncReadModel: DexieReadModel;
  /** Commands sent and not yet answered: the authority decides them, not a step. */
  readonly inFlight: ReadonlySet<string>;
  readonly now: () => string;
  readonly newId: () => string;
  readonly onOutcome: (outcome: Outcome) => void;
  /** A step stored this cursor. */
  readonly onCursor: (cursor: string) => void;
}

export interface StepInput {
  readonly events: readonly EventEnvelope[];
  /** The cursor after these events; undefined keeps the stored one. */
  readonly cursor?: string | undefined;
  /** Forget confirmed data first (the server no longer knows our cursor). */
  readonly reset?: boolean;
  /** False while more of the feed is known to follow (see `integrate`). Default true. */
  readonly final?: boolean;
}

export class SyncSteps {
  readonly #o: StepsOptions;
  #last: Promise<unknown> = Promise.resolve();

  constructor(options: StepsOptions) {
    this.#o = options;
  }

  /** Runs a step after every step already queued; settles when it is committed (or failed). */
  run(input: StepInput): Promise<void> {
    const step = this.#last.then(async () => {
      const result = await integrate(this.#o.syncDb, this.#o.app, this.#o.syncReadModel, {
        events: input.events,
        cursor: input.cursor,
        inFlight: this.#o.inFlight,
        reset: input.reset ?? false,
        final: input.final ?? true,
        now: this.#o.now,
        newId: this.#o.newId,
      });
      if (input.cursor !== undefined) this.#o.onCursor(input.cursor);
      for (const commandId of result.confirmed) this.#o.onOutcome({ commandId, status: 'confirmed' });
      for (const r of result.rejected) this.#o.onOutcome(rejectedOutcome(r));
    });
    this.#last = step.catch(() => undefined);
    return step;
  }

  /** Settles once every step queued so far has. */
  idle(): Promise<unknown> {
    return this.#last;
  }
}
