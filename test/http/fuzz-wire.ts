/**
 * The fuzz suite's wire layer: sends one generated request exactly as
 * described (any method, raw bytes, any headers), retries only what the dev
 * server itself dropped, and checks every answer against docs/api.md's
 * blanket promises: no 5xx, every error a contract code, JSON everywhere,
 * and every feed page, view page and live frame within its byte bound.
 */
import { MAX_FEED_PAGE_BYTES, MAX_VIEW_PAGE_BYTES } from '@tidemark/core/runtime';
import { liveFrameProblems, sendUpgrade } from './fuzz-live';

/**
 * Every error code the fuzz suite accepts: the codes of docs/api.md § Errors, then the
 * Order domain's rule codes. Anything else on the wire is a finding.
 */
export const CONTRACT_CODES: ReadonlySet<string> = new Set([
  'invalid_request',
  'invalid_payload',
  'unknown_command',
  'unauthorized',
  'forbidden',
  'not_found',
  'payload_too_large',
  'version_conflict',
  'command_id_reused',
  'invalid_cursor',
  'consistency_timeout',
  // The example domain's rules (docs/api.md § The example app (orders)).
  'order_exists',
  'order_not_found',
  'invalid_state',
  'wrong_amount',
  'minimum_order_amount',
]);

/** One generated request, as sent. */
export interface FuzzRequest {
  /** Which generator made it: findings are grouped by it. */
  readonly label: string;
  readonly method: string;
  /** Path and query, encoded as intended (sent as is, modulo WHATWG URL normalisation). */
  readonly path: string;
  /** The whole `Authorization` header value, or none. */
  readonly authorization?: string;
  /** `content-type`; absent means `application/json` when there is a body. `null`: no header. */
  readonly contentType?: string | null;
  readonly body?: string | Uint8Array<ArrayBuffer>;
  /** Sent as a WebSocket upgrade (see fuzz-live.ts); `protocols` as `Sec-WebSocket-Protocol`. */
  readonly upgrade?: boolean;
  readonly protocols?: readonly string[];
  /** The tenant whose feed an accepted command of this request lands in (a valid token), for the feed check. */
  readonly tenant?: string;
  /** What the contract says this particular request must get, where it says so unambiguously. */
  readonly expect?: { readonly status: number; readonly code?: string };
}

export interface FuzzReply {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
  /** The parsed JSON body, or `undefined` when the body is not JSON. */
  readonly json: unknown;
  /** Attempts beyond the first (the dev server restarted, or the connection dropped). */
  readonly retries: number;
}

/** A broken contract promise, with the request that broke it. */
export interface Finding {
  readonly kind: string;
  readonly label: string;
  readonly request: string;
  readonly detail: string;
}

/**
 * Sends `request` to `baseUrl`. Retries (bounded) only wrangler's own
 * "worker restarted mid-request" 503 and dropped connections: that is the dev
 * proxy reloading after an edit elsewhere in the repo, not the Worker
 * answering. A retried command is safe: the same `commandId` and body replay.
 */
