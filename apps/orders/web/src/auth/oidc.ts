/**
 * OpenID Connect sign-in: authorization code + PKCE as a public client
 * (oauth4webapi does discovery, PKCE, the code exchange and the checks of the
 * answer and the ID token). A thin I/O shell: when to renew is renewal.ts.
 *
 * Where things are kept, and why:
 * - the PKCE verifier, state and nonce: sessionStorage, because they must
 *   outlive the redirect to the provider and back, but only in this tab;
 * - the refresh token: sessionStorage too. It is worth more than the
 *   short-lived bearer token (session.ts), so it is not kept past the tab's
 *   life, nor shared with other tabs (each renews on its own; a new tab signs
 *   in again, silently while the provider's own session lasts);
 * - the queued commands: the client's IndexedDB outbox, which a redirect or a
 *   reload does not touch.
 */
import type { OidcConfig } from '@tidemark/core/protocol';
import * as oauth from 'oauth4webapi';
import { type Session, saveSession, sessionFromToken } from '../session';

const PENDING_KEY = 'tidemark.oidc.pending';
const REFRESH_KEY = 'tidemark.oidc.refresh';
/** Set by signing out: the next sign-in in this browser asks the provider to ask who it is again. */
const SIGNED_OUT_KEY = 'tidemark.oidc.signed-out';

interface PendingSignIn {
  readonly verifier: string;
  readonly state: string;
  readonly nonce: string;
  /** The hash route to come back to. */
  readonly returnTo: string;
}

/** Leaves the page for the provider's sign-in; comes back to this origin's root with a code. */
export async function beginSignIn(config: OidcConfig): Promise<never> {
  const as = await discover(config);
  if (as.authorization_endpoint === undefined) throw new Error('the provider has no authorization endpoint');
  const pending: PendingSignIn = {
    verifier: oauth.generateRandomCodeVerifier(),
    state: oauth.generateRandomState(),
    nonce: oauth.generateRandomNonce(),
    returnTo: location.hash,
  };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const url = new URL(as.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: config.clientId,
    redirect_uri: redirectUri(),
    response_type: 'code',
    scope: config.scopes,
    code_challenge: await oauth.calculatePKCECodeChallenge(pending.verifier),
    code_challenge_method: 'S256',
    state: pending.state,
    nonce: pending.nonce,
    // After a sign-out the provider's own session may still be alive: on a shared device the
    // next person must not be signed in as the last one without a word.
    ...(localStorage.getItem(SIGNED_OUT_KEY) !== null && { prompt: 'login' }),
  }).toString();
  location.assign(url);
  // The page is going away; nothing after this runs.
  return new Promise<never>(() => {});
}

/** True when this page load is the provider sending the browser back to us. */
export function isSignInCallback(): boolean {
  const params = new URLSearchParams(location.search);
  return (params.has('code') || params.has('error')) && sessionStorage.getItem(PENDING_KEY) !== null;
}

/** Checks the provider's answer, exchanges the code, and stores the session; restores the route and a clean URL. */
export async function completeSignIn(config: OidcConfig): Promise<Session> {
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null') as PendingSignIn | null;
  sessionStorage.removeItem(PENDING_KEY);
  const callback = new URL(location.href);
  // The code is single-use and the URL would otherwise stay in history and in bookmarks.
  history.replaceState(null, '', `/${pending?.returnTo ?? ''}`);
  if (pending === null) throw new Error('no sign-in was started in this tab');
  const as = await discover(config);
  const client = clientOf(config);
  const params = oauth.validateAuthResponse(as, client, callback, pending.state);
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    oauth.None(),
    params,
    redirectUri(),
    pending.verifier,
    insecure(config),
  );
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, {
    expectedNonce: pending.nonce,
    requireIdToken: true,
  });
  return keep(config, tokens);
}

export function hasRefreshToken(): boolean {
  return sessionStorage.getItem(REFRESH_KEY) !== null;
}

/** Renews without leaving the page. On failure the refresh token is dropped, so the next step is a redirect. */
export async function refresh(config: OidcConfig): Promise<Session> {
  const refreshToken = sessionStorage.getItem(REFRESH_KEY);
  if (refreshToken === null) throw new Error('no refresh token');
  try {
    const as = await discover(config);
    const client = clientOf(config);
    const response = await oauth.refreshTokenGrantRequest(as, client, oauth.None(), refreshToken, insecure(config));
    return keep(config, await oauth.processRefreshTokenResponse(as, client, response));
  } catch (error) {
    // Offline is not a verdict on the token: keep it for when the network is back.
    if (!(error instanceof TypeError)) sessionStorage.removeItem(REFRESH_KEY);
    throw error;
  }
}

/**
 * Signing out: forgets this tab's refresh token, and makes the next sign-in
 * here ask for a login. The provider's own session is the provider's to end.
 */
export function forgetProviderTokens(): void {
  sessionStorage.removeItem(REFRESH_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  localStorage.setItem(SIGNED_OUT_KEY, '1');
}

function keep(config: OidcConfig, tokens: oauth.TokenEndpointResponse): Session {
  const bearer = config.token === 'id_token' ? tokens.id_token : tokens.access_token;
  if (bearer === undefined) throw new Error(`the provider sent no ${config.token}`);
  const session = sessionFromToken(bearer, 'oidc', config);
  localStorage.removeItem(SIGNED_OUT_KEY);
  // Rotation: a provider may send a new refresh token with each use; the old one is then spent.
  if (tokens.refresh_token !== undefined) sessionStorage.setItem(REFRESH_KEY, tokens.refresh_token);
  saveSession(session);
  return session;
}

let discovered: { issuer: string; as: Promise<oauth.AuthorizationServer> } | undefined;

function discover(config: OidcConfig): Promise<oauth.AuthorizationServer> {
  if (discovered?.issuer !== config.issuer) {
    const issuer = new URL(config.issuer);
    const as = oauth.discoveryRequest(issuer, insecure(config)).then((r) => oauth.processDiscoveryResponse(issuer, r));
    // A failed discovery (offline) is tried again next time.
    as.catch(() => {
      if (discovered?.as === as) discovered = undefined;
    });
    discovered = { issuer: config.issuer, as };
  }
  return discovered.as;
}

function clientOf(config: OidcConfig): oauth.Client {
  return { client_id: config.clientId };
}

/** The app's root: the single page, whatever route it was on (hash routes). */
function redirectUri(): string {
  return `${location.origin}/`;
}

/** Plain http only to a provider on this machine (local development and the tests). */
function insecure(config: OidcConfig): { [oauth.allowInsecureRequests]?: boolean } {
  const { protocol, hostname } = new URL(config.issuer);
  const loopback = hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
  return protocol === 'http:' && loopback ? { [oauth.allowInsecureRequests]: true } : {};
}
