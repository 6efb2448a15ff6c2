import type { TidemarkEnv } from '../src/env';

declare global {
  namespace Cloudflare {
    interface Env extends TidemarkEnv {}
  }
}
