import type { TidemarkEnv } from '@tidemark/edge';

declare global {
  namespace Cloudflare {
    interface Env extends TidemarkEnv {}
  }
}
