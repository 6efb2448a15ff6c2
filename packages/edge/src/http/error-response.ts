/**
 * Errors on the wire: `{"error": {"code", "message", ...}}` (docs/api.md § Errors), with
 * the HTTP status each code implies. The only place HTTP statuses are chosen
 * for codes: the Durable Objects answer data.
 */
import { type ErrorBody, TidemarkError } from '@tidemark/core';
import { type ErrorCode, type ErrorDetails, isErrorCode } from '@tidemark/core/protocol';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Every code has its status: a new code without one does not compile. */
const STATUS_BY_CODE: Readonly<Record<ErrorCode, ContentfulStatusCode>> = {
  invalid_request: 400,
  invalid_payload: 400,
  unknown_command: 400,
  invalid_cursor: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  command_id_reused: 409,
  version_conflict: 409,
  tenant_not_empty: 409,
  payload_too_large: 413,
  too_many_connections: 429,
  internal: 500,
  // Raised while the app is defined, before any request: a fault of the deployment.
  invalid_definition: 500,
  unavailable: 503,
  consistency_timeout: 504,
  // The browser client's own transport failures; never raised here, a server fault if one were.
  transport_network: 500,
  transport_server: 500,
  transport_auth: 500,
  transport_invalid_cursor: 500,
  transport_client: 500,
};

/** The HTTP status for an error code; unknown codes are server faults. */
export function statusOf(code: string): ContentfulStatusCode {
  return isErrorCode(code) ? STATUS_BY_CODE[code] : 500;
}

/** Turns anything thrown into a wire error. Non-Tidemark errors are bugs: logged, answered 500. */
export function toErrorBody(error: unknown): { status: ContentfulStatusCode; body: { error: ErrorBody } } {
  if (error instanceof TidemarkError) {
    return { status: statusOf(error.code), body: { error: error.toBody() } };
  }
  console.error('tidemark: unexpected error', error);
  return { status: 500, body: { error: { code: 'internal', message: 'internal error' } } };
}

/** Answers with a wire error. */
export function errorResponse(c: Context, error: unknown): Response {
  const { status, body } = toErrorBody(error);
  return c.json(body, status);
}

/** Shorthand for `throw new TidemarkError(code, message, details)` in route code, typed by the code. */
export function fail<C extends ErrorCode>(code: C, message: string, details?: ErrorDetails[C]): never {
  throw new TidemarkError(code, message, details);
}
