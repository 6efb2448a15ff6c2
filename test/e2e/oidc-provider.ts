/**
 * A real OpenID Connect provider (oidc-provider) on 127.0.0.1 for the browser
 * tests: its own login and consent pages (any password), a public PKCE client
 * for the PWA, ID tokens that carry the tenant and roles claims. A login
 * `name@tenant` signs in to that tenant, so each test has a tenant of its own.
 *
 * Started in two steps because the provider and the app each need the other's
 * address: `listenProvider()` binds the port (the issuer is known, to start
 * wrangler with), then `serve()` registers the app's origin as the client's
 * redirect.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export const TEST_CLIENT_ID = 'orders-pwa';

export interface ProviderOptions {
  /** The app's origin: the client's redirect is its root, and CORS is allowed from it. */
  readonly appUrl: string;
  /** Lifetime of ID and access tokens. */
  readonly tokenTtlSeconds: number;
}

export interface ProviderServer {
  readonly issuer: string;
  readonly jwksUrl: string;
  serve(options: ProviderOptions): void;
  /** Whether sign-ins from now on get a refresh token (the PWA then renews without leaving the page). */
  issueRefreshTokens(yes: boolean): void;
  /** Which endpoints were called, in order (`auth`, `token`, ...): what the browser did. */
  readonly calls: readonly string[];
  stop(): Promise<void>;
}

export async function listenProvider(): Promise<ProviderServer> {
  let handle: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const calls: string[] = [];
  const policy = { refreshTokens: false };
  const server = createServer((req, res) => {
    calls.push(new URL(req.url ?? '/', 'http://x').pathname.split('/')[1] ?? '');
    if (handle === undefined) {
      res.writeHead(503).end();
      return;
    }
    handle(req, res);
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    calls,
    serve(options) {
      handle = createProvider(issuer, options, policy).callback();
    },
    issueRefreshTokens(yes) {
      policy.refreshTokens = yes;
    },
    stop: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

function createProvider(issuer: string, options: ProviderOptions, policy: { refreshTokens: boolean }): Provider {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const appOrigin = new URL(options.appUrl).origin;
  return new Provider(issuer, {
    clients: [
      {
        client_id: TEST_CLIENT_ID,
        token_endpoint_auth_method: 'none',
        redirect_uris: [`${appOrigin}/`],
        response_types: ['code'],
        grant_types: ['authorization_code', 'refresh_token'],
      },
    ],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test-rs256', alg: 'RS256', use: 'sig' }] },
    cookies: { keys: ['tidemark-e2e-cookie-key'] },
    claims: { openid: ['sub'], tidemark: ['tenant', 'roles'] },
    // The tenant and roles go into the ID token itself, which the PWA sends to the Worker.
    conformIdTokenClaims: false,
    findAccount: (_ctx: unknown, id: string) => ({
      accountId: id,
      claims: () => ({ sub: id, tenant: id.slice(id.indexOf('@') + 1), roles: [] }),
    }),
    issueRefreshToken: () => policy.refreshTokens,
    clientBasedCORS: (_ctx: unknown, origin: string) => origin === appOrigin,
    ttl: {
      IdToken: options.tokenTtlSeconds,
      AccessToken: options.tokenTtlSeconds,
      RefreshToken: 3600,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
    },
    features: { devInteractions: { enabled: true } },
  });
}
