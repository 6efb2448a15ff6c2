import { describe, expect, it } from 'vitest';
import type { Session } from '../session';
import { MAX_WAIT_MS, planRenewal, RENEW_LEAD_MAX_MS } from './renewal';

const HOUR = 3_600_000;
const T0 = 1_700_000_000_000;

function session(lifeMs: number, via: Session['via'] = 'oidc'): Session {
  return { token: 't', sub: 'ann', tenant: 'acme', roles: [], via, issuedAt: T0, expiresAt: T0 + lifeMs };
}

describe('planRenewal', () => {
  it('waits until a minute before expiry, then refreshes', () => {
    expect(planRenewal(session(HOUR), T0, true)).toEqual({ kind: 'wait', ms: HOUR - RENEW_LEAD_MAX_MS });
    expect(planRenewal(session(HOUR), T0 + HOUR - RENEW_LEAD_MAX_MS, true)).toEqual({ kind: 'refresh' });
    expect(planRenewal(session(HOUR), T0 + 2 * HOUR, true)).toEqual({ kind: 'refresh' });
  });

  it('renews a short-lived token in the last fifth of its life, not at once', () => {
    expect(planRenewal(session(20_000), T0, true)).toEqual({ kind: 'wait', ms: 16_000 });
  });

  it('without a refresh token, uses the token to its end, then asks for a redirect', () => {
    expect(planRenewal(session(HOUR), T0 + HOUR - 1000, false)).toEqual({ kind: 'wait', ms: 1000 });
    expect(planRenewal(session(HOUR), T0 + HOUR, false)).toEqual({ kind: 'redirect' });
  });

  it('leaves development tokens and tokens without exp alone', () => {
    expect(planRenewal(session(HOUR, 'dev'), T0 + 2 * HOUR, true)).toEqual({ kind: 'none' });
    expect(planRenewal({ ...session(HOUR), expiresAt: 0 }, T0, true)).toEqual({ kind: 'none' });
  });

  it('never waits longer than a timer can', () => {
    expect(planRenewal(session(365 * 24 * HOUR), T0, true)).toEqual({ kind: 'wait', ms: MAX_WAIT_MS });
  });
});
