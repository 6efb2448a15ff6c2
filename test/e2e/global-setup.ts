/**
 * One `wrangler dev` serving the built PWA and the API for the browser tests;
 * each test signs in to a tenant of its own.
 */
import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { startWrangler } from '../http/wrangler';

declare module 'vitest' {
  export interface ProvidedContext {
    appUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!existsSync(new URL('../../apps/orders/dist/index.html', import.meta.url))) {
    throw new Error('the PWA is not built: run `npm run build` first (npm test does)');
  }
  const server = await startWrangler();
  project.provide('appUrl', server.url);
  return () => server.stop();
}
