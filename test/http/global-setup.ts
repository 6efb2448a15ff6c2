/**
 * One `wrangler dev` shared by every HTTP test file; each file isolates itself
 * in a tenant of its own (see `client.ts`). restart.test.ts starts its own.
 */
import type { TestProject } from 'vitest/node';
import { startWrangler } from './wrangler';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the shared `wrangler dev`, e.g. `http://127.0.0.1:40123`. */
    baseUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startWrangler();
  project.provide('baseUrl', server.url);
  return () => server.stop();
}
