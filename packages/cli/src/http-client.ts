/**
 * The HTTP side of the CLI: bearer token, JSON in and out, and every failure
 * turned into a {@link CliError} (the server's `{"error": {code, message}}`
 * when there is one).
 */
import type { StandardSchemaV1 } from '@tidemark/core';
import { CliError, EXIT } from './cli-error';

/** Where and as whom the CLI talks. */
export interface Connection {
  readonly baseUrl: string;
  readonly token: string;
  /** Aborted on Ctrl-C. */
  readonly signal?: AbortSignal;
  readonly fetch?: typeof fetch;
}

/**
 * @example
 * const client = new HttpClient({ baseUrl: 'http://127.0.0.1:8787', token });
 * const { projections } = await client.get<{ projections: ProjectionStatus[] }>('/api/admin/projections', ProjectionListSchema);
 */
export class HttpClient {
  readonly #connection: Connection;

  constructor(connection: Connection) {
    this.#connection = connection;
  }

  get baseUrl(): string {
    return this.#connection.baseUrl;
  }

  /** GET a JSON answer; with a protocol schema, an answer of another shape is refused here, not deep in a table. */
  async get<T>(path: string, schema?: StandardSchemaV1): Promise<T> {
    return parseJson(await this.#send('GET', path), path, schema);
  }

  async post<T>(path: string, schema?: StandardSchemaV1): Promise<T> {
    return parseJson(await this.#send('POST', path), path, schema);
  }

  /** A text answer, such as the Prometheus metrics. */
  text(path: string): Promise<string> {
    return this.#send('GET', path);
  }

  async #send(method: string, path: string): Promise<string> {
    const { baseUrl, token, signal } = this.#connection;
    const url = `${baseUrl}${path}`;
    const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    let response: Response;
    let text: string;
    try {
      response = await (this.#connection.fetch ?? fetch)(url, {
        method,
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
        signal: signal === undefined ? timeout : AbortSignal.any([timeout, signal]),
      });
      text = await response.text();
    } catch (error) {
      throw networkError(error, baseUrl, signal);
    }
    if (!response.ok) throw httpError(response.status, text);
    return text;
  }
}

/**
 * A slow admin call (a rebuild answers once done) still answers well within
 * this; a server that holds longer is reported rather than waited on forever.
 */
const REQUEST_TIMEOUT_MS = 120_000;

/** The server's error, or one named after the status when the body is not the contract's JSON. */
export function httpError(status: number, body: string): CliError {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
    const code = parsed.error?.code;
    if (typeof code === 'string') {
      const message = typeof parsed.error?.message === 'string' ? parsed.error.message : `HTTP ${status}`;
      return new CliError(code, message);
    }
  } catch {
    // Not JSON: a proxy's page, or not a Tidemark server at all.
  }
  const excerpt = body.trim().replace(/\s+/g, ' ').slice(0, 200);
  return new CliError(`http_${status}`, excerpt === '' ? `HTTP ${status}` : `HTTP ${status}: ${excerpt}`);
}

function networkError(error: unknown, baseUrl: string, signal: AbortSignal | undefined): CliError {
  if (signal?.aborted === true) return new CliError('interrupted', 'stopped', EXIT.interrupted);
  if (error instanceof DOMException && error.name === 'TimeoutError') {
    return new CliError('timeout', `no answer from ${baseUrl} within ${REQUEST_TIMEOUT_MS / 1000} s`);
  }
  return new CliError('network_error', `cannot reach ${baseUrl} (${describeCause(error)})`);
}

/** undici reports `fetch failed` and hides the reason (ECONNREFUSED, ENOTFOUND, ...) in `cause`. */
function describeCause(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const message = typeof cause?.message === 'string' && cause.message !== '' ? cause.message : undefined;
  if (message !== undefined) return message;
  if (code !== undefined) return code;
  return error instanceof Error ? error.message : String(error);
}

function parseJson<T>(text: string, path: string, schema: StandardSchemaV1 | undefined): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliError('invalid_response', `${path} did not answer JSON`);
  }
  const checked = schema?.['~standard'].validate(json);
  const issue = checked instanceof Promise ? undefined : checked?.issues?.[0];
  if (issue !== undefined) {
    const where = (issue.path ?? []).map((segment) => (typeof segment === 'object' ? segment.key : segment)).join('.');
    throw new CliError(
      'invalid_response',
      `${path} answered an unexpected shape: ${where || 'body'}: ${issue.message}`,
    );
  }
  // The JSON as it came (a schema may drop fields it does not name; --json prints them all).
  return json as T;
}
