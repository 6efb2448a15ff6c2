/**
 * Consistency tokens: what `waitFor` waits for. A token names an event
 * (aggregate, id, version) of one tenant and is signed, so a client can
 * neither forge one nor use another tenant's. Deterministic: the replayed
 * answer of a retried command carries the same token. The body's format is
 * the protocol's (core); the signature and its key stay here.
 */
import { TidemarkError } from '@tidemark/core';
import {
  decodeTokenBody,
  encodeTokenBody,
  joinToken,
  splitToken,
  type TokenTarget,
  toBase64Url,
} from '@tidemark/core/protocol';

/** 128 bits of HMAC-SHA-256: enough against forgery, short enough for a URL. */
const SIGNATURE_BYTES = 16;

const keys = new Map<string, Promise<CryptoKey>>();

function keyFor(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (key === undefined) {
    // Domain-separated from JWT signing: the same secret never signs two kinds of things alike.
    key = crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(`tidemark consistency token\n${secret}`),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    );
    keys.set(secret, key);
  }
  return key;
}

/** The key that signs consistency tokens: TOKEN_SECRET, else JWT_SECRET. */
export function tokenSecret(env: { readonly TOKEN_SECRET?: string; readonly JWT_SECRET?: string }): string {
  const secret = env.TOKEN_SECRET || env.JWT_SECRET;
  if (!secret) {
    // A deployment fault, not the caller's: 503 until a key is configured.
    throw new TidemarkError('unavailable', 'consistency tokens are not configured: set TOKEN_SECRET or JWT_SECRET');
  }
  return secret;
}

/** @example await issueToken(secret, 'acme', { aggregate: 'Order', aggregateId: 'o-1', version: 2 }) */
export async function issueToken(secret: string, tenant: string, target: TokenTarget): Promise<string> {
  const body = encodeTokenBody(target);
  return joinToken(body, await sign(secret, tenant, body));
}

/** Reads a token issued to `tenant`, or throws `invalid_request`. */
export async function readToken(secret: string, tenant: string, token: string): Promise<TokenTarget> {
  const parts = splitToken(token);
  if (parts === undefined || !equalInConstantTime(await sign(secret, tenant, parts.body), parts.signature)) {
    throw invalid();
  }
  const target = decodeTokenBody(parts.body);
  if (target === undefined) throw invalid();
  return target;
}

async function sign(secret: string, tenant: string, body: string): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', await keyFor(secret), new TextEncoder().encode(`${tenant}\n${body}`));
  return toBase64Url(new Uint8Array(mac).slice(0, SIGNATURE_BYTES));
}

/**
 * String equality whose time does not depend on where the strings first
 * differ, so the time of a refusal does not tell a forger how many leading
 * characters of a signature were right.
 */
export function equalInConstantTime(a: string, b: string): boolean {
  let difference = a.length ^ b.length;
  for (let index = 0; index < a.length; index++) {
    // Past the end of `b`, charCodeAt is NaN, which a bitwise operator reads as 0.
    difference |= a.charCodeAt(index) ^ b.charCodeAt(index);
  }
  return difference === 0;
}

function invalid(): TidemarkError {
  return new TidemarkError('invalid_request', 'the consistency token was not issued by this server to this tenant');
}
