import { defineConfig } from 'vitest/config';

/**
 * Three tiers (docs/guide.md § Testing): plain Node unit tests, tests inside workerd
 * (`*.worker.test.ts`, see packages/edge/vitest.config.ts), and HTTP tests
 * against a real `wrangler dev` (test/http).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'packages/*/src/**/*.test.ts',
            'apps/*/src/**/*.test.ts',
            'apps/*/web/src/**/*.test.ts',
            'scripts/**/*.test.mjs',
          ],
          exclude: ['**/*.worker.test.ts', '**/node_modules/**'],
          environment: 'node',
        },
      },
      'packages/edge/vitest.config.ts',
      'apps/orders/vitest.config.ts',
      {
        test: {
          name: 'http',
          include: ['test/http/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/http/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e.test.ts'],
          environment: 'node',
          globalSetup: ['test/e2e/global-setup.ts'],
          // Browsers are heavy on 2 cores: one file at a time.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'faults',
          include: ['test/faults/**/*.faults.test.ts'],
          environment: 'node',
          // Each file starts its own wrangler and browsers, and kills them: one at a time.
          fileParallelism: false,
          testTimeout: 900_000,
          hookTimeout: 600_000,
        },
      },
      {
        test: {
          // `npm run test:scaffold`: packs, scaffolds an app outside the repository, installs
          // it from the tarballs, runs its tests and starts it. Minutes; one thing at a time.
          name: 'scaffold',
          include: ['test/scaffold/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 1_200_000,
        },
      },
    ],
  },
});
