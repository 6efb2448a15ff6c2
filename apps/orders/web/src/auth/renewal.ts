/**
 * When and how a provider's session is renewed: a pure decision over the
 * session, the clock and what the tab holds, so it is tested in Node and the
 * hook around it (use-renewal.ts) only waits, calls and stores.
 */
import type { Session } from '../session';

/** Renew this long before expiry at most: room for a slow network, well inside any token's life. */
export const RENEW_LEAD_MAX_MS = 60_000;
/** ...and at most this share of the token's life, so a short-lived token is not renewed at once. */
const RENEW_LEAD_SHARE = 0.2;
/** setTimeout takes at most 2^31 - 1 ms; waking up earlier just decides again. */
export const MAX_WAIT_MS = 2 ** 31 - 1;

export type Renewal =
  /** Nothing to do (a development token, or a token without `exp`). */
  | { readonly kind: 'none' }
  /** Decide again after this long. */
  | { readonly kind: 'wait'; readonly ms: number }
  /** Exchange the refresh token for a new token now, without leaving the page. */
  | { readonly kind: 'refresh' }
  /** Expired, and only a redirect to the provider can renew it: ask the person (it leaves the page). */
  | { readonly kind: 'redirect' };

/**
 * @example planRenewal(session, Date.now(), hasRefreshToken())
 */
export function planRenewal(session: Session, now: number, canRefresh: boolean): Renewal {
  if (session.via !== 'oidc' || session.expiresAt === 0) return { kind: 'none' };
  const life = Math.max(0, session.expiresAt - session.issuedAt);
  const renewAt = session.expiresAt - Math.min(RENEW_LEAD_MAX_MS, life * RENEW_LEAD_SHARE);
  if (now < renewAt) return wait(renewAt - now);
  if (canRefresh) return { kind: 'refresh' };
  // Without a refresh token the token is used to its end: a redirect would interrupt the person.
  if (now < session.expiresAt) return wait(session.expiresAt - now);
  return { kind: 'redirect' };
}

function wait(ms: number): Renewal {
  return { kind: 'wait', ms: Math.min(Math.ceil(ms), MAX_WAIT_MS) };
}
