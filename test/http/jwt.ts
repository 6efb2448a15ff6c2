/**
 * Forges HS256 JWTs the way a client or an attacker could, to test the
 * server's `401 unauthorized` answers. The secret is the development one from
 * `.dev.vars.example` (copied to `.dev.vars` for `wrangler dev`).
 */
import { createHmac } from 'node:crypto';

/** `.dev.vars.example`'s JWT_SECRET, development only. */
export const DEV_JWT_SECRET = 'tidemark-dev-secret-change-me';

export interface SignOptions {
  readonly secret?: string;
  /** Replaces the `{"alg":"HS256","typ":"JWT"}` header. */
  readonly header?: Readonly<Record<string, unknown>>;
}

/**
 * @example signToken({ sub: 'ann', tenant: 't-1', exp: secondsFromNow(60) })
 */
export function signToken(claims: Readonly<Record<string, unknown>>, options: SignOptions = {}): string {
  const header = options.header ?? { alg: 'HS256', typ: 'JWT' };
  const signingInput = `${encodePart(header)}.${encodePart(claims)}`;
  return `${signingInput}.${hs256(signingInput, options.secret ?? DEV_JWT_SECRET)}`;
}

/** An unsigned token (`alg: none`, empty signature): must never be accepted. */
export function unsignedToken(claims: Readonly<Record<string, unknown>>): string {
  return `${encodePart({ alg: 'none', typ: 'JWT' })}.${encodePart(claims)}.`;
}

/** The header and claims of a JWT, without verifying it; throws if it is not three base64url parts. */
export function decodeToken(token: string): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const [header, claims, signature] = token.split('.');
  if (header === undefined || claims === undefined || signature === undefined) throw new Error(`not a JWT: ${token}`);
  return { header: decodePart(header), claims: decodePart(claims) };
}

/** True when the token's HS256 signature is right for `secret`. */
export function hasValidSignature(token: string, secret = DEV_JWT_SECRET): boolean {
  const cut = token.lastIndexOf('.');
  return hs256(token.slice(0, cut), secret) === token.slice(cut + 1);
}

/** A JWT `exp`/`iat` value: seconds since the epoch, `seconds` from now (negative: past). */
export function secondsFromNow(seconds: number): number {
  return Math.floor(Date.now() / 1000) + seconds;
}

function hs256(input: string, secret: string): string {
  return createHmac('sha256', secret).update(input).digest('base64url');
}

function encodePart(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function decodePart(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}
