/** How this deployment signs people in, asked of the Worker (`GET /api/auth/config`), so one build fits all. */
import { type AuthConfig, AuthConfigSchema } from '@tidemark/core/protocol';

export async function fetchAuthConfig(): Promise<AuthConfig> {
  const response = await fetch('/api/auth/config');
  if (!response.ok) throw new Error(`the sign-in configuration is unavailable (HTTP ${response.status})`);
  return AuthConfigSchema.parse(await response.json());
}
