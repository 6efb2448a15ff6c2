/**
 * An in-memory authority that answers like the HTTP API's batch and feed (docs/api.md):
 * decides with the same app, numbers events per aggregate, keeps one feed,
 * stores the first answer to each command id and replays it (so a retry
 * after a lost answer is harmless), and can lose a request or its answer.
 */
import { type Access, type App, type EventEnvelope, errorCodeOf, TidemarkError } from '@tidemark/core';
import {
  type BatchResult,
  type CommandEnvelope,
  encodeTokenBody,
  type FeedPage,
  joinToken,
  parseCommandEnvelope,
  streamKey as streamKeyOf,
} from '@tidemark/core/protocol';
import { canonicalJson, decideCommand, resolveCommand } from '@tidemark/core/runtime';
import { type LiveHandle, type Transport, TransportError } from '../sync/transport';
import { ALICE, testClock } from './local-fixture';

/** How the next push fails: lost on the way (never processed) or on the way back (processed, answer lost). */
export type PushFailure = 'request' | 'answer';

export class FakeAuthority implements Transport {
  /** Every push the server received, as sent (including ones whose answer was lost). */
  readonly pushes: CommandEnvelope[][] = [];
  /** Who the transport speaks for: the client's token. */
  access: Access = ALICE;
  /** Makes the next push fail this way. */
  failNextPush: PushFailure | undefined;
  readonly #app: App;
  #epoch = 1;
  #feed: EventEnvelope[] = [];
  #streams = new Map<string, { state: unknown; version: number }>();
  #answers = new Map<string, { body: string; result: BatchResult }>();
  readonly #clock = testClock('server');

  constructor(app: App) {
    this.#app = app;
  }

  /** The whole feed. */
  get feed(): readonly EventEnvelope[] {
    return this.#feed;
  }

  /** What `POST /api/commands` would answer to `access`. */
  execute(input: CommandEnvelope, access: Access = this.access): BatchResult {
    let resolved: ReturnType<typeof resolveCommand>;
    try {
      resolved = resolveCommand(this.#app, parseCommandEnvelope(input));
    } catch (error) {
      return refused(400, errorCodeOf(error) ?? 'invalid_request', String((error as Error).message));
    }
    const { envelope, aggregate } = resolved;
    const streamKey = streamKeyOf(envelope.aggregate, envelope.aggregateId);
    const answerKey = `${streamKey}/${envelope.commandId}`;
    const body = canonicalJson({
      type: envelope.type,
      payload: envelope.payload,
      expectedVersion: envelope.expectedVersion,
    });
    const earlier = this.#answers.get(answerKey);
    if (earlier !== undefined) {
      return earlier.body === body ? earlier.result : refused(409, 'command_id_reused', 'another command used this id');
    }
    const stream = this.#streams.get(streamKey) ?? { state: aggregate.initialState, version: 0 };
    const at = this.#clock.now();
    const decision = decideCommand(
      aggregate,
      stream,
      { ...envelope, payload: resolved.payload },
      { actor: access.actor, roles: access.roles, at, newId: this.#clock.newId },
    );
    let result: BatchResult;
    if (!decision.ok) {
      const { reason, error } = decision.rejection;
      result = refused(reason === 'version_conflict' ? 409 : 422, error.code, error.message);
    } else {
      const events = decision.events.map((event, i) => ({
        ...event,
        position: this.#cursor(this.#feed.length + i + 1),
      }));
      this.#feed.push(...events);
      this.#streams.set(streamKey, { state: decision.state, version: decision.version });
      result = {
        httpStatus: 200,
        status: 'accepted',
        events,
        version: decision.version,
        token: joinToken(
          encodeTokenBody({
            aggregate: envelope.aggregate,
            aggregateId: envelope.aggregateId,
            version: decision.version,
          }),
          'unsigned',
        ),
      };
    }
    this.#answers.set(answerKey, { body, result });
    return result;
  }

  /** Forgets everything, as a server whose storage was wiped: earlier cursors become invalid. */
  reset(): void {
    this.#epoch += 1;
    this.#feed = [];
    this.#streams = new Map();
    this.#answers = new Map();
  }

  async push(commands: readonly CommandEnvelope[]): Promise<BatchResult[]> {
    const failure = this.failNextPush;
    this.failNextPush = undefined;
    if (failure === 'request') throw new TransportError('network', 'the request was lost');
    this.pushes.push([...commands]);
    const results = commands.map((command) => this.execute(command));
    if (failure === 'answer') throw new TransportError('network', 'the answer was lost');
    return results;
  }

  async pull(after: string | undefined, limit: number): Promise<FeedPage> {
    const from = after === undefined ? 0 : this.#position(after);
    const events = this.#feed.slice(from, from + limit);
    const to = from + events.length;
    return { events, cursor: this.#cursor(to), hasMore: to < this.#feed.length };
  }

  async live(): Promise<LiveHandle> {
    return { close: () => undefined };
  }

  #cursor(position: number): string {
    return `${this.#epoch}:${position}`;
  }

  #position(cursor: string): number {
    const [epoch, position] = cursor.split(':').map(Number);
    if (epoch !== this.#epoch || position === undefined || !(position >= 0 && position <= this.#feed.length)) {
      throw new TransportError('invalid_cursor', `cursor ${cursor} was not issued by this server`, 400);
    }
    return position;
  }
}

function refused(httpStatus: number, code: string, message: string): BatchResult {
  return { httpStatus, status: 'rejected', error: { code, message } };
}

/** For tests that want a TidemarkError's code from a rejected promise. */
export async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TidemarkError) return error.code;
    throw error;
  }
  return undefined;
}
