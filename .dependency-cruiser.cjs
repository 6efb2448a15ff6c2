/**
 * Layers point one way: core <- edge, client, cli <- apps <- test.
 * `npm run check` fails on any import that breaks this.
 */
module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      comment: 'core imports neither the runtime packages nor platform modules',
      severity: 'error',
      from: { path: '^packages/core/' },
      to: { path: ['^packages/(edge|client|cli)/', '^apps/', '^cloudflare:', '^node:', 'dexie', 'hono'] },
    },
    {
      name: 'edge-not-client',
      severity: 'error',
      from: { path: '^packages/edge/' },
      to: { path: ['^packages/(client|cli)/', '^apps/'] },
    },
    {
      name: 'client-not-edge',
      severity: 'error',
      from: { path: '^packages/client/' },
      to: { path: ['^packages/(edge|cli)/', '^apps/'] },
    },
    {
      name: 'cli-not-runtime',
      comment: 'the CLI talks to any Tidemark app over HTTP: it knows core (the wire), not the edge or the client',
      severity: 'error',
      from: { path: '^packages/cli/' },
      to: { path: ['^packages/(edge|client)/', '^apps/'] },
    },
    {
      name: 'no-deep-imports',
      comment: 'another package is reached by its name and its package.json exports, never by a path into its src/',
      severity: 'error',
      // The browser benchmark measures the client's local store without the worker around it, on purpose.
      from: { path: '^(packages/[^/]+|apps/[^/]+|test)/', pathNot: '^test/bench/browser/' },
      to: { path: '^packages/[^/]+/src/', pathNot: '^$1/', dependencyTypes: ['local'] },
    },
    {
      name: 'test-is-a-leaf',
      comment: 'the end-to-end, HTTP and fault suites use the packages; nothing shipped uses them',
      severity: 'error',
      from: { path: '^(packages|apps)/' },
      to: { path: '^test/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^(packages|apps)/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    combinedDependencies: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'default'] },
  },
};
