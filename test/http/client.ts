/**
 * A small HTTP client for the wire contract (docs/api.md), as a third-party
 * client would write it: fetch, JSON, a bearer token. Every answer is checked
 * for the contract's blanket promise that nothing yields a 5xx.
 */
import { randomUUID } from 'node:crypto';
import { expect, inject } from 'vitest';

/** The shapes of docs/api.md, loose enough to also hold what a wrong server might answer. */
export interface WireEvent {
  readonly id: string;
  readonly aggregate: string;
  readonly aggregateId: string;
  readonly version: number;
  readonly type: string;
  readonly schemaVersion: number;
  readonly payload: Record<string, unknown>;
  readonly meta: { readonly commandId: string; readonly actor: string; readonly at: string };
}

export interface WireError {
  readonly code: string;
  readonly message: string;
  readonly [field: string]: unknown;
}

export interface WireBody {
  readonly status?: string;
  readonly commandId?: string;
  readonly aggregate?: string;
  readonly aggregateId?: string;
  readonly version?: number;
  readonly events?: readonly WireEvent[];
  readonly token?: string;
  readonly error?: WireError;
  readonly results?: readonly (WireBody & { readonly httpStatus: number })[];
  readonly [field: string]: unknown;
}

export interface Reply {
  readonly status: number;
  readonly contentType: string | null;
  /** The parsed JSON body; `{}` when the body is not JSON (see `text`). */
  readonly body: WireBody;
  readonly text: string;
}

/** A command as `POST /api/commands` takes it. */
export interface Command {
  readonly commandId: string;
  readonly aggregate: string;
  readonly aggregateId: string;
  readonly type: string;
  readonly payload?: unknown;
  readonly expectedVersion?: number;
}

export interface RequestOptions {
  /** Sent as JSON. */
  readonly json?: unknown;
  /** Sent as is (malformed JSON, oversized or streamed bodies). */
  readonly raw?: string | ReadableStream<Uint8Array>;
  /** Overrides the client's own `authorization` (e.g. `null` for none). */
  readonly authorization?: string | null;
}

/** Base URL of the shared `wrangler dev` (global-setup.ts). */
export const sharedServerUrl = (): string => inject('baseUrl');

/**
 * @example
 * const api = await connect({ tenant: newTenant() });
 * const reply = await api.command(createOrder('o-1'));
 */
export class Api {
  constructor(
    readonly baseUrl: string,
    readonly token: string | null,
  ) {}

  /** The same server with another token (or none). */
  as(token: string | null): Api {
    return new Api(this.baseUrl, token);
  }

  async request(method: string, path: string, init: RequestOptions = {}): Promise<Reply> {
    const headers: Record<string, string> = {};
    const authorization = init.authorization === undefined ? bearer(this.token) : init.authorization;
    if (authorization !== null) headers.authorization = authorization;
    let body: string | ReadableStream<Uint8Array> | undefined;
    if (init.json !== undefined) body = JSON.stringify(init.json);
    if (init.raw !== undefined) body = init.raw;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
      // Needed by undici for a streamed request body.
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    const reply = { status: response.status, contentType: response.headers.get('content-type'), text };
    if (response.status >= 500) {
      throw new Error(`${method} ${path} answered ${response.status} (the contract forbids any 5xx): ${text}`);
    }
    return { ...reply, body: parseJson(text) };
  }

  command(command: unknown): Promise<Reply> {
    return this.request('POST', '/api/commands', { json: command });
  }

  batch(commands: readonly unknown[]): Promise<Reply> {
    return this.request('POST', '/api/commands/batch', { json: { commands } });
  }

  stream(aggregate: string, aggregateId: string, after?: number | string): Promise<Reply> {
    const query = after === undefined ? '' : `?after=${encodeURIComponent(String(after))}`;
    return this.request(
      'GET',
      `/api/streams/${encodeURIComponent(aggregate)}/${encodeURIComponent(aggregateId)}${query}`,
    );
  }

  /** The stream's events, asserting the read itself succeeded. */
  async events(aggregate: string, aggregateId: string): Promise<readonly WireEvent[]> {
    const reply = await this.stream(aggregate, aggregateId);
    expect(reply.status, reply.text).toBe(200);
    return reply.body.events ?? [];
  }
}

export interface Identity {
  readonly tenant: string;
  readonly sub?: string;
  readonly roles?: readonly string[];
}

/** A client holding a dev token (`POST /api/dev/token`) for `identity`. */
export async function connect(identity: Identity, baseUrl = sharedServerUrl()): Promise<Api> {
  return new Api(baseUrl, await devToken(identity, baseUrl));
}

export async function devToken(identity: Identity, baseUrl = sharedServerUrl()): Promise<string> {
  const reply = await new Api(baseUrl, null).request('POST', '/api/dev/token', {
    json: { sub: identity.sub ?? 'tester', tenant: identity.tenant, roles: identity.roles ?? [] },
  });
  const token = reply.body.token;
  if (reply.status !== 200 || typeof token !== 'string') {
    throw new Error(`POST /api/dev/token answered ${reply.status}: ${reply.text}`);
  }
  return token;
}

/** A tenant no other test file uses, so files running in parallel never see each other. */
export function newTenant(): string {
  return `t-${randomUUID()}`;
}

/** A name (command or aggregate id) that is unique across runs. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 13)}`;
}

/** Asserts the contract's error shape: `{"error": {"code", "message", ...}}` as JSON. */
export function expectError(reply: Reply, status: number, code: string): WireError {
  expect({ status: reply.status, code: reply.body.error?.code }, reply.text).toEqual({ status, code });
  expect(reply.contentType ?? '').toMatch(/^application\/json/);
  expect(typeof reply.body.error?.message, 'error.message is a sentence').toBe('string');
  return reply.body.error as WireError;
}

/** Asserts a 409 `version_conflict` or 422 domain rejection: `{"status":"rejected","error":{...}}`. */
export function expectRejected(reply: Reply, status: 409 | 422, code: string): WireError {
  const error = expectError(reply, status, code);
  expect(reply.body.status).toBe('rejected');
  return error;
}

/** Asserts a 200 `accepted` answer and returns its events. */
export function expectAccepted(reply: Reply, version?: number): readonly WireEvent[] {
  expect({ status: reply.status, answer: reply.body.status }, reply.text).toEqual({ status: 200, answer: 'accepted' });
  if (version !== undefined) expect(reply.body.version).toBe(version);
  return reply.body.events ?? [];
}

/** Versions of events, for gap and order checks. */
export const versionsOf = (events: readonly WireEvent[]): number[] => events.map((event) => event.version);

const REQUEST_TIMEOUT_MS = 20_000;

function bearer(token: string | null): string | null {
  return token === null ? null : `Bearer ${token}`;
}

function parseJson(text: string): WireBody {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as WireBody) : {};
  } catch {
    return {};
  }
}
