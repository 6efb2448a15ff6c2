import { defineConfig } from 'tsdown';
import { packageConfig } from '../../scripts/tsdown-package';

/**
 * Two builds: the library entries of `exports` (with types, `@tidemark/core`
 * left an import), and the bin, which Node runs as it is. The bin bundles
 * `@tidemark/*` in: inside this workspace those packages resolve to their
 * TypeScript sources, which plain Node cannot load. zod stays an import (a
 * dependency of the CLI's own).
 */
export default defineConfig([
  packageConfig(import.meta.dirname, { platform: 'node' }),
  {
    ...packageConfig(import.meta.dirname, { platform: 'node' }),
    entry: { bin: './src/bin.ts' },
    dts: false,
    // The library build above cleans dist/; this one only adds the bin.
    clean: false,
    deps: { neverBundle: [/^node:/], alwaysBundle: [/^@tidemark\//] },
  },
]);
