/**
 * Who the fuzz suite's requests claim to be, and what they are resolved
 * against when sent: the identities of the run (valid tokens by tenant and
 * role, forged ones, odd ones) and the pools of real cursors and consistency
 * tokens gathered during the run.
 */
import fc from 'fast-check';
import type { FuzzRequest } from './fuzz-wire';
import { secondsFromNow, signToken, unsignedToken } from './jwt';

/** Who a request claims to be: a header and, for a valid token, its tenant. */
export interface Identity {
  readonly name: string;
  readonly authorization?: string;
  readonly tenant?: string;
}

export interface FuzzContext {
  /** Valid tokens of the two fuzz tenants (A and B) by role. */
  readonly member: readonly Identity[];
  readonly admin: readonly Identity[];
  readonly viewer: readonly Identity[];
  /** Admin of a third tenant that gets no commands: the only one whose projections may be paused or faulted. */
  readonly sandboxAdmin: Identity;
  /** Tokens docs/api.md § Authentication says must get `401` (alg none, wrong secret, expired, not yet valid, bad tenant...). */
  readonly forged: readonly Identity[];
  /** Signed oddities the contract leaves open (no `exp`, HS512, roles as a string): only "no 5xx" applies. */
  readonly odd: readonly Identity[];
  /** The model's order ids: the same in both tenants, read across tenants here. */
  readonly orderIds: readonly string[];
}

/** Real cursors and consistency tokens by tenant, filled during the run. */
export interface Pools {
  readonly cursors: ReadonlyMap<string, readonly string[]>;
  readonly tokens: ReadonlyMap<string, readonly string[]>;
}

/** A generated request, resolved against the pools when it is sent. */
export type FuzzCase = (pools: Pools) => FuzzRequest;

/** Any valid member or admin token of tenant A or B. */
export function valid(context: FuzzContext): fc.Arbitrary<Identity> {
  return fc.constantFrom(...context.member, ...context.admin);
}

export const pick = <T>(values: readonly T[] | undefined, index: number): T | undefined =>
  values === undefined || values.length === 0 ? undefined : values[index % values.length];

export function otherTenantOf(context: FuzzContext, tenant: string | undefined): string | undefined {
  const tenants = [...new Set(context.member.map((identity) => identity.tenant))];
  return tenants.find((other) => other !== tenant);
}

export const header = (identity: Identity) =>
  identity.authorization === undefined ? {} : { authorization: identity.authorization };
export const tenantOf = (identity: Identity) => (identity.tenant === undefined ? {} : { tenant: identity.tenant });

/** Tokens docs/api.md § Authentication says are worthless: `401` wherever a token is needed. All claim tenant A. */
export function forgedTokens(tenant: string): Identity[] {
  const exp = secondsFromNow(3600);
  const claims = { sub: 'mallory', tenant, roles: ['admin'], exp };
  const forged: [string, string][] = [
    ['alg-none', unsignedToken(claims)],
    ['alg-none-signed', signToken(claims, { header: { alg: 'none', typ: 'JWT' } })],
    ['wrong-secret', signToken(claims, { secret: 'not-the-secret' })],
    ['expired', signToken({ ...claims, exp: secondsFromNow(-3600) })],
    ['not-yet-valid', signToken({ ...claims, nbf: secondsFromNow(3600) })],
    ['hs512-header', signToken(claims, { header: { alg: 'HS512', typ: 'JWT' } })],
    ['no-sub', signToken({ tenant, exp })],
    ['no-tenant', signToken({ sub: 'mallory', exp })],
    ['tenant-number', signToken({ ...claims, tenant: 5 })],
    ['tenant-array', signToken({ ...claims, tenant: [tenant] })],
    ['tenant-empty', signToken({ ...claims, tenant: '' })],
    ['two-parts', signToken(claims).split('.').slice(0, 2).join('.')],
    ['garbage', 'not.a.jwt'],
  ];
  return forged.map(([name, token]) => ({ name: `forged-${name}`, authorization: `Bearer ${token}` }));
}

/** Signed tokens the contract leaves open: whatever the server does, no 5xx. */
export function oddTokens(tenant: string): Identity[] {
  const exp = secondsFromNow(3600);
  const odd: [string, Record<string, unknown>][] = [
    ['no-exp', { sub: 'odd', tenant }],
    ['roles-string', { sub: 'odd', tenant, roles: 'admin', exp }],
    ['exp-string', { sub: 'odd', tenant, exp: String(exp) }],
    ['exp-huge', { sub: 'odd', tenant, exp: 1e20 }],
    ['tenant-slash', { sub: 'odd', tenant: `${tenant}/x`, exp }],
    ['tenant-unicode', { sub: 'odd', tenant: `${tenant}-ü`, exp }],
    ['tenant-rtl', { sub: 'odd', tenant: `\u202E${tenant}`, exp }],
    ['tenant-nul', { sub: 'odd', tenant: `${tenant}\u0000`, exp }],
    ['sub-long', { sub: 's'.repeat(300), tenant, exp }],
    ['iat-future', { sub: 'odd', tenant, exp, iat: secondsFromNow(86_400) }],
  ];
  return odd.map(([name, claims]) => ({ name: `odd-${name}`, authorization: `Bearer ${signToken(claims)}` }));
}
