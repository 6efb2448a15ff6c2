/**
 * The error codes of the wire and of the runtime, each with the details its
 * body carries. Stable: clients match on them. A map from code to anything
 * (an HTTP status, a retry policy) typed `Record<ErrorCode, …>` fails to
 * compile when a code is added here and not there.
 */
import { z } from 'zod';

/** One problem in a request or payload, as listed under `issues`. */
export interface Issue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

type NoDetails = Record<never, never>;

/** What each code's body carries besides `code` and `message`. */
export interface ErrorDetails {
  /** Malformed JSON, wrong envelope field types, bad names. */
  readonly invalid_request: { readonly issues?: readonly Issue[]; readonly field?: string };
  /** The payload fails the command's schema. */
  readonly invalid_payload: { readonly issues: readonly Issue[] };
  readonly unknown_command: NoDetails;
  readonly unauthorized: NoDetails;
  readonly forbidden: NoDetails;
  readonly not_found: NoDetails;
  /** The limit the body went over, in bytes, where one route knows it. */
  readonly payload_too_large: { readonly limit?: number };
  readonly version_conflict: { readonly expectedVersion: number; readonly actualVersion: number };
  readonly command_id_reused: NoDetails;
  /** An import into a tenant that already has events, or a batch that does not continue the feed. */
  readonly tenant_not_empty: { readonly head: number };
  readonly invalid_cursor: NoDetails;
  readonly consistency_timeout: NoDetails;
  /** Too many live sockets for one tenant. */
  readonly too_many_connections: NoDetails;
  /** An app definition the runtime refuses (bad names, bad options); raised at start-up. */
  readonly invalid_definition: NoDetails;
  readonly internal: NoDetails;
  readonly unavailable: NoDetails;
  /** The client's transport: the server cannot be reached. */
  readonly transport_network: { readonly status?: number };
  /** The client's transport: the server failed (5xx, 429). */
  readonly transport_server: { readonly status?: number };
  /** The client's transport: no token, or the token was refused. */
  readonly transport_auth: { readonly status?: number };
  /** The client's transport: the feed no longer knows the cursor. */
  readonly transport_invalid_cursor: { readonly status?: number };
  /** The client's transport: the server refused the request (4xx). */
  readonly transport_client: { readonly status?: number };
}

export type ErrorCode = keyof ErrorDetails;

/** Every code, in a list for code that needs them at run time. */
export const ERROR_CODES = [
  'invalid_request',
  'invalid_payload',
  'unknown_command',
  'unauthorized',
  'forbidden',
  'not_found',
  'payload_too_large',
  'version_conflict',
  'command_id_reused',
  'tenant_not_empty',
  'invalid_cursor',
  'consistency_timeout',
  'too_many_connections',
  'invalid_definition',
  'internal',
  'unavailable',
  'transport_network',
  'transport_server',
  'transport_auth',
  'transport_invalid_cursor',
  'transport_client',
] as const satisfies readonly ErrorCode[];

// Both ways: a code in the interface but not in the list fails here.
type Missing = Exclude<ErrorCode, (typeof ERROR_CODES)[number]>;
const allListed: [Missing] extends [never] ? true : Missing = true;
void allListed;

/** True for the runtime's own codes, as opposed to an app's rule codes. */
export function isErrorCode(code: string): code is ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(code);
}

/** The body of an error with a known code: `{code, message, ...details}`. */
export type WireError<C extends ErrorCode = ErrorCode> = {
  [K in C]: { readonly code: K; readonly message: string } & ErrorDetails[K];
}[C];

/** Any error body, a rule's code included: what travels under `error`. */
export interface ErrorBody {
  readonly code: string;
  readonly message: string;
  readonly [field: string]: unknown;
}

export const ErrorBodySchema = z.looseObject({ code: z.string().min(1), message: z.string() });

/** `{"error": {...}}`: every non-2xx answer but a command's rejection. */
export const ErrorAnswerSchema = z.object({ error: ErrorBodySchema });
export type ErrorAnswer = { readonly error: ErrorBody };
