/** The Hono context type of every Tidemark route. */
import type { Access } from '@tidemark/core';
import type { TidemarkEnv } from '../env';

export interface EdgeContext {
  Bindings: TidemarkEnv;
  Variables: { access: Access };
}
