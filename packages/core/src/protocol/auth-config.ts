/**
 * `GET /api/auth/config`: how the app's users sign in, learned at run time so
 * that one build of a PWA works against a development Worker and a deployed
 * one. The Worker answers it from its environment; the browser parses it here.
 */
import { z } from 'zod';

/** Which of its tokens an OpenID provider's answer the browser sends as its bearer token. */
export const BearerTokenKind = z.enum(['id_token', 'access_token']);

export const AuthConfigSchema = z.discriminatedUnion('mode', [
  /** `POST /api/dev/token` signs any name into any tenant (local development only). */
  z.object({ mode: z.literal('dev') }),
  /** Authorization code + PKCE against an OpenID Connect provider. */
  z.object({
    mode: z.literal('oidc'),
    issuer: z.url(),
    clientId: z.string().min(1),
    /** Space-separated, as in the authorization request; always includes `openid`. */
    scopes: z.string().min(1),
    token: BearerTokenKind,
    /** The claims that name the tenant and the roles in that token. */
    tenantClaim: z.string().min(1),
    rolesClaim: z.string().min(1),
  }),
  /** Neither is configured: nobody can sign in through the browser. */
  z.object({ mode: z.literal('none') }),
]);

export type AuthConfig = z.output<typeof AuthConfigSchema>;
export type OidcConfig = Extract<AuthConfig, { mode: 'oidc' }>;
