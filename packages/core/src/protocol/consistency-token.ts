/**
 * The body of a consistency token: `v1.<body>.<signature>`, the body naming an
 * event (aggregate, id, version) as base64url JSON. The edge signs and checks
 * the signature (the HMAC lives there, with the secret); a client that wants
 * to know which event a token names without trusting it reads the body here.
 */
import { decodeBase64UrlText, encodeBase64UrlText } from './base64url';

export const TOKEN_PREFIX = 'v1';

/** The event a consistency token waits for. */
export interface TokenTarget {
  readonly aggregate: string;
  readonly aggregateId: string;
  readonly version: number;
}

/** @example encodeTokenBody({ aggregate: 'Order', aggregateId: 'o-1', version: 2 }) */
export function encodeTokenBody(target: TokenTarget): string {
  return encodeBase64UrlText(JSON.stringify([target.aggregate, target.aggregateId, target.version]));
}

/** The target a body names, or undefined when it is not one. */
export function decodeTokenBody(body: string): TokenTarget | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(decodeBase64UrlText(body));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) return undefined;
  const [aggregate, aggregateId, version] = parsed as unknown[];
  if (typeof aggregate !== 'string' || typeof aggregateId !== 'string') return undefined;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) return undefined;
  return { aggregate, aggregateId, version };
}

/** The parts of a token of this format, or undefined: the signature is left to whoever holds the key. */
export function splitToken(token: string): { readonly body: string; readonly signature: string } | undefined {
  const [prefix, body, signature, ...rest] = token.split('.');
  if (prefix !== TOKEN_PREFIX || body === undefined || signature === undefined || rest.length > 0) return undefined;
  return { body, signature };
}

/** `<prefix>.<body>.<signature>`. */
export function joinToken(body: string, signature: string): string {
  return `${TOKEN_PREFIX}.${body}.${signature}`;
}

/** What a token names, unverified: for a client guessing which of its commands a token is about. */
export function tokenTarget(token: string): TokenTarget | undefined {
  const parts = splitToken(token);
  return parts === undefined ? undefined : decodeTokenBody(parts.body);
}
