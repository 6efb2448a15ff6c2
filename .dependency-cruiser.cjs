/**
 * Layers point one way (DESIGN.md): core <- edge, client, cli <- apps.
 * `pnpm check` fails on any import that breaks this.
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
      name: 'no-circular',
      severity: 'error',
      from: {},
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