export async function send(baseUrl: string, request: FuzzRequest): Promise<FuzzReply> {
  if (request.upgrade) return sendUpgrade(baseUrl, request);
  const headers: Record<string, string> = {};
  if (request.authorization !== undefined) headers.authorization = request.authorization;
  const contentType = request.contentType === undefined ? 'application/json' : request.contentType;
  if (request.body !== undefined && contentType !== null) headers['content-type'] = contentType;
  let lastError: unknown;
  for (let attempt = 0; attempt <= MAX_RETRIES; attempt++) {
    if (attempt > 0) await sleep(RETRY_DELAY_MS * attempt);
    try {
      const response = await fetch(`${baseUrl}${request.path}`, {
        method: request.method,
        headers,
        ...(request.body === undefined ? {} : { body: request.body }),
        redirect: 'manual',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      if (response.status === 503 && text.includes('restarted mid-request') && attempt < MAX_RETRIES) continue;
      return {
        status: response.status,
        contentType: response.headers.get('content-type') ?? '',
        text,
        json: parseJson(text),
        retries: attempt,
      };
    } catch (error) {
      lastError = error;
    }
  }
  throw new Error(`${describeRequest(request)}: no answer after ${MAX_RETRIES + 1} attempts: ${String(lastError)}`);
}

/**
 * The blanket promises of docs/api.md for one answer. Only `/api/*` answers
 * are the Worker's; every other path is the PWA's static assets, where only
 * "no 5xx" applies.
 */
export function contractFindings(baseUrl: string, request: FuzzRequest, reply: FuzzReply): Finding[] {
  const findings: Finding[] = [];
  const add = (kind: string, detail: string) =>
    findings.push({ kind, label: request.label, request: describeRequest(request), detail });
  const pathname = new URL(request.path, baseUrl).pathname;
  const isApi = pathname.startsWith('/api/');
  const error = errorOf(reply.json);

  if (reply.status >= 500) {
    // The contract's one 5xx: a `waitFor` that outlived its 5 s.
    if (!(reply.status === 504 && error?.code === 'consistency_timeout'))
      add('5xx', `${reply.status} ${clip(reply.text)}`);
  }
  if (request.expect !== undefined) {
    const want = request.expect;
    // A HEAD answer has no body to carry the code.
    const codeOk = want.code === undefined || request.method === 'HEAD' || error?.code === want.code;
    if (reply.status !== want.status || !codeOk) {
      add('wrong answer', `expected ${want.status} ${want.code ?? ''}, got ${reply.status} ${clip(reply.text)}`);
    }
  }
  if (!isApi || request.method === 'HEAD') return findings;

  if (reply.status === 101) {
    for (const problem of liveFrameProblems(reply)) add('over a byte bound', problem);
    return findings;
  }
  if (reply.status >= 200 && reply.status < 300) {
    const bound = pageBound(pathname);
    const bytes = Buffer.byteLength(reply.text);
    if (bound !== undefined && bytes > bound) add('over a byte bound', `a ${pathname} page of ${bytes} bytes`);
    const isMetrics = pathname === '/api/admin/metrics' && reply.contentType.startsWith('text/plain');
    if (!isMetrics && reply.json === undefined) add('2xx not JSON', `${reply.status} ${clip(reply.text)}`);
    if (pathname === '/api/commands/batch') findings.push(...batchFindings(request, reply));
    return findings;
  }
  if (!/^application\/json\b/.test(reply.contentType)) add('error not JSON', `${reply.status} ${reply.contentType}`);
  if (error === undefined || typeof error.message !== 'string') {
    add('error shape', `${reply.status} ${clip(reply.text)}`);
  } else if (!CONTRACT_CODES.has(error.code)) {
    add('unknown code', `${reply.status} ${error.code}`);
  }
  return findings;
}

/** Every batch result: a command's answer with its `httpStatus`, never a 5xx, errors with contract codes. */
function batchFindings(request: FuzzRequest, reply: FuzzReply): Finding[] {
  const findings: Finding[] = [];
  const add = (detail: string) =>
    findings.push({ kind: 'batch result', label: request.label, request: describeRequest(request), detail });
  const results = (reply.json as { results?: unknown }).results;
  if (!Array.isArray(results)) {
    add(`no results array: ${clip(reply.text)}`);
    return findings;
  }
  for (const [index, result] of results.entries()) {
    const httpStatus = (result as { httpStatus?: unknown } | null)?.httpStatus;
    if (typeof httpStatus !== 'number' || httpStatus >= 500) add(`#${index}: httpStatus ${String(httpStatus)}`);
    if (httpStatus === 200) continue;
    const code = errorOf(result)?.code;
    if (code === undefined || !CONTRACT_CODES.has(code)) add(`#${index}: code ${String(code)}`);
  }
  return findings;
}

/** The byte bound of a feed page or a view listing (not a row: one row is bounded by the body limit). */
function pageBound(pathname: string): number | undefined {
  if (pathname === '/api/events') return MAX_FEED_PAGE_BYTES;
  return /^\/api\/views\/[^/]+\/?$/.test(pathname) ? MAX_VIEW_PAGE_BYTES : undefined;
}

/** `{error: {code, message}}` of a body, when it has that shape. */
export function errorOf(json: unknown): { code: string; message?: unknown } | undefined {
  const error = (json as { error?: { code?: unknown; message?: unknown } } | null | undefined)?.error;
  return typeof error?.code === 'string' ? { code: error.code, message: error.message } : undefined;
}

/** One line that lets a reader replay the request with curl. */
export function describeRequest(request: FuzzRequest): string {
  const body =
    request.body === undefined
      ? ''
      : typeof request.body === 'string'
        ? ` body=${clip(request.body)}`
        : ` bytes=${Buffer.from(request.body).toString('hex').slice(0, 120)}`;
  const auth = request.authorization === undefined ? 'no-auth' : `auth=${clip(request.authorization, 40)}`;
  const type = request.contentType === undefined ? '' : ` content-type=${String(request.contentType)}`;
  return `[${request.label}] ${request.method} ${clip(request.path, 300)} ${auth}${type}${body}`;
}

/**
 * Runs `tasks` with at most `concurrency` in flight; every task runs even if
 * one fails. Resolves with the failures.
 */
export async function runPool(tasks: readonly (() => Promise<void>)[], concurrency: number): Promise<unknown[]> {
  const failures: unknown[] = [];
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next++] as () => Promise<void>;
      try {
        await task();
      } catch (error) {
        failures.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return failures;
}

export function clip(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…(${text.length} chars)` : text;
}

export const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** Per request; a `waitFor` holds at most 5 s, so this only trips on a hung server. */
const REQUEST_TIMEOUT_MS = 15_000;
const MAX_RETRIES = 3;
const RETRY_DELAY_MS = 250;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
