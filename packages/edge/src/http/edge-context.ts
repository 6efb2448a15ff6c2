/** The Hono context type of every Tidemark route. */
import type { Access } from '@tidemark/core';
import type { TidemarkEnv } from '../env';

export interface EdgeContext {
  Bindings: TidemarkEnv;
  /** `tokenExpiresAt`: the bearer token's `exp`, seconds since the epoch. */
  Variables: { access: Access; tokenExpiresAt: number };
}
