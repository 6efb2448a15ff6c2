import { defineConfig } from 'tsdown';
import { packageConfig } from '../../scripts/tsdown-package';

/** The library entries of `exports`, and the bin, which Node runs as it is. */
export default defineConfig(packageConfig(import.meta.dirname, { entry: { bin: './src/bin.ts' }, platform: 'node' }));
